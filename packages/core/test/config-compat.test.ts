import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/index';

// The official reporters' configurations (qase-javascript-commons, and each reporter's `framework` section): every
// key and value they accept keeps ours uploading. Unknown keys are warnings, and only the merged value is checked.

const TOKEN = 'tok-5f3e9a7c1b2d4e6f8a0b';
const READY = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO' };

describe('configurations the official reporters document', () => {
  it.each([
    {
      case: 'the commons README example qase.config.json',
      file: {
        mode: 'testops',
        fallback: 'report',
        debug: false,
        environment: 'local',
        captureLogs: false,
        statusMapping: { invalid: 'failed', skipped: 'passed' },
        logging: { console: true, file: true },
        report: { driver: 'local', connection: { local: { path: './build/qase-report', format: 'json' } } },
        testops: {
          api: { token: TOKEN, host: 'qase.io' },
          run: {
            title: 'Regress run',
            description: 'Regress run description',
            complete: true,
            tags: ['tag1', 'tag2'],
            externalLink: { type: 'jiraCloud', link: 'PROJ-123' },
          },
          defect: false,
          project: 'DEMO',
          uploadAttachments: true,
          showPublicReportLink: true,
          statusFilter: ['passed', 'skipped'],
          batch: { size: 100 },
          configurations: { values: [{ name: 'group1', value: 'value1' }], createIfNotExists: true },
        },
      },
    },
    {
      case: 'the Playwright README reporter options',
      options: {
        mode: 'testops',
        debug: false,
        testops: {
          api: { token: TOKEN },
          project: 'DEMO',
          uploadAttachments: true,
          run: { title: 'Automated Playwright Run', description: 'Nightly regression tests', complete: true },
          batch: { size: 100 },
        },
        framework: { browser: { addAsParameter: true, parameterName: 'Browser' }, markAsFlaky: true },
      },
    },
    {
      case: "Playwright's framework section as its config schema spells it",
      file: { framework: { playwright: { browser: { addAsParameter: true, parameterName: 'Browser' }, markAsFlaky: true } } },
      env: READY,
    },
    {
      case: "Mocha's extra reporters and the network profiler",
      file: {
        extraReporters: ['spec', { name: 'json', options: { output: 'results.json' } }],
        profilers: ['network'],
        networkProfiler: { skip_domains: ['analytics.example.com'], track_on_fail: true },
      },
      env: READY,
    },
    { case: 'the jsonp local report', file: { mode: 'report', report: { connections: { local: { format: 'jsonp' } } } }, env: {} },
    { case: 'the enterprise flag', env: { ...READY, QASE_TESTOPS_API_ENTERPRISE: 'true' } },
    { case: 'a status mapping from disabled', file: { statusMapping: { disabled: 'skipped' } }, env: READY },
    {
      case: 'the commons multi-project example',
      file: {
        mode: 'testops_multi',
        fallback: 'report',
        testops: { api: { token: TOKEN, host: 'qase.io' }, batch: { size: 100 }, showPublicReportLink: true },
        testops_multi: {
          default_project: 'PROJ1',
          projects: [
            { code: 'PROJ1', run: { title: 'PROJ1 Multi-Project Run', complete: true }, plan: { id: 1 }, environment: 'staging' },
            { code: 'PROJ2', run: { title: 'PROJ2 Run', id: 123, complete: true }, environment: 'production' },
          ],
        },
      },
      env: {},
    },
  ])('$case uploads, with no warning but what we do instead', ({ options = {}, file, env = {} }) => {
    const config = resolveConfig(options, env, file);
    expect(config.mode).toBe(file?.mode === 'report' ? 'report' : 'testops');
    expect(config.warnings).toEqual([]);
  });
});

// Written from qase-javascript-commons (src/options, src/env, config-validation-schema.ts, README.md) and the
// Playwright and Mocha reporters' sources, independently of our table: each must be read without a warning.
const OFFICIAL_KEYS: [string, unknown][] = [
  ['mode', 'testops'], ['fallback', 'off'], ['debug', true], ['environment', 'local'], ['captureLogs', true],
  ['rootSuite', 'Root'], ['statusMapping', { disabled: 'skipped' }], ['logging.console', true], ['logging.file', false],
  ['report.driver', 'local'], ['report.connections.local.path', 'out'], ['report.connections.local.format', 'jsonp'],
  ['report.connection.local.path', 'out'], ['report.connection.local.format', 'json'], ['report.connection.path', 'out'],
  ['report.connection.format', 'jsonp'], ['testops.api.token', TOKEN], ['testops.api.host', 'qase.io'],
  ['testops.api.enterprise', false], ['testops.project', 'DEMO'], ['testops.uploadAttachments', true],
  ['testops.run.id', 1], ['testops.run.title', 't'], ['testops.run.description', 'd'], ['testops.run.complete', true],
  ['testops.run.tags', ['a']], ['testops.run.externalLink', { type: 'jiraServer', link: 'P-1' }], ['testops.plan.id', 1],
  ['testops.batch.size', 100], ['testops.defect', true], ['testops.configurations.values', [{ name: 'os', value: 'linux' }]],
  ['testops.configurations.createIfNotExists', true], ['testops.statusFilter', ['passed']],
  ['testops.showPublicReportLink', true], ['testops_multi.default_project', 'DEMO'],
  ['testops_multi.projects', [{ code: 'DEMO', run: { id: 1, title: 't', description: 'd', complete: true, tags: [], externalLink: { type: 'jiraCloud', link: 'P-1' } }, plan: { id: 1 }, environment: 'e' }]],
  ['profilers', ['network']], ['networkProfiler.skip_domains', ['x.example']], ['networkProfiler.track_on_fail', false],
  ['framework.browser.addAsParameter', true], ['framework.browser.parameterName', 'Browser'], ['framework.markAsFlaky', true],
  ['framework.playwright.browser.addAsParameter', true], ['framework.playwright.browser.parameterName', 'B'],
  ['framework.playwright.markAsFlaky', true], ['extraReporters', 'spec'],
];

const OFFICIAL_VARIABLES: Record<string, string> = {
  QASE_MODE: 'testops', QASE_FALLBACK: 'report', QASE_DEBUG: 'true', QASE_ENVIRONMENT: 'local', QASE_CAPTURE_LOGS: 'true',
  QASE_ROOT_SUITE: 'Root', QASE_STATUS_MAPPING: 'disabled=skipped', QASE_LOGGING_CONSOLE: 'false', QASE_LOGGING_FILE: 'true',
  QASE_REPORT_DRIVER: 'local', QASE_REPORT_CONNECTION_PATH: 'out', QASE_REPORT_CONNECTION_FORMAT: 'jsonp',
  QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_API_HOST: 'example.qase.io', QASE_TESTOPS_API_ENTERPRISE: 'true',
  QASE_TESTOPS_PROJECT: 'DEMO', QASE_TESTOPS_UPLOAD_ATTACHMENTS: 'false', QASE_TESTOPS_RUN_ID: '5', QASE_TESTOPS_RUN_TITLE: 't',
  QASE_TESTOPS_RUN_DESCRIPTION: 'd', QASE_TESTOPS_RUN_COMPLETE: 'true', QASE_TESTOPS_RUN_TAGS: 'a,b',
  QASE_TESTOPS_RUN_EXTERNAL_LINK: '{"type":"jiraCloud","link":"P-1"}', QASE_TESTOPS_PLAN_ID: '3', QASE_TESTOPS_BATCH_SIZE: '100',
  QASE_TESTOPS_DEFECT: 'true', QASE_TESTOPS_CONFIGURATIONS_VALUES: 'os=linux', QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS: 'true',
  QASE_TESTOPS_STATUS_FILTER: 'passed', QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK: 'true',
};

describe('every official key and variable', () => {
  it.each(OFFICIAL_KEYS)('%s is read from the file and the reporter options without a warning', (path, value) => {
    const nested = path.split('.').reverse().reduce<unknown>((inner, key) => ({ [key]: inner }), value);
    for (const config of [resolveConfig({}, READY, nested), resolveConfig(nested, READY, undefined)]) {
      expect(config.warnings).toEqual([]);
      expect(config.mode).toBe('testops');
    }
  });

  it('every variable at once uploads', () => {
    const config = resolveConfig({}, OFFICIAL_VARIABLES, undefined);
    expect([config.mode, config.warnings, config.testops.api.baseUrl]).toEqual(['testops', [], 'https://api-example.qase.io']);
  });
});

describe('unknown keys', () => {
  it.each([
    {
      case: 'a misspelt key names the option it is nearest to',
      file: { testops: { api: { tocken: TOKEN } } },
      warning: 'Unknown option testops.api.tocken in qase.config.json is ignored; the nearest known option is testops.api.token.',
    },
    {
      case: 'a key at the wrong level names the option where it belongs',
      options: { projectCode: 'DEMO' },
      warning: 'Unknown option projectCode in the reporter options is ignored; the nearest known option is testops.project.',
    },
    {
      case: 'deep in report',
      file: { report: { connections: { local: { folder: 'x' } } } },
      warning:
        'Unknown option report.connections.local.folder in qase.config.json is ignored; the nearest known option is report.connections.local.format.',
    },
    {
      case: 'a key an official reporter may add later',
      options: { testops: { api: { timeout: 30 } } },
      warning: 'Unknown option testops.api.timeout in the reporter options is ignored; the nearest known option is testops.api.token.',
    },
    {
      case: 'a key inside a multi-project entry',
      file: { mode: 'testops_multi', testops_multi: { projects: [{ code: 'PROJ1', runn: {} }] } },
      warning: 'Unknown option runn of project 1 of testops_multi.projects in qase.config.json is ignored; known: code, run, plan, environment, api.',
    },
    {
      case: 'a status mapping from a name that is no status keeps the rest of the mapping',
      file: { statusMapping: { invlid: 'failed' } },
      warning:
        'statusMapping in qase.config.json maps "invlid", which is not a status, so that entry is ignored. Map one of passed, failed, skipped, blocked, invalid, disabled.',
    },
    {
      case: 'a profiler we do not know',
      file: { profilers: ['network', 'memory'] },
      warning: 'profilers in qase.config.json names "memory", which is ignored; known: network.',
    },
  ])('$case', ({ options = {}, file, warning }) => {
    const config = resolveConfig(options, READY, file);
    expect([config.warnings, config.mode]).toEqual([[warning], 'testops']);
  });

  it.each([
    [{ testops: { api: { tocken: TOKEN } } }, 'testops.api.token'],
    [{ debugg: true }, 'debug'],
    [{ testops: { run: { titel: 'x' } } }, 'testops.run.title'],
    [{ testops: { uploadAttachment: false } }, 'testops.uploadAttachments'],
    [{ framework: { browser: { addAsParam: true } } }, 'framework.browser.addAsParameter'],
  ])('%j → %s', (file, nearest) => {
    expect(resolveConfig({}, READY, file).warnings).toEqual([expect.stringMatching(new RegExp(`nearest known option is ${nearest.replace(/\./g, '\\.')}\\.$`))]);
  });

  it('never quotes the token in a warning', () => {
    const config = resolveConfig({ testops: { api: { token: TOKEN } } }, {}, { [TOKEN]: true });
    expect(config.warnings.join('\n')).not.toContain(TOKEN);
  });
});

describe('the merged configuration is validated, never a source alone', () => {
  it('a placeholder project in the file, overridden by QASE_TESTOPS_PROJECT, uploads', () => {
    const config = resolveConfig({ testops: { project: 'project_code' } }, READY, { testops: { project: 'project_code', api: { token: '<token>' } } });
    expect([config.mode, config.testops.project, config.testops.api.token]).toEqual(['testops', 'DEMO', TOKEN]);
  });

  it('a wrong type in the file, overridden by a variable, is not read', () => {
    const config = resolveConfig({}, { QASE_TESTOPS_RUN_TITLE: 'from env' }, { testops: { run: { title: 42 } } });
    expect(config.testops.run.title).toBe('from env');
  });

  it('a wrong value in the reporter options, overridden by the file, is not read', () => {
    const config = resolveConfig({ testops: { batch: { size: 5000 } } }, {}, { testops: { batch: { size: 50 } } });
    expect(config.testops.batch.size).toBe(50);
  });

  it('an option that is not used is not read: testops.project in mode testops_multi', () => {
    const file = { mode: 'testops_multi', testops: { project: 'project_code' }, testops_multi: { projects: [{ code: 'DEMO' }] } };
    const config = resolveConfig({}, { QASE_TESTOPS_API_TOKEN: TOKEN }, file);
    expect([config.mode, config.testops.project]).toEqual(['testops', 'DEMO']);
  });

  it('a half external-link pair is not read when the JSON variable is set', () => {
    const env = { QASE_TESTOPS_RUN_EXTERNAL_LINK: '{"type":"jiraCloud","link":"J-1"}', QASE_TESTOPS_RUN_EXTERNAL_LINK_URL: 'S-1' };
    expect(resolveConfig({}, env, undefined).testops.run.externalLink).toEqual({ type: 'jiraCloud', link: 'J-1' });
  });
});

describe('mode testops_multi', () => {
  const multi = {
    mode: 'testops_multi',
    testops: { run: { title: 'Shared', tags: ['s'] } },
    testops_multi: {
      default_project: 'PROJ2',
      projects: [
        { code: 'PROJ1', run: { title: 'One' } },
        { code: 'PROJ2', run: { title: 'Two', id: 7, tags: ['x'] }, plan: { id: 3 }, environment: 'production', api: { token: 'own-token' } },
      ],
    },
  };

  it('keeps the default project as testops.project, with its run, plan and environment, for what needs one project', () => {
    const config = resolveConfig({}, { QASE_TESTOPS_API_TOKEN: TOKEN }, multi);
    expect(config.mode).toBe('testops');
    expect(config.testops.project).toBe('PROJ2');
    expect(config.testops.run).toMatchObject({ id: 7, title: 'Two', tags: ['x'], complete: false });
    expect([config.testops.plan.id, config.environment]).toEqual([3, 'production']);
    expect(config.warnings).toEqual([]);
  });

  it('carries every project, its own settings first, then the shared ones', () => {
    const config = resolveConfig({}, { QASE_TESTOPS_API_TOKEN: TOKEN }, multi);
    expect(config.testopsMulti?.defaultProject).toBe('PROJ2');
    expect(config.projects.map((p) => [p.code, p.token, p.run.title, p.run.tags, p.run.id, p.run.complete, p.plan.id, p.environment])).toEqual([
      ['PROJ1', TOKEN, 'One', ['s'], undefined, true, undefined, undefined],
      ['PROJ2', 'own-token', 'Two', ['x'], 7, false, 3, 'production'],
    ]);
  });

  it('needs no shared token when every project has its own, and masks each in messages', () => {
    const own = { mode: 'testops_multi', testops_multi: { projects: [{ code: 'PROJ1', api: { token: 'secret-one' } }, { code: 'PROJ2', api: { token: 'secret-two' } }] } };
    expect(resolveConfig({}, {}, own).projects.map((p) => p.token)).toEqual(['secret-one', 'secret-two']);
    const half = { mode: 'testops_multi', testops_multi: { projects: [{ code: 'PROJ1', api: { token: 'secret-one' } }, { code: 'PROJ2' }] } };
    expect(() => resolveConfig({}, {}, half)).toThrowError(/QASE_TESTOPS_API_TOKEN is not set/);
    // A project's token pasted into the wrong field is not quoted back.
    const pasted = { mode: 'testops_multi', testops_multi: { default_project: 'SECRET1', projects: [{ code: 'PROJ1', api: { token: 'SECRET1' } }] } };
    expect(() => resolveConfig({}, {}, pasted)).toThrowError('testops_multi.default_project is "***", which is not one of testops_multi.projects (PROJ1).');
  });

  it('takes each project\'s run from QASE_TESTOPS_MULTI_RUN_IDS, over projects[].run.id, and never from QASE_TESTOPS_RUN_ID', () => {
    const env = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_MULTI_RUN_IDS: 'PROJ1:12, PROJ2:34,OTHER:5', QASE_TESTOPS_RUN_ID: '99' };
    const config = resolveConfig({}, env, multi);
    expect(config.projects.map((p) => [p.code, p.run.id, p.run.complete])).toEqual([['PROJ1', 12, false], ['PROJ2', 34, false]]);
    expect(config.warnings).toEqual([
      'QASE_TESTOPS_MULTI_RUN_IDS (testops_multi.run_ids) names project OTHER, which is not one of testops_multi.projects; its run id is not used.',
      'QASE_TESTOPS_RUN_ID (testops.run.id) is not used in mode testops_multi, where each project has a run of its own; set ' +
        'QASE_TESTOPS_MULTI_RUN_IDS=PROJ1:12,PROJ2:34 (what qase-reporters run create prints) or testops_multi.projects[].run.id.',
    ]);
    expect(() => resolveConfig({}, { ...env, QASE_TESTOPS_MULTI_RUN_IDS: 'PROJ1=12' }, multi)).toThrowError(/each entry is CODE:RUN_ID/);
  });

  it('takes the first project when no default is named', () => {
    const config = resolveConfig({}, { QASE_TESTOPS_API_TOKEN: TOKEN }, { mode: 'testops_multi', testops_multi: { projects: [{ code: 'PROJ1' }] } });
    expect([config.testops.project, config.warnings]).toEqual(['PROJ1', []]);
  });

  it('is read by a dry run, so the dry run shows each project\'s requests', () => {
    const config = resolveConfig({}, { QASE_MODE: 'dry-run' }, { ...multi, mode: undefined });
    expect([config.mode, config.projects.map((p) => p.code)]).toEqual(['dry-run', ['PROJ1', 'PROJ2']]);
  });

  it('without a testops_multi section uploads to testops.project, saying so', () => {
    const config = resolveConfig({}, READY, { mode: 'testops_multi' });
    expect([config.mode, config.testops.project, config.testopsMulti]).toEqual(['testops', 'DEMO', undefined]);
    expect(config.warnings).toEqual([
      'mode is testops_multi but testops_multi.projects is not set; results go to testops.project as in mode testops.',
    ]);
  });

  it('is a fallback like testops', () => {
    expect(resolveConfig({}, { QASE_FALLBACK: 'testops_multi' }, undefined).fallback).toBe('testops');
  });
});

describe('report and dry-run folders', () => {
  it.each([
    { env: { QASE_MODE: 'report' }, path: 'build/qase-report' },
    { env: { QASE_MODE: 'dry-run' }, path: 'qase-dry-run' },
    { env: { QASE_MODE: 'report', QASE_REPORT_CONNECTION_PATH: 'out' }, path: 'out' },
  ])('$env → $path', ({ env, path }) => {
    expect(resolveConfig({}, env, undefined).report.path).toBe(path);
  });
});

describe('plain HTTP to a host that is not loopback', () => {
  it('keeps the mode and says why nothing is sent, naming the opt-in, never the token', () => {
    const config = resolveConfig({}, { ...READY, QASE_TESTOPS_API_HOST: `http://${TOKEN}.example.com` }, undefined);
    expect(config.mode).toBe('testops');
    expect(config.testops.api.refusal).toBe(
      'the API address http://***.example.com is plain HTTP, which would send the token unencrypted, so nothing is sent ' +
        'to it. Use https://, or set QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true (testops.api.allowPlainHttp) to send over plain HTTP anyway.',
    );
  });
});

describe('extra reporters', () => {
  it('takes options that hold a cycle', () => {
    const options: Record<string, unknown> = { output: 'r.json' };
    options.self = options;
    const [reporter] = resolveConfig({ extraReporters: { name: 'json', options } }, {}, undefined).framework.mocha.extraReporters;
    expect(reporter?.options.output).toBe('r.json');
    expect(Object.isFrozen(options)).toBe(false);
  });

  it.each([
    { value: 'spec', expected: [{ name: 'spec', options: {} }] },
    { value: 'spec,json', expected: [{ name: 'spec', options: {} }, { name: 'json', options: {} }] },
    { value: { name: 'json', options: { output: 'r.json' } }, expected: [{ name: 'json', options: { output: 'r.json' } }] },
  ])('$value', ({ value, expected }) => {
    expect(resolveConfig({ extraReporters: value }, {}, undefined).framework.mocha.extraReporters).toEqual(expected);
  });
});
