import type { AggregatedResult, Config, Reporter, Test, TestCaseResult, TestResult as FileResult } from '@jest/reporters';
import { createCollector, networkOptionsOf, recordRequests, terminalSafe } from '@qase-reporters/core';
import type { Collector, RequestRecorder, Step, TestMetadata } from '@qase-reporters/core';
import { requestsKey, toTestResults } from './result';
import { openTransport } from './transport';
import type { Transport } from './transport';
import { installedJestVersion, versionNotice } from './version-notice';

/** `reporters: ['default', ['@qase-reporters/jest', { ...options }]]` in the Jest config. */
export class QaseReporter implements Reporter {
  readonly #collector: Collector;
  readonly #shard: Config.GlobalConfig['shard'];
  /** Where `qase.*` calls arrive; undefined when the reporter is off, and then they are not recorded. */
  readonly #transport: Transport | undefined;
  readonly #closeTransport = (): void => {
    this.#transport?.close();
  };
  /** Attempts per test file until the file's result arrives (see `FileContext.attempts`). */
  readonly #attempts = new Map<string, TestCaseResult[]>();
  /**
   * The network profiler, when on. It hears this process only, so it records tests that Jest runs in band
   * (`--runInBand`, or a single test file), as the official reporter's does.
   */
  readonly #network: RequestRecorder | undefined;
  /** Its steps per test file, by `requestsKey`, until the file's result arrives. */
  readonly #requests = new Map<string, Map<string, Step[]>>();

  constructor(globalConfig: Config.GlobalConfig, options: unknown = {}) {
    this.#shard = globalConfig.shard;
    this.#collector = createCollector(options, { framework: 'jest' });
    // Jest builds its reporters before it starts its workers, so they inherit the folder's name.
    this.#transport = this.#collector.config.mode === 'off' ? undefined : openTransport();
    // Also when Jest ends without finishing the run: the folder may hold what tests attached.
    if (this.#transport !== undefined) process.once('exit', this.#closeTransport);
    const version = this.#transport === undefined ? undefined : installedJestVersion();
    const notice = version === undefined ? undefined : versionNotice(version);
    if (notice) process.stderr.write(`${notice}\n`);
    const network = this.#collector.config.mode === 'off' ? undefined : networkOptionsOf(this.#collector.config);
    this.#network = network && recordRequests(network);
  }

  onTestCaseStart(): void {
    // Requests made before the test (a `beforeAll` hook) belong to none.
    this.#network?.take();
  }

  onRunStart(results: AggregatedResult): void {
    const shard = this.#shard ? { current: this.#shard.shardIndex, total: this.#shard.shardCount } : undefined;
    this.#collector.startRun({ startedAtMs: results.startTime, shard });
  }

  onTestCaseResult(test: Test, attempt: TestCaseResult): void {
    const attempts = this.#attempts.get(test.path) ?? [];
    attempts.push(attempt);
    this.#attempts.set(test.path, attempts);
    const steps = this.#network?.take() ?? [];
    if (steps.length > 0) {
      const requests = this.#requests.get(test.path) ?? new Map<string, Step[]>();
      requests.set(requestsKey(attempt.fullName, attempt.invocations ?? 1), steps);
      this.#requests.set(test.path, requests);
    }
  }

  onTestFileResult(test: Test, file: FileResult): void {
    const attempts = this.#attempts.get(test.path) ?? [];
    this.#attempts.delete(test.path);
    const requests = this.#requests.get(test.path);
    this.#requests.delete(test.path);
    try {
      const results = toTestResults(file, { cwd: process.cwd(), attempts, metadata: this.#metadataOf(test.path), requests });
      for (const result of results) this.#collector.add(result);
    } catch (error) {
      // A reporter that throws here fails Jest's run; losing one file's results is the smaller harm.
      console.error(`qase: ${terminalSafe(`the results of ${test.path} could not be read and are not sent (${(error as Error).message}).`)}`);
    }
  }

  // Jest awaits this before it exits, --forceExit included, so the last uploads finish (within `deadlineMs`).
  async onRunComplete(): Promise<void> {
    this.#network?.stop();
    await this.#collector.end();
    process.off('exit', this.#closeTransport);
    this.#closeTransport();
  }

  #metadataOf(testPath: string): Map<string, TestMetadata> {
    if (this.#transport === undefined) return new Map();
    try {
      return this.#transport.take(testPath);
    } catch (error) {
      console.error(`qase: ${terminalSafe(`could not read what the tests of ${testPath} said through qase.* (${(error as Error).message}); their results are sent without it.`)}`);
      return new Map();
    }
  }
}
