import { randomUUID } from 'node:crypto';
import { wallClockMs } from './clock';

/** The statuses Qase knows for a result. A workspace may add its own, reachable through `statusMapping`. */
export type Status = 'passed' | 'failed' | 'skipped' | 'blocked' | 'invalid';

/** The statuses the v2 API accepts for a step. */
export type StepStatus = 'passed' | 'failed' | 'blocked' | 'skipped' | 'in_progress';

/** A file to attach: either a path on disk (streamed when uploaded) or content held in memory. */
export interface Attachment {
  name: string;
  /** MIME type, e.g. `image/png`; `application/octet-stream` when unknown. */
  contentType: string;
  path?: string;
  content?: Buffer | string;
}

export interface Step {
  title: string;
  status: StepStatus;
  startTimeMs: number;
  endTimeMs: number;
  expectedResult?: string;
  /** Input data of the step (`input_data` in the API). */
  data?: string;
  comment?: string;
  attachments: Attachment[];
  steps: Step[];
}

export interface TestError {
  /** The thrown error's class (`AssertionError`, `TypeError`), where the framework keeps it. */
  name?: string;
  message: string;
  stack?: string;
  /** Free-form failure context (Playwright's error-context.md), sent as `execution.error_context`. */
  context?: string;
}

/** One finished attempt of one test, in no framework's vocabulary. Adapters build it; core maps it to the API. */
export interface TestResult {
  /** A UUID given at creation and never changed: the v2 idempotency key, so a resend is never a second result. */
  readonly id: string;
  title: string;
  /** Outermost first: file, then describe blocks. */
  suitePath: string[];
  /** Stable identity of the test across runs; derived from suite path, title and params when absent. */
  signature?: string;
  caseIds: number[];
  /**
   * Case ids per Qase project (`qase.projects`, `(Qase PROJ1: 1,2)` in the title), for mode testops_multi: the
   * result goes to each project named here with that project's ids; a result naming none goes to the default project.
   */
  projects: Record<string, number[]>;
  status: Status;
  startTimeMs: number;
  endTimeMs: number;
  durationMs: number;
  error?: TestError;
  steps: Step[];
  attachments: Attachment[];
  params: Record<string, string>;
  paramGroups: string[][];
  fields: Record<string, string>;
  /** Qase tags (`qase.tags`, Playwright's test tags), sent as the comma-separated `tags` field. */
  tags: string[];
  /** Free text shown with the result (`qase.comment`). */
  message?: string;
  /** Worker or thread that ran the test. */
  thread?: string;
  /** 0 for the first attempt. */
  retry: number;
  /** Passed after failing in the same run. Only the Playwright adapter sends it, as `is_flaky`, when asked to. */
  flaky: boolean;
  /** stdout/stderr captured while the test ran, when `captureLogs` is on. */
  logs?: string;
}

export type TestResultInit = Pick<TestResult, 'title' | 'status'> & Partial<Omit<TestResult, 'id'>>;

/** Fills every optional collection and gives the result its idempotency id. */
export function createTestResult(init: TestResultInit): TestResult {
  const now = wallClockMs();
  const startTimeMs = init.startTimeMs ?? init.endTimeMs ?? now;
  const durationMs = init.durationMs ?? Math.max(0, (init.endTimeMs ?? startTimeMs) - startTimeMs);
  return {
    suitePath: [],
    caseIds: [],
    projects: {},
    steps: [],
    attachments: [],
    params: {},
    paramGroups: [],
    fields: {},
    tags: [],
    retry: 0,
    flaky: false,
    ...init,
    id: randomUUID(),
    startTimeMs,
    durationMs,
    endTimeMs: init.endTimeMs ?? startTimeMs + durationMs,
  };
}
