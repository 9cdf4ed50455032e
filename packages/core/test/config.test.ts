import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS, type Option } from '../src/config/options';
import { type Config, ConfigError, loadConfig, resolveConfig } from '../src/index';

const TOKEN = 'tok-5f3e9a7c1b2d4e6f8a0b';
const READY = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO' };

/** `nest('testops.api.host', 'x')` → `{ testops: { api: { host: 'x' } } }`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function errorOf(resolve: () => unknown): ConfigError {
  try {
    resolve();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig defaults', () => {
  it('sets every field when nothing is configured', () => {
    expect(resolveConfig(undefined, {}, undefined)).toEqual({
      mode: 'off',
      modeNote:
        'Not reporting to Qase: QASE_TESTOPS_API_TOKEN and QASE_TESTOPS_PROJECT are not set. Set both to upload ' +
        'results, or set QASE_MODE=dry-run to see what would be sent without uploading.',
      warnings: [],
      fallback: 'off',
      debug: false,
      environment: undefined,
      captureLogs: false,
      rootSuite: undefined,
      statusMapping: {},
      logging: { console: true, file: false },
      report: { driver: 'local', path: 'build/qase-report', format: 'json' },
      testops: {
        api: { token: undefined, baseUrl: 'https://api.qase.io', appUrl: 'https://app.qase.io', allowPlainHttp: false, refusal: undefined },
        project: undefined,
        uploadAttachments: true,
        run: { id: undefined, title: undefined, description: undefined, complete: true, tags: [], externalLink: undefined },
        plan: { id: undefined },
        batch: { size: 200 },
        defect: false,
        configurations: { values: [], createIfNotExists: false },
        statusFilter: [],
        showPublicReportLink: false,
        outboxPath: '.qase/outbox',
        deadlineMs: 120_000,
        rateLimitPerMinute: 200,
        maxConcurrentRequests: 6,
      },
      testopsMulti: undefined,
      projects: [{
        code: '',
        token: undefined,
        run: { id: undefined, title: undefined, description: undefined, complete: true, tags: [], externalLink: undefined },
        plan: { id: undefined },
        environment: undefined,
      }],
      profilers: [],
      networkProfiler: { skipDomains: [], trackOnFail: true },
      framework: {
        playwright: { browser: { addAsParameter: false, parameterName: 'browser' }, markAsFlaky: false },
        mocha: { extraReporters: [] },
      },
    } satisfies Config);
  });

  it('returns a deeply frozen object', () => {
    const config = resolveConfig({ testops: { run: { tags: ['a'] } } }, { QASE_STATUS_MAPPING: 'invalid=failed' }, {});
    for (const part of [config, config.testops, config.testops.api, config.testops.run, config.testops.run.tags, config.statusMapping]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
  });

  it('does not freeze or keep the objects it was given', () => {
    const options = { testops: { run: { tags: ['a'] } }, statusMapping: { invalid: 'failed' } };
    const config = resolveConfig(options, {}, undefined);
    expect(Object.isFrozen(options.testops.run.tags)).toBe(false);
    expect(config.testops.run.tags).not.toBe(options.testops.run.tags);
    expect(config.statusMapping).not.toBe(options.statusMapping);
  });
});

interface Spelling {
  path: string;
  /** The variable and its text; undefined for options set in the file and the reporter options only. */
  env?: string;
  envText?: string;
  value: unknown;
  read: (config: Config) => unknown;
  expected: unknown;
}

// Every option of the table in its three spellings: the QASE_* variable, qase.config.json and the reporter options.
const spellings: Spelling[] = [
  { path: 'mode', env: 'QASE_MODE', envText: 'dry-run', value: 'dry-run', read: (c) => c.mode, expected: 'dry-run' },
  { path: 'mode', env: 'QASE_MODE', envText: 'report', value: 'report', read: (c) => c.mode, expected: 'report' },
  { path: 'fallback', env: 'QASE_FALLBACK', envText: 'report', value: 'report', read: (c) => c.fallback, expected: 'report' },
  { path: 'debug', env: 'QASE_DEBUG', envText: 'true', value: true, read: (c) => c.debug, expected: true },
  { path: 'environment', env: 'QASE_ENVIRONMENT', envText: 'staging', value: 'staging', read: (c) => c.environment, expected: 'staging' },
  { path: 'captureLogs', env: 'QASE_CAPTURE_LOGS', envText: 'true', value: true, read: (c) => c.captureLogs, expected: true },
  { path: 'rootSuite', env: 'QASE_ROOT_SUITE', envText: 'E2E', value: 'E2E', read: (c) => c.rootSuite, expected: 'E2E' },
  {
    path: 'statusMapping',
    env: 'QASE_STATUS_MAPPING',
    envText: 'invalid=failed, skipped = passed',
    value: { invalid: 'failed', skipped: 'passed' },
    read: (c) => c.statusMapping,
    expected: { invalid: 'failed', skipped: 'passed' },
  },
  { path: 'logging.console', env: 'QASE_LOGGING_CONSOLE', envText: 'false', value: false, read: (c) => c.logging.console, expected: false },
  { path: 'logging.file', env: 'QASE_LOGGING_FILE', envText: 'true', value: true, read: (c) => c.logging.file, expected: true },
  { path: 'report.driver', env: 'QASE_REPORT_DRIVER', envText: 'local', value: 'local', read: (c) => c.report.driver, expected: 'local' },
  {
    path: 'report.connections.local.path',
    env: 'QASE_REPORT_CONNECTION_PATH',
    envText: 'out/dry',
    value: 'out/dry',
    read: (c) => c.report.path,
    expected: 'out/dry',
  },
  {
    path: 'report.connection.local.path',
    env: 'QASE_REPORT_CONNECTION_PATH',
    envText: 'out/dry',
    value: 'out/dry',
    read: (c) => c.report.path,
    expected: 'out/dry',
  },
  {
    path: 'report.connection.path',
    env: 'QASE_REPORT_CONNECTION_PATH',
    envText: 'out/dry',
    value: 'out/dry',
    read: (c) => c.report.path,
    expected: 'out/dry',
  },
  {
    path: 'report.connections.local.format',
    env: 'QASE_REPORT_CONNECTION_FORMAT',
    envText: 'jsonp',
    value: 'jsonp',
    read: (c) => c.report.format,
    expected: 'jsonp',
  },
  {
    path: 'report.connection.local.format',
    env: 'QASE_REPORT_CONNECTION_FORMAT',
    envText: 'jsonp',
    value: 'jsonp',
    read: (c) => c.report.format,
    expected: 'jsonp',
  },
  {
    path: 'report.connection.format',
    env: 'QASE_REPORT_CONNECTION_FORMAT',
    envText: 'jsonp',
    value: 'jsonp',
    read: (c) => c.report.format,
    expected: 'jsonp',
  },
  { path: 'testops.api.token', env: 'QASE_TESTOPS_API_TOKEN', envText: TOKEN, value: TOKEN, read: (c) => c.testops.api.token, expected: TOKEN },
  {
    path: 'testops.api.host',
    env: 'QASE_TESTOPS_API_HOST',
    envText: 'qase.example.com',
    value: 'qase.example.com',
    read: (c) => [c.testops.api.baseUrl, c.testops.api.appUrl],
    expected: ['https://api-qase.example.com', 'https://qase.example.com'],
  },
  {
    path: 'testops.api.enterprise',
    env: 'QASE_TESTOPS_API_ENTERPRISE',
    envText: 'true',
    value: true,
    read: (c) => [c.testops.api.baseUrl, c.warnings],
    expected: ['https://api.qase.io', []],
  },
  {
    path: 'testops.api.allowPlainHttp',
    env: 'QASE_TESTOPS_API_ALLOW_PLAIN_HTTP',
    envText: 'true',
    value: true,
    read: (c) => c.testops.api.allowPlainHttp,
    expected: true,
  },
  { path: 'testops.project', env: 'QASE_TESTOPS_PROJECT', envText: 'DEMO', value: 'DEMO', read: (c) => c.testops.project, expected: 'DEMO' },
  {
    path: 'testops.uploadAttachments',
    env: 'QASE_TESTOPS_UPLOAD_ATTACHMENTS',
    envText: 'false',
    value: false,
    read: (c) => c.testops.uploadAttachments,
    expected: false,
  },
  { path: 'testops.run.id', env: 'QASE_TESTOPS_RUN_ID', envText: '42', value: 42, read: (c) => c.testops.run.id, expected: 42 },
  { path: 'testops.run.title', env: 'QASE_TESTOPS_RUN_TITLE', envText: 'Nightly', value: 'Nightly', read: (c) => c.testops.run.title, expected: 'Nightly' },
  {
    path: 'testops.run.description',
    env: 'QASE_TESTOPS_RUN_DESCRIPTION',
    envText: 'CI build 7',
    value: 'CI build 7',
    read: (c) => c.testops.run.description,
    expected: 'CI build 7',
  },
  { path: 'testops.run.complete', env: 'QASE_TESTOPS_RUN_COMPLETE', envText: 'false', value: false, read: (c) => c.testops.run.complete, expected: false },
  {
    path: 'testops.run.tags',
    env: 'QASE_TESTOPS_RUN_TAGS',
    envText: 'smoke, nightly,',
    value: ['smoke', 'nightly'],
    read: (c) => c.testops.run.tags,
    expected: ['smoke', 'nightly'],
  },
  {
    path: 'testops.run.externalLink',
    env: 'QASE_TESTOPS_RUN_EXTERNAL_LINK',
    envText: '{"type":"jiraCloud","link":"PROJ-123"}',
    value: { type: 'jiraCloud', link: 'PROJ-123' },
    read: (c) => c.testops.run.externalLink,
    expected: { type: 'jiraCloud', link: 'PROJ-123' },
  },
  { path: 'testops.plan.id', env: 'QASE_TESTOPS_PLAN_ID', envText: '7', value: 7, read: (c) => c.testops.plan.id, expected: 7 },
  { path: 'testops.batch.size', env: 'QASE_TESTOPS_BATCH_SIZE', envText: '50', value: 50, read: (c) => c.testops.batch.size, expected: 50 },
  { path: 'testops.defect', env: 'QASE_TESTOPS_DEFECT', envText: 'true', value: true, read: (c) => c.testops.defect, expected: true },
  {
    path: 'testops.configurations.values',
    env: 'QASE_TESTOPS_CONFIGURATIONS_VALUES',
    envText: 'browser=chrome,os=linux',
    value: [
      { name: 'browser', value: 'chrome' },
      { name: 'os', value: 'linux' },
    ],
    read: (c) => c.testops.configurations.values,
    expected: [
      { name: 'browser', value: 'chrome' },
      { name: 'os', value: 'linux' },
    ],
  },
  {
    path: 'testops.configurations.createIfNotExists',
    env: 'QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS',
    envText: 'true',
    value: true,
    read: (c) => c.testops.configurations.createIfNotExists,
    expected: true,
  },
  {
    path: 'testops.statusFilter',
    env: 'QASE_TESTOPS_STATUS_FILTER',
    envText: 'passed,skipped',
    value: ['passed', 'skipped'],
    read: (c) => c.testops.statusFilter,
    expected: ['passed', 'skipped'],
  },
  {
    path: 'testops.showPublicReportLink',
    env: 'QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK',
    envText: 'true',
    value: true,
    read: (c) => c.testops.showPublicReportLink,
    expected: true,
  },
  { path: 'testops.outbox', env: 'QASE_TESTOPS_OUTBOX', envText: 'tmp/box', value: 'tmp/box', read: (c) => c.testops.outboxPath, expected: 'tmp/box' },
  { path: 'testops.deadlineMs', env: 'QASE_TESTOPS_DEADLINE_MS', envText: '5000', value: 5000, read: (c) => c.testops.deadlineMs, expected: 5000 },
  {
    path: 'testops.rateLimitPerMinute',
    env: 'QASE_TESTOPS_RATE_LIMIT_PER_MINUTE',
    envText: '600',
    value: 600,
    read: (c) => c.testops.rateLimitPerMinute,
    expected: 600,
  },
  {
    path: 'testops.maxConcurrentRequests',
    env: 'QASE_TESTOPS_MAX_CONCURRENT_REQUESTS',
    envText: '1',
    value: 1,
    read: (c) => c.testops.maxConcurrentRequests,
    expected: 1,
  },
  {
    path: 'testops_multi.default_project',
    value: 'DEMO',
    read: (c) => c.testopsMulti,
    expected: undefined, // without mode testops_multi the section is not used
  },
  {
    path: 'testops_multi.projects',
    value: [{ code: 'DEMO' }],
    read: (c) => c.testopsMulti,
    expected: undefined,
  },
  {
    path: 'testops_multi.run_ids',
    env: 'QASE_TESTOPS_MULTI_RUN_IDS',
    envText: 'DEMO:5',
    value: { DEMO: 5 },
    read: (c) => c.testopsMulti,
    expected: undefined,
  },
  { path: 'profilers', value: ['network'], read: (c) => c.profilers, expected: ['network'] },
  {
    path: 'networkProfiler.skip_domains',
    value: ['analytics.example.com'],
    read: (c) => c.networkProfiler.skipDomains,
    expected: ['analytics.example.com'],
  },
  { path: 'networkProfiler.track_on_fail', value: false, read: (c) => c.networkProfiler.trackOnFail, expected: false },
  {
    path: 'framework.browser.addAsParameter',
    value: true,
    read: (c) => c.framework.playwright.browser.addAsParameter,
    expected: true,
  },
  {
    path: 'framework.playwright.browser.addAsParameter',
    value: true,
    read: (c) => c.framework.playwright.browser.addAsParameter,
    expected: true,
  },
  {
    path: 'framework.browser.parameterName',
    value: 'Browser',
    read: (c) => c.framework.playwright.browser.parameterName,
    expected: 'Browser',
  },
  {
    path: 'framework.playwright.browser.parameterName',
    value: 'Browser',
    read: (c) => c.framework.playwright.browser.parameterName,
    expected: 'Browser',
  },
  { path: 'framework.markAsFlaky', value: true, read: (c) => c.framework.playwright.markAsFlaky, expected: true },
  { path: 'framework.playwright.markAsFlaky', value: true, read: (c) => c.framework.playwright.markAsFlaky, expected: true },
  {
    path: 'extraReporters',
    value: ['spec', { name: 'json', options: { output: 'results.json' } }],
    read: (c) => c.framework.mocha.extraReporters,
    expected: [
      { name: 'spec', options: {} },
      { name: 'json', options: { output: 'results.json' } },
    ],
  },
];

it('covers every option of the table and each of its spellings', () => {
  const spelled = new Set(spellings.map((s) => s.path));
  const options = Object.entries(OPTIONS) as [string, Option<unknown>][];
  const table = options.flatMap(([path, option]) => [path, ...(option.aliases ?? [])]);
  expect(table.filter((path) => !spelled.has(path))).toEqual([]);
  const variables = options.flatMap(([, option]) => option.env ?? []);
  expect(variables.filter((name) => !spellings.some((s) => s.env === name))).toEqual([]);
});

describe.each(spellings)('option $path', ({ path, env, envText, value, read, expected }) => {
  if (env !== undefined) {
    it(`is read from ${env}`, () => {
      expect(read(resolveConfig({}, { [env]: envText }, undefined))).toEqual(expected);
    });
  }
  it('is read from qase.config.json, without a warning', () => {
    const config = resolveConfig({}, {}, nest(path, value));
    expect([read(config), config.warnings]).toEqual([expected, []]);
  });
  it('is read from the reporter options, without a warning', () => {
    const config = resolveConfig(nest(path, value), {}, undefined);
    expect([read(config), config.warnings]).toEqual([expected, []]);
  });
});

describe('precedence: environment, then qase.config.json, then reporter options, then defaults', () => {
  const title = (options: unknown, env: Readonly<Record<string, string | undefined>>, file: unknown) =>
    resolveConfig(options, env, file).testops.run.title;
  it.each([
    { case: 'env over file and options', env: { QASE_TESTOPS_RUN_TITLE: 'env' }, file: 'file', options: 'options', expected: 'env' },
    { case: 'file over options', env: {}, file: 'file', options: 'options', expected: 'file' },
    { case: 'options over the default', env: {}, file: undefined, options: 'options', expected: 'options' },
    { case: 'an empty variable counts as unset', env: { QASE_TESTOPS_RUN_TITLE: '  ' }, file: 'file', options: 'options', expected: 'file' },
  ])('$case', ({ env, file, options, expected }) => {
    expect(
      title(
        options === undefined ? {} : nest('testops.run.title', options),
        env,
        file === undefined ? undefined : nest('testops.run.title', file),
      ),
    ).toBe(expected);
  });

  it('applies to numbers and booleans too', () => {
    const config = resolveConfig(
      { testops: { batch: { size: 10 }, defect: true } },
      { QASE_TESTOPS_BATCH_SIZE: '30' },
      { testops: { batch: { size: 20 }, defect: false } },
    );
    expect([config.testops.batch.size, config.testops.defect]).toEqual([30, false]);
  });

  it('merges statusMapping key by key, the higher source winning a key', () => {
    const config = resolveConfig(
      { statusMapping: { invalid: 'blocked', skipped: 'passed' } },
      { QASE_STATUS_MAPPING: 'blocked=failed' },
      { statusMapping: { invalid: 'failed' } },
    );
    expect(config.statusMapping).toEqual({ invalid: 'failed', skipped: 'passed', blocked: 'failed' });
  });

  it('replaces lists whole instead of merging them item by item', () => {
    const config = resolveConfig({ testops: { run: { tags: ['a', 'b'] } } }, {}, { testops: { run: { tags: ['c'] } } });
    expect(config.testops.run.tags).toEqual(['c']);
  });

  it('takes the external link from the TYPE/URL pair of the other Qase reporters', () => {
    const env = { QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE: 'jiraServer', QASE_TESTOPS_RUN_EXTERNAL_LINK_URL: 'ABC-1' };
    expect(resolveConfig({}, env, { testops: { run: { externalLink: { type: 'jiraCloud', link: 'X-2' } } } }).testops.run.externalLink).toEqual({
      type: 'jiraServer',
      link: 'ABC-1',
    });
  });

  it('prefers QASE_TESTOPS_RUN_EXTERNAL_LINK, the JavaScript reporters\' variable, over the pair', () => {
    const env = {
      QASE_TESTOPS_RUN_EXTERNAL_LINK: '{"type":"jiraCloud","link":"J-1"}',
      QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE: 'jiraServer',
      QASE_TESTOPS_RUN_EXTERNAL_LINK_URL: 'S-1',
    };
    expect(resolveConfig({}, env, undefined).testops.run.externalLink).toEqual({ type: 'jiraCloud', link: 'J-1' });
  });

  it('ignores QASE_* variables it does not know', () => {
    expect(resolveConfig({}, { QASE_TESTOPS_API_TIMEOUT: '30', QASE_SOMETHING: 'x' }, undefined).mode).toBe('off');
  });

  it('reads QASE_* variables case-insensitively for booleans and trims values', () => {
    const config = resolveConfig({}, { QASE_DEBUG: ' TRUE ', QASE_TESTOPS_DEFECT: '1', QASE_CAPTURE_LOGS: '0' }, undefined);
    expect([config.debug, config.testops.defect, config.captureLogs]).toEqual([true, true, false]);
  });
});

describe('derived defaults', () => {
  it.each([
    { case: 'a new run is completed', env: {}, expected: true },
    { case: 'a given run is left open', env: { QASE_TESTOPS_RUN_ID: '5' }, expected: false },
    { case: 'an explicit true completes a given run', env: { QASE_TESTOPS_RUN_ID: '5', QASE_TESTOPS_RUN_COMPLETE: 'true' }, expected: true },
    { case: 'an explicit false leaves a new run open', env: { QASE_TESTOPS_RUN_COMPLETE: 'false' }, expected: false },
  ])('run.complete: $case', ({ env, expected }) => {
    expect(resolveConfig({}, env, undefined).testops.run.complete).toBe(expected);
  });

  it.each([
    { env: {}, expected: false },
    { env: { QASE_DEBUG: 'true' }, expected: true },
    { env: { QASE_DEBUG: 'true', QASE_LOGGING_FILE: 'false' }, expected: false },
  ])('logging.file follows debug unless set: $env', ({ env, expected }) => {
    expect(resolveConfig({}, env, undefined).logging.file).toBe(expected);
  });
});

describe('mode', () => {
  it.each([
    {
      case: 'unset, token and project configured → testops',
      env: READY,
      mode: 'testops',
      note: 'Uploading to project DEMO because a token and a project are configured; set QASE_MODE=off to stop.',
    },
    {
      case: 'unset, project missing → off',
      env: { QASE_TESTOPS_API_TOKEN: TOKEN },
      mode: 'off',
      note:
        'Not reporting to Qase: QASE_TESTOPS_PROJECT is not set. Set it to upload results, ' +
        'or set QASE_MODE=dry-run to see what would be sent without uploading.',
    },
    {
      case: 'unset, token missing → off',
      env: { QASE_TESTOPS_PROJECT: 'DEMO' },
      mode: 'off',
      note:
        'Not reporting to Qase: QASE_TESTOPS_API_TOKEN is not set. Set it to upload results, ' +
        'or set QASE_MODE=dry-run to see what would be sent without uploading.',
    },
    { case: 'explicit testops with both', env: { ...READY, QASE_MODE: 'testops' }, mode: 'testops', note: undefined },
    { case: 'explicit off', env: { ...READY, QASE_MODE: 'off' }, mode: 'off', note: undefined },
    { case: 'explicit dry-run needs no token', env: { QASE_MODE: 'dry-run' }, mode: 'dry-run', note: undefined },
    { case: 'report, a local Qase Report, needs no token', env: { QASE_MODE: 'report' }, mode: 'report', note: undefined },
    {
      case: 'explicit testops without a project falls back to dry-run when asked',
      env: { QASE_MODE: 'testops', QASE_FALLBACK: 'dry-run', QASE_TESTOPS_API_TOKEN: TOKEN },
      mode: 'dry-run',
      note: 'Dry run instead of upload (fallback): the mode is testops but QASE_TESTOPS_PROJECT is not set. Nothing is uploaded.',
    },
    {
      case: 'fallback report writes a local report instead',
      env: { QASE_MODE: 'testops', QASE_FALLBACK: 'report' },
      mode: 'report',
      note:
        'Local report instead of upload (fallback): the mode is testops but QASE_TESTOPS_API_TOKEN and ' +
        'QASE_TESTOPS_PROJECT are not set. Nothing is uploaded.',
    },
  ])('$case', ({ env, mode, note }) => {
    const config = resolveConfig({}, env, undefined);
    expect([config.mode, config.modeNote]).toEqual([mode, note]);
    expect(config.modeNote ?? '').not.toContain(TOKEN);
  });

  it.each([
    {
      env: { QASE_MODE: 'testops', QASE_TESTOPS_API_TOKEN: TOKEN },
      message:
        'QASE_TESTOPS_PROJECT is not set. Set it (or testops.project) to your project code (e.g. DEMO), ' +
        'or set QASE_MODE=dry-run to see what would be sent without uploading.',
    },
    {
      env: { QASE_MODE: 'testops', QASE_TESTOPS_PROJECT: 'DEMO', QASE_FALLBACK: 'off' },
      message:
        'QASE_TESTOPS_API_TOKEN is not set. Set it (or testops.api.token) to an API token from ' +
        'https://app.qase.io/user/api/token, or set QASE_MODE=dry-run to see what would be sent without uploading.',
    },
    {
      env: { QASE_MODE: 'testops' },
      message:
        'QASE_TESTOPS_API_TOKEN and QASE_TESTOPS_PROJECT are not set. Set them (or testops.api.token and ' +
        'testops.project) to an API token and your project code (e.g. DEMO), or set QASE_MODE=dry-run to see ' +
        'what would be sent without uploading.',
    },
  ])('explicit testops without what it needs is a ConfigError: $env', ({ env, message }) => {
    expect(errorOf(() => resolveConfig({}, env, undefined)).message).toBe(message);
  });

  it('honours an explicit mode from the file over the default rule', () => {
    expect(resolveConfig({}, READY, { mode: 'off' }).mode).toBe('off');
  });
});

describe('testops.api.host', () => {
  it.each([
    { host: 'qase.io', baseUrl: 'https://api.qase.io', appUrl: 'https://app.qase.io' },
    { host: 'example.qase.io', baseUrl: 'https://api-example.qase.io', appUrl: 'https://example.qase.io' },
    { host: 'qase.corp.example:8443', baseUrl: 'https://api-qase.corp.example:8443', appUrl: 'https://qase.corp.example:8443' },
    { host: 'https://qase.internal/tms/', baseUrl: 'https://qase.internal/tms', appUrl: 'https://qase.internal/tms' },
    { host: 'https://api.qase.io', baseUrl: 'https://api.qase.io', appUrl: 'https://app.qase.io' },
    { host: 'http://127.0.0.1:8080', baseUrl: 'http://127.0.0.1:8080', appUrl: 'http://127.0.0.1:8080' },
    { host: 'http://127.5.6.7:1', baseUrl: 'http://127.5.6.7:1', appUrl: 'http://127.5.6.7:1' },
    { host: 'http://localhost:3000/', baseUrl: 'http://localhost:3000', appUrl: 'http://localhost:3000' },
    { host: 'http://[::1]:9000', baseUrl: 'http://[::1]:9000', appUrl: 'http://[::1]:9000' },
  ])('$host → $baseUrl', ({ host, baseUrl, appUrl }) => {
    const { api } = resolveConfig({}, { QASE_TESTOPS_API_HOST: host }, undefined).testops;
    expect([api.baseUrl, api.appUrl]).toEqual([baseUrl, appUrl]);
  });
});

interface BadConfig {
  case: string;
  options?: unknown;
  env?: Record<string, string>;
  file?: unknown;
  message: string;
}

const badConfigs: BadConfig[] = [
  {
    case: 'a section that is not an object',
    options: { testops: 'DEMO' },
    message: 'testops in the reporter options must be an object ({ … }), got "DEMO".',
  },
  {
    case: 'a file that is not an object',
    file: ['mode'],
    message: 'qase.config.json must hold a JSON object ({ … }), got a list.',
  },
  {
    case: 'reporter options that are not an object',
    options: 'testops',
    message: 'The reporter options must be an object ({ … }), got "testops".',
  },
  {
    case: 'a bad mode',
    env: { QASE_MODE: 'upload' },
    message: 'QASE_MODE is "upload"; it must be testops, testops_multi, report, dry-run or off.',
  },
  {
    case: 'a bad fallback',
    options: { fallback: true },
    message: 'fallback in the reporter options is true; it must be testops, testops_multi, report, dry-run or off.',
  },
  {
    case: 'a bad boolean variable names the variable',
    env: { QASE_DEBUG: 'yes' },
    message: 'QASE_DEBUG is "yes", not a boolean. Set it to true or false.',
  },
  {
    case: 'a quoted boolean in the file',
    file: { testops: { defect: 'true' } },
    message: 'testops.defect in qase.config.json must be true or false, got "true". Write true or false without quotes.',
  },
  {
    case: 'a bad number variable names the variable',
    env: { QASE_TESTOPS_RUN_ID: 'abc' },
    message:
      "QASE_TESTOPS_RUN_ID is \"abc\"; it must be a whole number of at least 1. Set it to the id of an existing run (the number in the run's URL), or remove it to create a new run.",
  },
  {
    case: 'a string where a number belongs',
    options: { testops: { run: { id: '12' } } },
    message:
      "testops.run.id in the reporter options must be a number, got \"12\". Set it to the id of an existing run (the number in the run's URL), or remove it to create a new run.",
  },
  {
    case: 'a plan id of 0',
    file: { testops: { plan: { id: 0 } } },
    message:
      "testops.plan.id in qase.config.json is 0; it must be a whole number of at least 1. Set it to the id of a test plan (the number in the plan's URL), or remove it.",
  },
  {
    case: 'a batch size above 2000',
    env: { QASE_TESTOPS_BATCH_SIZE: '5000' },
    message:
      'QASE_TESTOPS_BATCH_SIZE is "5000"; it must be a whole number from 1 to 2000. Use 200 or fewer: the API accepts at most 200 results per request.',
  },
  {
    case: 'a batch size of 0',
    file: { testops: { batch: { size: 0 } } },
    message:
      'testops.batch.size in qase.config.json is 0; it must be a whole number from 1 to 2000. Use 200 or fewer: the API accepts at most 200 results per request.',
  },
  {
    case: 'a fractional batch size',
    options: { testops: { batch: { size: 1.5 } } },
    message:
      'testops.batch.size in the reporter options is 1.5; it must be a whole number from 1 to 2000. Use 200 or fewer: the API accepts at most 200 results per request.',
  },
  {
    case: 'a deadline that is not a number',
    env: { QASE_TESTOPS_DEADLINE_MS: '2m' },
    message:
      'QASE_TESTOPS_DEADLINE_MS is "2m"; it must be a whole number of at least 1. It is in milliseconds; the default is 120000 (two minutes).',
  },
  {
    case: 'a rate limit of 0',
    file: { testops: { rateLimitPerMinute: 0 } },
    message:
      'testops.rateLimitPerMinute in qase.config.json is 0; it must be a whole number of at least 1. It counts requests per minute; the API allows 200.',
  },
  {
    case: 'no concurrency',
    env: { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '0' },
    message: 'QASE_TESTOPS_MAX_CONCURRENT_REQUESTS is "0"; it must be a whole number of at least 1. The default is 6.',
  },
  {
    case: 'a project code that is too long',
    env: { QASE_TESTOPS_PROJECT: 'VERYLONGCODE' },
    message:
      'QASE_TESTOPS_PROJECT is "VERYLONGCODE"; a project code is 2 to 10 letters or digits. Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  },
  {
    case: 'a project URL instead of its code',
    file: { testops: { project: 'https://app.qase.io/project/DEMO' } },
    message:
      'testops.project in qase.config.json is "https://app.qase.io/project/DEMO"; a project code is 2 to 10 letters or digits. Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  },
  {
    case: 'a one-letter project code',
    options: { testops: { project: 'D' } },
    message:
      'testops.project in the reporter options is "D"; a project code is 2 to 10 letters or digits. Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  },
  {
    case: 'a malformed host',
    env: { QASE_TESTOPS_API_HOST: 'qase io/x' },
    message:
      'QASE_TESTOPS_API_HOST is "qase io/x", not a host name. Use a host like example.qase.io, or a full URL like https://api.example.com.',
  },
  {
    case: 'a malformed URL',
    file: { testops: { api: { host: 'https://' } } },
    message:
      'testops.api.host in qase.config.json is "https://", not a valid URL. Use a host like example.qase.io, or a full URL like https://api.example.com.',
  },
  {
    case: 'a URL with another scheme',
    env: { QASE_TESTOPS_API_HOST: 'ftp://qase.example.com' },
    message:
      'QASE_TESTOPS_API_HOST is "ftp://qase.example.com"; only https:// URLs are allowed. Use a host like example.qase.io, or a full URL like https://api.example.com.',
  },
  {
    case: 'a URL with a query',
    options: { testops: { api: { host: 'https://qase.example.com/?a=1' } } },
    message:
      'testops.api.host in the reporter options is "https://qase.example.com/?a=1"; the URL may not carry credentials, a query or a fragment. Use a host like example.qase.io, or a full URL like https://api.example.com.',
  },
  {
    case: 'a token that is not a string does not show its value',
    file: { testops: { api: { token: 12345678 } } },
    message: 'testops.api.token in qase.config.json must be a string, got a number. Write the token in quotes.',
  },
  {
    case: 'a status mapping that is not pairs',
    env: { QASE_STATUS_MAPPING: 'invalid:failed' },
    message:
      'QASE_STATUS_MAPPING has "invalid:failed", not a name=value pair. Write it as comma-separated pairs, like "invalid=failed,skipped=passed".',
  },
  {
    case: 'a status mapping to nothing',
    file: { statusMapping: { invalid: '' } },
    message: 'statusMapping in qase.config.json maps invalid to ""; map it to a status name such as "failed".',
  },
  {
    case: 'a status mapping that is a string',
    options: { statusMapping: 'invalid=failed' },
    message: 'statusMapping in the reporter options must be an object like { "invalid": "failed" }, got "invalid=failed".',
  },
  {
    case: 'configuration values that are not pairs',
    env: { QASE_TESTOPS_CONFIGURATIONS_VALUES: 'browser=chrome,linux' },
    message:
      'QASE_TESTOPS_CONFIGURATIONS_VALUES has "linux", not a name=value pair. Write it as comma-separated pairs, like "browser=chrome,os=linux".',
  },
  {
    case: 'configuration values with a wrong key',
    file: { testops: { configurations: { values: [{ group: 'browser', value: 'chrome' }] } } },
    message:
      'testops.configurations.values in qase.config.json must be a list like [{ "name": "browser", "value": "chrome" }], got a list.',
  },
  {
    case: 'tags as one string',
    options: { testops: { run: { tags: 'smoke,nightly' } } },
    message: 'testops.run.tags in the reporter options must be a list of strings like ["a", "b"], got "smoke,nightly".',
  },
  {
    case: 'a status filter with a number',
    file: { testops: { statusFilter: ['passed', 3] } },
    message: 'testops.statusFilter in qase.config.json must be a list of strings like ["a", "b"], got a list.',
  },
  {
    case: 'an external link that is not JSON',
    env: { QASE_TESTOPS_RUN_EXTERNAL_LINK: 'jiraCloud:PROJ-1' },
    message: 'QASE_TESTOPS_RUN_EXTERNAL_LINK is not JSON. Write it like {"type":"jiraCloud","link":"PROJ-123"}.',
  },
  {
    case: 'an external link of an unknown type',
    file: { testops: { run: { externalLink: { type: 'github', link: 'PR-1' } } } },
    message:
      'testops.run.externalLink in qase.config.json must be { "type": "jiraCloud" or "jiraServer", "link": "PROJ-123" }, got an object.',
  },
  {
    case: 'half of the external link pair',
    env: { QASE_TESTOPS_RUN_EXTERNAL_LINK_URL: 'PROJ-1' },
    message:
      'QASE_TESTOPS_RUN_EXTERNAL_LINK_URL is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE. Set the type to jiraCloud or jiraServer.',
  },
  {
    case: 'the other half of the pair',
    env: { QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE: 'jiraCloud' },
    message:
      'QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_URL. Set it to the issue key, e.g. PROJ-123.',
  },
  {
    case: 'a pair with an unknown type',
    env: { QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE: 'jira', QASE_TESTOPS_RUN_EXTERNAL_LINK_URL: 'PROJ-1' },
    message: 'QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is "jira"; it must be jiraCloud or jiraServer.',
  },
  {
    case: 'a report driver other than local',
    env: { QASE_REPORT_DRIVER: 's3' },
    message: 'QASE_REPORT_DRIVER is "s3"; it must be local. It is the only driver: a local run writes to a folder.',
  },
  {
    case: 'a report format other than json and jsonp',
    file: { report: { connection: { local: { format: 'html' } } } },
    message: 'report.connection.local.format in qase.config.json is "html"; it must be json or jsonp.',
  },
  {
    case: 'a wrong type in the file is reported when nothing overrides it',
    file: { testops: { run: { title: 42 } } },
    message: 'testops.run.title in qase.config.json must be a string, got 42. Write it in quotes.',
  },
  {
    case: 'a placeholder project that no higher source overrides',
    options: { testops: { project: 'project_code' } },
    message:
      'testops.project in the reporter options is "project_code"; a project code is 2 to 10 letters or digits. Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  },
  {
    case: 'a multi-project default that is not one of the projects',
    file: { mode: 'testops_multi', testops_multi: { default_project: 'OTHER', projects: [{ code: 'PROJ1' }, { code: 'PROJ2' }] } },
    message:
      'testops_multi.default_project is "OTHER", which is not one of testops_multi.projects (PROJ1, PROJ2). Set it to one of their codes, or add that project.',
  },
  {
    case: 'multi-project projects that are not a list',
    file: { mode: 'testops_multi', testops_multi: { projects: { code: 'PROJ1' } } },
    message: 'testops_multi.projects in qase.config.json must be a list of projects like [{ "code": "PROJ1" }], got an object.',
  },
  {
    case: 'a multi-project project with a bad run id',
    file: { mode: 'testops_multi', testops_multi: { projects: [{ code: 'PROJ1', run: { id: 'x' } }] } },
    message:
      "run.id of project 1 of testops_multi.projects in qase.config.json must be a number, got \"x\". Set it to the id of an existing run (the number in the run's URL), or remove it to create a new run.",
  },
  {
    case: 'extra reporters that are not names',
    options: { extraReporters: [42] },
    message:
      'extraReporters in the reporter options has 42. Write a reporter name ("spec"), { "name": "json", "options": { … } }, or a list of these.',
  },
];

describe('bad configuration', () => {
  it.each(badConfigs)('$case', ({ options = {}, env = {}, file, message }) => {
    const error = errorOf(() => resolveConfig(options, env, file));
    expect(error).toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID' });
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    { case: 'the token pasted as the project', env: { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: TOKEN } },
    { case: 'the token pasted as the host', options: { testops: { api: { token: TOKEN, host: `https://${TOKEN}.com/?a=1` } } } },
    { case: 'the token in the file, a wrong type elsewhere', file: { testops: { api: { token: TOKEN }, run: { title: TOKEN.length } }, mode: TOKEN } },
  ])('never shows the token: $case', ({ options = {}, env = {}, file }) => {
    const error = errorOf(() => resolveConfig(options, env, file));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('***');
  });
});

describe('loadConfig', () => {
  const root = join(__dirname, '..', '..', '..', 'test', '.tmp', 'core-config');
  mkdirSync(root, { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function project(files: Record<string, string>): string {
    const cwd = mkdtempSync(join(root, 'project-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
    return cwd;
  }

  it('reads qase.config.json in the working directory', () => {
    const cwd = project({ 'qase.config.json': JSON.stringify({ testops: { project: 'FILE' } }) });
    expect(loadConfig({ testops: { project: 'OPTS' } }, { cwd, env: {} }).testops.project).toBe('FILE');
  });

  it('reads .qaserc when there is no qase.config.json', () => {
    const cwd = project({ '.qaserc': '\uFEFF{"testops": {"project": "RC"}}' });
    expect(loadConfig({}, { cwd, env: {} }).testops.project).toBe('RC');
  });

  it('prefers qase.config.json to .qaserc', () => {
    const cwd = project({ 'qase.config.json': '{"rootSuite": "json"}', '.qaserc': '{"rootSuite": "rc"}' });
    expect(loadConfig({}, { cwd, env: {} }).rootSuite).toBe('json');
  });

  it('skips a folder named qase.config.json', () => {
    const cwd = project({ '.qaserc': '{"rootSuite": "rc"}' });
    mkdirSync(join(cwd, 'qase.config.json'));
    expect(loadConfig({}, { cwd, env: {} }).rootSuite).toBe('rc');
  });

  it('uses the environment and options alone when there is no file', () => {
    const cwd = project({});
    const config = loadConfig({ testops: { project: 'OPTS' } }, { cwd, env: { QASE_TESTOPS_API_TOKEN: TOKEN } });
    expect([config.mode, config.testops.project]).toEqual(['testops', 'OPTS']);
  });

  it('names the file in its option errors', () => {
    const cwd = project({ '.qaserc': '{"testops": {"batch": {"size": 0}}}' });
    expect(errorOf(() => loadConfig({}, { cwd, env: {} })).message).toMatch(/^testops\.batch\.size in \.qaserc is 0;/);
  });

  it.each([
    {
      content: `{\n  "testops": {\n    "api": { "token": "${TOKEN}" },\n  }\n}`,
      message: 'qase.config.json is not valid JSON (line 4, column 3). Fix it there: JSON allows no comments and no trailing commas.',
    },
    {
      content: `{"testops": {"api": {"token": ${TOKEN}}}}`,
      message: 'qase.config.json is not valid JSON (line 1, column 31). Fix it there: JSON allows no comments and no trailing commas.',
    },
    {
      content: `{\n  // CI token\n  "testops": {"api": {"token": "${TOKEN}"}}\n}`,
      message: 'qase.config.json is not valid JSON (line 2, column 3). Fix it there: JSON allows no comments and no trailing commas.',
    },
    {
      content: `{"testops": {"api": {"token": "${TOKEN}"}}`,
      message: 'qase.config.json is not valid JSON (line 1, column 59). Fix it there: JSON allows no comments and no trailing commas.',
    },
    {
      content: '',
      message: 'qase.config.json is not valid JSON (line 1, column 1). Fix it there: JSON allows no comments and no trailing commas.',
    },
  ])('reports a parse error with the file and position, never its content: $message', ({ content, message }) => {
    const cwd = project({ 'qase.config.json': content });
    const error = errorOf(() => loadConfig({}, { cwd, env: {} }));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain(TOKEN);
  });
});
