// The Playground page in real headless Chromium against `evalspec view --playground` (the built CLI, a child
// process) and the loopback fake provider: from a stored run's page to the playground, a placeholder the case
// lacks flagged, the prompt edited, the slice estimated and run (outputs streamed in beside the stored ones), the
// paired difference with its interval and the flipped cases shown, the prompt saved as a version (the suite file
// gains exactly that entry, comments kept, and still loads) and run on the full suite. The provider key is only in
// the view process's environment: it appears in no response the browser receives and nowhere on the page.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs, runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { echoAnswer, startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { watchedPage } from './helpers.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';
import type { RunsResponse } from '../../src/viewer/index.js';

// Functions given to page.waitForFunction run in Chromium; this file is type-checked with Node's lib.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
};

const KEY = 'sk-playground-secret-7f3a9c1e5b';

const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;

// The edited prompt starts with POLICY: the fake model then answers from the policy (30 days), except about refunds.
const answer = (req: { messages: { role: string; content: string }[] }) => {
  const text = req.messages.map((m) => m.content).join('\n');
  if (!text.includes('POLICY')) return echoAnswer(req);
  return /refund/i.test(text) ? 'Refunds are not possible.' : 'You can return it within 30 days.';
};

// Check: contains "30 days". Stored (echo of the question): c2 and c4 pass (their question says "30 days"), c1 and
// c3 fail. Trial (POLICY prompt): c1, c3, c4 pass, c2 (refund) fails. By hand: stored 2/4, trial 3/4, difference
// +25.0 pts; fixed c1, c3; broken c2.
const SUITE = (baseURL: string) => `# The support bot's suite (this comment must survive a saved prompt).
name: support
providers:
  openai: { baseURL: "${baseURL}", apiKey: "\${PG_PROVIDER_KEY}" } # the key comes from the environment
models: [openai:gpt-4o-mini]
prompts:
  - id: base
    messages:
      - { role: user, content: "{{question}}" }
cases: cases.jsonl
checks: [{ type: contains, value: "30 days" }]
retries: { max: 0 }
`;
const CASES = [
  { id: 'c1', vars: { question: 'How long do I have to return shoes?' }, tags: ['returns'] },
  { id: 'c2', vars: { question: 'Is the refund window 30 days?' }, tags: ['refunds'] },
  { id: 'c3', vars: { question: 'Can I send back a jacket <img src=x onerror=alert(1)>' }, tags: ['returns'] },
  { id: 'c4', vars: { question: 'Where is my order, 30 days late?' }, tags: ['orders'] },
];
const EDITED = 'POLICY: answer from the returns policy.\n{{question}}';

run('the Playground page in Chromium', () => {
  let fake: FakeProvider;
  let dir: string;
  let view: ChildProcess;
  let url: string;
  let storedRunId: string;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const env = { PG_PROVIDER_KEY: KEY };
  const dialogs: string[] = [];
  const problems: string[] = [];
  const bodies: { url: string; body: string }[] = [];
  /** The last body the page posted to each streamed route (their answers are read again, whole, below). */
  const streamedRequests = new Map<string, string>();
  const STREAMED = ['/api/playground/trials', '/api/playground/full-runs'];

  beforeAll(async () => {
    // Streamed answers come a chunk every 100 ms, so the page is seen with part of an output.
    fake = await startFakeProvider({ apiKey: KEY, answer, chunkDelayMs: 100 });
    dir = tempDir('evalspec-playground-');
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.openaiBaseURL), 'cases.jsonl': CASES.map((c) => JSON.stringify(c)).join('\n') + '\n' });
    const stored = await runCli(['--db', 'store.db', 'run', 'evalspec.yaml'], { cwd: dir, env });
    expect([0, 1], stored.stderr).toContain(stored.exitCode);
    view = startCli(['--db', 'store.db', 'view', '--playground'], { cwd: dir, env });
    let out = '';
    view.stdout!.on('data', (d) => (out += d));
    view.stderr!.on('data', (d) => (out += d));
    for (let i = 0; i < 400 && !/open (http:\/\/127\.0\.0\.1:\d+\/)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1] ?? '';
    expect(url, out).not.toBe('');
    const runs = (await (await fetch(`${url}api/runs`)).json()) as RunsResponse;
    storedRunId = runs.runs[0].id;
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
    // Every body the browser receives (page, script, every API answer, the streamed trial) is kept for the key check.
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (STREAMED.includes(path)) streamedRequests.set(path, request.postData() ?? '');
    });
    page.on('response', (response) => {
      void response.text().then(
        (body) => bodies.push({ url: response.url(), body }),
        (e: Error) => bodies.push({ url: response.url(), body: `UNREADABLE ${e.message}` }),
      );
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (view && view.exitCode === null) {
      view.kill('SIGINT');
      await new Promise((r) => view.once('exit', r));
    }
    await fake?.close();
    cleanupTempDirs();
  });

  it("opens from the run page; a placeholder the slice's first case lacks is flagged", async () => {
    await page.goto(`${url}#/runs/${encodeURIComponent(storedRunId)}`);
    await page.click('[data-testid=try-in-playground]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=slice-cases]', { timeout: 15_000 });
    await page.click('button[data-slice=all]');
    await page.waitForFunction(() => document.querySelector('[data-testid=slice-cases]')?.textContent?.includes('4 of 4 matching cases'));
    await page.fill('textarea[aria-label="message 1"]', `${EDITED} {{order_id}}`);
    expect(await page.textContent('[data-testid=unknown-vars]')).toContain('{{order_id}}');
    expect(await page.locator('mark.tvar-unknown').allTextContents()).toEqual(['{{order_id}}']);
    expect(await page.locator('mark.tvar-known').allTextContents()).toEqual(['{{question}}']);
    await page.fill('textarea[aria-label="message 1"]', EDITED);
    expect(await page.locator('[data-testid=unknown-vars]').count()).toBe(0);
  });

  it('a refused trial (a provider the suite lacks) shows the reason and its fix, and calls nothing', async () => {
    const requestsBefore = fake.requests.length;
    const model = await page.inputValue('input[name=model]');
    await page.fill('input[name=model]', 'nosuch:model-x');
    await page.click('[data-testid=run-trial]');
    await page.waitForSelector('[data-testid=trial-error]');
    const shown = await page.textContent('[data-testid=trial-error]');
    expect(shown).toContain('nosuch');
    expect(shown).toContain('(fix: ');
    expect(fake.requests.length).toBe(requestsBefore);
    await page.fill('input[name=model]', model);
  });

  it('estimates, runs the slice, and shows the paired difference with its interval and the flipped cases', async () => {
    await page.click('[data-testid=estimate]');
    await page.waitForSelector('[data-testid=trial-estimate]');
    expect(await page.textContent('[data-testid=trial-estimate]')).toContain('4 new calls');
    // An estimate is for the request it was made for: an edit hides it, undoing the edit brings it back.
    await page.fill('input[name=temperature]', '0.5');
    expect(await page.locator('[data-testid=trial-estimate]').count()).toBe(0);
    await page.fill('input[name=temperature]', '');
    expect(await page.locator('[data-testid=trial-estimate]').count()).toBe(1);
    const requestsBefore = fake.requests.length;
    await page.click('[data-testid=run-trial]');
    // Streamed: a trial output is seen as a proper, non-empty beginning of the answer before it is complete.
    await page.waitForFunction(
      (answers) =>
        [...document.querySelectorAll('[data-case] .trial-side:nth-child(2) .trial-output')].some((e) => {
          const text = e.textContent ?? '';
          return text !== '' && answers.some((a) => a !== text && a.startsWith(text));
        }),
      ['You can return it within 30 days.', 'Refunds are not possible.'],
      { timeout: 30_000, polling: 20 },
    );
    await page.waitForSelector('[data-testid=trial-comparison]', { timeout: 30_000 });
    // The new variant's calls only: the stored side is reused from the run.
    expect(fake.requests.length - requestsBefore).toBe(4);
    expect(await page.textContent('[data-testid=difference-estimate]')).toBe('+25.0 pts');
    expect((await page.locator('[data-flip=fixed]').allTextContents()).sort()).toEqual(['c1', 'c3']);
    expect(await page.locator('[data-flip=broken]').allTextContents()).toEqual(['c2']);
    // The interval and method shown are the trial run's report comparison: what `evalspec show` prints for that run.
    const trialRunId = (await page.getAttribute('[data-testid=trial-status]', 'data-run'))!;
    const shown = await runCli(['--db', 'store.db', 'show', trialRunId, '--json', 'trial.json'], { cwd: dir, env });
    expect([0, 1], shown.stderr).toContain(shown.exitCode);
    const report = JSON.parse(readFileSync(join(dir, 'trial.json'), 'utf8')) as {
      comparisons: { difference: number; interval: { low: number; high: number; method: string } | null }[];
    };
    expect(report.comparisons).toHaveLength(1);
    const [{ difference, interval }] = report.comparisons;
    expect(difference).toBeCloseTo(0.25, 10);
    expect(interval!.low <= 0.25 && 0.25 <= interval!.high).toBe(true);
    const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
    expect(await page.textContent('[data-testid=difference-interval]')).toBe(`95% CI ${pts(interval!.low)} to ${pts(interval!.high)}`);
    expect(await page.textContent('[data-testid=difference-method]')).toBe(`(${interval!.method})`);
    // Case by case, the new output beside the stored one; the model's markup shown as text.
    const c1 = page.locator('[data-case=c1] .trial-output');
    expect(await c1.nth(0).textContent()).toBe(echoAnswer({ messages: [{ role: 'user', content: CASES[0].vars.question }] }));
    expect(await c1.nth(1).textContent()).toBe('You can return it within 30 days.');
    // The streamed call's time to first token is shown with its latency; the reused stored side has none.
    expect(await page.locator('[data-case=c1] .trial-side').nth(1).textContent()).toContain('first token');
    expect(await page.locator('[data-case=c1] .trial-side').nth(0).textContent()).not.toContain('first token');
    expect(await page.locator('[data-case=c3] .trial-output').nth(0).textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('[data-case=c3] img').count()).toBe(0);
  });

  it('saves the prompt as a version: the suite file gains exactly that entry and still loads', async () => {
    const file = join(dir, 'evalspec.yaml');
    const before = readFileSync(file, 'utf8');
    await page.fill('input[name=prompt-id]', 'policy-v1');
    await page.click('[data-testid=save-prompt]');
    await page.waitForSelector('[data-testid=saved-prompt]');
    expect(await page.textContent('[data-testid=saved-prompt]')).toContain('policy-v1');
    const after = readFileSync(file, 'utf8');
    // One contiguous insertion: the old file is the new one's first and last lines, byte for byte (comments kept).
    const [a, b] = [before.split('\n'), after.split('\n')];
    let prefix = 0;
    while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
    let suffix = 0;
    while (suffix < a.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
    expect(prefix + suffix).toBe(a.length);
    const old = parseYaml(before) as { prompts: unknown[] };
    const now = parseYaml(after) as { prompts: unknown[] };
    expect(now.prompts).toEqual([...old.prompts, { id: 'policy-v1', messages: [{ role: 'user', content: EDITED }] }]);
    const dryRun = await runCli(['--db', 'store.db', 'run', 'evalspec.yaml', '--dry-run'], { cwd: dir, env });
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('policy-v1');
  });

  it('runs the saved prompt on the full suite and links to the new run', async () => {
    await page.click('[data-testid=full-run]');
    await page.waitForSelector('[data-testid=full-run-end]', { timeout: 30_000 });
    const href = await page.getAttribute('[data-testid=full-run-end] a', 'href');
    const runId = decodeURIComponent(/#\/runs\/([^?]+)/.exec(href ?? '')![1]);
    const runs = (await (await fetch(`${url}api/runs`)).json()) as RunsResponse;
    expect(runs.runs.map((r) => r.id)).toContain(runId);
    expect(runId).not.toBe(storedRunId);
  });

  it('the key reached no response body and is nowhere on the page; no dialog, no page error', async () => {
    expect(bodies.length).toBeGreaterThan(10);
    expect(bodies.filter((b) => b.body.includes(KEY)).map((b) => b.url)).toEqual([]);
    // Chromium keeps no copy of a body the page read as a stream: each streamed answer is asked for again by the
    // page with the body it sent, and read whole.
    expect(bodies.filter((b) => b.body.startsWith('UNREADABLE') && !STREAMED.includes(new URL(b.url).pathname))).toEqual([]);
    expect([...streamedRequests.keys()].sort()).toEqual([...STREAMED].sort());
    for (const [path, body] of streamedRequests) {
      const again = await page.evaluate(
        async ([to, sent]) =>
          (await fetch(to, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' }, body: sent })).text(),
        [path, body] as const,
      );
      expect(again).toContain('"type":"end"');
      expect(again).not.toContain(KEY);
    }
    expect(await page.content()).not.toContain(KEY);
    expect(dialogs).toEqual([]);
    // The one logged problem is the refused trial's 400, which the page showed with its fix.
    expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
