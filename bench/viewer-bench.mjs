#!/usr/bin/env node
// Viewer benchmark: a 50,000-result run (12,500 cases × 4 variants, written through the Store API), served
// by `evalspec view`'s server and opened in headless Chromium (Debian's /usr/bin/chromium). Prints time to
// first render and to interactive for the run page, cold (the server has not indexed the run yet) and warm,
// then filter, search, deep scroll and case-open latencies, the DOM row count and the memory used.
//   npm run build && node bench/viewer-bench.mjs [--results 50000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../dist/store/index.js';
import { startViewer } from '../dist/viewer/index.js';
import { seedRun, VARIANTS } from './viewer-seed.mjs';
import { chromiumAvailable, launchChromium, CHROMIUM_PATH } from './chromium.mjs';

/** @type {(name: string, fallback: number) => number} */
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('--results', 50_000);
const variants = [...VARIANTS, { ...VARIANTS[0], id: 'gpt-4o-mini/v2', prompt: 'v2', skill: 0.78 }];
const cases = Math.ceil(TOTAL / variants.length);

if (!chromiumAvailable()) {
  console.error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'evalspec-viewer-bench-'));
const db = join(dir, 'evalspec.db');
/** @param {number | null} ms (null never comes: the waits resolve on a number) */
const fmt = (ms) => `${Math.round(ms ?? NaN).toLocaleString('en-US')} ms`;
/** @type {(string | number)[][]} */
const rows = [];
/** @type {(what: string, value: string | number, note?: string) => void} */
const record = (what, value, note = '') => {
  rows.push([what, value, note]);
  console.log(`${what.padEnd(44)} ${String(value).padStart(12)}  ${note}`);
};

/** @type {import('../src/store/index.js').Store | undefined} */
let store;
/** @type {Awaited<ReturnType<typeof startViewer>> | undefined} */
let viewer;
/** @type {Awaited<ReturnType<typeof launchChromium>> | undefined} */
let browser;
try {
  const t0 = performance.now();
  store = openStore(db);
  const written = await seedRun(store, { runId: 'run-50k', label: 'bench', cases, variants, seed: 3, errors: true });
  await store.close();
  console.log(
    `seeded ${written.toLocaleString('en-US')} results (${cases.toLocaleString('en-US')} cases × ${variants.length} variants) in ${fmt(performance.now() - t0)}\n`,
  );

  store = openStore(db);
  viewer = await startViewer({ store });
  const viewerUrl = viewer.url;
  browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  /** Navigate to the run page; returns first render and interactive times, from navigation start (ms). */
  async function openRun() {
    await page.goto('about:blank');
    await page.goto(`${viewerUrl}#/runs/run-50k`);
    // First render: the run's summary (variants with intervals) is on screen.
    const firstRender = await page.waitForFunction(() => document.querySelector('.variants-table tbody tr') && performance.now(), undefined, {
      polling: 'raf',
      timeout: 120_000,
    });
    // Interactive: the first page of results is rendered in the virtual table and the filters are live.
    const interactive = await page.waitForFunction(
      () => document.querySelector('.results-table .vrow-link') && document.querySelector('select[data-filter=outcome]') && performance.now(),
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    return { firstRender: await firstRender.jsonValue(), interactive: await interactive.jsonValue(), fcp };
  }

  const cold = await openRun();
  record('run page, cold: first contentful paint', fmt(cold.fcp ?? NaN), 'the app shell');
  record('run page, cold: time to first render', fmt(cold.firstRender), 'summary with intervals on screen (server indexes 50k results)');
  record('run page, cold: time to interactive', fmt(cold.interactive), 'first results rendered, filters live');
  // The full report (comparisons, bars, the report's segments) is built in a worker meanwhile.
  const full = await page.waitForFunction(() => document.querySelector('#comparisons') && performance.now(), undefined, { polling: 100, timeout: 300_000 });
  record('run page, cold: comparisons and bars shown', fmt(await full.jsonValue()), 'full report, built in a worker thread');
  const warm = await openRun();
  record('run page, warm: time to first render', fmt(warm.firstRender), 'index cached by the server');
  record('run page, warm: time to interactive', fmt(warm.interactive));

  const count = () => page.textContent('[data-testid=results-count]');
  const domRows = await page.locator('.results-table .vrow').count();
  record('results shown / rows in the DOM', `${(await count())?.trim() ?? ''} / ${domRows}`, 'virtualised');

  /** @type {(what: string, action: () => Promise<unknown>, until: () => unknown, note?: string) => Promise<void>} */
  const timed = async (what, action, until, note) => {
    const start = performance.now();
    await action();
    await page.waitForFunction(until, undefined, { polling: 'raf', timeout: 120_000 });
    record(what, fmt(performance.now() - start), note);
  };
  await timed(
    'filter outcome = failed',
    () => page.selectOption('select[data-filter=outcome]', 'fail'),
    () =>
      /^[\d,]+ results?/.test(document.querySelector('[data-testid=results-count]')?.textContent ?? '') &&
      !(document.querySelector('[data-testid=results-count]')?.textContent ?? '').startsWith('50,000') &&
      document.querySelector('.results-table .vrow-link'),
    'server-side filter, first page re-rendered',
  );
  record('  → matching', (await count())?.trim() ?? '');
  await timed(
    'jump to the last row (scroll 49k rows down)',
    () =>
      page.evaluate(() => {
        const el = /** @type {HTMLElement} */ (document.querySelector('[data-testid=vtable-scroll]'));
        el.scrollTop = el.scrollHeight;
      }),
    () => {
      const el = /** @type {HTMLElement} */ (document.querySelector('[data-testid=vtable-scroll]'));
      const rows = [...el.querySelectorAll('.vrow')];
      return rows.length > 0 && rows.every((r) => r.querySelector('.vrow-link'));
    },
    'only the visible page is fetched',
  );
  await page.goto(`${viewer.url}#/runs/run-50k`);
  await page.waitForSelector('.results-table .vrow-link');
  await timed(
    'search text in 50k outputs (cold)',
    () => page.fill('input[data-filter=q]', 'battery'),
    () => {
      const t = document.querySelector('[data-testid=results-count]')?.textContent ?? '';
      return t.length > 0 && !t.startsWith('50,000') && !t.startsWith('counting');
    },
    'includes the 250 ms typing debounce',
  );
  record('  → matching', (await count())?.trim() ?? '');
  await timed(
    'open a case from the table',
    () => page.click('.results-table .vrow-link >> nth=0'),
    () => document.querySelectorAll('.result-card').length > 0,
  );
  // performance.memory is Chromium's own (not in the DOM types).
  const heap = await page.evaluate(
    () => /** @type {{ memory?: { usedJSHeapSize: number } }} */ (/** @type {unknown} */ (performance)).memory?.usedJSHeapSize ?? null,
  );
  record('browser JS heap after all of the above', heap ? `${(heap / 1e6).toFixed(1)} MB` : 'n/a');
  record('server RSS', `${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`, 'this process: seeding, store, index, server');
  if (errors.length) {
    console.error(`page errors: ${errors.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser?.close();
  await viewer?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}
