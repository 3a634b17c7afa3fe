// The run page's pass^k table in real headless Chromium, over a store written by the built CLI (a replayed log
// with 3 repeats, so every verdict is known): a row per k with pass^k and pass@k and their intervals, as the
// JSON report has them; a run of one repeat shows no such table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { startOver, watchedPage } from './helpers.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

// The rows as evaluateAll hands them to the page function (this file is type-checked with Node's lib, no DOM).
type Row = { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };

const available = chromiumAvailable() as boolean;
// Locally without Chromium the suite is skipped; in CI (.ci/run installs it) a missing browser fails.
const run = available || process.env.CI ? describe : describe.skip;

// 8 cases, 3 repeats: case i passes c = 3, 2, 1, 0 of its repeats for i mod 4 = 0, 1, 2, 3.
const CASES = Array.from({ length: 8 }, (_, i) => ({ id: `q${i}`, vars: { answer: `A${i}` } }));
const LOG = CASES.flatMap((c, i) => [0, 1, 2].map((repeat) => ({ id: c.id, repeat, output: repeat < 3 - (i % 4) ? c.vars.answer : 'wrong' })));
const suite = (name: string, extra: string) => `name: ${name}
models: [replay:./log.jsonl]
cases: cases.jsonl
checks:
  - { type: equals, value: "{{answer}}" }
${extra}
`;

run('the pass^k table on the run page (Chromium)', () => {
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'repeated.yaml': suite('repeated', 'repeat: 3'),
      'single.yaml': suite('single', ''),
      'cases.jsonl': jsonl(CASES),
      'log.jsonl': jsonl(LOG),
    });
    for (const name of ['repeated', 'single']) {
      const r = await runCli(['run', `${name}.yaml`, '--no-progress', '--db', 'evalspec.db'], { cwd: dir });
      expect(r.exitCode, r.stderr).toBe(0);
      ids[name] = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(r.stdout)![1];
    }
    viewer = await startOver(join(dir, 'evalspec.db'));
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('shows pass^k and pass@k per k with their intervals', async () => {
    await page.goto(`${viewer.url}#/runs/${ids.repeated}`);
    await page.waitForSelector('[data-testid=pass-k] tbody tr', { timeout: 15_000 });
    const rows = await page
      .locator('[data-testid=pass-k] tbody tr')
      .evaluateAll((trs: Row[]) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())));
    // Per group of 4 cases (c = 3, 2, 1, 0 of 3): pass^1 = (1 + 2/3 + 1/3 + 0)/4 = 50%, pass^2 = (1 + 1/3)/4 = 33.3%,
    // pass^3 = 1/4 = 25%; pass@2 = (1 + 1 + 2/3 + 0)/4 = 66.7%, pass@3 = 3/4 = 75%.
    expect(rows.map((r) => [r[0], r[1].split(' ')[0], r[2].split(' ')[0]])).toEqual([
      ['1', '50.0%', '50.0%'],
      ['2', '33.3%', '66.7%'],
      ['3', '25.0%', '75.0%'],
    ]);
    // Each cell carries its interval, low–high (the values themselves are checked against hand computation in test/e2e/pass-k-curve.test.ts).
    expect(rows.every((r) => /\d+\.\d–\d+\.\d$/.test(r[1]) && /\d+\.\d–\d+\.\d$/.test(r[2]))).toBe(true);
    expect(await page.locator('#pass-k').textContent()).toContain('t over the per-case estimates');
    expect(problems).toEqual([]);
  });

  it('a run of one repeat has no pass^k table', async () => {
    await page.goto(`${viewer.url}#/runs/${ids.single}`);
    // The full report has arrived when the quality-bars section renders (it holds the curve when there is one).
    await page.waitForSelector('#bars', { timeout: 15_000 });
    expect(await page.locator('[data-testid=pass-k]').count()).toBe(0);
  });
});
