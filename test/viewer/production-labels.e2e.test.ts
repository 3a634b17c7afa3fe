// Production labels end to end in real headless Chromium (as monitor.e2e.test.ts): from the Monitor page open the
// review queue (failed records first), label two records with the keyboard (f: fail; j: next; p: pass, which moves
// on), and read both labels back from the store with the viewer's labeller name; then the record page shows the
// label and changes it with the same buttons. The queue's first record's output is an <img onerror> probe: inert text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs } from '../helpers/cli.js';
import { startOver, watchedPage } from './helpers.js';
import { MONITOR, SUITE, XSS, seedProduction, type SeededProduction } from './monitor-seed.js';
import { openStore } from '../../src/store/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

run('production labels in Chromium', () => {
  let seeded: SeededProduction;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const labels = async () => {
    const store = openStore(seeded.db, { access: 'read' });
    try {
      return (await store.production.labels.list({ suite: SUITE, monitor: MONITOR })).map(
        (l) => `${l.recordId}:${l.labeller}:${l.verdict}:${l.errorTags.join('+')}`,
      );
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    seeded = await seedProduction();
    viewer = await startOver(seeded.db, { suites: [seeded.suite] });
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('labels two records of the review queue with the keyboard: the store has both', async () => {
    await page.goto(`${viewer.url}#/monitor/${SUITE}/${MONITOR}`);
    await page.waitForSelector('[data-testid=review-queue-link]', { timeout: 15_000 });
    await page.click('[data-testid=review-queue-link]');
    await page.waitForSelector('[data-testid=review-record]', { timeout: 15_000 });
    const rows = page.locator('[data-testid=review-queue] .queue-row');
    // 560 scored records, none labelled yet: the queue's first 200 (its default length).
    expect(await rows.count()).toBe(200);
    // Failed first, newest first: the last seeded record (failed, its output the XSS probe), then the day's other failures.
    const first = seeded.xssId;
    const second = seeded.ids[13][37];
    expect(await rows.nth(0).getAttribute('data-record')).toBe(first);
    expect(await rows.nth(1).getAttribute('data-record')).toBe(second);
    expect(await rows.nth(0).locator('.badge-fail').count()).toBe(1);
    expect(await page.getAttribute('[data-testid=review-record]', 'data-record')).toBe(first);
    expect(await page.textContent('[data-testid=review-record] .production-output')).toBe(XSS);

    await page.keyboard.press('f');
    await page.locator('[data-testid=label-status]', { hasText: /saved by tester/ }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('j');
    await page.waitForSelector(`[data-testid=review-record][data-record="${second}"] [data-testid=label-form]`, { timeout: 15_000 });
    await page.keyboard.press('p');
    // p saves and moves on to the third record.
    await page.waitForSelector(`[data-testid=review-record][data-record="${seeded.ids[13][35]}"]`, { timeout: 15_000 });
    await expect.poll(labels, { timeout: 15_000 }).toEqual([`${first}:tester:fail:`, `${second}:tester:pass:`].sort());
    expect(await rows.nth(0).locator('.badge-label-fail').count()).toBe(1);
    expect(await rows.nth(1).locator('.badge-label-pass').count()).toBe(1);
  });

  it('shows the label on the record page and changes it with the same buttons', async () => {
    await page.goto(`${viewer.url}#/production/${seeded.ids[13][37]}?suite=${SUITE}&monitor=${MONITOR}`);
    await page.waitForSelector('[data-testid=label-form] [data-label=pass][aria-pressed=true]', { timeout: 15_000 });
    await page.click('[data-testid=label-form] [data-label=fail]');
    await page.waitForSelector('[data-testid=label-form] [data-label=fail][aria-pressed=true]');
    // An error tag (the suite has no error_tags: the default list's first, wrong-answer).
    await page.click('[data-testid=label-form] [data-tag=wrong-answer]');
    await expect.poll(labels, { timeout: 15_000 }).toContain(`${seeded.ids[13][37]}:tester:fail:wrong-answer`);
    expect(await page.locator('#root img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
