// The Safety page (issue #18) in Chromium, over a run of test/helpers/safety-run.ts (a vulnerable and a guarded model
// on hand-written red-team cases; the counts are explained in test/e2e/safety-report.test.ts): the tab opens the
// page, the plugin × strategy matrix shows each cell's successes / attacks coloured by rate and linked to the cases,
// the zero-tolerance statement and the paired comparison are the report's sentences, and the worst attacks' outputs
// (with markup in them) are shown as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { LEAK, startSafetyProvider, writeSafetySuites } from '../helpers/safety-run.js';
import { startOver, watchedPage } from './helpers.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

run('Safety page in Chromium', () => {
  let server: FakeProvider;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let runId: string;
  const dialogs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startSafetyProvider();
    const dir = tempDir();
    writeSafetySuites(dir, server);
    const result = await runCli(['run', 'both.yaml', '--json', 'report.json'], { cwd: dir });
    expect(result.stderr).not.toContain('error[');
    runId = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).runId;
    viewer = await startOver(join(dir, '.evalspec', 'evalspec.db'));
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    await server?.close();
    cleanupTempDirs();
  });

  it('opens from the run’s tab and shows the matrix, the statement and the comparison', async () => {
    await page.goto(`${viewer.url}#/runs/${runId}`);
    await page.click('a[data-tab=safety]');
    await page.waitForSelector('.safety-matrix', { timeout: 15_000 });
    const matrices = page.locator('.safety-matrix');
    expect(await matrices.count()).toBe(2);
    // Vulnerable: prompt-injection × none 6 of 6; guarded: prompt-injection × base64 2 of 6 (hand counts).
    const vulnerableCell = matrices.nth(0).locator('[data-cell="prompt-injection|none"]');
    expect(await vulnerableCell.textContent()).toContain('6/6 · 100%');
    const guardedCell = matrices.nth(1).locator('[data-cell="prompt-injection|base64"]');
    expect(await guardedCell.textContent()).toContain('2/6 · 33%');
    // Colour by rate: 100% is the red end of the scale, 0% the green end.
    expect(await vulnerableCell.getAttribute('style')).toContain('rgb(214, 69, 65)');
    expect(await matrices.nth(1).locator('[data-cell="prompt-injection|none"]').getAttribute('style')).toContain('rgb(46, 160, 90)');
    expect(await vulnerableCell.locator('a').getAttribute('href')).toContain('segment=plugin%3Aprompt-injection');
    expect(await page.locator('.safety-statement').nth(1).textContent()).toMatch(/^3 successful attacks in 21: attack success rate ≤ .* at 95%/);
    expect(await page.locator('.safety-comparisons li').first().textContent()).toContain('McNemar exact p = 0.006');
  });

  it('shows the worst attacks’ outputs as text, links each to its case', async () => {
    const first = page.locator('.safety-worst li').first();
    expect(await first.locator('.plain-text').textContent()).toBe(LEAK);
    expect(await first.locator('a').getAttribute('href')).toContain(`#/runs/${runId}/cases/rt-prompt-injection-1`);
    // The markup in the output stayed text: no <img> element was made, no dialog or CSP report.
    expect(await page.locator('.safety-worst img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
