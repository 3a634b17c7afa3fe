// The Experiment page end to end in real headless Chromium (as monitor.e2e.test.ts), over the ab-suggestions example
// (data written by its generator, its suite run through the built CLI) and the real analyzeExperiment with the offline
// link: the Experiments tab lists the example and a broken experiment file (with its error and fix; the missing file it names is an
// <img onerror> probe rendered as inert text); the example's page shows the verdict, the SRM status, the accept-rate
// chart with both interval bands and a point per day, the guardrail and offline vs online — each figure the one the
// API sends. `view --experiment` through the CLI serves the same list, analysed again when a data file changes.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO, cleanupTempDirs, runCli, startCli, tempDir } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { startOver, watchedPage } from './helpers.js';
import { analyzeExperiment, offlineLinkFor } from '../../src/experiment/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { ExperimentListResponse, Scorecard } from '../../src/viewer/index.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const EXAMPLE = join(REPO, 'examples/ab-suggestions');
const XSS = '<img src=x onerror=alert(1)>';
const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

let dir: string;

beforeAll(async () => {
  dir = tempDir('evalspec-experiment-viewer-');
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, '.evalspec'), { recursive: true, force: true });
  const made = spawnSync(process.execPath, ['make-data.mjs', '--users', '4000'], { cwd: dir, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const suite = await runCli(['run', 'evalspec.yaml'], { cwd: dir, timeoutMs: 120_000 });
  expect(suite.exitCode, suite.stderr).toBe(0);
  // A second experiment whose exposures file is missing, the file named with an HTML probe (the error names it).
  const broken = readFileSync(join(dir, 'exp.yaml'), 'utf8').replace('exposures: { file: exposures.csv }', `exposures: { file: "${XSS}.csv" }`);
  writeFileSync(join(dir, 'broken.yaml'), broken);
  // The same data read against a 70/30 plan: the sample ratio check fires.
  const skewed = readFileSync(join(dir, 'exp.yaml'), 'utf8')
    .replace(/^name: .*$/m, 'name: srm-check')
    .replace('{ id: control, weight: 0.5,', '{ id: control, weight: 0.7,')
    .replace('{ id: treatment, weight: 0.5,', '{ id: treatment, weight: 0.3,');
  writeFileSync(join(dir, 'skewed.yaml'), skewed);
}, 180_000);
afterAll(() => cleanupTempDirs());

run('Experiment page in Chromium', () => {
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let scorecard: Scorecard;
  // The offline link's store stays open while the viewer may analyse (a scorecard is computed on first request).
  let store: Store;
  const dialogs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    store = openStore(dbPath(dir), { access: 'read' });
    const analyze = (file: string) => analyzeExperiment(file, { offline: offlineLinkFor(store) });
    viewer = await startOver(dbPath(dir), { experiments: { files: [join(dir, 'exp.yaml'), join(dir, 'broken.yaml'), join(dir, 'skewed.yaml')], analyze } });
    scorecard = (await (await fetch(`${viewer.url}api/experiments/smart-suggestions-v2`)).json()) as Scorecard;
    browser = await launchChromium();
    page = await watchedPage(browser.context, dialogs, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    await store?.close();
  });

  it('lists the experiments from the nav: the example with its verdict, the broken file with its error, inert', async () => {
    await page.goto(viewer.url);
    await page.click('a[data-tab=experiment]');
    await page.waitForSelector('.experiments-table', { timeout: 15_000 });
    const example = page.locator('.experiments-table tr[data-experiment="smart-suggestions-v2"]');
    expect(await example.textContent()).toContain(String(scorecard.arms.reduce((n, a) => n + a.units, 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    const brokenRow = page.locator('.experiments-table tbody tr').nth(1);
    expect(await brokenRow.textContent()).toContain(`${XSS}.csv`);
    // The file name is shown as text: no <img> element, no dialog.
    expect(await page.locator('.experiments-table img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('opens the scorecard: verdict, SRM status, the chart of the effect day by day with both bands', async () => {
    await page.click('.experiments-table a[href="#/experiments/smart-suggestions-v2"]');
    await page.waitForSelector('[data-metric=accept_rate] .experiment-chart svg', { timeout: 15_000 });
    expect(await page.getAttribute('[data-testid=srm-status]', 'data-fired')).toBe(String(scorecard.srm.fired));
    expect(await page.textContent('[data-testid=experiment-messages]')).toContain(scorecard.messages[0]);
    const chart = page.locator('[data-metric=accept_rate] .experiment-chart');
    expect(await chart.locator('.sequential-band path').count()).toBe(1);
    expect(await chart.locator('.fixed-band path').count()).toBe(1);
    const days = scorecard.metrics[0].series[0].points.filter((p) => p.estimate !== null).map((p) => p.day);
    expect(
      await chart
        .locator('circle[data-day]')
        .evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('data-day'))),
    ).toEqual(days);
    // The sequence narrows: the last day's sequential interval is narrower than the first drawable day's.
    const points = scorecard.metrics[0].series[0].points.filter((p) => p.sequentialLow !== null);
    const width = (p: (typeof points)[number]) => p.sequentialHigh! - p.sequentialLow!;
    expect(width(points[points.length - 1])).toBeLessThan(width(points[0]));
  });

  it('shows the guardrail verdict and offline vs online as the scorecard has them', async () => {
    const guardrail = page.locator('.guardrails-table tr[data-guardrail=latency_ms]');
    expect(await guardrail.textContent()).toContain(scorecard.guardrails[0].comparisons[0].verdict!);
    const offline = page.locator('.offline-table tr[data-arm=treatment]:not([data-segment])');
    expect(await offline.getAttribute('data-agree')).toBe(scorecard.offline!.comparisons[0].agree);
    expect(await page.locator('.offline-table tr[data-segment]').count()).toBe(2);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('blocks the reading when the sample ratio check fires: the SRM message first, every metric marked', async () => {
    await page.goto(`${viewer.url}#/experiments/srm-check`);
    await page.waitForSelector('[data-testid=srm-status]', { timeout: 15_000 });
    const srm = (await (await fetch(`${viewer.url}api/experiments/srm-check`)).json()) as Scorecard;
    expect(srm.srm.fired).toBe(true);
    expect(await page.getAttribute('[data-testid=srm-status]', 'data-fired')).toBe('true');
    expect(await page.textContent('[data-testid=srm-status]')).toContain(srm.srm.message!);
    expect(await page.textContent('[data-testid=experiment-verdict]')).toMatch(/BLOCKED/);
    expect(await page.locator('.experiment-metric .error-text').count()).toBe(srm.metrics.length);
  });
});

describe('evalspec view --experiment', () => {
  it('serves the experiment list and scorecard; a missing file is refused at start', async () => {
    const missing = await runCli(['view', '--experiment', 'nope.yaml'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/--experiment nope\.yaml: no such file/);

    const child: ChildProcess = startCli(['view', '--experiment', 'exp.yaml'], { cwd: dir });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
        child.stdout!.on('data', () => {
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m && stdout.includes('Ctrl-C to stop')) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      const list = (await (await fetch(`${url}api/experiments`)).json()) as ExperimentListResponse;
      expect(list.experiments).toMatchObject([{ name: 'smart-suggestions-v2', error: null }]);
      const detail = (await (await fetch(`${url}api/experiments/smart-suggestions-v2`)).json()) as Scorecard;
      expect(detail.formatVersion).toBe(1);
      expect(detail.offline?.comparisons[0].variants.treatment).toMatch(/suggest-v2/);
      expect((await fetch(`${url}api/experiments/other`)).status).toBe(404);
      // The data file rewritten in place (50 users fewer): the next request analyses it again, not the cached scorecard.
      const before = list.experiments[0].units!;
      const rows = readFileSync(join(dir, 'exposures.csv'), 'utf8').trimEnd().split('\n');
      writeFileSync(join(dir, 'exposures.csv'), `${rows.slice(0, -50).join('\n')}\n`);
      const again = (await (await fetch(`${url}api/experiments`)).json()) as ExperimentListResponse;
      expect(again.experiments[0].units).toBe(before - 50);
    } finally {
      child.kill('SIGINT');
    }
  }, 60_000);
});
