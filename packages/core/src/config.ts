import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from './config/json';
import { checkKeys, keyTree } from './config/keys';
import { OPTIONS, type ModeName, type Option, type OptionPath, type Values } from './config/options';
import { describe, externalLinkPair, isLoopback, isObject, type ExternalLink, type MultiProject } from './config/values';
import { ConfigError } from './errors';
import { mask } from './output';

export type { ConfigurationValue, ExternalLink, ExtraReporter, MultiProject } from './config/values';

/** A project results go to, with its run settings resolved (`Config.projects`). */
export interface Project {
  code: string;
  token: string | undefined;
  run: {
    id: number | undefined;
    title: string | undefined;
    description: string | undefined;
    complete: boolean;
    tags: readonly string[];
    externalLink: ExternalLink | undefined;
  };
  plan: { id: number | undefined };
  environment: string | undefined;
}
export { isLoopback } from './config/values';

/**
 * What the reporter does with results: `testops` uploads, `report` writes a local Qase Report, `dry-run` writes
 * the request bodies that would be sent, `off` does nothing.
 */
export type Mode = 'testops' | 'report' | 'dry-run' | 'off';

type Env = Readonly<Record<string, string | undefined>>;

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * The resolved configuration: every field set, frozen; nothing after `resolveConfig` reads `process.env`. Each
 * option is described once, in the table of `config/options.ts` (and the README's reference made from it).
 */
export type Config = DeepReadonly<ReturnType<typeof toConfig>>;

const CONFIG_FILES = ['qase.config.json', '.qaserc'];
const TOKEN_ENV = 'QASE_TESTOPS_API_TOKEN';
const PROJECT_ENV = 'QASE_TESTOPS_PROJECT';
const KNOWN_KEYS = keyTree(Object.entries(OPTIONS).flatMap(([path, option]: [string, Option<unknown>]) => [path, ...(option.aliases ?? [])]));

/**
 * Resolves the configuration from the reporter options, the environment and the parsed `qase.config.json`.
 * Pure: tests pass literals. Throws a ConfigError whose one-line message names the option and the fix; what it
 * can work around (an unknown key) is a line in `warnings` instead.
 */
export function resolveConfig(options: unknown, env: Env, file: unknown): Config {
  return resolve(options, env, file, CONFIG_FILES[0]!);
}

/** Reads `qase.config.json` (else `.qaserc`) in `cwd` and resolves the configuration. */
export function loadConfig(options: unknown, context: { cwd: string; env: Env }): Config {
  for (const name of CONFIG_FILES) {
    const text = readConfigFile(join(context.cwd, name), name);
    if (text !== undefined) return resolve(options, context.env, parseJson(text, name), name);
  }
  return resolve(options, context.env, undefined, CONFIG_FILES[0]!);
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

/** A source of values other than the environment, with how to name it in a message. */
interface Source {
  root: Record<string, unknown>;
  label: string;
}

function resolve(options: unknown, env: Env, file: unknown, fileName: string): Config {
  // A token pasted into the wrong option would be quoted back; no message or warning may carry it.
  const tokens = [env[TOKEN_ENV], ...tokensIn(file), ...tokensIn(options)].flatMap((token) => token?.trim() || []);
  const safe = (line: string) => mask(line, tokens);
  try {
    const warnings: string[] = [];
    const warn = (line: string) => void warnings.push(safe(line));
    const sources = [
      { root: asRoot(file, `${fileName} must hold a JSON object ({ … })`), label: `in ${fileName}` },
      { root: asRoot(options, 'The reporter options must be an object ({ … })'), label: 'in the reporter options' },
    ];
    for (const source of sources) checkKeys(source.root, KNOWN_KEYS, source.label, warn);
    const link = env.QASE_TESTOPS_RUN_EXTERNAL_LINK?.trim() || externalLinkPair(env);
    const values = readValues({ ...env, QASE_TESTOPS_RUN_EXTERNAL_LINK: link }, sources, warn);
    return deepFreeze(toConfig(values, warnings, warn, safe));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(safe(error.message));
  }
}

function asRoot(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ConfigError(`${what}, got ${describe(value)}.`);
  return value;
}

/**
 * Every option by precedence: its `QASE_*` variable, then the file, then the reporter options, then its default.
 * Only the value that wins is read, and only when it is used (`testops.project` is not, in mode testops_multi), so
 * a value overridden by a higher source or left unused is never a reason to fail.
 */
function readValues(env: Env, sources: readonly Source[], warn: (line: string) => void): Values {
  const values: Record<string, unknown> = {};
  for (const [path, option] of Object.entries(OPTIONS) as [OptionPath, Option<unknown>][]) {
    let value: unknown;
    let read = false;
    Object.defineProperty(values, path, {
      get: () => {
        if (!read) [value, read] = [readOption(env, sources, path, option, warn), true];
        return value;
      },
    });
  }
  return values as Values;
}

function readOption(env: Env, sources: readonly Source[], path: string, option: Option<unknown>, warn: (line: string) => void): unknown {
  const found = [...fromEnv(env, option), ...sources.flatMap((source) => fromSource(source, path, option))];
  const read = ({ raw, where, variable }: Found) =>
    variable ? option.kind.fromEnv(raw as string, where, warn) : option.kind.fromValue(raw, where, warn);
  if (option.merge) return Object.assign({}, option.default, ...found.reverse().map(read));
  return found.length > 0 ? read(found[0]!) : option.default;
}

interface Found {
  raw: unknown;
  /** The variable, or the path and the source: how a message names it. */
  where: string;
  /** Read from a `QASE_*` variable, so `raw` is its text. */
  variable: boolean;
}

// Variables set to an empty string count as unset: CI templates often write `QASE_X=` for "no value".
// QASE_* variables we do not know are ignored, not refused: CI machines carry variables of other Qase tools
// (the Python and Java reporters, qasectl, newer official options), and refusing them would break runs.
function fromEnv(env: Env, option: Option<unknown>): Found[] {
  const text = option.env === undefined ? undefined : env[option.env]?.trim();
  return text ? [{ raw: text, where: option.env!, variable: true }] : [];
}

function fromSource(source: Source, path: string, option: Option<unknown>): Found[] {
  for (const spelling of [path, ...(option.aliases ?? [])]) {
    const raw = valueAt(source.root, spelling);
    if (raw !== undefined && raw !== null && raw !== '') return [{ raw, where: `${spelling} ${source.label}`, variable: false }];
  }
  return [];
}

function valueAt(root: Record<string, unknown>, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

/** The configuration the rest of core reads, from the options' values: the one place options depend on each other. */
function toConfig(v: Values, warnings: readonly string[], warn: (line: string) => void, safe: (line: string) => string) {
  // A dry run of a multi-project configuration shows each project's requests.
  const multi = v.mode === 'testops_multi' || (v.mode === 'dry-run' && v['testops_multi.projects'] !== undefined) ? multiProject(v, warn) : undefined;
  const project = multi?.project.code ?? v['testops.project'];
  const token = v['testops.api.token'];
  const fallback = v.fallback === 'testops_multi' ? 'testops' : v.fallback;
  // Every project needs a token: the shared one, or its own (the official docs' per-project `api.token`).
  const hasToken = token !== undefined || (multi !== undefined && multi.projects.every((p) => p.api.token !== undefined));
  const [mode, modeNote] = chooseMode(v.mode === 'testops_multi' ? 'testops' : v.mode, fallback, hasToken, project);
  const run = multi?.project.run;
  const runId = multi ? multi.runId(multi.project) : v['testops.run.id'];
  const { baseUrl, appUrl } = v['testops.api.host'];
  const refusal = plainHttpRefusal(baseUrl, v['testops.api.allowPlainHttp']);
  const shared = {
    title: v['testops.run.title'],
    description: v['testops.run.description'],
    complete: v['testops.run.complete'],
    tags: v['testops.run.tags'],
    externalLink: v['testops.run.externalLink'],
  };
  const target = (p: MultiProject): Project => {
    const id = multi!.runId(p);
    return {
      code: p.code,
      token: p.api.token ?? token,
      run: {
        id,
        title: p.run.title ?? shared.title,
        description: p.run.description ?? shared.description,
        complete: p.run.complete ?? shared.complete ?? id === undefined,
        tags: p.run.tags ?? shared.tags,
        externalLink: p.run.externalLink ?? shared.externalLink,
      },
      plan: { id: p.plan.id ?? v['testops.plan.id'] },
      environment: p.environment ?? v.environment,
    };
  };
  return {
    mode,
    /**
     * One line explaining `mode` when it was not set explicitly or the fallback chose it; never the token.
     */
    modeNote,
    /**
     * Lines to print once before the first test: keys ignored, and what we do instead of what an option asks. The
     * array itself, since the values read below (only when used) may add to it.
     */
    warnings,
    fallback,
    debug: v.debug,
    environment: multi?.project.environment ?? v.environment,
    captureLogs: v.captureLogs,
    rootSuite: v.rootSuite,
    statusMapping: v.statusMapping,
    logging: { console: v['logging.console'], file: v['logging.file'] ?? v.debug },
    /** Where `report` and `dry-run` write, and in which format. */
    report: {
      driver: v['report.driver'],
      // The official default, except for a dry run, whose folder holds request bodies, not a Qase Report.
      path: v['report.connections.local.path'] ?? (mode === 'dry-run' ? 'qase-dry-run' : 'build/qase-report'),
      format: v['report.connections.local.format'],
    },
    testops: {
      api: {
        token,
        /** The API's base URL without `/v1`. */
        baseUrl,
        /** The web app's, for run links. */
        appUrl,
        allowPlainHttp: v['testops.api.allowPlainHttp'],
        /**
         * Why nothing may be sent to `baseUrl` (plain HTTP to a host that is not loopback, without the opt-in):
         * a reporter keeps its results in the outbox instead. Undefined when sending is safe.
         */
        refusal: refusal && safe(refusal),
      },
      project,
      uploadAttachments: v['testops.uploadAttachments'],
      run: {
        id: runId,
        title: run?.title ?? v['testops.run.title'],
        description: run?.description ?? v['testops.run.description'],
        // `true`, as the official docs promise, for a run this process creates; a run someone else created
        // (`run.id`) is theirs to complete.
        complete: run?.complete ?? v['testops.run.complete'] ?? runId === undefined,
        tags: run?.tags ?? v['testops.run.tags'],
        externalLink: run?.externalLink ?? v['testops.run.externalLink'],
      },
      plan: { id: multi?.project.plan.id ?? v['testops.plan.id'] },
      batch: { size: v['testops.batch.size'] },
      defect: v['testops.defect'],
      configurations: { values: v['testops.configurations.values'], createIfNotExists: v['testops.configurations.createIfNotExists'] },
      statusFilter: v['testops.statusFilter'],
      showPublicReportLink: v['testops.showPublicReportLink'],
      outboxPath: v['testops.outbox'],
      deadlineMs: v['testops.deadlineMs'],
      rateLimitPerMinute: v['testops.rateLimitPerMinute'],
      maxConcurrentRequests: v['testops.maxConcurrentRequests'],
    },
    /**
     * Set in mode testops_multi: results naming no project go to `defaultProject`, which is also `testops.project`
     * (and its run `testops.run`, its plan and environment), for what needs one project: the report mode, the CLI.
     */
    testopsMulti: multi && { defaultProject: multi.project.code },
    /**
     * Where results go: in mode testops the one project (`testops.*`); in mode testops_multi each of
     * `testops_multi.projects`, its own settings first, then the shared `testops` ones. A dry run may have no
     * project: its one project's code is then ''.
     */
    projects: multi ? multi.projects.map(target) : [{
      code: project ?? '', token, run: { ...shared, id: runId, complete: shared.complete ?? runId === undefined },
      plan: { id: v['testops.plan.id'] }, environment: v.environment,
    } satisfies Project],
    profilers: v.profilers,
    networkProfiler: { skipDomains: v['networkProfiler.skip_domains'], trackOnFail: v['networkProfiler.track_on_fail'] },
    /** The official reporters' framework sections, for the adapters. */
    framework: {
      playwright: {
        browser: { addAsParameter: v['framework.browser.addAsParameter'], parameterName: v['framework.browser.parameterName'] },
        markAsFlaky: v['framework.markAsFlaky'],
      },
      mocha: { extraReporters: v.extraReporters },
    },
  };
}

/** The multi-project section, checked as a whole: the default project must be one of the projects. */
function multiProject(v: Values, warn: (line: string) => void) {
  const projects = v['testops_multi.projects'];
  if (projects === undefined) {
    warn('mode is testops_multi but testops_multi.projects is not set; results go to testops.project as in mode testops.');
    return undefined;
  }
  const code = v['testops_multi.default_project'] ?? projects[0]!.code;
  const project = projects.find((p: MultiProject) => p.code === code);
  if (!project) {
    throw new ConfigError(`testops_multi.default_project is ${JSON.stringify(code)}, which is not one of testops_multi.projects ` +
      `(${projects.map((p) => p.code).join(', ')}). Set it to one of their codes, or add that project.`);
  }
  const runIds = v['testops_multi.run_ids'] ?? {};
  for (const other of Object.keys(runIds).filter((c) => !projects.some((p) => p.code === c))) {
    warn(`QASE_TESTOPS_MULTI_RUN_IDS (testops_multi.run_ids) names project ${other}, which is not one of testops_multi.projects; its run id is not used.`);
  }
  // One run id cannot serve several projects: each has its own runs.
  if (v['testops.run.id'] !== undefined) {
    warn('QASE_TESTOPS_RUN_ID (testops.run.id) is not used in mode testops_multi, where each project has a run of its own; ' +
      'set QASE_TESTOPS_MULTI_RUN_IDS=PROJ1:12,PROJ2:34 (what qase-reporters run create prints) or testops_multi.projects[].run.id.');
  }
  const runId = (p: MultiProject): number | undefined => runIds[p.code] ?? p.run.id;
  return { project, projects, runId };
}

function plainHttpRefusal(baseUrl: string, allowed: boolean): string | undefined {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' || isLoopback(url.hostname) || allowed) return undefined;
  return `the API address ${url.protocol}//${url.host} is plain HTTP, which would send the token unencrypted, so nothing is ` +
    'sent to it. Use https://, or set QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true (testops.api.allowPlainHttp) to send over ' +
    'plain HTTP anyway.';
}

const DRY_RUN_HINT = 'or set QASE_MODE=dry-run to see what would be sent without uploading';

function chooseMode(
  explicit: Exclude<ModeName, 'testops_multi'> | undefined,
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
  if (fallback === 'dry-run' || fallback === 'report') {
    const instead = fallback === 'dry-run' ? 'Dry run' : 'Local report';
    return [fallback, `${instead} instead of upload (fallback): the mode is testops but ${missingText}. Nothing is uploaded.`];
  }
  const fix = missing.length > 1
    ? 'Set them (or testops.api.token and testops.project) to an API token and your project code (e.g. DEMO)'
    : missing[0] === PROJECT_ENV
      ? 'Set it (or testops.project) to your project code (e.g. DEMO)'
      : 'Set it (or testops.api.token) to an API token from https://app.qase.io/user/api/token';
  throw new ConfigError(`${missingText}. ${fix}, ${DRY_RUN_HINT}.`);
}

/** Every token a source holds: the shared one and each project's own. */
function tokensIn(source: unknown): string[] {
  const root = isObject(source) ? source : {};
  const projects = valueAt(root, 'testops_multi.projects');
  const own = Array.isArray(projects) ? projects.map((p) => valueAt(isObject(p) ? p : {}, 'api.token')) : [];
  return [valueAt(root, 'testops.api.token'), ...own].filter((token): token is string => typeof token === 'string');
}

// Plain objects and lists only, each frozen before its children so that a cycle ends the walk: anything else in an
// extra reporter's options (a function, a class instance) is the user's, left as it is.
function deepFreeze<T>(value: T): DeepReadonly<T> {
  if ((isObject(value) && Object.getPrototypeOf(value) === Object.prototype) || Array.isArray(value)) {
    if (Object.isFrozen(value)) return value as DeepReadonly<T>;
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value as DeepReadonly<T>;
}
