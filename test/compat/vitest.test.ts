// Drop-in for vitest-qase-reporter: a suite written from its usage docs (qase-vitest/docs/usage.md and its
// src/vitest.ts: `addQaseId`, `withQase` and what its context offers), run by Vitest without a Qase reporter and
// with ours into the emulator. The official reporter is not compared: the brief asks it of Jest and Playwright.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackages, projectDir } from '../support/install';
import { run, writeProject } from '../e2e/harness';
import { repeatedTitles, shownByTitle } from './compare';
import type { Shown } from './compare';

const SUITE = `
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { addQaseId, addQaseProjects, qase, withQase } from '@qase-reporters/vitest';

describe('Usage', () => {
  test(qase(1, 'one id'), () => {
    expect(true).toBe(true);
  });
  test(qase([2, 3], 'several ids'), () => {});
  test(addQaseId('ids by addQaseId', [4, 5]), () => {});
  test(addQaseProjects('multi-project title', { PROJ1: [100], PROJ2: [200] }), () => {});
  test('custom title', () => {
    qase.title('User can successfully complete checkout');
  });
  test('fields and a suite', () => {
    qase.fields({ severity: 'critical', layer: 'api' });
    qase.suite('Application\\tAuthentication');
  });
  test('ignored', () => {
    qase.ignore();
  });
  test('muted', () => {
    qase.mute();
  });
  test('steps', async () => {
    await qase.step('Outer', async (s) => {
      await s.step('Inner', async () => {});
      s.attach({ name: 'in-step.txt', content: 'made in a step', type: 'text/plain' });
    });
    await qase.step('Click', async () => {}, 'Clicked', 'button');
  });
  test('an assertion that fails', () => {
    expect({ total: 1 }).toEqual({ total: 2 });
  });
  test('a TypeError', () => {
    const cart = undefined;
    cart.total();
  });
  test.skip('skipped', () => {});
  test.todo('to do');
});

describe('withQase', () => {
  test('every call of its context', withQase(async ({ qase, annotate }) => {
    await qase.title('Titled in withQase');
    await qase.comment('by the context');
    await qase.suite('Context\\tCalls');
    await qase.fields({ priority: 'high' });
    await qase.parameters({ Row: '1' });
    await qase.groupParameters({ Group: 'a' });
    await qase.tags('smoke', 'regression');
    await qase.tags('e2e');
    await qase.attach({ paths: [join(__dirname, 'log.txt')] });
    await qase.attach({ name: 'notes.txt', content: 'a note', type: 'text/plain' });
    await qase.step('Step in withQase', async () => {}, 'Done', 'input');
    await qase.annotate('a plain annotation');
    await annotate('the test context annotate');
  }));
});
`;

let dir = '';
let emulator: Emulator;

beforeAll(async () => {
  dir = await installPackages({ vitest: '4.1.12', vite: '8.3.8' });
  emulator = await startEmulator();
}, 180_000);
afterAll(async () => {
  await emulator?.close();
});

interface VitestJson {
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

async function runSuite(name: string, withOurs: boolean): Promise<{ outcomes: Record<string, string>; output: string }> {
  const project = projectDir(dir, `compat-vitest-${name}`);
  const reporters = withOurs ? `['json', '@qase-reporters/vitest']` : `['json']`;
  writeProject(project, {
    'vitest.config.mjs': `export default { test: { reporters: ${reporters}, outputFile: 'outcomes.json' } };\n`,
    'tests/usage.test.js': SUITE,
    'tests/log.txt': 'a log',
  });
  const env = { QASE_MODE: 'testops', QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_PROJECT: 'DEMO' };
  const result = await run(join(dir, 'node_modules/.bin/vitest'), ['run'], { cwd: project, env: withOurs ? env : {} });
  const json = JSON.parse(readFileSync(join(project, 'outcomes.json'), 'utf8')) as VitestJson;
  rmSync(project, { recursive: true, force: true });
  const outcomes: Record<string, string> = {};
  for (const file of json.testResults) for (const test of file.assertionResults) outcomes[test.fullName] = test.status;
  return { outcomes, output: result.output };
}

describe('switching from vitest-qase-reporter', () => {
  let bare: Record<string, string>;
  let ours: { outcomes: Record<string, string>; output: string };
  let shown: Map<string, Shown>;

  beforeAll(async () => {
    bare = (await runSuite('bare', false)).outcomes;
    ours = await runSuite('ours', true);
    shown = shownByTitle(emulator.state());
  }, 180_000);

  it('changes no test outcome', () => {
    expect(Object.keys(bare)).toHaveLength(14);
    expect(ours.outcomes, ours.output).toEqual(bare);
  });

  it('stores every result once', () => {
    expect(repeatedTitles(emulator.state())).toEqual([]);
    expect(shown.size).toBe(13); // all but the ignored one
  });

  it('sends what the calls said', () => {
    expect(shown.get('ids by addQaseId')?.ids).toEqual([4, 5]);
    expect(shown.get('multi-project title')?.status).toBe('passed');
    expect(shown.get('muted')?.fields).toEqual({ muted: 'true' });
    expect(shown.get('steps')?.steps).toEqual([
      { action: 'Outer', status: 'passed', steps: [{ action: 'Inner', status: 'passed' }], attachments: [expect.any(String)] },
      { action: 'Click', expected: 'Clicked', data: 'button', status: 'passed' },
    ]);
    expect(shown.get('an assertion that fails')?.status).toBe('failed');
    expect(shown.get('a TypeError')?.status).toBe('invalid');
    expect(shown.get('to do')?.status).toBe('skipped');
    expect(shown.get('Titled in withQase')).toMatchObject({
      message: 'by the context',
      suite: ['Context', 'Calls'],
      fields: { priority: 'high', tags: 'smoke,regression,e2e' },
      params: { Row: '1', Group: 'a' },
      paramGroups: [['Group']],
      steps: [{ action: 'Step in withQase', expected: 'Done', data: 'input', status: 'passed' }],
    });
    expect(shown.get('Titled in withQase')?.attachments?.length).toBeGreaterThanOrEqual(2);
  });
});
