import { resolve } from 'node:path';
import { ConfigError, writePage } from '@qase-reporters/core';
import type { Command } from './command';

export const show: Command = {
  name: 'show',
  summary: 'write the page (index.html) of a report or a dry run',
  help: `Usage: qase-reporters show <folder>

Writes index.html into a report folder (build/qase-report, QASE_MODE=report, ours or an official reporter's) or a
dry-run folder (qase-dry-run), and prints its path. The page is one file that opens from the file system in any
browser, without a server or the network: the run's totals, the suite tree, and for each test its status,
duration, case ids, fields, steps, error and attachments. Reports and dry runs write it themselves; this is for a
folder written before, or by another reporter.

Options:
  -h, --help   this help

Example:
  npx @qase-reporters/cli show build/qase-report
`,
  options: {},
  positionals: ['folder'],
  run({ positionals }, context) {
    const given = positionals[0]!;
    let page: string;
    try {
      page = writePage(resolve(context.cwd, given));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`could not write the page of ${given}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    context.stdout(`${page}\n`);
    return Promise.resolve(0);
  },
};
