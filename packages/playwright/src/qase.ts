// The per-test API, called from test code in Playwright's worker processes. The calls are core's; this file is
// their transport (see transport.ts): how a call finds the running test and what it adds to it.
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import type { TestInfo, TestStepInfo } from '@playwright/test';
import type { Location } from '@playwright/test/reporter';
import { createAsyncScope, createQaseApi, createWarnOnce } from '@qase-reporters/core/test-api';
import type { QaseApi, TestMetadata } from '@qase-reporters/core/test-api';
import { DATA_ANNOTATION, EXPECTED_RESULT_ANNOTATION, METADATA_CONTENT_TYPE } from './transport';
import type { MetadataMessage, StepKey } from './transport';

/**
 * `await test.step(qase.step('Click', 'Clicked', 'data'), async () => …)` is the official form; `await
 * qase.step('Click', async () => …, 'Clicked', 'data')` runs a Playwright `test.step` itself.
 */
export type Qase = QaseApi<Qase>;

const warnOnce = createWarnOnce((line) => console.warn(line));
/** The `qase.step` each async context is inside of, on a Playwright whose steps carry nothing of ours (see StepMessage). */
const bareSteps = createAsyncScope<StepKey>();
/** How many `qase.step`s of each title each attempt has started. */
const startedSteps = new WeakMap<TestInfo, Map<string, number>>();

function currentTest(method: string, outcome = 'was ignored'): TestInfo | undefined {
  try {
    return test.info();
  } catch {
    warnOnce(`qase.${method}() was called outside a running test and ${outcome}. Call it inside a test, a hook or a step.`);
    return undefined;
  }
}

/**
 * Pushed rather than attach()ed: attachments.push() registers synchronously, attach() is async, so a test that ends
 * right after a plain `qase.title(…)` could finish before it is recorded. Inside a step, Playwright files an
 * attachment under that step.
 */
function record(method: string, { attachments, steps: _steps, ...message }: TestMetadata): void {
  const info = currentTest(method);
  if (!info) return;
  if (!attachments) {
    send(info, message);
    return;
  }
  const step = bareSteps.current();
  for (const { name, contentType, path, content } of attachments) {
    info.attachments.push(path === undefined ? { name, contentType, body: Buffer.from(content ?? '') } : { name, contentType, path });
    if (step) send(info, { step: { ...step, attachments: [info.attachments.length - 1] } });
  }
}

function send(info: TestInfo, message: MetadataMessage): void {
  const body = Buffer.from(JSON.stringify(message));
  info.attachments.push({ name: 'qase-metadata.json', contentType: METADATA_CONTENT_TYPE, body });
}

function step(title: string, body: () => unknown, expectedResult?: string, data?: string): unknown {
  const info = currentTest('step', 'ran without recording a step');
  if (!info) return body();
  const location = callerLocation();
  const started = startedSteps.get(info) ?? new Map<string, number>();
  startedSteps.set(info, started);
  const key: StepKey = { title, occurrence: started.get(title) ?? 0 };
  started.set(title, key.occurrence + 1);
  return test.step(title, async (stepInfo?: TestStepInfo) => {
    if (!stepInfo) {
      // Playwright before 1.51: the step has no annotations (see StepMessage).
      if (expectedResult !== undefined || data !== undefined) send(info, { step: { ...key, expectedResult, data } });
      return bareSteps.run(key, body);
    }
    // Step annotations reach the reporter with the step's end, also through blob reports.
    if (expectedResult !== undefined) stepInfo.annotations.push({ type: EXPECTED_RESULT_ANNOTATION, description: expectedResult });
    if (data !== undefined) stepInfo.annotations.push({ type: DATA_ANNOTATION, description: data });
    return body();
  }, { location });
}

/**
 * Where the test called `qase.step`: the first frame outside this package. Playwright records a step's location
 * from the stack it sees, which for a wrapped `test.step` is ours (or none), so its reports would link every
 * `qase.step` to this package.
 */
function callerLocation(): Location | undefined {
  const ours = /[\\/](@qase-reporters[\\/](core|playwright)|packages[\\/](core|playwright))[\\/]dist[\\/]/;
  const frame = new Error().stack?.split('\n').slice(1).map((line) => line.trim())
    .find((line) => !ours.test(line) && !line.includes('node:internal')) ?? '';
  const match = /\((.+):(\d+):(\d+)\)$/.exec(frame) ?? /^at (?:async )?(.+):(\d+):(\d+)$/.exec(frame);
  if (!match) return undefined;
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

export const qase = createQaseApi<Qase>({ record, warn: warnOnce, step });
