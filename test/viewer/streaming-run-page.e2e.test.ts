// The run page of a streamed run (issue #20), in real headless Chromium: under each variant's latency, its TTFT
// p50/p95 and decode tokens/s, the figures of the run report; a run that streamed nothing shows no such line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';
import { runSuite } from '../../src/pipeline.js';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';
import { startOver, watchedPage } from './helpers.js';

const available = chromiumAvailable() as boolean;
// Locally without Chromium the suite is skipped; in CI (.ci/run installs it) a missing browser fails.
const run = available || process.env.CI ? describe : describe.skip;
const KEY = 'sk-stream-page-key-0123456789';
/** The page's ms format (viewer-ui format.ts): whole ms from 10 ms. */
const msText = (x: number) => `${Math.round(x)} ms`;

run('a streamed run on the run page (Chromium)', () => {
  const fake = useFakeProvider({ apiKey: KEY, chunkDelayMs: 10 });
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const ids: { streamed?: string; plain?: string } = {};
  let report: Awaited<ReturnType<typeof runSuite>>['report'];

  beforeAll(async () => {
    process.env.OPENAI_API_KEY = KEY;
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': openAiSuite({ name: 'stream-page', url: fake.server.openaiBaseURL, models: '[openai:gpt-4o-mini]' }),
      'cases.jsonl': ticketCases(4),
    });
    const plain = await runSuite(join(dir, 'evalspec.yaml'), { db: dbPath(dir), cache: false });
    const streamed = await runSuite(join(dir, 'evalspec.yaml'), { db: dbPath(dir), cache: false, stream: true });
    ids.plain = plain.outcome.runId;
    ids.streamed = streamed.outcome.runId;
    report = streamed.report;
    viewer = await startOver(dbPath(dir));
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  });

  afterAll(async () => {
    delete process.env.OPENAI_API_KEY;
    await browser?.close();
    await viewer?.closeAll();
  });

  it('shows the TTFT and decode speed of the streamed run, and none for the plain run', async () => {
    await page.goto(`${viewer.url}#/runs/${ids.streamed}`);
    await page.waitForSelector('[data-testid=ttft]', { timeout: 15_000 });
    const v = report.variants[0].latencyMs;
    const text = await page.locator('[data-testid=ttft]').first().textContent();
    expect(text).toContain(`TTFT ${msText(v.ttftP50!)} / ${msText(v.ttftP95!)}`);
    expect(text).toContain(`${Math.round(v.decodeTokensPerSecond!)} tok/s`);

    await page.goto(`${viewer.url}#/runs/${ids.plain}`);
    await page.waitForSelector('.variants-table tbody tr');
    expect(await page.locator('[data-testid=ttft]').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
