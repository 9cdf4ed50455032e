import { createCollector, handNetworkOptionsToWorkers, loadConfig, networkOptionsOf, terminalSafe } from '@qase-reporters/core';
import type { Collector } from '@qase-reporters/core';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestCase, Vitest } from 'vitest/node';
import { toTestResults } from './result';

/** `reporters: ['default', ['@qase-reporters/vitest', { ...options }]]` in the Vitest config. */
export class QaseReporter implements Reporter {
  readonly #options: unknown;
  #vitest: Vitest | undefined;
  /** Undefined until `onInit`, and in watch mode. */
  #collector: Collector | undefined;
  /** What each running test printed, by task id, when `captureLogs` is on. */
  readonly #logs = new Map<string, string[]>();
  /** Tests already sent, by id: Vitest 3.0 reports the tests a failed beforeAll skipped twice. */
  readonly #reported = new Set<string>();

  constructor(options: unknown = {}) {
    this.#options = options;
  }

  // Vitest calls onInit before it runs a test, so a bad config is reported first.
  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
    if (vitest.config.watch) {
      // Every saved file would start a run in Qase.
      if (wouldSend(this.#options)) process.stderr.write('qase: results of watch mode are not sent to Qase; `vitest run` sends them.\n');
      return;
    }
    const collector = createCollector(this.#options, { framework: 'vitest' });
    this.#collector = collector;
    const network = collector.config.mode === 'off' ? undefined : networkOptionsOf(collector.config);
    // Vitest starts its workers after onInit; they inherit the environment (see setup.mts).
    if (network) handNetworkOptionsToWorkers(network);
  }

  onTestRunStart(): void {
    const shard = this.#vitest?.config.shard;
    this.#collector?.startRun({
      shard: shard && { current: shard.index, total: shard.count },
      startedAtMs: this.#mergedStartMs(),
    });
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (!this.#collector?.config.captureLogs || log.taskId === undefined) return;
    const chunks = this.#logs.get(log.taskId) ?? [];
    chunks.push(log.content);
    this.#logs.set(log.taskId, chunks);
  }

  onTestCaseResult(test: TestCase): void {
    if (!this.#collector || this.#reported.has(test.id)) return;
    this.#reported.add(test.id);
    const logs = this.#logs.get(test.id)?.join('');
    this.#logs.delete(test.id);
    try {
      const projectParam = (this.#vitest?.projects.length ?? 0) > 1;
      for (const result of toTestResults(test, { projectParam, logs })) this.#collector.add(result);
    } catch (error) {
      // A throwing reporter fails Vitest's run; losing one test's result is the smaller harm.
      process.stderr.write(`qase: ${terminalSafe(`the result of "${test.fullName}" could not be read and is not sent (${(error as Error).message}).`)}\n`);
    }
  }

  // Vitest awaits this before it closes; reporters run side by side, so the upload does not hold up the others.
  async onTestRunEnd(): Promise<void> {
    this.#logs.clear(); // what hooks outside tests printed
    await this.#collector?.end();
  }

  /** `--merge-reports` replays blobs written earlier: the run starts when the first of them started. */
  #mergedStartMs(): number | undefined {
    const starts = (this.#vitest?.state.blobs?.files ?? []).flatMap((file) => (file.result?.startTime ? [file.result.startTime] : []));
    return starts.length > 0 ? Math.min(...starts) : undefined;
  }
}

function wouldSend(options: unknown): boolean {
  try {
    return loadConfig(options, { cwd: process.cwd(), env: process.env }).mode !== 'off';
  } catch {
    return true;
  }
}
