// Drop-in for mocha-qase-reporter: a suite written from its usage docs (qase-mocha/docs/usage.md and STEPS.md), the
// `qase` calls and the context API (`this.title(…)`, `this.step(…)`), run by Mocha without a Qase reporter and with
// ours into the emulator. The official reporter is not compared: the brief asks it of Jest and Playwright.
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
const path = require('node:path');
const assert = require('node:assert');
const { qase } = require('@qase-reporters/mocha');

describe('Usage', function () {
  it(qase(1, 'one id'), function () {});
  it(qase([2, 3], 'several ids'), function () {});
  it('custom title', function () {
    qase.title('User successfully logs in with valid credentials');
  });
  it('fields', function () {
    qase.fields({ severity: 'critical', priority: 'high', layer: 'api' });
  });
  it('a suite', function () {
    qase.suite('API Tests\\tPayment');
  });
  it('tags', function () {
    qase.tags('smoke', 'regression');
  });
  it('ignored', function () {
    qase.ignore();
  });
  it('muted', function () {
    qase.mute();
  });
  it('attached files and content', function () {
    qase.attach({ paths: path.join(__dirname, 'log.txt') });
    qase.attach({ name: 'notes.txt', content: 'a note', contentType: 'text/plain' });
  });
  it('steps', function () {
    qase.step('Navigate to product page', function () {});
    qase.step('Add items to cart', function () {
      qase.step('Add first item', function () {});
    });
    qase.step('Click', function () {}, 'Clicked', 'button');
  });
  it('async steps', async function () {
    await qase.step('Navigate to registration page', async function () {});
  });
  it('parameters', function () {
    qase.parameters({ Browser: 'chromium' });
    qase.groupParameters({ Username: 'user1', Password: 'pass1' });
  });
  it('a comment', function () {
    qase.comment('Processing completed');
  });
  it('an assertion that fails', function () {
    assert.strictEqual(1, 2);
  });
  it('a TypeError', function () {
    const cart = undefined;
    cart.total();
  });
  it.skip('skipped', function () {});
});

describe('The context API', function () {
  it('runs every context call', function () {
    this.qaseId(10);
    this.title('Titled by this.title');
    this.fields({ severity: 'major' });
    this.suite('Context\\tCalls');
    this.parameters({ Row: '1' });
    this.groupParameters({ Group: 'a' });
    this.comment('by this.comment');
    this.tags('context');
    this.attach({ name: 'context.txt', content: 'from this.attach', contentType: 'text/plain' });
    this.step('Complete user registration', function () {
      this.step('Fill registration form', function () {});
    }, 'Registered', 'user@example.com');
  });
  it('is ignored by this.ignore', function () {
    this.ignore();
  });
});
`;

/** Records every test's outcome in a file, whatever reporter runs. */
const OUTCOMES = `
const { writeFileSync } = require('node:fs');
const outcomes = {};
exports.mochaHooks = {
  afterEach() {
    outcomes[this.currentTest.fullTitle()] = this.currentTest.state ?? 'pending';
  },
};
process.on('exit', () => writeFileSync('outcomes.json', JSON.stringify(outcomes)));
`;

/** The context API needs a Qase reporter, the official one's too: without one its tests throw TypeErrors. */
const NEEDS_A_REPORTER = ['The context API runs every context call', 'The context API is ignored by this.ignore'];

let dir = '';
let emulator: Emulator;

beforeAll(async () => {
  dir = await installPackages({ mocha: '12.0.3' });
  emulator = await startEmulator();
}, 180_000);
afterAll(async () => {
  await emulator?.close();
});

async function runSuite(name: string, reporter?: string): Promise<{ outcomes: Record<string, string>; output: string }> {
  const project = projectDir(dir, `compat-mocha-${name}`);
  writeProject(project, { 'test/usage.spec.js': SUITE, 'test/log.txt': 'a log', 'outcomes.js': OUTCOMES });
  const args = ['--require', 'outcomes.js', ...(reporter ? ['--reporter', reporter] : []), 'test/usage.spec.js'];
  const env = { QASE_MODE: 'testops', QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_PROJECT: 'DEMO' };
  const result = await run(join(dir, 'node_modules/.bin/mocha'), args, { cwd: project, env: reporter ? env : {} });
  const outcomes = JSON.parse(readFileSync(join(project, 'outcomes.json'), 'utf8')) as Record<string, string>;
  rmSync(project, { recursive: true, force: true });
  return { outcomes, output: result.output };
}

describe('switching from mocha-qase-reporter', () => {
  let bare: Record<string, string>;
  let ours: { outcomes: Record<string, string>; output: string };
  let shown: Map<string, Shown>;

  beforeAll(async () => {
    bare = (await runSuite('bare')).outcomes;
    ours = await runSuite('ours', '@qase-reporters/mocha');
    shown = shownByTitle(emulator.state());
  }, 180_000);

  it('changes no test outcome; the context API works only with a Qase reporter, as the official one', () => {
    const expected = { ...bare, ...Object.fromEntries(NEEDS_A_REPORTER.map((name) => [name, 'passed'])) };
    expect(ours.outcomes, ours.output).toEqual(expected);
    expect(NEEDS_A_REPORTER.map((name) => bare[name])).toEqual(['failed', 'failed']);
  });

  it('stores every result once', () => {
    expect(repeatedTitles(emulator.state())).toEqual([]);
    expect([...shown.keys()].sort()).toEqual([
      'Titled by this.title', 'User successfully logs in with valid credentials', 'a TypeError', 'a comment', 'a suite',
      'an assertion that fails', 'async steps', 'attached files and content', 'fields', 'muted', 'one id', 'parameters',
      'several ids', 'skipped', 'steps', 'tags',
    ]);
  });

  it('sends what the calls said, as the official reporter would', () => {
    expect(shown.get('several ids')?.ids).toEqual([2, 3]);
    expect(shown.get('a suite')?.suite).toEqual(['API Tests', 'Payment']);
    expect(shown.get('tags')?.fields).toEqual({ tags: 'smoke,regression' });
    expect(shown.get('muted')?.fields).toEqual({ muted: 'true' });
    expect(shown.get('attached files and content')?.attachments).toHaveLength(2);
    expect(shown.get('steps')?.steps).toEqual([
      { action: 'Navigate to product page', status: 'passed' },
      { action: 'Add items to cart', status: 'passed', steps: [{ action: 'Add first item', status: 'passed' }] },
      { action: 'Click', expected: 'Clicked', data: 'button', status: 'passed' },
    ]);
    expect(shown.get('an assertion that fails')?.status).toBe('failed');
    expect(shown.get('a TypeError')?.status).toBe('invalid');
    expect(shown.get('skipped')?.status).toBe('skipped');
    expect(shown.get('Titled by this.title')).toMatchObject({
      ids: [10],
      fields: { severity: 'major', tags: 'context' },
      suite: ['Context', 'Calls'],
      params: { Row: '1', Group: 'a' },
      paramGroups: [['Group']],
      message: 'by this.comment',
      steps: [{
        action: 'Complete user registration', expected: 'Registered', data: 'user@example.com', status: 'passed',
        steps: [{ action: 'Fill registration form', status: 'passed' }],
      }],
    });
    expect(shown.get('Titled by this.title')?.attachments).toHaveLength(1);
  });
});
