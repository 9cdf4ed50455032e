#!/usr/bin/env node
// How long the page of a local run takes to render: a 10,000-result report (scripts/big-report.mjs) opened from
// the file system in Debian's Chromium, headless. Not a test: it prints figures. Needs the built core and chromium
// (apt-get install -y chromium; the browser test installs it when run as root).
//
//   node scripts/bench-page.mjs            10,000 results
//   node scripts/bench-page.mjs 50000      other counts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeBigReport } from './big-report.mjs';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOADS = 3;

let executablePath;
try {
  executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
} catch {
  process.stderr.write('bench-page: chromium is not installed. Install it with apt-get install -y chromium (as root), then run again.\n');
  process.exit(1);
}

const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'qase-bench-page-'));
try {
  const writtenAt = Date.now();
  const { page: index } = await writeBigReport(dir, count);
  const writeMs = Date.now() - writtenAt;
  const browser = await chromium.launch({ executablePath, args: FLAGS });
  try {
    const loads = [];
    let search = 0;
    let open = 0;
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.newPage();
      const started = Date.now();
      await page.goto(pathToFileURL(index).href);
      await page.waitForSelector('body[data-ready="true"]');
      loads.push({ wallMs: Date.now() - started, renderMs: Number(await page.getAttribute('body', 'data-render-ms')) });
      let at = Date.now();
      await page.fill('#search', 'case 00127');
      await page.locator('.test .row', { hasText: 'case 00127' }).waitFor();
      search = Date.now() - at;
      await page.fill('#search', '');
      await page.waitForFunction(() => globalThis.document.querySelectorAll('.test').length === 0);
      at = Date.now();
      await page.locator('#tree > .suite > .row').first().click();
      await page.locator('#tree > .suite').first().locator('.children > .suite > .row').first().click();
      await page.locator('.test').first().waitFor();
      open = Date.now() - at;
      await page.close();
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const mb = (statSync(index).size / 1024 ** 2).toFixed(1);
    console.log(`page of ${count.toLocaleString('en')} results: index.html ${mb} MB, report written in ${(writeMs / 1000).toFixed(1)} s`);
    console.log(`  opened from file:// in headless Chromium until drawn (median of ${LOADS}): ${median(loads.map((l) => l.wallMs))} ms; ` +
      `the page's own clock (navigation start → tree drawn): ${median(loads.map((l) => l.renderMs))} ms`);
    console.log(`  search for one title: ${search} ms; open a suite and its first sub-suite: ${open} ms`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
