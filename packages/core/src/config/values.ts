import { ConfigError } from '../errors';
import { PROJECT_CODE } from '../project-code';

/**
 * How one option's value is read: from the text of its `QASE_*` variable, or from a JSON value in
 * `qase.config.json` or the reporter options. Both throw a ConfigError naming `where` and the fix.
 */
export interface Kind<T> {
  /** The values it takes, as the README's reference shows them. */
  readonly values: string;
  /** How its variable writes them, when not as in `values`. */
  readonly envValues?: string;
  /** `warn` takes one line about a part of the value that is ignored; the rest is used. */
  fromEnv(text: string, where: string, warn: (line: string) => void): T;
  fromValue(value: unknown, where: string, warn: (line: string) => void): T;
}

export function fail(message: string): never {
  throw new ConfigError(message);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export const text: Kind<string> = {
  values: 'text',
  fromEnv: (value) => value,
  fromValue: (value, where) =>
    typeof value === 'string' ? value : fail(`${where} must be a string, got ${describe(value)}. Write it in quotes.`),
};

export const secret: Kind<string> = {
  values: 'text',
  fromEnv: (value) => value,
  fromValue: (value, where) =>
    typeof value === 'string'
      ? value
      : fail(`${where} must be a string, got ${typeof value === 'object' ? 'an object or list' : `a ${typeof value}`}. Write the token in quotes.`),
};

export const flag: Kind<boolean> = {
  values: '`true`, `false`',
  fromEnv(value, where) {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return fail(`${where} is ${quote(value)}, not a boolean. Set it to true or false.`);
  },
  fromValue: (value, where) =>
    typeof value === 'boolean' ? value : fail(`${where} must be true or false, got ${describe(value)}. Write true or false without quotes.`),
};

export function whole(min: number, max: number, fix: string): Kind<number> {
  const range = max === Infinity ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const check = (n: number, shown: string, where: string): number =>
    Number.isSafeInteger(n) && n >= min && n <= max ? n : fail(`${where} is ${shown}; it must be ${range}. ${fix}`);
  return {
    values: max === Infinity ? `whole number ≥ ${min}` : `whole number ${min}–${max}`,
    fromEnv: (value, where) => check(/^\d+$/.test(value) ? Number(value) : NaN, quote(value), where),
    fromValue: (value, where) =>
      typeof value === 'number' ? check(value, String(value), where) : fail(`${where} must be a number, got ${describe(value)}. ${fix}`),
  };
}

/** One of the keys of `spellings`, read as its value (so an official synonym can mean one of ours). */
export function oneOf<T extends string>(spellings: Readonly<Record<string, T>>, fix = ''): Kind<T> {
  const names = Object.keys(spellings);
  const allowed = `${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names.at(-1)}`;
  const check = (value: unknown, where: string): T =>
    typeof value === 'string' && Object.hasOwn(spellings, value)
      ? (spellings[value] as T)
      : fail(`${where} is ${describe(value)}; it must be ${allowed}.${fix && ` ${fix}`}`);
  return { values: names.map((name) => `\`${name}\``).join(', '), fromEnv: check, fromValue: check };
}

export function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

export const list: Kind<readonly string[]> = {
  values: '`["a", "b"]`',
  envValues: '`a,b`',
  fromEnv: (value) => splitList(value),
  fromValue: (value, where) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value.map((item: string) => item.trim()).filter(Boolean)
      : fail(`${where} must be a list of strings like ["a", "b"], got ${describe(value)}.`),
};

/** A list whose items must be known: an unknown item is ignored with a warning, since a newer official value may name it. */
export function listOf<T extends string>(known: readonly T[]): Kind<readonly T[]> {
  const keep = (items: readonly string[], where: string, warn: (line: string) => void): T[] =>
    items.filter((item): item is T => {
      if ((known as readonly string[]).includes(item)) return true;
      warn(`${where} names ${quote(item)}, which is ignored; known: ${known.join(', ')}.`);
      return false;
    });
  return {
    values: `list of ${known.map((name) => `\`${name}\``).join(', ')}`,
    envValues: '`a,b`',
    fromEnv: (value, where, warn) => keep(splitList(value), where, warn),
    fromValue: (value, where, warn) => keep(list.fromValue(value, where, warn), where, warn),
  };
}

/** `name=value,name=value`, the format of the official mapping and configuration variables. */
function pairs(value: string, where: string, example: string): [string, string][] {
  return splitList(value).map((item) => {
    const at = item.indexOf('=');
    const name = item.slice(0, at).trim();
    const val = item.slice(at + 1).trim();
    if (at < 0 || !name || !val) {
      fail(`${where} has ${quote(item)}, not a name=value pair. Write it as comma-separated pairs, like ${quote(example)}.`);
    }
    return [name, val];
  });
}

// Every status the official reporters produce, `disabled` included (Jest's todo and disabled tests).
const STATUSES = ['passed', 'failed', 'skipped', 'blocked', 'invalid', 'disabled'];

export const statusMapping: Kind<Readonly<Record<string, string>>> = {
  values: '`{ "invalid": "failed" }`',
  envValues: '`invalid=failed,…`',
  fromEnv: (value, where, warn) =>
    checkMapping(Object.fromEntries(pairs(value, where, 'invalid=failed,skipped=passed')), where, warn),
  fromValue: (value, where, warn) =>
    isObject(value)
      ? checkMapping(value, where, warn)
      : fail(`${where} must be an object like { "invalid": "failed" }, got ${describe(value)}.`),
};

// A mapping from a name that is no status is ignored, as the official reporters ignore it, but said.
function checkMapping(mapping: Record<string, unknown>, where: string, warn: (line: string) => void): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [from, to] of Object.entries(mapping)) {
    if (typeof to !== 'string' || to.trim() === '') {
      fail(`${where} maps ${from} to ${describe(to)}; map it to a status name such as "failed".`);
    }
    if (STATUSES.includes(from)) kept[from] = to;
    else warn(`${where} maps ${quote(from)}, which is not a status, so that entry is ignored. Map one of ${STATUSES.join(', ')}.`);
  }
  return kept;
}

export interface ConfigurationValue {
  /** Configuration group, e.g. `browser`. */
  name: string;
  /** Configuration in that group, e.g. `chrome`. */
  value: string;
}

export const configurations: Kind<readonly ConfigurationValue[]> = {
  values: '`[{ "name": "browser", "value": "chrome" }]`',
  envValues: '`browser=chrome,…`',
  fromEnv: (value, where) => pairs(value, where, 'browser=chrome,os=linux').map(([name, val]) => ({ name, value: val })),
  fromValue(value, where) {
    const valid = (item: unknown): item is ConfigurationValue =>
      isObject(item) &&
      Object.keys(item).every((key) => key === 'name' || key === 'value') &&
      typeof item.name === 'string' &&
      item.name !== '' &&
      typeof item.value === 'string' &&
      item.value !== '';
    return Array.isArray(value) && value.every(valid)
      ? value.map((item) => ({ name: item.name, value: item.value }))
      : fail(`${where} must be a list like [{ "name": "browser", "value": "chrome" }], got ${describe(value)}.`);
  },
};

export interface ExternalLink {
  readonly type: 'jiraCloud' | 'jiraServer';
  readonly link: string;
}

const LINK_TYPES = ['jiraCloud', 'jiraServer'];

export const externalLink: Kind<ExternalLink> = {
  values: '`{ "type": "jiraCloud" or "jiraServer", "link": "PROJ-123" }`',
  envValues: 'that object as JSON',
  fromEnv(value, where, warn) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return fail(`${where} is not JSON. Write it like {"type":"jiraCloud","link":"PROJ-123"}.`);
    }
    return externalLink.fromValue(parsed, where, warn);
  },
  fromValue(value, where) {
    const valid =
      isObject(value) &&
      Object.keys(value).every((key) => key === 'type' || key === 'link') &&
      LINK_TYPES.includes(value.type as string) &&
      typeof value.link === 'string' &&
      value.link !== '';
    return valid
      ? { type: value.type as ExternalLink['type'], link: value.link as string }
      : fail(`${where} must be { "type": "jiraCloud" or "jiraServer", "link": "PROJ-123" }, got ${describe(value)}.`);
  },
};

// The pair used by the other official Qase reporters (Python, Java, C#, PHP); the JavaScript one reads the JSON.
// Read as if QASE_TESTOPS_RUN_EXTERNAL_LINK held it, so precedence and messages stay those of that variable.
export function externalLinkPair(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const type = env.QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE?.trim();
  const link = env.QASE_TESTOPS_RUN_EXTERNAL_LINK_URL?.trim();
  if (!type && !link) return undefined;
  if (!type) return fail('QASE_TESTOPS_RUN_EXTERNAL_LINK_URL is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE. Set the type to jiraCloud or jiraServer.');
  if (!link) return fail('QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_URL. Set it to the issue key, e.g. PROJ-123.');
  if (!LINK_TYPES.includes(type)) return fail(`QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is ${quote(type)}; it must be jiraCloud or jiraServer.`);
  return JSON.stringify({ type, link });
}

export const projectCode: Kind<string> = {
  values: 'project code (2–10 letters or digits)',
  fromEnv: (value, where) => checkProject(value, where),
  fromValue: (value, where, warn) => checkProject(text.fromValue(value, where, warn), where),
};

function checkProject(code: string, where: string): string {
  if (PROJECT_CODE.test(code)) return code;
  return fail(
    `${where} is ${quote(code)}; a project code is 2 to 10 letters or digits. ` +
      'Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  );
}

/** Where the API and the web app are. */
export interface Address {
  readonly baseUrl: string;
  readonly appUrl: string;
}

export const QASE_CLOUD: Address = { baseUrl: 'https://api.qase.io', appUrl: 'https://app.qase.io' };
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

export const apiHost: Kind<Address> = {
  values: 'host (`example.qase.io`) or URL (`https://qase.internal/api`)',
  fromEnv: (value, where) => toAddress(value, where),
  fromValue: (value, where, warn) => toAddress(text.fromValue(value, where, warn), where),
};

// Plain HTTP to a host that is not loopback is not refused here: the results are kept instead (see config.ts).
function toAddress(host: string, where: string): Address {
  const example = 'Use a host like example.qase.io, or a full URL like https://api.example.com.';
  // A user name and password in the URL are never printed back: the message shows `***` in their place.
  const shown = quote(host.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1***@'));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    // `127.0.0.1:4711` would become the cloud host `api-127.0.0.1:4711`, which is no address at all.
    if (/^(?:\d+\.\d+\.\d+\.\d+|localhost|\[[\d:a-f]+\])(?::\d+)?$/i.test(host)) {
      fail(`${where} is ${shown}, an address without a scheme. Write the full URL: http://${host} for a server on this ` +
        'machine (plain http:// is allowed only for 127.0.0.1, ::1 and localhost), https://… for any other.');
    }
    if (!HOST_NAME.test(host)) fail(`${where} is ${shown}, not a host name. ${example}`);
    if (host === 'qase.io') return QASE_CLOUD;
    return { baseUrl: `https://api-${host}`, appUrl: `https://${host}` };
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return fail(`${where} is ${shown}, not a valid URL. ${example}`);
  }
  if (url.username || url.password) {
    fail(`${where} is ${shown}; the URL may not carry a user name or password (the API takes the token alone). ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(`${where} is ${shown}; only https:// URLs are allowed. ${example}`);
  }
  if (url.search || url.hash) {
    fail(`${where} is ${shown}; the URL may not carry credentials, a query or a fragment. ${example}`);
  }
  const baseUrl = host.replace(/\/+$/, '');
  // As the official reporters do: the app lives where the API is, with a leading `api.` label read as `app.`.
  return { baseUrl, appUrl: baseUrl.replace(/^(https?:\/\/)api\./i, '$1app.') };
}

/** Plain HTTP is allowed only to these: the token never crosses a network unencrypted. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A Mocha reporter to run beside ours, with the options it gets as its `reporterOptions`. */
export interface ExtraReporter {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

const EXTRA_REPORTER_FIX = 'Write a reporter name ("spec"), { "name": "json", "options": { … } }, or a list of these.';

export const extraReporters: Kind<readonly ExtraReporter[]> = {
  values: '`"spec"`, `"spec,json"`, `{ "name": "json", "options": {…} }` or a list of these',
  fromEnv: (value) => splitList(value).map((name) => ({ name, options: {} })),
  fromValue(value, where) {
    const one = (item: unknown): ExtraReporter[] => {
      if (typeof item === 'string') return splitList(item).map((name) => ({ name, options: {} }));
      if (isObject(item) && typeof item.name === 'string' && item.name.trim() !== '' && (item.options === undefined || isObject(item.options))) {
        return [{ name: item.name.trim(), options: copyPlain(item.options ?? {}) as Record<string, unknown> }];
      }
      return fail(`${where} has ${describe(item)}. ${EXTRA_REPORTER_FIX}`);
    };
    return Array.isArray(value) ? value.flatMap(one) : one(value);
  },
};

/** A copy of the plain objects and lists in `value` (cycles kept), so freezing the copy leaves the user's alone. */
function copyPlain(value: unknown, copies = new Map<unknown, unknown>()): unknown {
  const plain = (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) || Array.isArray(value);
  if (!plain) return value;
  if (copies.has(value)) return copies.get(value);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  copies.set(value, copy);
  for (const [key, child] of Object.entries(value)) (copy as Record<string, unknown>)[key] = copyPlain(child, copies);
  return copy;
}

/** One project of the multi-project mode, with the run its results go to. */
export interface MultiProject {
  readonly code: string;
  readonly run: {
    readonly id: number | undefined;
    readonly title: string | undefined;
    readonly description: string | undefined;
    readonly complete: boolean | undefined;
    readonly tags: readonly string[] | undefined;
    readonly externalLink: ExternalLink | undefined;
  };
  readonly plan: { readonly id: number | undefined };
  readonly environment: string | undefined;
  /** The project's own token (the official docs' `api.token`); else `testops.api.token`. */
  readonly api: { readonly token: string | undefined };
}

export const RUN_ID = whole(1, Infinity, "Set it to the id of an existing run (the number in the run's URL), or remove it to create a new run.");
export const PLAN_ID = whole(1, Infinity, "Set it to the id of a test plan (the number in the plan's URL), or remove it.");
const PROJECT_KEYS = ['code', 'run', 'plan', 'environment', 'api'];
const RUN_KEYS = ['id', 'title', 'description', 'complete', 'tags', 'externalLink'];

export const projects: Kind<readonly MultiProject[]> = {
  values: '`[{ "code": "PROJ1", "run": {…}, "plan": { "id": 1 }, "environment": "staging" }]`',
  fromEnv: (_value, where) => fail(`${where} cannot be set from a variable; write testops_multi in qase.config.json.`),
  fromValue(value, where, warn) {
    if (!Array.isArray(value) || value.length === 0) {
      return fail(`${where} must be a list of projects like [{ "code": "PROJ1" }], got ${describe(value)}.`);
    }
    return value.map((item: unknown, index) => {
      // `run.id of project 2 of testops_multi.projects in qase.config.json`
      const at = (path: string) => `${path} of project ${index + 1} of ${where}`;
      if (!isObject(item)) return fail(`Project ${index + 1} of ${where} must be an object like { "code": "PROJ1" }, got ${describe(item)}.`);
      const unknown = (part: Record<string, unknown>, prefix: string, known: readonly string[]) => {
        for (const name of Object.keys(part)) {
          if (!known.includes(name)) warn(`Unknown option ${at(prefix + name)} is ignored; known: ${known.join(', ')}.`);
        }
      };
      const section = (key: string, known: readonly string[]): Record<string, unknown> => {
        const part = item[key] ?? {};
        if (!isObject(part)) return fail(`${at(key)} must be an object ({ … }), got ${describe(part)}.`);
        unknown(part, `${key}.`, known);
        return part;
      };
      unknown(item, '', PROJECT_KEYS);
      const run = section('run', RUN_KEYS);
      const plan = section('plan', ['id']);
      const api = section('api', ['token']);
      const read = <T>(kind: Kind<T>, raw: unknown, path: string): T | undefined =>
        raw === undefined || raw === null ? undefined : kind.fromValue(raw, at(path), warn);
      return {
        code: projectCode.fromValue(item.code, at('code'), warn),
        run: {
          id: read(RUN_ID, run.id, 'run.id'),
          title: read(text, run.title, 'run.title'),
          description: read(text, run.description, 'run.description'),
          complete: read(flag, run.complete, 'run.complete'),
          tags: read(list, run.tags, 'run.tags'),
          externalLink: read(externalLink, run.externalLink, 'run.externalLink'),
        },
        plan: { id: read(PLAN_ID, plan.id, 'plan.id') },
        environment: read(text, item.environment, 'environment'),
        api: { token: read(secret, api.token, 'api.token')?.trim() || undefined },
      };
    });
  },
};

/** `PROJ1:12,PROJ2:34`: the run of each project, for shards of mode testops_multi (what `run create` prints). */
export const runIds: Kind<Readonly<Record<string, number>>> = {
  values: '`{ "PROJ1": 12, "PROJ2": 34 }`',
  envValues: '`PROJ1:12,PROJ2:34`',
  fromEnv(value, where, warn) {
    const ids: Record<string, number> = {};
    for (const pair of splitList(value)) {
      const [code = '', id = ''] = pair.split(':').map((part) => part.trim());
      if (!pair.includes(':')) fail(`${where} has ${quote(pair)}; each entry is CODE:RUN_ID, as in PROJ1:12,PROJ2:34.`);
      ids[projectCode.fromEnv(code, `the project code ${quote(code)} in ${where}`, warn)] = RUN_ID.fromEnv(id, `the run id of ${code} in ${where}`, warn);
    }
    return ids;
  },
  fromValue(value, where, warn) {
    if (!isObject(value)) return fail(`${where} must be an object like { "PROJ1": 12 }, got ${describe(value)}.`);
    return Object.fromEntries(Object.entries(value).map(([code, id]) =>
      [projectCode.fromValue(code, `the project code ${quote(code)} in ${where}`, warn), RUN_ID.fromValue(id, `${code} in ${where}`, warn)]));
  },
};
