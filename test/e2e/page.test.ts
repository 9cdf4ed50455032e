// The page of a 10,000-result report in a real browser: Debian's Chromium, headless, opens index.html from the
// file system (no server, no network) and shows the totals, a failed test's error, a step's expected result and an
// image attachment. The report comes from scripts/big-report.mjs, whose header says what each result holds.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, run, tempDir } from './harness';

const TMP = tempDir('page');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function findChromium(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const isRoot = process.getuid?.() === 0;
const present = findChromium();
const canRun = present !== undefined || isRoot;

describe.skipIf(!canRun)('the page of a 10,000-result report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    // Debian's package: no browser can be downloaded here, and Playwright's own builds need other libraries.
    if (findChromium() === undefined) {
      await promisify(execFile)('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], { maxBuffer: 64 * 1024 * 1024 });
    }
    mkdirSync(TMP, { recursive: true });
    const written = await run(process.execPath, [join(REPO, 'scripts/big-report.mjs'), TMP, '10000'], { cwd: REPO, timeoutMs: 120_000 });
    expect(written.code, written.output).toBe(0);
    const index = written.stdout.trim();
    expect(existsSync(index)).toBe(true);
    browser = await chromium.launch({ executablePath: findChromium(), args: FLAGS });
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(index).href);
    await page.waitForSelector('body[data-ready="true"]');
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function choose(title: string): Promise<void> {
    await page.fill('#search', title);
    await page.locator('.test .row', { hasText: title }).click();
    await expect.poll(() => page.textContent('#details h2')).toBe(title);
  }

  it('shows the run totals, and draws no test row before a suite is opened', async () => {
    const chips = await page.locator('#totals .total').allTextContents();
    expect(chips).toEqual(['total 10000', 'failed 500', 'passed 9400', 'skipped 100']);
    expect(await page.locator('.test').count()).toBe(0);
    expect(await page.locator('#tree > .suite > .row').allTextContents()).toHaveLength(10);
  });

  it("shows a failed test's error with its stack", async () => {
    await choose('case 00127');
    expect(await page.textContent('#details .status')).toBe('failed');
    expect(await page.textContent('#details pre.error')).toBe('AssertionError: expected 127 to be 128\n    at area-7.spec.ts:127:5');
    expect(await page.textContent('#details .case-ids')).toBe('Case ids: 128');
  });

  it("shows each step with its expected result and data", async () => {
    await choose('case 00315');
    const steps = page.locator('#details .steps > .step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).locator('.expected .value').textContent()).toBe('Page 315 is shown');
    expect(await steps.nth(0).locator('.data .value').textContent()).toBe('id=315');
    expect(await steps.nth(1).locator('.expected .value').textContent()).toBe('Total is 315');
  });

  it('shows an image attachment, and a text attachment as text', async () => {
    await choose('case 04200');
    const image = page.locator('#details img.attachment');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    expect(await page.textContent('#details pre.attachment-text')).toBe('log of case 4200');
  });

  it("draws a suite's rows only when it is opened", async () => {
    await page.fill('#search', '');
    await page.waitForFunction(() => document.querySelectorAll('.test').length === 0);
    await page.locator('#tree > .suite > .row').first().click();
    await page.locator('#tree > .suite').first().locator('.children > .suite > .row').first().click();
    expect(await page.locator('.test').count()).toBe(50);
  });

  it('loaded nothing but files: the page itself and the attachments shown', () => {
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });
});

if (!canRun) {
  it.skip('the page in Chromium: skipped, chromium is not installed and only root can install it (apt-get install -y chromium)');
}
