// The viewer end to end in real headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
// browser is ever downloaded): open a seeded run, filter, open a case, compare, label with the keyboard and
// read the label back from the store, and check that an output holding <script> is shown as inert text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs } from '../helpers/cli.js';
import { seededStore, startOver, storedLabels, watchedPage, type Seeded } from './helpers.js';
import type { ResultsResponse } from '../../src/viewer/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

// The functions given to page.waitForFunction run in Chromium, not in Node. This file is type-checked with
// Node's lib (tsconfig.test.json), so the few DOM members those functions use are declared here.
interface PageElement {
  textContent: string | null;
  tagName: string;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): PageElement | null; activeElement: PageElement | null };

const available = chromiumAvailable() as boolean;
// Locally without Chromium the suite is skipped; in CI (.ci/run installs it) a missing browser fails.
const run = available || process.env.CI ? describe : describe.skip;

run('viewer in Chromium', () => {
  let seeded: Seeded;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];

  const go = async (hash: string, waitFor: string) => {
    await page.goto(`${viewer.url}${hash}`);
    await page.waitForSelector(waitFor, { timeout: 15_000 });
  };
  const resultsCount = async () => (await page.textContent('[data-testid=results-count]'))?.trim() ?? '';

  beforeAll(async () => {
    seeded = await seededStore(40);
    viewer = await startOver(seeded.db);
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('opens a seeded run from the runs list', async () => {
    await go('', '.runs-table');
    expect(await page.locator('.runs-table tbody tr').count()).toBe(2);
    await page.click('a[href="#/runs/run-base"]');
    await page.waitForSelector('.variants-table');
    expect(await page.locator('.variants-table tbody tr').count()).toBe(3);
    expect(await page.locator('.heat-cell').count()).toBeGreaterThan(3);
    await page.waitForFunction(() => document.querySelector('[data-testid=results-count]')?.textContent?.includes('120 results'));
    // Virtualised: far fewer rows in the DOM than results.
    expect(await page.locator('.results-table .vrow').count()).toBeLessThan(120);
  });

  it('filters the results by outcome, check, segment and text', async () => {
    const failed = ((await (await fetch(`${viewer.url}api/runs/run-base/results?outcome=fail`)).json()) as ResultsResponse).total;
    await page.selectOption('select[data-filter=outcome]', 'fail');
    await page.waitForFunction((n) => document.querySelector('[data-testid=results-count]')?.textContent?.startsWith(`${n} result`), failed);
    expect(page.url()).toContain('outcome=fail');
    const verdicts = await page.locator('.results-table .vrow .badge-fail').count();
    expect(verdicts).toBeGreaterThan(0);
    expect(await page.locator('.results-table .vrow .badge-pass').count()).toBe(0);
    await page.selectOption('select[data-filter=segment]', 'edge-case');
    await page.waitForFunction(() => /^\d+ results?/.test(document.querySelector('[data-testid=results-count]')?.textContent ?? ''));
    await page.click('text=clear filters');
    await page.waitForFunction(() => document.querySelector('[data-testid=results-count]')?.textContent?.startsWith('120 results'));
    await page.fill('input[data-filter=q]', 'onerror');
    await page.waitForFunction(() => document.querySelector('[data-testid=results-count]')?.textContent?.startsWith('3 results'));
    expect(await resultsCount()).toBe('3 results');
  });

  it('opens a case: the context window, the output, checks with judge reasoning, all variants side by side', async () => {
    await page.click('.results-table a[data-case="xss-probe"][data-variant="gpt-4o/v1"]');
    await page.waitForSelector('.result-card');
    expect(page.url()).toContain('#/runs/run-base/cases/xss-probe');
    expect(await page.locator('.result-card').count()).toBe(3);
    expect(await page.locator('.result-card').first().locator('.message').count()).toBe(2);
    expect(await page.locator('.result-card').first().locator('.message-system').textContent()).toContain('You are a support agent for Acme');
    expect(await page.locator('[data-testid=judge-table]').first().textContent()).toContain('accuracy');
    expect(await page.locator('.result-highlighted').getAttribute('data-variant')).toBe('gpt-4o/v1');
    expect(await page.locator('.facts').first().textContent()).toContain('tokens in / out');
  });

  it('shows an output holding <script> as inert text (no dialog, no element)', async () => {
    const output = page.locator('.result-card .output').first();
    expect(await output.textContent()).toContain('<script>alert(1)</script><img src=x onerror="alert(2)">');
    expect(await page.locator('#root script').count()).toBe(0);
    expect(await page.locator('#root img').count()).toBe(0);
    // And in the results table preview and the review pane.
    await go('#/runs/run-base?q=onerror', '.results-table a[data-case="xss-probe"]');
    expect(await page.locator('.results-table a[data-case="xss-probe"] .preview').first().textContent()).toContain('<script>alert(1)</script>');
    await go('#/runs/run-base/review?q=onerror', '.result-card .output');
    expect(await page.locator('.result-card .output').textContent()).toContain('<script>alert(1)</script>');
    await page.waitForTimeout(300);
    expect(await page.locator('#root script, #root img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('compares two variants: paired difference with CI, flipped cases first, outputs diffed', async () => {
    await go('#/compare?runA=run-base&variantA=gpt-4o-mini%2Fv1&variantB=claude-haiku%2Fv1', '[data-testid=case-diff] .diff');
    const summary = await page.textContent('[data-testid=compare-summary]');
    expect(summary).toMatch(/pass rate \(per case\)/);
    expect(summary).toMatch(/[+−]\d+\.\d pts to [+−]\d+\.\d pts/);
    expect(await page.locator('.compare-list .vrow').first().locator('[data-flip]').getAttribute('data-flip')).not.toBe('same');
    expect(await page.locator('[data-testid=case-diff] del.diff-removed, [data-testid=case-diff] ins.diff-added').count()).toBeGreaterThan(0);
    // j moves to the next case.
    const first = await page.locator('[data-testid=case-diff] .case-diff-head a').textContent();
    await page.keyboard.press('j');
    await page.waitForFunction((f) => document.querySelector('[data-testid=case-diff] .case-diff-head a')?.textContent !== f, first);
    // Two runs side by side.
    // A hash change keeps the page: the previous comparison's summary is there until the new one renders, so wait
    // for the new one's figures (a timeout fails the test) rather than reading whatever summary is on screen.
    await go('#/compare?runA=run-base&variantA=gpt-4o%2Fv1&runB=run-cand&variantB=gpt-4o%2Fv1', '[data-testid=compare-summary]');
    await page
      .waitForFunction(() => document.querySelector('.compare-summary')?.textContent?.includes('paired-t, n = 40'), undefined, { timeout: 15_000 })
      .catch(() => undefined);
    expect(await page.textContent('.compare-summary')).toContain('paired-t, n = 40');
  });

  it('labels outputs with the keyboard, and the labels are in the store', async () => {
    await go('#/runs/run-base/review?outcome=fail', '[data-testid=label-form]');
    const target = page.locator('.review-queue .vrow-link.on');
    const caseId = await target.getAttribute('data-case');
    const variantId = await target.getAttribute('data-variant');
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.querySelector('[data-testid=label-status]')?.textContent?.startsWith('saved'));
    await page.keyboard.press('3'); // third error tag of the suite's taxonomy
    await page.waitForSelector('.tag-btn.on[data-tag="missed-escalation"]');
    await page.keyboard.press('c');
    // The tag's save re-renders the form: wait for the comment box to hold focus, then fill it as a whole.
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await page.locator('[data-testid=label-form] textarea').fill('Quotes 45 days; policy says 30. <b>not bold</b>');
    await page.locator('[data-testid=label-form] textarea').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=label-status]')?.textContent?.startsWith('saved'));
    let rows = storedLabels(seeded.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      run_id: 'run-base',
      case_id: caseId,
      variant_id: variantId,
      label: 'fail',
      tag: 'missed-escalation',
      comment: 'Quotes 45 days; policy says 30. <b>not bold</b>',
    });
    // p marks pass and moves on; the next one gets its own label.
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await page.waitForFunction(
      ([c, v]) => {
        const on = document.querySelector('.review-queue .vrow-link.on');
        return !!on && `${on.getAttribute('data-case')}/${on.getAttribute('data-variant')}` !== `${c}/${v}`;
      },
      [caseId, variantId],
    );
    const second = page.locator('.review-queue .vrow-link.on');
    const secondKey = [await second.getAttribute('data-case'), await second.getAttribute('data-variant')];
    await page.keyboard.press('p');
    await expect.poll(() => storedLabels(seeded.db).length, { timeout: 10_000 }).toBe(2);
    rows = storedLabels(seeded.db);
    expect(rows[1]).toMatchObject({ case_id: secondKey[0], variant_id: secondKey[1], label: 'pass' });
    // The queue shows the labels, and a reload reads them back from the store.
    await page.reload();
    await page.waitForSelector('.review-queue .badge-label');
    expect(await page.locator('.review-queue .badge-label-fail').first().textContent()).toContain('missed-escalation');
    // The comment is text, not markup.
    await page.waitForSelector('[data-testid=label-form] textarea');
    expect(await page.locator('#root b').count()).toBe(0);
  });

  it('draws the cost–quality chart with intervals and switches to p95 latency', async () => {
    await go('#/runs/run-base/pareto', '[data-testid=pareto-plot] svg');
    expect(await page.locator('[data-testid=pareto-plot] svg circle').count()).toBe(3);
    expect(await page.textContent('[data-testid=pareto-plot]')).toContain('cost per case');
    await page.click('[data-testid=axis-latency]');
    await page.waitForFunction(() => document.querySelector('[data-testid=pareto-plot]')?.textContent?.includes('p95 latency'));
    expect(await page.locator('[data-testid=pareto-plot] svg circle').count()).toBe(3);
  });

  it('shows the results table and its filters before the run figures arrive (issue #22), then the summary', async () => {
    // The run's figures (GET /api/runs/:id) are held back in the browser until the table has been used.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/runs\/run-base$/, async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    try {
      // From another page, so the run page mounts afresh and asks for the figures again.
      await go('', '.runs-table');
      await page.goto(`${viewer.url}#/runs/run-base`);
      await page.waitForFunction(() => document.querySelector('[data-testid=results-count]')?.textContent?.includes('120 results'));
      expect(await page.locator('.results-table .vrow').count()).toBeGreaterThan(0);
      expect(await page.locator('.variants-table').count()).toBe(0);
      const failed = ((await (await fetch(`${viewer.url}api/runs/run-base/results?outcome=fail`)).json()) as ResultsResponse).total;
      await page.selectOption('select[data-filter=outcome]', 'fail');
      await page.waitForFunction((n) => document.querySelector('[data-testid=results-count]')?.textContent?.startsWith(`${n} result`), failed);
      // Still no figures: the segment list is empty until they come.
      expect(await page.locator('.variants-table').count()).toBe(0);
      expect(await page.locator('select[data-filter=segment] option').count()).toBe(1);
      release();
      await page.waitForSelector('.variants-table');
      expect(await page.locator('select[data-filter=segment] option').count()).toBeGreaterThan(1);
      // The table kept its filter (it was not mounted again when the figures came).
      expect(await resultsCount()).toMatch(new RegExp(`^${failed} result`));
    } finally {
      release();
      await page.unroute(/\/api\/runs\/run-base$/);
    }
  });

  it('fired no dialog, no CSP violation and no page error anywhere', () => {
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
