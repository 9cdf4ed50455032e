#!/usr/bin/env node
// Writes a Qase Report of many results through the real collector in report mode, page included: what the browser
// test opens and what bench-page.mjs times. Needs the built core (npx tsc -p packages/core).
//
//   node scripts/big-report.mjs <folder> [count]     writes <folder>/build/qase-report (10,000 results by default)
//
// Result i is titled `case 00042` (i, five digits), in suite `area-<i % 10>.spec.ts` › `feature <⌊i/10⌋ % 20>`, with
// case id i + 1 and two steps (`Open the page`, expected `Page i is shown`, data `id=i`; `Check the total`, expected
// `Total is i`). It failed when i % 20 = 7 (`expected i to be i+1`, with a stack), was skipped when i % 100 = 42,
// and passed otherwise. Every hundredth (i % 100 = 0) attaches screen.png (a 1×1 image) and log.txt.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Writes the report under `cwd`; resolves with the run's summary (its `page` is the index.html). */
export async function writeBigReport(cwd, count = 10_000) {
  const { createCollector, createTestResult } = require('@qase-reporters/core');
  const env = { QASE_MODE: 'report', QASE_LOGGING_CONSOLE: 'false' };
  const collector = createCollector({}, { framework: 'big-report', cwd, env });
  const started = Date.now() - count * 10;
  collector.startRun({ startedAtMs: started });
  for (let i = 0; i < count; i++) {
    const status = i % 20 === 7 ? 'failed' : i % 100 === 42 ? 'skipped' : 'passed';
    const at = started + i * 10;
    const step = (title, expectedResult, data, stepStatus) =>
      ({ title, expectedResult, data, status: stepStatus, startTimeMs: at, endTimeMs: at + 3, attachments: [], steps: [] });
    collector.add(createTestResult({
      title: `case ${String(i).padStart(5, '0')}`,
      status,
      suitePath: [`area-${i % 10}.spec.ts`, `feature ${Math.floor(i / 10) % 20}`],
      caseIds: [i + 1],
      fields: { severity: i % 3 === 0 ? 'critical' : 'normal' },
      startTimeMs: at,
      endTimeMs: at + 7,
      error: status === 'failed' ? { message: `expected ${i} to be ${i + 1}`, stack: `AssertionError: expected ${i} to be ${i + 1}\n    at area-${i % 10}.spec.ts:${i}:5` } : undefined,
      steps: [
        step('Open the page', `Page ${i} is shown`, `id=${i}`, 'passed'),
        step('Check the total', `Total is ${i}`, undefined, status === 'failed' ? 'failed' : status === 'skipped' ? 'skipped' : 'passed'),
      ],
      attachments: i % 100 === 0
        ? [{ name: 'screen.png', contentType: 'image/png', content: PNG }, { name: 'log.txt', contentType: 'text/plain', content: `log of case ${i}` }]
        : [],
    }));
  }
  return collector.end();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [folder, count] = process.argv.slice(2);
  if (!folder) {
    process.stderr.write('Usage: node scripts/big-report.mjs <folder> [count]\n');
    process.exit(2);
  }
  const summary = await writeBigReport(resolve(folder), count ? Number(count) : undefined);
  process.stdout.write(`${summary.page ?? join(resolve(folder), 'build/qase-report')}\n`);
}
