// The Monitor page end to end in real headless Chromium (as viewer.e2e.test.ts): open it from the nav, see the
// pass-rate chart with its alert marker and the server's status line, click a point, see that window's records
// failed first, open one, flag it (read back from the store), and see a record whose output is an <img onerror>
// probe rendered as inert text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs } from '../helpers/cli.js';
import { startOver, watchedPage } from './helpers.js';
import { MONITOR, SUITE, XSS, seedProduction, type SeededProduction } from './monitor-seed.js';
import { openStore } from '../../src/store/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const DAY = 86_400_000;
// evaluateAll's callbacks run in Chromium; this file is checked with Node's lib, so the one DOM member they use is named here.
interface PageElement {
  getAttribute(name: string): string | null;
}
/** Runs in Chromium (serialised: no closure), with the attribute's name as its argument. */
const attribute = (elements: unknown[], name: string) => elements.map((e) => (e as PageElement).getAttribute(name) ?? '');
const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

run('Monitor page in Chromium', () => {
  let seeded: SeededProduction;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];

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

  it('opens the monitor from the nav and shows the pass-rate chart with an alert marker', async () => {
    await page.goto(viewer.url);
    await page.click('a[data-tab=monitor]');
    await page.waitForSelector('.monitors-table', { timeout: 15_000 });
    await page.click(`.monitors-table a[href="#/monitor/${SUITE}/${MONITOR}"]`);
    await page.waitForSelector('[data-metric=pass_rate] .monitor-chart svg', { timeout: 15_000 });
    // The seeded drop (95% → 50% at day 7) is detected: the server's status line says so, the chart marks it.
    expect(await page.textContent('[data-testid=status-line]')).toMatch(/ALERT/);
    expect(await page.locator('[data-metric=pass_rate] .alert-marker line').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-metric=pass_rate] .baseline-line line').count()).toBe(1);
    expect(await page.textContent('[data-metric=pass_rate] .evidence')).toMatch(/false-alarm rate of this rule ≤ 1% per 30 days/);
    // Input drift by language: the shares table names each language for people.
    expect(await page.locator('[data-metric=language_mix] .languages-table td').allTextContents()).toEqual(
      expect.arrayContaining(['English', 'French', '33.3%']),
    );
  });

  it('clicks a point and lists that window’s records, failed first', async () => {
    // The viewer's windows end at its own now, seconds after the seed's: day 10's window starts just after day 10 does.
    const day10 = seeded.start + 10 * DAY;
    const starts = await page.locator('[data-metric=pass_rate] circle[data-start]').evaluateAll(attribute, 'data-start');
    const start = starts.find((s) => Date.parse(s) >= day10 && Date.parse(s) < day10 + 30 * 60_000);
    expect(start).toBeDefined();
    const point = page.locator(`[data-metric=pass_rate] circle[data-start="${start}"]`);
    await point.click();
    await page.waitForSelector('[data-testid=window-records] tbody tr', { timeout: 15_000 });
    const rows = page.locator('[data-testid=window-records] tbody tr');
    expect(await rows.count()).toBe(40);
    expect(await rows.first().locator('.badge-fail').count()).toBe(1);
    expect(await rows.last().locator('.badge-pass').count()).toBe(1);
    expect(new Set(await rows.evaluateAll(attribute, 'data-record'))).toEqual(new Set(seeded.ids[10]));
  });

  it('opens a record and flags it: the store has it flagged', async () => {
    const first = page.locator('[data-testid=window-records] tbody tr').first();
    const id = (await first.getAttribute('data-record'))!;
    await first.locator('a').first().click();
    await page.waitForSelector('[data-testid=flag-button]', { timeout: 15_000 });
    expect(await page.textContent('h1')).toBe(id);
    // The record's input language as seeded (monitor-seed.ts: record i is French when i % 4 = 0, unknown when 1).
    const i = Number(id.slice(-2));
    expect(await page.locator('.facts dd[title^="ISO 639-1"]').textContent()).toBe(i % 4 === 0 ? 'fr' : i % 4 === 1 ? 'unknown' : 'en');
    expect(await page.locator('.message[data-role=user]').textContent()).toContain(`Where is my order ${id}?`);
    expect(await page.locator('.check-row .badge-fail').count()).toBe(1);
    await page.click('[data-testid=flag-button]');
    await page.waitForSelector('[data-testid=flagged]');
    const store = openStore(seeded.db, { access: 'read' });
    try {
      expect((await store.production.get(id))?.flagged).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('renders a record whose output is an <img onerror> probe as text', async () => {
    await page.goto(`${viewer.url}#/production/${seeded.xssId}`);
    await page.waitForSelector('.production-output', { timeout: 15_000 });
    expect(await page.textContent('.production-output')).toBe(XSS);
    expect(await page.locator('#root img').count()).toBe(0);
    // The tool call's arguments hold markup too: text as well.
    await page.goto(`${viewer.url}#/production/${seeded.ids[13][1]}`);
    await page.waitForSelector('.tool-call');
    expect(await page.locator('.tool-call').textContent()).toContain('{"id":"<b>1</b>"}');
    expect(await page.locator('#root b').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
