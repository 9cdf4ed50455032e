import {
  apiHost,
  configurations,
  externalLink,
  extraReporters,
  flag,
  list,
  listOf,
  oneOf,
  PLAN_ID,
  projectCode,
  projects,
  QASE_CLOUD,
  RUN_ID,
  runIds,
  secret,
  statusMapping,
  text,
  whole,
  type Kind,
} from './values';

/** One option: where it is written, what it takes, what it is when nothing sets it. */
export interface Option<T> {
  /** Its `QASE_*` variable; options without one are set in `qase.config.json` or the reporter options only. */
  readonly env?: string;
  /** Other spellings of the path with the same meaning (the official README's and the official code's). */
  readonly aliases?: readonly string[];
  readonly kind: Kind<T>;
  /** The value when no source sets it; without one the value is undefined (or computed, see `defaultText`). */
  readonly default?: T;
  /** The README's default when it depends on other options. */
  readonly defaultText?: string;
  /** One line for the README. */
  readonly description: string;
  /** An option of ours, beyond the official reporters'. */
  readonly ours?: true;
  /** Merged key by key across the sources, the higher source winning a key, as the official reporters merge it. */
  readonly merge?: true;
}

/** The spellings of `mode` and `fallback`. */
export type ModeName = 'testops' | 'testops_multi' | 'report' | 'dry-run' | 'off';
const modes = oneOf<ModeName>({ testops: 'testops', testops_multi: 'testops_multi', report: 'report', 'dry-run': 'dry-run', off: 'off' });

/**
 * Every option, official or ours, by its path in `qase.config.json` and the reporter options. The known keys, the
 * resolver, the messages and the README's reference (between its `options` markers) all come from this table. A new
 * option is a row here and its place in `toConfig` (config.ts); `config-readme.test.ts` then rewrites the README.
 */
export const OPTIONS = {
  mode: {
    env: 'QASE_MODE',
    kind: modes,
    defaultText: '`testops` when a token and a project are set, else `off`',
    description: '`testops` uploads; `report` writes a local Qase Report; `dry-run` writes the request bodies that would be sent; `off` does nothing; `testops_multi` uploads to several projects (`testops_multi`).',
  },
  fallback: {
    env: 'QASE_FALLBACK',
    kind: modes,
    default: 'off',
    description: 'The mode used when `mode` is `testops` but the token or the project is missing.',
  },
  debug: { env: 'QASE_DEBUG', kind: flag, default: false, description: 'Request-level lines in the output.' },
  environment: { env: 'QASE_ENVIRONMENT', kind: text, description: "Slug of the run's environment." },
  captureLogs: { env: 'QASE_CAPTURE_LOGS', kind: flag, default: false, description: 'Attach what a test printed as `log.txt`.' },
  rootSuite: { env: 'QASE_ROOT_SUITE', kind: text, description: "A suite that every result's suite path starts with." },
  statusMapping: {
    env: 'QASE_STATUS_MAPPING',
    kind: statusMapping,
    default: {},
    merge: true,
    description: 'Status → the status sent (the target may be a custom status); merged key by key across sources.',
  },
  'logging.console': { env: 'QASE_LOGGING_CONSOLE', kind: flag, default: true, description: "Print the reporter's lines." },
  'logging.file': {
    env: 'QASE_LOGGING_FILE',
    kind: flag,
    defaultText: 'the value of `debug`',
    description: 'Also write them to `logs/qase.log`.',
  },
  'report.driver': {
    env: 'QASE_REPORT_DRIVER',
    kind: oneOf({ local: 'local' }, 'It is the only driver: a local run writes to a folder.'),
    default: 'local',
    description: 'Where `report` and `dry-run` write: a local folder.',
  },
  'report.connections.local.path': {
    env: 'QASE_REPORT_CONNECTION_PATH',
    aliases: ['report.connection.local.path', 'report.connection.path'],
    kind: text,
    defaultText: '`build/qase-report`; `qase-dry-run` in a dry run',
    description: 'The folder `report` and `dry-run` write, relative to the working directory.',
  },
  'report.connections.local.format': {
    env: 'QASE_REPORT_CONNECTION_FORMAT',
    aliases: ['report.connection.local.format', 'report.connection.format'],
    kind: oneOf({ json: 'json', jsonp: 'jsonp' }),
    default: 'json',
    description: 'File format of the local report; `jsonp` files open from the file system in a browser.',
  },
  'testops.api.token': { env: 'QASE_TESTOPS_API_TOKEN', kind: secret, description: 'API token; never printed or written.' },
  'testops.api.host': {
    env: 'QASE_TESTOPS_API_HOST',
    kind: apiHost,
    default: QASE_CLOUD,
    defaultText: '`qase.io`',
    description: 'A host `H` means `https://api-H`; a URL is used as given (plain `http://` only to loopback, see `allowPlainHttp`).',
  },
  'testops.api.enterprise': {
    env: 'QASE_TESTOPS_API_ENTERPRISE',
    kind: flag,
    default: false,
    description: 'Accepted and without effect, as in the official reporters: `testops.api.host` alone sets the address.',
  },
  'testops.api.allowPlainHttp': {
    env: 'QASE_TESTOPS_API_ALLOW_PLAIN_HTTP',
    kind: flag,
    default: false,
    ours: true,
    description: 'Send over plain `http://` to a host that is not loopback, token unencrypted. Without it such results stay in the outbox.',
  },
  'testops.project': { env: 'QASE_TESTOPS_PROJECT', kind: projectCode, description: 'Project code: `DEMO` in `https://app.qase.io/project/DEMO`.' },
  'testops.uploadAttachments': {
    env: 'QASE_TESTOPS_UPLOAD_ATTACHMENTS',
    kind: flag,
    default: true,
    description: 'Upload attachments; when false, results go without them.',
  },
  'testops.run.id': { env: 'QASE_TESTOPS_RUN_ID', kind: RUN_ID, description: 'Report into this existing run instead of creating one.' },
  'testops.run.title': {
    env: 'QASE_TESTOPS_RUN_TITLE',
    kind: text,
    defaultText: 'the CI build, or `Automated run <date>`',
    description: 'Title of the run this process creates.',
  },
  'testops.run.description': {
    env: 'QASE_TESTOPS_RUN_DESCRIPTION',
    kind: text,
    defaultText: 'the framework and CI build',
    description: 'Description of the run this process creates.',
  },
  'testops.run.complete': {
    env: 'QASE_TESTOPS_RUN_COMPLETE',
    kind: flag,
    defaultText: '`true` for a run this process creates, `false` for `run.id`',
    description: 'Complete the run at the end.',
  },
  'testops.run.tags': { env: 'QASE_TESTOPS_RUN_TAGS', kind: list, default: [], description: 'Tags of the run this process creates.' },
  'testops.run.externalLink': {
    env: 'QASE_TESTOPS_RUN_EXTERNAL_LINK',
    kind: externalLink,
    description: 'Link the run to a Jira issue; `QASE_TESTOPS_RUN_EXTERNAL_LINK_TYPE` with `_URL` works too.',
  },
  'testops.plan.id': { env: 'QASE_TESTOPS_PLAN_ID', kind: PLAN_ID, description: "The test plan whose cases the new run holds." },
  'testops.batch.size': {
    env: 'QASE_TESTOPS_BATCH_SIZE',
    kind: whole(1, 2000, 'Use 200 or fewer: the API accepts at most 200 results per request.'),
    default: 200,
    description: "Results per request; the API's own limit (200) still applies.",
  },
  'testops.defect': { env: 'QASE_TESTOPS_DEFECT', kind: flag, default: false, description: 'Ask Qase to create a defect for each failed result.' },
  'testops.configurations.values': {
    env: 'QASE_TESTOPS_CONFIGURATIONS_VALUES',
    kind: configurations,
    default: [],
    description: 'Configurations of the run this process creates.',
  },
  'testops.configurations.createIfNotExists': {
    env: 'QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS',
    kind: flag,
    default: false,
    description: 'Create configuration groups and values that do not exist yet.',
  },
  'testops.statusFilter': {
    env: 'QASE_TESTOPS_STATUS_FILTER',
    kind: list,
    default: [],
    description: 'Statuses, after mapping, that are not uploaded.',
  },
  'testops.showPublicReportLink': {
    env: 'QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK',
    kind: flag,
    default: false,
    description: 'Make the run public at the end and print its link.',
  },
  'testops.outbox': {
    env: 'QASE_TESTOPS_OUTBOX',
    kind: text,
    default: '.qase/outbox',
    ours: true,
    description: 'Folder of the on-disk outbox; undelivered results stay there for `qase-reporters upload`.',
  },
  'testops.deadlineMs': {
    env: 'QASE_TESTOPS_DEADLINE_MS',
    kind: whole(1, Infinity, 'It is in milliseconds; the default is 120000 (two minutes).'),
    default: 120_000,
    ours: true,
    description: 'How long the end of the run may wait for the last uploads.',
  },
  'testops.rateLimitPerMinute': {
    env: 'QASE_TESTOPS_RATE_LIMIT_PER_MINUTE',
    kind: whole(1, Infinity, 'It counts requests per minute; the API allows 200.'),
    default: 200,
    ours: true,
    description: 'Requests per minute, shared by every request of the process.',
  },
  'testops.maxConcurrentRequests': {
    env: 'QASE_TESTOPS_MAX_CONCURRENT_REQUESTS',
    kind: whole(1, Infinity, 'The default is 6.'),
    // Six: a fast suite (2,000 Mocha tests in 0.6 s) fills batches faster than three requests at 100 ms of latency
    // can send them, and what they leave behind waits for the end of the run.
    default: 6,
    ours: true,
    description: 'Requests in flight at once.',
  },
  'testops_multi.default_project': {
    kind: projectCode,
    defaultText: 'the first of `projects`',
    description: 'With `mode: testops_multi`: the project of results that name no project.',
  },
  'testops_multi.projects': {
    kind: projects,
    description: 'With `mode: testops_multi`: the projects, each with its `code`, `run`, `plan`, `environment` and, if not the shared one, `api.token`.',
  },
  'testops_multi.run_ids': {
    env: 'QASE_TESTOPS_MULTI_RUN_IDS',
    kind: runIds,
    ours: true,
    description: 'With `mode: testops_multi`: an existing run per project (what `qase-reporters run create` prints), for shards; wins over `projects[].run.id`.',
  },
  profilers: {
    kind: listOf(['network'] as const),
    default: [],
    description: "`[\"network\"]` records each test's HTTP requests as steps.",
  },
  'networkProfiler.skip_domains': {
    kind: list,
    default: [],
    description: 'Hosts whose requests the network profiler leaves out.',
  },
  'networkProfiler.track_on_fail': {
    kind: flag,
    default: true,
    description: 'Record the response body of requests that fail (status ≥ 400).',
  },
  'framework.browser.addAsParameter': {
    aliases: ['framework.playwright.browser.addAsParameter'],
    kind: flag,
    default: false,
    description: "Playwright: add the project's browser as a parameter of each result.",
  },
  'framework.browser.parameterName': {
    aliases: ['framework.playwright.browser.parameterName'],
    kind: text,
    default: 'browser',
    description: "Playwright: that parameter's name.",
  },
  'framework.markAsFlaky': {
    aliases: ['framework.playwright.markAsFlaky'],
    kind: flag,
    default: false,
    description: 'Playwright: mark a test that passed on a retry as flaky.',
  },
  extraReporters: {
    kind: extraReporters,
    default: [],
    description: 'Mocha: other reporters that run beside ours (`--reporter-options extraReporters=spec`).',
  },
} as const satisfies Record<string, Option<unknown>>;

export type OptionPath = keyof typeof OPTIONS;

type ValueOf<O> = O extends { kind: Kind<infer T> } ? (O extends { default: unknown } ? T : T | undefined) : never;

/** The value of every option after precedence, before the options that depend on others are worked out. */
export type Values = { readonly [P in OptionPath]: ValueOf<(typeof OPTIONS)[P]> };
