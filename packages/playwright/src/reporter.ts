import type { FullConfig, FullResult, Reporter, TestCase, TestResult as Attempt } from '@playwright/test/reporter';
import { createCollector, createWarnOnce, handNetworkOptionsToWorkers, networkOptionsOf, terminalSafe } from '@qase-reporters/core';
import type { Collector, Config, TestResult } from '@qase-reporters/core';
import { toTestResult } from './result';
import type { TranslateOptions } from './result';
import { versionNotice } from './version-notice';

/** Playwright adds these to every reporter's options; they are not the user's, so they are not checked as such. */
interface PlaywrightOptions {
  configDir?: string;
  /** `test`, `list` (`--list`: nothing runs) or `merge` (`merge-reports`). */
  _mode?: string;
  _commandHash?: string;
}

/** `reporter: [['@qase-reporters/playwright', { ...options }]]` in `playwright.config`. */
export class QaseReporter implements Reporter {
  readonly #collector: Collector;
  readonly #mode: string | undefined;
  readonly #translate: Omit<TranslateOptions, 'logs'>;
  /** stdout and stderr of running attempts, in arrival order, when `captureLogs` is on. */
  readonly #logs = new Map<Attempt, string[]>();
  /**
   * merge-reports replays results recorded earlier, and the API refuses results older than their run. The first
   * shard's start time is known only in onEnd, so the run is started there and the results are held until then.
   */
  readonly #held: TestResult[] = [];

  constructor(options: Record<string, unknown> = {}) {
    const { configDir: _configDir, _mode, _commandHash, ...own } = options as PlaywrightOptions & Record<string, unknown>;
    this.#mode = _mode;
    this.#collector = createCollector(own, { framework: 'playwright' });
    const { config } = this.#collector;
    this.#translate = frameworkOptions(config);
    const network = config.mode === 'off' ? undefined : networkOptionsOf(config);
    // Playwright starts its workers after constructing reporters; they inherit the environment (see fixture.ts).
    if (network) handNetworkOptionsToWorkers(network);
  }

  // Our output is a summary at the end; saying so lets Playwright add its default terminal reporter when ours is
  // the only one configured.
  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig): void {
    if (this.#mode === 'list') return;
    const notice = this.#collector.config.mode === 'off' ? undefined : versionNotice(config.version);
    if (notice) process.stderr.write(`${notice}\n`);
    if (this.#mode !== 'merge') this.#collector.startRun({ shard: config.shard ?? undefined });
  }

  onStdOut(chunk: string | Buffer, _test: void | TestCase, attempt: void | Attempt): void {
    this.#log(chunk, attempt);
  }

  onStdErr(chunk: string | Buffer, _test: void | TestCase, attempt: void | Attempt): void {
    this.#log(chunk, attempt);
  }

  onTestEnd(test: TestCase, attempt: Attempt): void {
    const logs = this.#logs.get(attempt)?.join('');
    this.#logs.delete(attempt);
    try {
      const result = toTestResult(test, attempt, { ...this.#translate, logs });
      if (!result) return;
      if (this.#mode === 'merge') this.#held.push(result);
      else this.#collector.add(result);
    } catch (error) {
      // An error thrown from a reporter fails Playwright's run; losing one result is the smaller harm.
      process.stderr.write(`qase: ${terminalSafe(`the result of "${test.title}" could not be read and is not sent (${(error as Error).message}).`)}\n`);
    }
  }

  // Awaited, not returned: Playwright reads a `status` from what onEnd resolves to, and the upload has no say in it.
  async onEnd(fullResult: FullResult): Promise<void> {
    if (this.#mode === 'list') return;
    if (this.#mode === 'merge') {
      this.#collector.startRun({ startedAtMs: fullResult.startTime.getTime() });
      for (const result of this.#held.splice(0)) this.#collector.add(result);
    }
    await this.#collector.end();
  }

  #log(chunk: string | Buffer, attempt: void | Attempt): void {
    if (!attempt || !this.#collector.config.captureLogs) return;
    const chunks = this.#logs.get(attempt) ?? [];
    chunks.push(chunk.toString());
    this.#logs.set(attempt, chunks);
  }
}

/** The official reporter's `framework` options, with its defaults: no browser parameter, no `is_flaky`. */
function frameworkOptions(config: Config): Omit<TranslateOptions, 'logs'> {
  const { browser, markAsFlaky } = config.framework.playwright;
  return {
    browserParameter: browser.addAsParameter ? browser.parameterName || 'browser' : undefined,
    markAsFlaky,
    warn: createWarnOnce((line) => process.stderr.write(`${line}\n`)),
  };
}
