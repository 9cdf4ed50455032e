// CONTRACT (written first so adapters can code against it); the implementation lands next.
import type { Config } from './config';
import type { TestResult } from './model';

export interface RunStart {
  /** When the test run began, if the framework knows (merge-reports replays old results); default now. */
  startedAtMs?: number;
  /** The framework's `--shard`, when given. */
  shard?: { current: number; total: number };
}

export interface UploadSummary {
  mode: Config['mode'];
  /** Results handed to `add`, after `ignore` but before the status filter. */
  total: number;
  /** Confirmed by the API (or written, in a dry run). */
  delivered: number;
  byStatus: Record<string, number>;
  requests: number;
  retries: number;
  durationMs: number;
  runId?: number;
  runUrl?: string;
  /** Folder holding what was not delivered, or the dry run's output. */
  folder?: string;
}

/** What adapters call. Every method is safe to call in any mode; none throws into the test run. */
export interface Collector {
  readonly config: Config;
  /** Creates the run (or adopts `testops.run.id`) in the background; call when the test run begins. */
  startRun(start?: RunStart): void;
  /** Queues a finished result; it is written to the outbox at once and uploaded in batches while tests run. */
  add(result: TestResult): void;
  /** Flushes what is left within the deadline, completes the run when due, prints the summary. Never rejects. */
  end(): Promise<UploadSummary>;
}

export interface CollectorContext {
  /** `playwright`, `jest`, … : shown in the run description and debug lines. */
  framework: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}
