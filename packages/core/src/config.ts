import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors';
import type { Status } from './model';
import { mask } from './output';

/** What the reporter does with results. `report` (the official name) is accepted and means `dry-run`. */
export type Mode = 'testops' | 'dry-run' | 'off';

export interface ConfigurationValue {
  /** Configuration group, e.g. `browser`. */
  name: string;
  /** Configuration in that group, e.g. `chrome`. */
  value: string;
}

/**
 * The resolved configuration: every field set, frozen. Nothing after `resolveConfig` reads `process.env`.
 * Each option is read from its `QASE_*` variable, then `qase.config.json` (or `.qaserc`), then the reporter
 * options, then the default; the spellings are those of the official Qase reporters.
 */
export interface Config {
  /**
   * `mode` / `QASE_MODE`: `testops` uploads, `dry-run` (or `report`) writes what would be sent, `off` does nothing.
   * @default `testops` when a token and a project are configured, otherwise `off`
   */
  readonly mode: Mode;
  /**
   * One line explaining `mode` when it was not set explicitly or the fallback chose it; undefined otherwise.
   * Never contains the token.
   * @default undefined
   */
  readonly modeNote: string | undefined;
  /**
   * `fallback` / `QASE_FALLBACK`: the mode used when `mode` is `testops` but the token or the project is missing.
   * Only `dry-run` changes anything; `off` and `testops` report the problem instead.
   * @default 'off'
   */
  readonly fallback: Mode;
  /**
   * `debug` / `QASE_DEBUG`: request-level lines in the output.
   * @default false
   */
  readonly debug: boolean;
  /**
   * `environment` / `QASE_ENVIRONMENT`: slug of the run's environment.
   * @default undefined
   */
  readonly environment: string | undefined;
  /**
   * `captureLogs` / `QASE_CAPTURE_LOGS`: attach what a test printed as `log.txt`.
   * @default false
   */
  readonly captureLogs: boolean;
  /**
   * `rootSuite` / `QASE_ROOT_SUITE`: a suite that every result's suite path starts with.
   * @default undefined
   */
  readonly rootSuite: string | undefined;
  /**
   * `statusMapping` / `QASE_STATUS_MAPPING` (`invalid=failed,skipped=passed`): our status → the status sent;
   * the target may name a workspace's custom status. Merged key by key across sources.
   * @default {}
   */
  readonly statusMapping: Readonly<Record<string, string>>;
  readonly logging: {
    /**
     * `logging.console` / `QASE_LOGGING_CONSOLE`: print the reporter's lines.
     * @default true
     */
    readonly console: boolean;
    /**
     * `logging.file` / `QASE_LOGGING_FILE`: also write them to a log file.
     * @default the value of `debug`
     */
    readonly file: boolean;
  };
  /**
   * `report.connections.local.path` (also spelled `report.connection.local.path`) / `QASE_REPORT_CONNECTION_PATH`:
   * where a dry run writes its request bodies and attachments. Relative to the working directory.
   * @default 'qase-dry-run'
   */
  readonly dryRunPath: string;
  readonly testops: {
    readonly api: {
      /**
       * `testops.api.token` / `QASE_TESTOPS_API_TOKEN`.
       * @default undefined
       */
      readonly token: string | undefined;
      /**
       * From `testops.api.host` / `QASE_TESTOPS_API_HOST`: base URL of the API without `/v1`. A host fragment `H`
       * gives `https://api-H`; a value with a scheme is used as given.
       * @default 'https://api.qase.io'
       */
      readonly baseUrl: string;
      /**
       * Base URL of the web app, for run links: `https://H` for a host fragment `H`.
       * @default 'https://app.qase.io'
       */
      readonly appUrl: string;
    };
    /**
     * `testops.project` / `QASE_TESTOPS_PROJECT`: project code, 2–10 letters or digits.
     * @default undefined
     */
    readonly project: string | undefined;
    /**
     * `testops.uploadAttachments` / `QASE_TESTOPS_UPLOAD_ATTACHMENTS`.
     * @default true
     */
    readonly uploadAttachments: boolean;
    readonly run: {
      /**
       * `testops.run.id` / `QASE_TESTOPS_RUN_ID`: report into this existing run instead of creating one.
       * @default undefined
       */
      readonly id: number | undefined;
      /**
       * `testops.run.title` / `QASE_TESTOPS_RUN_TITLE`.
       * @default undefined (the collector titles the run)
       */
      readonly title: string | undefined;
      /**
       * `testops.run.description` / `QASE_TESTOPS_RUN_DESCRIPTION`.
       * @default undefined (the collector describes the run)
       */
      readonly description: string | undefined;
      /**
       * `testops.run.complete` / `QASE_TESTOPS_RUN_COMPLETE`: complete the run at the end.
       * @default true when this process creates the run, false when `id` is given
       */
      readonly complete: boolean;
      /**
       * `testops.run.tags` / `QASE_TESTOPS_RUN_TAGS` (comma-separated).
       * @default []
       */
      readonly tags: readonly string[];
      /**
       * `testops.run.externalLink` `{type, link}` / `QASE_TESTOPS_RUN_EXTERNAL_LINK` (that object as JSON), or
       * `QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE` with `QASE_TESTOPS_RUN_EXTERNAL_LINK_URL`.
       * @default undefined
       */
      readonly externalLink: { readonly type: 'jiraCloud' | 'jiraServer'; readonly link: string } | undefined;
    };
    readonly plan: {
      /**
       * `testops.plan.id` / `QASE_TESTOPS_PLAN_ID`.
       * @default undefined
       */
      readonly id: number | undefined;
    };
    readonly batch: {
      /**
       * `testops.batch.size` / `QASE_TESTOPS_BATCH_SIZE`: results per request, 1–2000; the API's own limit
       * (200 today) still applies.
       * @default 200
       */
      readonly size: number;
    };
    /**
     * `testops.defect` / `QASE_TESTOPS_DEFECT`: ask Qase to create a defect for each failed result.
     * @default false
     */
    readonly defect: boolean;
    readonly configurations: {
      /**
       * `testops.configurations.values` `[{name, value}]` / `QASE_TESTOPS_CONFIGURATIONS_VALUES`
       * (`browser=chrome,os=linux`).
       * @default []
       */
      readonly values: readonly ConfigurationValue[];
      /**
       * `testops.configurations.createIfNotExists` / `QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS`.
       * @default false
       */
      readonly createIfNotExists: boolean;
    };
    /**
     * `testops.statusFilter` / `QASE_TESTOPS_STATUS_FILTER` (comma-separated): statuses, after mapping, that are
     * not uploaded.
     * @default []
     */
    readonly statusFilter: readonly string[];
    /**
     * `testops.showPublicReportLink` / `QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK`: make the run public and print its link.
     * @default false
     */
    readonly showPublicReportLink: boolean;
    /**
     * `testops.outbox` / `QASE_TESTOPS_OUTBOX`: folder of the on-disk outbox; undelivered results stay there.
     * Relative to the working directory.
     * @default '.qase/outbox'
     */
    readonly outboxPath: string;
    /**
     * `testops.deadlineMs` / `QASE_TESTOPS_DEADLINE_MS`: how long the end of the run may wait for the last uploads.
     * @default 120000
     */
    readonly deadlineMs: number;
    /**
     * `testops.rateLimitPerMinute` / `QASE_TESTOPS_RATE_LIMIT_PER_MINUTE`: client-side limit shared by every
     * request of the process.
     * @default 200
     */
    readonly rateLimitPerMinute: number;
    /**
     * `testops.maxConcurrentRequests` / `QASE_TESTOPS_MAX_CONCURRENT_REQUESTS`.
     * @default 3
     */
    readonly maxConcurrentRequests: number;
  };
}

type Env = Readonly<Record<string, string | undefined>>;
type Options = Readonly<Record<string, unknown>>;

const CONFIG_FILES = ['qase.config.json', '.qaserc'];

/**
 * Resolves the configuration from the reporter options, the environment and the parsed `qase.config.json`.
 * Pure: tests pass literals. Throws a ConfigError whose one-line message names the option and the fix.
 */
export function resolveConfig(options: unknown, env: Env, file: unknown): Config {
  return resolve(options, env, file, CONFIG_FILES[0]);
}

/** Reads `qase.config.json` (else `.qaserc`) in `cwd` and resolves the configuration. */
export function loadConfig(options: unknown, context: { cwd: string; env: Env }): Config {
  for (const name of CONFIG_FILES) {
    const text = readConfigFile(join(context.cwd, name), name);
    if (text !== undefined) return resolve(options, context.env, parseJson(text, name), name);
  }
  return resolve(options, context.env, undefined, CONFIG_FILES[0]);
}

function readConfigFile(path: string, name: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new ConfigError(`Cannot read ${name} (${code ?? String(error)}). Check the file's permissions, or remove it.`);
  }
}

function parseJson(text: string, name: string): unknown {
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch {
    // V8's message can quote the file, token included, so only the position is shown.
    const offset = syntaxErrorOffset(json);
    const before = json.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new ConfigError(
      `${name} is not valid JSON (line ${line}, column ${column}). Fix it there: JSON allows no comments and no trailing commas.`,
    );
  }
}

/** Offset of the first syntax error in `text`, which JSON.parse has rejected. */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = (): void => {
    while (' \t\n\r'.includes(text[i] ?? 'x')) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') break;
      if (c === '\\') {
        i++;
        if (/^u[0-9a-fA-F]{4}/.test(text.slice(i, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    space();
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (open === '{') {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === close) return void i++;
        if (text[i] !== ',') fail();
        i++;
      }
    }
    if (open === '"') return string();
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (literal === null) fail();
    else i += literal[0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    throw error;
  }
  return i;
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

// The known keys of qase.config.json and the reporter options; `true` marks an option, an object a section.
type Keys = { readonly [key: string]: true | Keys };
const LOCAL_REPORT: Keys = { local: { path: true, format: true } };
const KNOWN_KEYS: Keys = {
  mode: true,
  fallback: true,
  debug: true,
  environment: true,
  captureLogs: true,
  rootSuite: true,
  statusMapping: true,
  logging: { console: true, file: true },
  // `connections` is what the official code reads; their README writes `connection`. Both work.
  report: { driver: true, connections: LOCAL_REPORT, connection: LOCAL_REPORT },
  testops: {
    api: { token: true, host: true },
    project: true,
    uploadAttachments: true,
    run: { id: true, title: true, description: true, complete: true, tags: true, externalLink: true },
    plan: { id: true },
    batch: { size: true },
    defect: true,
    configurations: { values: true, createIfNotExists: true },
    statusFilter: true,
    showPublicReportLink: true,
    outbox: true,
    deadlineMs: true,
    rateLimitPerMinute: true,
    maxConcurrentRequests: true,
  },
};

const TOKEN_ENV = 'QASE_TESTOPS_API_TOKEN';
const PROJECT_ENV = 'QASE_TESTOPS_PROJECT';
const STATUSES: readonly Status[] = ['passed', 'failed', 'skipped', 'blocked', 'invalid'];

/** The three places a value can come from, with how to name them in a message. */
interface Sources {
  env: Env;
  file: Options;
  fileName: string;
  options: Options;
}

function resolve(options: unknown, env: Env, file: unknown, fileName: string): Config {
  try {
    return resolveSources({
      env,
      file: asRoot(file, `${fileName} must hold a JSON object ({ … })`),
      fileName,
      options: asRoot(options, 'The reporter options must be an object ({ … })'),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A token pasted into the wrong option would be quoted back; no message may carry it.
    const tokens = [env[TOKEN_ENV], tokenIn(file), tokenIn(options)].flatMap((token) => token?.trim() || []);
    throw new ConfigError(mask(error.message, tokens));
  }
}

function asRoot(value: unknown, what: string): Options {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ConfigError(`${what}, got ${describe(value)}.`);
  return value;
}

function resolveSources(s: Sources): Config {
  checkKeys(s.file, KNOWN_KEYS, '', `in ${s.fileName}`);
  checkKeys(s.options, KNOWN_KEYS, '', 'in the reporter options');

  const debug = pick(s, 'debug', 'QASE_DEBUG', flag) ?? false;
  const token = pick(s, 'testops.api.token', TOKEN_ENV, secret);
  const project = pick(s, 'testops.project', PROJECT_ENV, projectCode);
  const runId = pick(s, 'testops.run.id', 'QASE_TESTOPS_RUN_ID', whole(1, Infinity, RUN_ID_FIX));
  const host = pick(s, 'testops.api.host', 'QASE_TESTOPS_API_HOST', apiHost) ?? QASE_CLOUD;
  // The official code never reads QASE_FALLBACK although its docs list it; here it works.
  const fallback = pick(s, 'fallback', 'QASE_FALLBACK', modeValue) ?? 'off';
  const [mode, modeNote] = chooseMode(pick(s, 'mode', 'QASE_MODE', modeValue), fallback, token !== undefined, project);
  pick(s, 'report.driver', 'QASE_REPORT_DRIVER', driver);
  pick(s, ['report.connections.local.format', 'report.connection.local.format'], 'QASE_REPORT_CONNECTION_FORMAT', format);

  return deepFreeze({
    mode,
    modeNote,
    fallback,
    debug,
    environment: pick(s, 'environment', 'QASE_ENVIRONMENT', text),
    captureLogs: pick(s, 'captureLogs', 'QASE_CAPTURE_LOGS', flag) ?? false,
    rootSuite: pick(s, 'rootSuite', 'QASE_ROOT_SUITE', text),
    // Merged key by key, as the official reporters merge their sources.
    statusMapping: Object.assign(
      {},
      fromSource(s.options, 'statusMapping', 'in the reporter options', statusMapping),
      fromSource(s.file, 'statusMapping', `in ${s.fileName}`, statusMapping),
      fromEnv(s.env, 'QASE_STATUS_MAPPING', statusMapping),
    ),
    logging: {
      console: pick(s, 'logging.console', 'QASE_LOGGING_CONSOLE', flag) ?? true,
      file: pick(s, 'logging.file', 'QASE_LOGGING_FILE', flag) ?? debug,
    },
    dryRunPath:
      pick(s, ['report.connections.local.path', 'report.connection.local.path'], 'QASE_REPORT_CONNECTION_PATH', text) ??
      'qase-dry-run',
    testops: {
      api: { token, ...host },
      project,
      uploadAttachments: pick(s, 'testops.uploadAttachments', 'QASE_TESTOPS_UPLOAD_ATTACHMENTS', flag) ?? true,
      run: {
        id: runId,
        title: pick(s, 'testops.run.title', 'QASE_TESTOPS_RUN_TITLE', text),
        description: pick(s, 'testops.run.description', 'QASE_TESTOPS_RUN_DESCRIPTION', text),
        // `true`, as the official docs promise, for a run this process creates; a run someone else created
        // (`run.id`) is theirs to complete.
        complete: pick(s, 'testops.run.complete', 'QASE_TESTOPS_RUN_COMPLETE', flag) ?? runId === undefined,
        tags: pick(s, 'testops.run.tags', 'QASE_TESTOPS_RUN_TAGS', list) ?? [],
        externalLink: firstOf(
          fromEnv(s.env, 'QASE_TESTOPS_RUN_EXTERNAL_LINK', externalLink),
          externalLinkFromPair(s.env),
          fromSource(s.file, 'testops.run.externalLink', `in ${s.fileName}`, externalLink),
          fromSource(s.options, 'testops.run.externalLink', 'in the reporter options', externalLink),
        ),
      },
      plan: { id: pick(s, 'testops.plan.id', 'QASE_TESTOPS_PLAN_ID', whole(1, Infinity, PLAN_ID_FIX)) },
      batch: { size: pick(s, 'testops.batch.size', 'QASE_TESTOPS_BATCH_SIZE', whole(1, 2000, BATCH_FIX)) ?? 200 },
      defect: pick(s, 'testops.defect', 'QASE_TESTOPS_DEFECT', flag) ?? false,
      configurations: {
        values: pick(s, 'testops.configurations.values', 'QASE_TESTOPS_CONFIGURATIONS_VALUES', configurations) ?? [],
        createIfNotExists:
          pick(s, 'testops.configurations.createIfNotExists', 'QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS', flag) ??
          false,
      },
      statusFilter: pick(s, 'testops.statusFilter', 'QASE_TESTOPS_STATUS_FILTER', list) ?? [],
      showPublicReportLink: pick(s, 'testops.showPublicReportLink', 'QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK', flag) ?? false,
      outboxPath: pick(s, 'testops.outbox', 'QASE_TESTOPS_OUTBOX', text) ?? '.qase/outbox',
      deadlineMs: pick(s, 'testops.deadlineMs', 'QASE_TESTOPS_DEADLINE_MS', whole(1, Infinity, DEADLINE_FIX)) ?? 120_000,
      rateLimitPerMinute:
        pick(s, 'testops.rateLimitPerMinute', 'QASE_TESTOPS_RATE_LIMIT_PER_MINUTE', whole(1, Infinity, RATE_FIX)) ?? 200,
      maxConcurrentRequests:
        pick(s, 'testops.maxConcurrentRequests', 'QASE_TESTOPS_MAX_CONCURRENT_REQUESTS', whole(1, Infinity, CONCURRENCY_FIX)) ??
        3,
    },
  });
}

const DRY_RUN_HINT = 'or set QASE_MODE=dry-run to see what would be sent without uploading';

function chooseMode(
  explicit: Mode | undefined,
  fallback: Mode,
  hasToken: boolean,
  project: string | undefined,
): [Mode, string | undefined] {
  const missing = [hasToken ? undefined : TOKEN_ENV, project === undefined ? PROJECT_ENV : undefined].filter(
    (name) => name !== undefined,
  );
  const missingText = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
  if (explicit === undefined) {
    if (missing.length === 0) {
      return ['testops', `Uploading to project ${project} because a token and a project are configured; set QASE_MODE=off to stop.`];
    }
    return ['off', `Not reporting to Qase: ${missingText}. Set ${missing.length > 1 ? 'both' : 'it'} to upload results, ${DRY_RUN_HINT}.`];
  }
  if (explicit !== 'testops' || missing.length === 0) return [explicit, undefined];
  if (fallback === 'dry-run') {
    return ['dry-run', `Dry run instead of upload (fallback): the mode is testops but ${missingText}. Nothing is uploaded.`];
  }
  const fix = missing.length > 1
    ? 'Set them (or testops.api.token and testops.project) to an API token and your project code (e.g. DEMO)'
    : missing[0] === PROJECT_ENV
      ? 'Set it (or testops.project) to your project code (e.g. DEMO)'
      : 'Set it (or testops.api.token) to an API token from https://app.qase.io/user/api/token';
  throw new ConfigError(`${missingText}. ${fix}, ${DRY_RUN_HINT}.`);
}

/** How to read one option's value: from an environment variable's text, or from a JSON-like value. */
interface Kind<T> {
  fromEnv(text: string, where: string): T;
  fromValue(value: unknown, where: string): T;
}

/**
 * The value of one option by precedence: environment, file, reporter options. Every source is checked, so a
 * wrong value in the file is reported even while an environment variable overrides it.
 */
function pick<T>(s: Sources, paths: string | readonly string[], envName: string, kind: Kind<T>): T | undefined {
  return firstOf(
    fromEnv(s.env, envName, kind),
    fromSource(s.file, paths, `in ${s.fileName}`, kind),
    fromSource(s.options, paths, 'in the reporter options', kind),
  );
}

function firstOf<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

// Variables set to an empty string count as unset: CI templates often write `QASE_X=` for "no value".
// QASE_* variables we do not know are ignored, not refused: CI machines carry variables of other Qase tools
// (the Python and Java reporters, qasectl, newer official options), and refusing them would break runs.
function fromEnv<T>(env: Env, name: string, kind: Kind<T>): T | undefined {
  const value = env[name]?.trim();
  return value ? kind.fromEnv(value, name) : undefined;
}

function fromSource<T>(root: Options, paths: string | readonly string[], label: string, kind: Kind<T>): T | undefined {
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const value = valueAt(root, path);
    if (value !== undefined && value !== null && value !== '') return kind.fromValue(value, `${path} ${label}`);
  }
  return undefined;
}

function valueAt(root: Options, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

function checkKeys(value: Options, known: Keys, prefix: string, label: string): void {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(known, key)) {
      throw new ConfigError(
        `Unknown option ${path} ${label}; a misspelt option would be ignored. ` +
          `Known options${prefix ? ` in ${prefix}` : ''}: ${Object.keys(known).join(', ')}.`,
      );
    }
    const section = known[key];
    if (section === true || child === undefined || child === null) continue;
    if (!isObject(child)) throw new ConfigError(`${path} ${label} must be an object ({ … }), got ${describe(child)}.`);
    checkKeys(child, section, path, label);
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}

const text: Kind<string> = {
  fromEnv: (value) => value,
  fromValue: (value, where) =>
    typeof value === 'string' ? value : fail(`${where} must be a string, got ${describe(value)}. Write it in quotes.`),
};

const secret: Kind<string> = {
  fromEnv: (value) => value,
  fromValue: (value, where) =>
    typeof value === 'string'
      ? value
      : fail(`${where} must be a string, got ${typeof value === 'object' ? 'an object or list' : `a ${typeof value}`}. Write the token in quotes.`),
};

const flag: Kind<boolean> = {
  fromEnv(value, where) {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return fail(`${where} is ${quote(value)}, not a boolean. Set it to true or false.`);
  },
  fromValue: (value, where) =>
    typeof value === 'boolean' ? value : fail(`${where} must be true or false, got ${describe(value)}. Write true or false without quotes.`),
};

const RUN_ID_FIX = "Set it to the id of an existing run (the number in the run's URL), or remove it to create a new run.";
const PLAN_ID_FIX = "Set it to the id of a test plan (the number in the plan's URL), or remove it.";
const BATCH_FIX = 'Use 200 or fewer: the API accepts at most 200 results per request.';
const DEADLINE_FIX = 'It is in milliseconds; the default is 120000 (two minutes).';
const RATE_FIX = 'It counts requests per minute; the API allows 200.';
const CONCURRENCY_FIX = 'The default is 3.';

function whole(min: number, max: number, fix: string): Kind<number> {
  const range = max === Infinity ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const check = (n: number, shown: string, where: string): number =>
    Number.isSafeInteger(n) && n >= min && n <= max ? n : fail(`${where} is ${shown}; it must be ${range}. ${fix}`);
  return {
    fromEnv: (value, where) => check(/^\d+$/.test(value) ? Number(value) : NaN, quote(value), where),
    fromValue: (value, where) =>
      typeof value === 'number' ? check(value, String(value), where) : fail(`${where} must be a number, got ${describe(value)}. ${fix}`),
  };
}

function oneOf<T extends string>(values: Readonly<Record<string, T>>, allowed: string, fix = ''): Kind<T> {
  const check = (value: unknown, where: string): T =>
    typeof value === 'string' && Object.hasOwn(values, value)
      ? (values[value] as T)
      : fail(`${where} is ${describe(value)}; it must be ${allowed}.${fix && ` ${fix}`}`);
  return { fromEnv: check, fromValue: check };
}

const modeValue = oneOf<Mode>({ testops: 'testops', 'dry-run': 'dry-run', report: 'dry-run', off: 'off' }, 'testops, dry-run (or report) or off');
const driver = oneOf({ local: 'local' }, 'local', 'It is the only driver: a dry run writes to a local folder.');
const format = oneOf({ json: 'json' }, 'json', 'A dry run writes its request bodies as JSON; remove the option.');

const list: Kind<readonly string[]> = {
  fromEnv: (value) => splitList(value),
  fromValue: (value, where) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value.map((item: string) => item.trim()).filter(Boolean)
      : fail(`${where} must be a list of strings like ["a", "b"], got ${describe(value)}.`),
};

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
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

const statusMapping: Kind<Record<string, string>> = {
  fromEnv: (value, where) => checkMapping(Object.fromEntries(pairs(value, where, 'invalid=failed,skipped=passed')), where),
  fromValue: (value, where) =>
    isObject(value)
      ? checkMapping(value, where)
      : fail(`${where} must be an object like { "invalid": "failed" }, got ${describe(value)}.`),
};

function checkMapping(mapping: Options, where: string): Record<string, string> {
  for (const [from, to] of Object.entries(mapping)) {
    if (!(STATUSES as readonly string[]).includes(from)) {
      fail(`${where} maps ${quote(from)}, which is not a status. Map one of ${STATUSES.join(', ')}.`);
    }
    if (typeof to !== 'string' || to.trim() === '') {
      fail(`${where} maps ${from} to ${describe(to)}; map it to a status name such as "failed".`);
    }
  }
  return mapping as Record<string, string>;
}

const configurations: Kind<readonly ConfigurationValue[]> = {
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

type ExternalLink = NonNullable<Config['testops']['run']['externalLink']>;
const LINK_TYPES = ['jiraCloud', 'jiraServer'];

const externalLink: Kind<ExternalLink> = {
  fromEnv(value, where) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return fail(`${where} is not JSON. Write it like {"type":"jiraCloud","link":"PROJ-123"}.`);
    }
    return externalLink.fromValue(parsed, where);
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
function externalLinkFromPair(env: Env): ExternalLink | undefined {
  const type = env.QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE?.trim();
  const link = env.QASE_TESTOPS_RUN_EXTERNAL_LINK_URL?.trim();
  if (!type && !link) return undefined;
  if (!type) return fail('QASE_TESTOPS_RUN_EXTERNAL_LINK_URL is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE. Set the type to jiraCloud or jiraServer.');
  if (!link) return fail('QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is set without QASE_TESTOPS_RUN_EXTERNAL_LINK_URL. Set it to the issue key, e.g. PROJ-123.');
  if (!LINK_TYPES.includes(type)) return fail(`QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE is ${quote(type)}; it must be jiraCloud or jiraServer.`);
  return { type: type as ExternalLink['type'], link };
}

const projectCode: Kind<string> = {
  fromEnv: (value, where) => checkProject(value, where),
  fromValue: (value, where) => checkProject(text.fromValue(value, where), where),
};

function checkProject(code: string, where: string): string {
  if (/^[A-Za-z0-9]{2,10}$/.test(code)) return code;
  return fail(
    `${where} is ${quote(code)}; a project code is 2 to 10 letters or digits. ` +
      'Use the code from the project URL: DEMO in https://app.qase.io/project/DEMO.',
  );
}

const QASE_CLOUD = { baseUrl: 'https://api.qase.io', appUrl: 'https://app.qase.io' };
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

const apiHost: Kind<{ baseUrl: string; appUrl: string }> = {
  fromEnv: (value, where) => toUrls(value, where),
  fromValue: (value, where) => toUrls(text.fromValue(value, where), where),
};

function toUrls(host: string, where: string): { baseUrl: string; appUrl: string } {
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
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    fail(
      `${where} is ${shown}: plain HTTP would send the token unencrypted. ` +
        'Use https://; http:// is allowed only for 127.0.0.1, ::1 and localhost.',
    );
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

function tokenIn(source: unknown): string | undefined {
  const token = valueAt(isObject(source) ? source : {}, 'testops.api.token');
  return typeof token === 'string' ? token : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
