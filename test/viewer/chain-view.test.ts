// A `function:` chain's steps in the viewer (issue #20, docs/playground.md "Chains"), in real headless Chromium
// over the store a real run of examples/chain wrote (the built CLI against the loopback fake provider): the case
// endpoint serves the steps; the case page shows each step's name, model, tokens, cost and output, marks the step
// that failed with its error, shows what a step sent on demand, and renders markup in a step's output as text; the
// compare page puts two variants' chains side by side, step by step, marking the steps that differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { plainReply, runChainExample, startChainFake } from '../helpers/chain-example.js';
import { queryDb } from '../helpers/store.js';
import { startOver, watchedPage } from './helpers.js';
import type { CaseResponse } from '../../src/viewer/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const available = chromiumAvailable() as boolean;
// Locally without Chromium the suite is skipped; in CI (.ci/run installs it) a missing browser fails.
const run = available || process.env.CI ? describe : describe.skip;

// The delete-data ticket's reply is markup: a step output is model text, never HTML.
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

run('chain steps in the viewer (Chromium)', () => {
  let fake: FakeProvider;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let runId: string;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const card = (variant: string) => page.locator(`.result-card[data-variant="${variant}"]`);
  const go = async (caseId: string) => {
    await page.goto(`${viewer.url}#/runs/${runId}/cases/${caseId}`);
    await page.waitForSelector('.result-card [data-testid=chain]', { timeout: 15_000 });
  };

  beforeAll(async () => {
    fake = await startChainFake((desk, ticket) => (ticket.includes('delete my account') ? XSS : plainReply(desk, ticket)));
    const { dir, run: cli } = await runChainExample(fake);
    expect(cli.exitCode, cli.stderr).toBe(0);
    [{ id: runId }] = queryDb<{ id: string }>(dir, 'SELECT id FROM runs');
    viewer = await startOver(join(dir, '.evalspec/evalspec.db'));
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    await fake?.close();
    cleanupTempDirs();
  });

  it('serves the steps on the case endpoint', async () => {
    const one = (await (await fetch(`${viewer.url}api/runs/${runId}/cases/seats-added`)).json()) as CaseResponse;
    const mini = one.results.find((r) => r.variantId === 'mini-classifier')!;
    expect(mini.transcript?.chain?.map((s) => [s.name, s.model, s.output])).toEqual([
      ['classify', 'openai:gpt-4o-mini', 'account'],
      ['answer', 'openai:gpt-4o', 'Thanks for writing: we are on it (account).'],
    ]);
  });

  it('shows each step with its model, tokens, cost and output, and no empty transcript', async () => {
    await go('seats-added');
    const steps = card('mini-classifier').locator('.chain-steps > li');
    expect(await steps.evaluateAll((els) => els.map((e) => [e.getAttribute('data-chain-step'), e.getAttribute('data-failed')]))).toEqual([
      ['classify', 'false'],
      ['answer', 'false'],
    ]);
    const classify = await steps.nth(0).locator('.step-head').textContent();
    expect(classify).toContain('openai:gpt-4o-mini');
    expect(classify).toContain('tokens 60 in / 2 out');
    // gpt-4o-mini at $0.15 / $0.60 per million tokens: 60 × 0.15 + 2 × 0.60 = 10.2 µ$ → "$0.0000102".
    expect(classify).toContain('cost $0.0000102');
    expect(await steps.nth(0).locator('.message-assistant').textContent()).toContain('account');
    // gpt-4o at $2.50 / $10.00: 80 × 2.50 + 40 × 10.00 = 600 µ$.
    expect(await steps.nth(1).locator('.step-head').textContent()).toContain('cost $0.000600');
    expect(await card('mini-classifier').locator('h3', { hasText: 'Chain (2 steps)' }).count()).toBe(1);
    // The chain has no conversation: no transcript section beside it.
    expect(await card('mini-classifier').locator('[data-testid=transcript]').count()).toBe(0);
    // What a step sent, on demand.
    await steps.nth(0).locator('details.chain-messages summary').click();
    expect(await steps.nth(0).locator('details.chain-messages').textContent()).toContain('We added three people to our workspace');
  });

  it('marks the failed step with its error, the chain going on after it', async () => {
    await go('rude-agent');
    const c = card('all-4o');
    expect(await c.locator('[data-testid=chain-failed]').textContent()).toBe('failed: step 1 (classify)');
    const failed = c.locator('.chain-steps > li.step-failed');
    expect(await failed.getAttribute('data-chain-step')).toBe('classify');
    expect(await failed.locator('.error-box').textContent()).toContain('content filtered');
    // No tokens came back and the failed call is not billed (as the run counts it): no "n/a", no "unknown".
    expect(await failed.locator('.step-head').textContent()).not.toMatch(/tokens|unknown/);
    expect(await failed.locator('.step-head').textContent()).toContain('not billed');
    expect(await c.locator('.chain-steps > li[data-chain-step="answer"] .message-assistant').textContent()).toContain('(general)');
  });

  it('compares two chains step by step on the compare page, marking the steps that differ', async () => {
    await page.goto(`${viewer.url}#/compare?runA=${runId}&variantA=all-4o&variantB=mini-classifier`);
    await page.waitForSelector('[data-testid=chain-compare]', { timeout: 15_000 });
    // The one flipped case comes first: seats-added, misrouted by the cheaper classifier.
    expect(await page.locator('[data-testid=case-diff] .case-diff-head a').textContent()).toBe('seats-added');
    const rows = page.locator('[data-testid=chain-compare] .transcript-compare-row[data-step]');
    // Both steps differ: the classify step's model and output, then the desk that answered.
    expect(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-differs')]))).toEqual([
      ['1', 'true'],
      ['2', 'true'],
    ]);
    expect(await rows.nth(0).locator('.side-a .step-head').textContent()).toContain('openai:gpt-4o');
    expect(await rows.nth(0).locator('.side-b .step-head').textContent()).toContain('openai:gpt-4o-mini');
    expect(await rows.nth(0).locator('.side-a .message-assistant').textContent()).toContain('billing');
    expect(await rows.nth(0).locator('.side-b .message-assistant').textContent()).toContain('account');
  });

  it('renders markup in a step output as text (no element, no dialog, no page error)', async () => {
    await go('delete-data');
    expect(await card('all-4o').locator('.chain-steps > li[data-chain-step="answer"] .message-assistant').textContent()).toContain(XSS);
    await page.waitForTimeout(300);
    expect(await page.locator('#root script, #root img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
