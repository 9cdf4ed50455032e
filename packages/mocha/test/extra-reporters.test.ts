// Extra reporters on a real Mocha runner in this process: Mocha's own `json` reporter, a reporter file of the
// project's, and a name that cannot be loaded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Mocha from 'mocha';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startExtraReporters } from '../src/extra-reporters';
import type { RunningReporter } from '../src/extra-reporters';

describe('startExtraReporters', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("runs Mocha's reporters and the project's beside the main one, leaves out spec and says which it cannot load", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'qase-extra-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, 'counting-reporter.js'), `
module.exports = class {
  constructor(runner, options) {
    let passes = 0;
    runner.on('pass', () => { passes += 1; });
    runner.on('end', () => require('node:fs').writeFileSync(options.reporterOptions.output, String(passes)));
  }
};`);
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    let extras: RunningReporter[] = [];
    class Main {
      constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
        extras = startExtraReporters([
          { name: 'spec', options: {} },
          { name: 'json', options: {} },
          { name: 'no-such-reporter', options: {} },
          { name: './counting-reporter.js', options: { output: join(cwd, 'passes.txt') } },
        ], runner, options, cwd);
      }
    }
    const mocha = new Mocha({ reporter: Main as unknown as Mocha.ReporterConstructor });
    mocha.suite.addTest(new Mocha.Test('passes', () => undefined));
    await new Promise((done) => mocha.run(done));
    const printed = stdout.mock.calls.map(([chunk]) => String(chunk)).join('');
    stdout.mockRestore();
    expect(extras).toHaveLength(2);
    expect(JSON.parse(printed)).toMatchObject({ stats: { passes: 1 } });
    expect(readFileSync(join(cwd, 'passes.txt'), 'utf8')).toBe('1');
    expect(write.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringMatching(/^qase: the extra Mocha reporter "no-such-reporter" could not be started \(.+\); the run goes on without it\.\n$/),
    ]);
  });
});
