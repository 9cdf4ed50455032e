// Report mode writes the Qase Report format, every file valid against the published schemas; `uploadFolder` sends
// a report through the pipeline, and sending it twice stores nothing twice.
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput, createTestResult, resolveConfig, uploadFolder, type TestResult } from '../../src/index';
import type { ResultBody } from '../../src/api-types';
import type { ReportResult } from '../../src/report/format';
import { readPageData, renderPage } from '../../src/report/page';
import { HAS_REPORT_SPEC, REPORT_SPEC, reportSchemas } from '../../../../test/support/report-schema';
import { qaseEnv, readLog, report, storedIds, tempDir } from '../pipeline/harness';

const LOCAL = { QASE_MODE: 'report', QASE_LOGGING_CONSOLE: 'false', QASE_LOGGING_FILE: 'true' };
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let cwd: string;
let emulator: Emulator;

beforeEach(async () => {
  cwd = tempDir('report');
  emulator = await startEmulator();
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** A failed test with nested steps, attachments in memory and on disk, fields, params and case ids; and a passed one. */
function richResults(): TestResult[] {
  const fixture = join(cwd, 'fixture.txt');
  writeFileSync(fixture, 'attached by path\n');
  const step = { status: 'passed' as const, startTimeMs: Date.now(), endTimeMs: Date.now() + 5, attachments: [], steps: [] };
  return [
    createTestResult({
      title: 'Coupon is applied',
      status: 'failed',
      suitePath: ['cart.test.ts', 'Cart'],
      caseIds: [15, 16],
      fields: { severity: 'major' },
      params: { currency: 'EUR' },
      paramGroups: [['currency']],
      message: 'fixed price',
      thread: 'worker 1',
      error: { message: 'expected 10 to be 11', stack: 'Error: expected 10 to be 11\n    at cart.test.ts:12:5' },
      attachments: [{ name: 'screen', contentType: 'image/png', content: PNG }, { name: 'fixture.txt', contentType: 'text/plain', path: fixture }],
      steps: [{
        ...step,
        title: 'Open the cart',
        expectedResult: 'The cart is shown',
        data: 'user=admin',
        status: 'failed',
        attachments: [{ name: 'request.json', contentType: 'application/json', content: '{"a":1}' }],
        steps: [{ ...step, title: 'Click the icon' }],
      }],
    }),
    createTestResult({ title: 'shows a hint', status: 'passed', suitePath: ['cart.test.ts', 'Cart', 'empty'], caseIds: [12] }),
  ];
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('report mode', () => {
  if (!HAS_REPORT_SPEC) it.skip(`is checked against the Qase Report schemas: skipped, ${REPORT_SPEC} is absent`);
  it.skipIf(!HAS_REPORT_SPEC)('writes only files valid against the Qase Report schemas, with no field they lack', async () => {
    const results = richResults();
    const summary = await report(cwd, LOCAL, results);
    const dir = join(cwd, 'build/qase-report');
    expect(summary).toMatchObject({ mode: 'report', total: 2, delivered: 2, folder: dir, page: join(dir, 'index.html') });
    expect(readdirSync(dir).sort()).toEqual(['attachments', 'index.html', 'results', 'run.json']);

    const { run, result } = reportSchemas(true);
    expect(run(readJson(join(dir, 'run.json'))), JSON.stringify(run.errors)).toBe(true);
    const files = readdirSync(join(dir, 'results'));
    expect(files.sort()).toEqual(results.map((r) => `${r.id}.json`).sort());
    for (const file of files) {
      const written = readJson(join(dir, 'results', file));
      expect(result(written), `${file}: ${JSON.stringify(result.errors)}`).toBe(true);
    }
  });

  it('writes the run, each result with its steps and attachments, and a page; the summary names both', async () => {
    const results = richResults();
    await report(cwd, LOCAL, results);
    const dir = join(cwd, 'build/qase-report');
    const run = readJson(join(dir, 'run.json')) as Record<string, unknown>;
    expect(run).toMatchObject({
      stats: { total: 2, passed: 1, failed: 1, skipped: 0, blocked: 0, invalid: 0, muted: 0 },
      results: expect.arrayContaining([{ id: results[0]!.id, title: 'Coupon is applied', status: 'failed', duration: 0, thread: 'worker 1' }]),
      threads: ['worker 1'],
      suites: ['cart.test.ts\tCart', 'cart.test.ts\tCart\tempty'],
      host_data: { framework: 'pipeline' },
    });
    const failed = readJson(join(dir, 'results', `${results[0]!.id}.json`)) as ReportResult;
    expect(failed).toMatchObject({
      id: results[0]!.id,
      title: 'Coupon is applied',
      execution: { status: 'failed', stacktrace: 'Error: expected 10 to be 11\n    at cart.test.ts:12:5', thread: 'worker 1' },
      message: 'fixed price\n\nexpected 10 to be 11',
      testops_ids: [15, 16],
      fields: { severity: 'major' },
      params: { currency: 'EUR' },
      param_groups: [['currency']],
      relations: { suite: { data: [{ title: 'cart.test.ts', public_id: null }, { title: 'Cart', public_id: null }] } },
      muted: false,
    });
    const [screen, fixture] = failed.attachments;
    expect(screen).toMatchObject({ file_name: 'screen.png', mime_type: 'image/png', file_path: `build/qase-report/attachments/${screen!.id}-screen.png` });
    expect(readFileSync(join(cwd, screen!.file_path!))).toEqual(PNG);
    expect(readFileSync(join(cwd, fixture!.file_path!), 'utf8')).toBe('attached by path\n');
    const open = failed.steps[0]!;
    expect(open).toMatchObject({
      step_type: 'text',
      parent_id: null,
      data: { action: 'Open the cart', expected_result: 'The cart is shown', input_data: 'user=admin' },
      execution: { status: 'failed', attachments: [{ file_name: 'request.json', mime_type: 'application/json' }] },
    });
    expect(open.steps[0]).toMatchObject({ parent_id: open.id, data: { action: 'Click the icon' } });

    const log = readLog(cwd);
    expect(log).toContain('report: nothing was sent. 2 results (failed 1, passed 1) with 3 attachments written to build/qase-report');
    expect(log).toContain(`open ${join('build/qase-report', 'index.html')} to look at the results; send them with: npx @qase-reporters/cli upload build/qase-report`);
  });

  it('writes JSONP where the official option asks for it, at the configured path', async () => {
    await report(cwd, { ...LOCAL, QASE_REPORT_CONNECTION_FORMAT: 'jsonp', QASE_REPORT_CONNECTION_PATH: 'out/report' }, richResults());
    const dir = join(cwd, 'out/report');
    expect(readFileSync(join(dir, 'run.jsonp'), 'utf8')).toMatch(/^qaseJsonp\(\{[\s\S]*\}\);$/);
    expect(readdirSync(join(dir, 'results')).every((name) => name.endsWith('.jsonp'))).toBe(true);
    expect(readPageData(dir).results.map((r) => r.title).sort()).toEqual(['Coupon is applied', 'shows a hint']);
  });

  it('refuses to clear a folder that holds other files, and writes nothing', async () => {
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const summary = await report(cwd, { ...LOCAL, QASE_REPORT_CONNECTION_PATH: '.' }, richResults());
    expect(summary).toMatchObject({ total: 0, delivered: 0 });
    expect(readdirSync(cwd).sort()).toEqual(['fixture.txt', 'logs', 'notes.txt']);
    expect(readLog(cwd)).toContain('already holds other files');
  });
});

describe('uploading a report', () => {
  const lines: string[] = [];
  async function send(folder: string) {
    const env = qaseEnv(emulator);
    const output = createOutput({ console: true, debug: false, secrets: [emulator.token], write: (text) => lines.push(text) });
    return uploadFolder(folder, resolveConfig({}, env, undefined), { output, env });
  }

  it('sends every result with its steps and attachments into a new run, completes it, and twice stores nothing twice', async () => {
    const results = richResults();
    await report(cwd, LOCAL, results);
    const dir = join(cwd, 'build/qase-report');
    expect(await send(dir)).toMatchObject({ total: 2, delivered: 2, completed: true, stoppedBy: undefined });
    const state = emulator.state();
    expect(storedIds(state).sort()).toEqual(results.map((r) => r.id).sort());
    expect(state.runs).toMatchObject([{ status: 'complete', title: expect.stringMatching(/^Automated run/) }]);
    const failed = Object.values(state.results).flat().find((r) => r.id === results[0]!.id)!.body as unknown as ResultBody;
    expect(failed).toMatchObject({
      testops_ids: [15, 16],
      execution: { status: 'failed', stacktrace: expect.stringContaining('cart.test.ts:12:5') },
      steps: [{ data: { action: 'Open the cart', expected_result: 'The cart is shown', input_data: 'user=admin' }, steps: [{ data: { action: 'Click the icon' } }] }],
    });
    expect(failed.attachments).toHaveLength(2);
    expect(state.attachments).toHaveLength(3);
    // The run is recorded in the folder, so a second upload goes to the same run with the same ids.
    expect(readJson(join(dir, 'manifest.json'))).toMatchObject({ run: { id: state.runs[0]!.id } });

    await send(dir);
    expect(storedIds(emulator.state()).sort()).toEqual(results.map((r) => r.id).sort());
    expect(emulator.state().runs).toHaveLength(1);
    expect(existsSync(join(dir, 'run.json'))).toBe(true);
  });

  it('leaves out an attachment over the API limit, says so, and sends its result', async () => {
    const results = richResults().slice(0, 1);
    await report(cwd, LOCAL, results);
    const dir = join(cwd, 'build/qase-report');
    const [screen] = (readJson(join(dir, 'results', `${results[0]!.id}.json`)) as ReportResult).attachments;
    truncateSync(join(cwd, screen!.file_path!), 33 * 1024 ** 2);
    expect(await send(dir)).toMatchObject({ delivered: 1, stoppedBy: undefined });
    expect(lines.join('')).toContain(`attachment ${join('attachments', `${screen!.id}-screen.png`)} is 33.0 MB, over the API's 32 MB per file; not uploaded.`);
    // Report copies are named `<uuid>-<name>`; the API gets the name the test attached.
    expect(emulator.state().attachments.map((a) => a.filename).sort()).toEqual(['fixture.txt', 'request.json']);
  });

  it('reads attachments only from the report folder, whatever path a result file names', async () => {
    const results = richResults().slice(0, 1);
    await report(cwd, LOCAL, results);
    const dir = join(cwd, 'build/qase-report');
    const file = join(dir, 'results', `${results[0]!.id}.json`);
    const tampered = readJson(file) as ReportResult;
    tampered.attachments = [{ id: 'x', file_name: 'passwd', mime_type: 'text/plain', file_path: '../../../../etc/passwd' }];
    writeFileSync(file, JSON.stringify(tampered));
    expect(await send(dir)).toMatchObject({ delivered: 1 });
    expect(emulator.state().attachments.map((a) => a.filename)).toEqual(['request.json']);
  });
});

describe('the page', () => {
  it('embeds the results so that no value can end its script element or be read as markup', () => {
    const hostile = '</script><script>alert(1)</script>\u2028<!--';
    const data = {
      title: hostile,
      kind: 'report',
      startMs: undefined,
      durationMs: undefined,
      results: [{ title: hostile, status: 'failed', durationMs: 1, suites: [hostile], caseIds: [], fields: {}, params: {}, steps: [], attachments: [] }],
    };
    const html = renderPage(data);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<title>&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    const embedded = /<script type="application\/json" id="qase-data">([^<]*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(embedded!)).toEqual(JSON.parse(JSON.stringify(data)));
  });
});
