// What we send, checked against the official OpenAPI spec rather than against our own idea of it. The emulator
// validates with hand-written schemas; this test closes the gap between those and qase-tms/specs.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../src/collector';
import { createTestResult, type TestResult } from '../src/model';

const REPO = resolve(__dirname, '../../..');
const SPEC = resolve(REPO, '..', 'shared', 'qase-api');
const HAS_SPEC = existsSync(join(SPEC, 'v1', 'src.yaml')) && existsSync(join(SPEC, 'v2', 'src.yaml'));
const TMP = join(REPO, 'test/.tmp', `core-contract-${randomUUID().slice(0, 8)}`);
const SKIPPED = `skipped: the official spec is not at ${SPEC} (a checkout of qase-tms/specs' testops-api beside the repo)`;
if (!HAS_SPEC) console.warn(`contract.test.ts ${SKIPPED}`);

type Json = unknown;

/**
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a type union. Objects are closed
 * (`additionalProperties: false` where the spec leaves it open) so a misspelt field fails here instead of being
 * ignored by the API.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, Json>;
  const schema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]));
  const isSchema = typeof schema.type === 'string' || '$ref' in schema;
  if (schema.type === 'object' && schema.properties !== undefined && schema.additionalProperties === undefined &&
      !('allOf' in schema || 'anyOf' in schema || 'oneOf' in schema)) {
    schema.additionalProperties = false;
  }
  if (nullable !== true || !isSchema) return schema;
  if (typeof schema.type !== 'string') return { anyOf: [schema, { type: 'null' }] };
  return {
    ...schema,
    type: [schema.type, 'null'],
    ...(Array.isArray(schema.enum) && { enum: [...schema.enum, null] }),
  };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => join(entry.parentPath, entry.name));
}

interface Operation {
  version: 'v1' | 'v2';
  pattern: RegExp;
  file: string;
}

/** Every file under the spec joins one Ajv instance by its file URL, so the spec's relative `$ref`s resolve. */
function loadSpec() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  const operations: Operation[] = [];
  for (const version of ['v1', 'v2'] as const) {
    for (const file of yamlFiles(join(SPEC, version))) {
      ajv.addSchema(toJsonSchema(parse(readFileSync(file, 'utf8'))) as object, pathToFileURL(file).href);
    }
    const root = parse(readFileSync(join(SPEC, version, 'src.yaml'), 'utf8')) as { paths: Record<string, { $ref: string }> };
    for (const [template, { $ref }] of Object.entries(root.paths)) {
      const path = template.replace(/\{[^}]+\}/g, '[^/]+');
      operations.push({ version, pattern: new RegExp(`^/${version}${path}$`), file: resolve(SPEC, version, $ref) });
    }
  }
  const compiled = new Map<string, ValidateFunction | undefined>();

  /** The validator of the JSON body of `method path` by the spec; undefined when the operation takes no body. */
  function requestSchema(method: string, path: string): ValidateFunction | undefined {
    const operation = operations.find((o) => o.pattern.test(path));
    if (!operation) throw new Error(`${method} ${path} is not in the spec`);
    const key = `${method} ${operation.file}`;
    if (!compiled.has(key)) {
      type PathItem = Record<string, { requestBody?: { content: Record<string, { schema: Json }> } } | undefined>;
      const verb = method.toLowerCase();
      const item = (parse(readFileSync(operation.file, 'utf8')) as PathItem)[verb];
      if (!item) throw new Error(`${method} ${path}: the spec has no ${verb} operation there`);
      const schema = item.requestBody?.content['application/json']?.schema;
      // An id beside the path file, so the schema's relative $refs resolve as they do in the spec.
      const $id = `${pathToFileURL(operation.file).href}.${verb}.request`;
      compiled.set(key, schema === undefined ? undefined : ajv.compile({ $id, ...(toJsonSchema(schema) as object) }));
    }
    return compiled.get(key);
  }

  const byFile = (file: string) => ajv.getSchema(pathToFileURL(join(SPEC, file)).href) as ValidateFunction;
  return { requestSchema, resultCreate: byFile('v2/schemas/ResultCreate.yaml'), runCreate: byFile('v1/schemas/Run.create.yaml') };
}

/** The validator's complaints about `value`, one line each; empty when it conforms. */
function violations(validate: ValidateFunction, value: unknown, what: string): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

interface Recorded {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** Sits between the collector and the emulator and keeps every request exactly as sent. */
async function startRecorder(target: string): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', target);
      requests.push({ method: req.method ?? '', path: url.pathname, contentType: req.headers['content-type'] ?? '', body });
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Every field of a TestResult in use at least once: nested steps with attachments, every status, errors, logs. */
function richResults(dir: string): TestResult[] {
  const screenshot = join(dir, 'screenshot.png');
  writeFileSync(screenshot, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const now = Date.now();
  const step = (title: string, status: 'passed' | 'failed' | 'blocked' | 'skipped' | 'in_progress', extra = {}) => ({
    title, status, startTimeMs: now - 900, endTimeMs: now - 800, attachments: [], steps: [], ...extra,
  });
  return [
    createTestResult({
      title: 'adds an item',
      status: 'passed',
      suitePath: ['cart.spec.ts', 'Cart', 'adding'],
      caseIds: [12],
      startTimeMs: now - 1000,
      endTimeMs: now - 500,
      params: { browser: 'chromium', user: 'admin' },
      paramGroups: [['browser'], ['user']],
      fields: {
        description: 'Adds one item', preconditions: 'Empty cart', postconditions: 'One item', severity: 'major',
        priority: 'high', layer: 'e2e', tags: 'smoke,cart', author: 'qa@example.com', custom_thing: 'any string',
      },
      message: 'checked by hand too',
      thread: 'worker-2',
      logs: 'console.log from the test\n',
      attachments: [
        { name: 'screenshot.png', contentType: 'image/png', path: screenshot },
        { name: 'trace.json', contentType: 'application/json', content: Buffer.from('{"trace":true}') },
        { name: 'note', contentType: 'text/plain', content: 'plain text' },
      ],
      steps: [
        step('open the shop', 'passed', {
          expectedResult: 'the shop opens',
          data: 'https://shop.example.com',
          comment: 'fast',
          attachments: [{ name: 'step.txt', contentType: 'text/plain', content: 'in a step' }],
          steps: [
            step('load the page', 'passed', { steps: [step('wait for the network', 'passed')] }),
            step('', 'skipped'),
          ],
        }),
        step('add the item', 'in_progress', { attachments: [{ name: 'screenshot.png', contentType: 'image/png', path: screenshot }] }),
      ],
    }),
    createTestResult({
      title: 'pays',
      status: 'failed',
      suitePath: ['checkout.spec.ts'],
      caseIds: [13, 14],
      retry: 1,
      error: { message: 'expected 2, got 1', stack: 'Error: expected 2\n    at checkout.spec.ts:3:5', context: '# Page snapshot\n- button "Pay"' },
      steps: [step('press pay', 'failed', { comment: 'the button did nothing' }), step('see receipt', 'blocked')],
    }),
    createTestResult({ title: 'retries once', status: 'passed', flaky: true, retry: 1, durationMs: 42 }),
    createTestResult({ title: 'is skipped', status: 'skipped', startTimeMs: now - 86_400_000, durationMs: 0 }),
    createTestResult({ title: 'is blocked', status: 'blocked', fields: { is_flaky: 'false' } }),
    createTestResult({ title: 'is invalid', status: 'invalid', signature: 'custom-signature' }),
    createTestResult({ title: 'has a mapped status', status: 'passed', suitePath: ['mapping'], params: { n: '1' } }),
  ];
}

/** The options that make the collector send every optional part of the run and its results. */
const RICH_ENV = {
  QASE_TESTOPS_PROJECT: 'DEMO',
  QASE_ENVIRONMENT: 'staging',
  QASE_ROOT_SUITE: 'Contract',
  QASE_CAPTURE_LOGS: 'true',
  QASE_STATUS_MAPPING: 'invalid=retest',
  QASE_LOGGING_CONSOLE: 'false',
  QASE_LOGGING_FILE: 'true',
  QASE_DEBUG: 'true',
  QASE_TESTOPS_DEFECT: 'true',
  QASE_TESTOPS_BATCH_SIZE: '3',
  QASE_TESTOPS_PLAN_ID: '3',
  QASE_TESTOPS_RUN_TITLE: 'Contract run',
  QASE_TESTOPS_RUN_DESCRIPTION: 'Every optional part of a run',
  QASE_TESTOPS_RUN_TAGS: 'contract,nightly',
  QASE_TESTOPS_CONFIGURATIONS_VALUES: 'Browser=Chrome,os=linux',
  QASE_TESTOPS_CONFIGURATIONS_CREATE_IF_NOT_EXISTS: 'true',
  QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK: 'true',
};

async function collect(env: Record<string, string>, cwd: string): Promise<number> {
  mkdirSync(cwd, { recursive: true });
  const collector = createCollector({}, { framework: 'contract', cwd, env });
  collector.startRun();
  const results = richResults(cwd);
  for (const result of results) collector.add(result);
  const summary = await collector.end();
  expect(summary, readFileSync(join(cwd, 'logs', 'qase.log'), 'utf8')).toMatchObject({ total: results.length, delivered: results.length });
  return results.length;
}

describe.skipIf(!HAS_SPEC)(`request bodies conform to the official spec${HAS_SPEC ? '' : ` (${SKIPPED})`}`, () => {
  let spec: ReturnType<typeof loadSpec>;
  let emulator: Emulator;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    spec = loadSpec();
    emulator = await startEmulator({ customStatuses: ['retest'] });
    recorder = await startRecorder(emulator.url);
  });

  afterAll(async () => {
    await recorder?.close();
    await emulator?.close();
    rmSync(TMP, { recursive: true, force: true });
  });

  it('every request of an upload, exactly as sent', async () => {
    const sent = await collect({ ...RICH_ENV, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_API_HOST: recorder.url }, join(TMP, 'testops'));

    const problems: string[] = [];
    for (const { method, path, contentType, body } of recorder.requests) {
      const validate = spec.requestSchema(method, path);
      if (contentType.startsWith('multipart/form-data')) {
        // The spec's multipart schema has one property, `file[]`; every part must be one of its items.
        const names = [...body.toString('latin1').matchAll(/Content-Disposition: form-data; name="([^"]*)"/g)].map((m) => m[1]);
        expect(names.length).toBeGreaterThan(0);
        expect(new Set(names)).toEqual(new Set(['file[]']));
      } else if (validate) {
        problems.push(...violations(validate, JSON.parse(body.toString('utf8')), `${method} ${path} body`));
      } else {
        expect(body.length, `${method} ${path} takes no body`).toBe(0);
      }
    }
    expect(problems).toEqual([]);

    const calls = recorder.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`);
    expect(new Set(calls)).toEqual(new Set([
      'GET /v1/environment/DEMO',
      'GET /v1/configuration/DEMO',
      'POST /v1/configuration/DEMO/group',
      'POST /v1/configuration/DEMO',
      'POST /v1/run/DEMO',
      'POST /v1/attachment/DEMO',
      'POST /v2/DEMO/run/:id/results',
      'POST /v1/run/DEMO/:id/complete',
      'PATCH /v1/run/DEMO/:id/public',
    ]));

    // The emulator keeps no run-create body, so the one the recorder saw is checked against Run.create by name too.
    const runCreate = recorder.requests.filter((r) => r.method === 'POST' && r.path === '/v1/run/DEMO');
    expect(runCreate).toHaveLength(1);
    const runBody = JSON.parse(runCreate[0].body.toString('utf8')) as Record<string, unknown>;
    expect(violations(spec.runCreate, runBody, 'Run.create')).toEqual([]);
    expect(Object.keys(runBody).sort()).toEqual(
      ['configurations', 'description', 'environment_id', 'is_autotest', 'plan_id', 'start_time', 'tags', 'title'],
    );

    const state = emulator.state();
    const stored = Object.values(state.results).flat();
    expect(stored).toHaveLength(sent);
    for (const { body } of stored) problems.push(...violations(spec.resultCreate, body, `stored result "${String(body.title)}"`));
    expect(problems).toEqual([]);
  });

  it('every request file of a dry run', async () => {
    const cwd = join(TMP, 'dry-run');
    const sent = await collect({ ...RICH_ENV, QASE_MODE: 'dry-run' }, cwd);
    const validate = spec.requestSchema('POST', '/v2/DEMO/run/1/results') as ValidateFunction;
    const dir = join(cwd, 'qase-dry-run', 'requests');
    const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
    expect(files.length).toBe(Math.ceil(sent / 3));
    const problems = files.flatMap((name) => violations(validate, JSON.parse(readFileSync(join(dir, name), 'utf8')), name));
    expect(problems).toEqual([]);
  });

  it('catches a body that breaks the spec, so a pass means something', () => {
    const validate = spec.requestSchema('POST', '/v2/DEMO/run/1/results') as ValidateFunction;
    const bad = { results: [{ title: 'x', execution: { status: 'passed', duration: 1.5, start_time: 'now' }, testops_idz: [1] }] };
    const found = violations(validate, bad, 'bad').join('\n');
    expect(found).toContain('bad/results/0/execution/duration must be integer');
    expect(found).toContain('bad/results/0/execution/start_time must be number');
    expect(found).toContain('bad/results/0 must NOT have additional properties {"additionalProperty":"testops_idz"}');
    expect(violations(validate, { results: [{ title: 'x', execution: { status: 'passed', stacktrace: null } }] }, 'ok')).toEqual([]);
  });
});
