// The official reporters' module names and ours. Their subpaths that users import (the per-test API, the reporter
// class, Playwright's fixture) all have a counterpart: our root module is both the reporter and the per-test API.

const OURS: Readonly<Record<string, string>> = {
  'playwright-qase-reporter': '@qase-reporters/playwright',
  'playwright-qase-reporter/playwright': '@qase-reporters/playwright',
  // A deep import some projects have (their troubleshooting guide names it as a mistake): the per-test API still.
  'playwright-qase-reporter/dist/playwright': '@qase-reporters/playwright',
  'playwright-qase-reporter/reporter': '@qase-reporters/playwright',
  'playwright-qase-reporter/fixture': '@qase-reporters/playwright/fixture',
  'jest-qase-reporter': '@qase-reporters/jest',
  'jest-qase-reporter/jest': '@qase-reporters/jest',
  'jest-qase-reporter/reporter': '@qase-reporters/jest',
  'mocha-qase-reporter': '@qase-reporters/mocha',
  'mocha-qase-reporter/mocha': '@qase-reporters/mocha',
  'mocha-qase-reporter/reporter': '@qase-reporters/mocha',
  'vitest-qase-reporter': '@qase-reporters/vitest',
  'vitest-qase-reporter/vitest': '@qase-reporters/vitest',
};

/**
 * What each of our modules exports by name (values and types), to catch an import of a name the official module had
 * and ours has not: `import { test } from 'playwright-qase-reporter'` would fail at run time after the swap.
 * Our Playwright fixture module is not listed: whatever it exports is what the official fixture does.
 */
export const OUR_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '@qase-reporters/playwright': ['default', 'qase'],
  '@qase-reporters/jest': ['default', 'qase', 'Qase', 'AttachOptions'],
  '@qase-reporters/mocha': ['default', 'qase', 'Qase', 'AttachOptions'],
  '@qase-reporters/vitest': ['default', 'qase', 'withQase', 'addQaseId', 'addQaseProjects', 'Qase', 'AttachOptions', 'ContextQase', 'QaseContext'],
};

/**
 * The official reporters' shared library. Users' code has no reason to import it (their docs never do) and our core
 * has a different API, so an import of it needs a person; a dependency on it that nothing imports is dropped.
 */
export const COMMONS = 'qase-javascript-commons';

/** Our module for an official module name (`jest-qase-reporter/jest` → `@qase-reporters/jest`), if there is one. */
export function ourModule(official: string): string | undefined {
  return Object.hasOwn(OURS, official) ? OURS[official] : undefined;
}

/** Our package for an official package that a package.json depends on; `COMMONS` has none. */
export function ourPackage(official: string): string | undefined {
  return official.includes('/') ? undefined : ourModule(official);
}

/** A mention of an official package anywhere in a text: what a migration must not leave behind unnoticed. */
export const OFFICIAL_MENTION = /\b(?:playwright|jest|mocha|vitest)-qase-reporter\b|\bqase-javascript-commons\b/;

/**
 * What a module name built at run time (`${framework}-qase-reporter`) may show of an official package, and so what
 * a file must contain to be worth reading.
 */
export const PARTIAL_MENTION = /qase-reporter\b|qase-javascript-commons/;

/**
 * Whether a string that mentions an official package could be a module name (one word: `jest-qase-reporter/dist/x`,
 * `${name}-qase-reporter`), rather than prose such as a test title, which is left alone and not reported.
 */
export function isModuleLike(text: string, mention: RegExp = OFFICIAL_MENTION): boolean {
  return mention.test(text) && /^\S+$/.test(text);
}

/** Whether `specifier` is the shared library or one of its subpaths (`qase-javascript-commons/profilers`). */
export function isCommons(specifier: string): boolean {
  return specifier === COMMONS || specifier.startsWith(`${COMMONS}/`);
}
