// Agent transcripts in the viewer (issue #16), in real headless Chromium over a store seeded with results carrying
// transcripts: the API serves a transcript only on the case endpoint; the case page shows the steps, each tool
// call's arguments and result or error class, the stop reason, the retrieved context, and marks the step a failing
// check names; a tool result holding <script> is inert text; the compare page aligns two transcripts step by step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs } from '../helpers/cli.js';
import { startOver, watchedPage } from './helpers.js';
import { seedTranscripts } from './transcript-seed.js';
import { LONG_RESULT, XSS_RESULT } from './transcript-fixtures.js';
import type { CaseResponse, ResultsResponse } from '../../src/viewer/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

// page.waitForFunction's function runs in Chromium; this file is type-checked with Node's lib (as viewer.e2e.test.ts).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const available = chromiumAvailable() as boolean;
// Locally without Chromium the suite is skipped; in CI (.ci/run installs it) a missing browser fails.
const run = available || process.env.CI ? describe : describe.skip;

run('transcripts in the viewer (Chromium)', () => {
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const go = async (hash: string, waitFor: string) => {
    await page.goto(`${viewer.url}${hash}`);
    await page.waitForSelector(waitFor, { timeout: 15_000 });
  };
  const card = (variant: string) => page.locator(`.result-card[data-variant="${variant}"]`);

  beforeAll(async () => {
    viewer = await startOver(await seedTranscripts());
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('serves the transcript on the case endpoint only, not in the results list', async () => {
    const list = (await (await fetch(`${viewer.url}api/runs/agents/results`)).json()) as ResultsResponse;
    expect(list.total).toBe(6);
    expect(list.rows.every((r) => !('transcript' in r))).toBe(true);
    // The in-memory index path too (a failed-check filter): only v1 made the forbidden call.
    const byCheck = (await (await fetch(`${viewer.url}api/runs/agents/results?outcome=fail&check=tool-not-called`)).json()) as ResultsResponse;
    expect(byCheck.rows.map((r) => [r.caseId, r.variantId, 'transcript' in r])).toEqual([['cancel', 'v1', false]]);
    const one = (await (await fetch(`${viewer.url}api/runs/agents/cases/cancel`)).json()) as CaseResponse;
    expect(one.results.map((r) => [r.variantId, r.transcript?.steps])).toEqual([
      ['v1', 4],
      ['v2', 4],
    ]);
  });

  it('shows the steps, each call with its arguments and result, the error class and the stop reason', async () => {
    await go('#/runs/agents/cases/cancel', '.result-card [data-testid=transcript]');
    const v1 = card('v1');
    expect(await v1.locator('.step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['1', '2', '3', '4']);
    const lookup = v1.locator('.step[data-step="1"] .tool-call[data-tool="get_reservation_details"]');
    // Arguments as pretty JSON (two-space indent, one key a line), the result below them.
    expect(await lookup.locator('.tool-args').textContent()).toBe('{\n  "reservation_id": "ZFA04Y",\n  "user_id": "u7"\n}');
    expect(await lookup.locator('.tool-result').textContent()).toContain('{"cabin":"basic_economy"}');
    expect(await v1.locator('.step[data-step="1"] .step-head').textContent()).toContain('tokens 120 in / 14 out');
    const timeout = v1.locator('.step[data-step="3"] .tool-call[data-tool="search_flights"] .tool-result');
    expect(await timeout.getAttribute('data-error-class')).toBe('tool-timeout');
    expect(await timeout.textContent()).toContain('did not answer within 10000 ms');
    expect(await v1.locator('[data-testid=transcript-stop]').textContent()).toBe('answered after 4 steps (max_steps 8)');
    // A long tool result is folded: its start, and the rest on demand.
    const long = v1.locator('.tool-call[data-tool="list_flights"] .tool-result');
    expect((await long.textContent())!.length).toBeLessThan(LONG_RESULT.length);
    await long.locator('button', { hasText: 'show all' }).click();
    expect(await long.textContent()).toContain(LONG_RESULT);
  });

  it('marks the step a failing check names and jumps to it', async () => {
    const v1 = card('v1');
    expect(await v1.locator('.step-failed').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['2']);
    expect(await v1.locator('.step-failed .step-check').textContent()).toContain('tool-not-called');
    await v1.locator('[data-goto-step="2"]').click();
    await page.waitForSelector('.result-card[data-variant="v1"] .step-focused[data-step="2"]');
    // v2 passed every check: nothing marked.
    expect(await card('v2').locator('.step-failed, [data-goto-step]').count()).toBe(0);
  });

  it('renders a tool result holding <script> as text (no element, no dialog)', async () => {
    const cancel = card('v1').locator('.tool-call[data-tool="cancel_reservation"] .tool-result');
    expect(await cancel.textContent()).toContain(XSS_RESULT);
    expect(XSS_RESULT).toContain('<script>alert(1)</script><img src=x onerror=');
    await page.waitForTimeout(300);
    expect(await page.locator('#root script, #root img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows a run-out-of-steps agent and a RAG target\u2019s context and metadata', async () => {
    await go('#/runs/agents/cases/loop', '.result-card [data-testid=transcript]');
    expect(await card('v1').locator('[data-testid=transcript-stop]').textContent()).toBe('stopped at max_steps 3 with tool calls pending');
    // max-steps names no step ("the step limit (3 steps)"): the stop line says it, no step is marked.
    expect(await card('v1').locator('.transcript-stop-limit').count()).toBe(1);
    expect(await card('v1').locator('.step-failed').count()).toBe(0);
    await go('#/runs/agents/cases/rag', '.result-card [data-testid=retrieved-context]');
    const docs = card('v1').locator('[data-testid=retrieved-context] tbody tr');
    expect(await docs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-doc')))).toEqual(['policy-7', 'faq-2']);
    expect(await docs.first().textContent()).toContain('0.910');
    expect(await docs.nth(1).locator('td').nth(2).textContent()).toBe('n/a');
    expect(await card('v1').locator('[data-testid=transcript-metadata]').textContent()).toContain('bm25');
  });

  it('compares two agents step by step: aligned by step, differing calls marked', async () => {
    await go('#/compare?runA=agents&variantA=v1&variantB=v2', '[data-testid=transcript-compare]');
    if ((await page.locator('[data-testid=case-diff] .case-diff-head a').textContent()) !== 'cancel') {
      await page.click('.compare-list [data-case="cancel"]');
      await page.waitForFunction(() => document.querySelector('[data-testid=case-diff] .case-diff-head a')?.textContent === 'cancel');
    }
    const rows = page.locator('[data-testid=transcript-compare] .transcript-compare-row[data-step]');
    expect(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-differs')]))).toEqual([
      ['1', 'false'],
      ['2', 'true'],
      ['3', 'true'],
      ['4', 'false'],
    ]);
    const step2 = rows.nth(1);
    expect(await step2.locator('.side-a .tool-call').getAttribute('data-tool')).toBe('cancel_reservation');
    expect(await step2.locator('.side-b .tool-call').getAttribute('data-tool')).toBe('transfer_to_human_agents');
    expect(await step2.locator('.call-differs').count()).toBe(2);
    // B's long arguments are folded (closed), A's short ones shown.
    expect(await step2.locator('.side-b details.tool-args-fold').evaluate((d) => d.hasAttribute('open'))).toBe(false);
    expect(await step2.locator('.side-a pre.tool-args').isVisible()).toBe(true);
    const step3 = rows.nth(2);
    expect(await step3.locator('.side-a .tool-call').evaluateAll((els) => els.map((e) => e.getAttribute('data-difference')))).toEqual(['args', 'missing']);
    expect(await step3.locator('.side-b .tool-call').evaluateAll((els) => els.map((e) => e.getAttribute('data-difference')))).toEqual(['args']);
    expect(await rows.first().locator('.call-differs').count()).toBe(0);
    // A's failing tool-not-called check names step 2: marked on A's side only.
    expect(await step2.locator('.side-a .step-failed').count()).toBe(1);
    expect(await page.locator('[data-testid=transcript-compare] .step-failed').count()).toBe(1);
  });

  it('fired no dialog, no CSP violation and no page error anywhere', () => {
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
