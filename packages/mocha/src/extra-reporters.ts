// `extraReporters`: other Mocha reporters run beside ours, as the official reporter's option does, since Mocha
// itself runs one reporter per run. Ours already prints Mocha's `spec` output, so `spec` is not added twice.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { reporters } from 'mocha';
import type { MochaOptions, Runner } from 'mocha';

/** One of `extraReporters`, as the configuration reads it: `"json"`, `{ "name": "json", "options": {…} }`. */
export interface ExtraReporter {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** What Mocha's reporters offer: `done` is called by Mocha only for its own reporter, so ours calls theirs. */
export interface RunningReporter {
  done?(failures: number, fn: (failures?: number) => void): void;
}

type ReporterClass = new (runner: Runner, options: MochaOptions) => RunningReporter;

/**
 * Starts each extra reporter on `runner`: Mocha's own by name (`json`, `xunit`, …), else a package or file resolved
 * from `cwd`. One that cannot be loaded or started is left out with one line saying so; the run goes on.
 */
export function startExtraReporters(extras: readonly ExtraReporter[], runner: Runner, options: MochaOptions, cwd: string): RunningReporter[] {
  const requireFromProject = createRequire(join(cwd, 'package.json'));
  return extras.flatMap(({ name, options: own }) => {
    if (name === 'spec') return [];
    try {
      const builtIn = (reporters as unknown as Record<string, ReporterClass | undefined>)[name];
      const loaded = builtIn ?? (requireFromProject(name) as ReporterClass | { default?: ReporterClass });
      const Reporter = typeof loaded === 'function' ? loaded : loaded.default;
      if (typeof Reporter !== 'function') throw new Error('it exports no reporter class');
      return [new Reporter(runner, { ...options, reporterOptions: { ...own }, reporterOption: { ...own } } as MochaOptions)];
    } catch (error) {
      // The first line: a failed require goes on with its whole require stack.
      const reason = String((error as Error)?.message ?? error).split('\n')[0];
      process.stderr.write(`qase: the extra Mocha reporter "${name}" could not be started (${reason}); the run goes on without it.\n`);
      return [];
    }
  });
}
