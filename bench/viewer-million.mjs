#!/usr/bin/env node
// The viewer's run page on a 1,000,000-result store (issue #22, W8): time to the first response of each run page
// API call (cold: a new viewer process), the filters as store queries, with --compare the paired comparison of
// two runs, and this process's peak RSS (the viewer and
// nothing else: the store is written beforehand). With --chromium, the run page's time to interactive in headless
// Chromium (first results rendered, filters live), as bench/viewer-bench.mjs measures it.
//   node bench/workloads/w8-synthetic.mjs /tmp/w8.db 500000   (once, ~1 min; or use a copy of a ready one)
//   node bench/viewer-million.mjs /tmp/w8.db [w8-synthetic-2] [--chromium] [--compare [--compare-with RUN]] [--dist DIR]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const valueOf = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--dist' && args[i - 1] !== '--compare-with');
const [db, runId = 'w8-synthetic-2'] = positional;
if (!db) {
  console.error('usage: node bench/viewer-million.mjs DB|postgres://… [RUN_ID] [--chromium] [--compare [--compare-with RUN]] [--dist DIR]');
  process.exit(2);
}
const dist = path.resolve(valueOf('--dist') ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../dist'));
const { openStore } = await import(pathToFileURL(path.join(dist, 'store/index.js')).href);
const { startViewer } = await import(pathToFileURL(path.join(dist, 'viewer/index.js')).href);

const mb = () => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;
// A postgres:// URL is the team store (issue #14's 1M figures on PostgreSQL); anything else a SQLite file.
const location = /^postgres(ql)?:\/\//.test(db) ? db : path.resolve(db);
const store = openStore(location, { access: 'read' });
const viewer = await startViewer({ store });
const timed = async (what, url) => {
  const t0 = performance.now();
  const res = await fetch(`${viewer.url}${url}`);
  const body = await res.json();
  const ms = performance.now() - t0;
  const note =
    body.total !== undefined ? `${body.total.toLocaleString('en')} matching` : body.results !== undefined ? `${body.results.toLocaleString('en')} results` : '';
  console.log(`${what.padEnd(46)} ${`${Math.round(ms).toLocaleString('en')} ms`.padStart(10)}  peak RSS ${mb().padStart(7)}  ${res.status} ${note}`);
  return ms;
};
try {
  console.log(`viewer on ${store.location}, run ${runId} (dist: ${dist})`);
  const run = await timed('GET /api/runs/:id (cold)', `api/runs/${runId}`);
  const page = await timed('GET results, first page (cold)', `api/runs/${runId}/results?limit=100`);
  console.log(`${'  run page data, sum of the two'.padEnd(46)} ${`${Math.round(run + page).toLocaleString('en')} ms`.padStart(10)}`);
  await timed('GET /api/runs/:id (warm)', `api/runs/${runId}`);
  await timed('filter outcome = fail', `api/runs/${runId}/results?outcome=fail&limit=100`);
  await timed('filter failed check = contains', `api/runs/${runId}/results?check=contains&limit=100`);
  await timed('filter severity = normal', `api/runs/${runId}/results?severity=normal&limit=100`);
  await timed('filter labelled = no', `api/runs/${runId}/results?labelled=no&limit=100`);
  await timed('search text "code-4242"', `api/runs/${runId}/results?q=CODE-4242&limit=100`);
  if (flag('--compare')) {
    // The paired comparison of two runs' first variant (--compare-with RUN, default w8-synthetic-1), then a later page.
    const other = valueOf('--compare-with') ?? 'w8-synthetic-1';
    const { variants } = (await (await fetch(`${viewer.url}api/runs/${runId}`)).json()).run;
    const v = encodeURIComponent(variants[0].id);
    const q = `runA=${encodeURIComponent(other)}&variantA=${v}&runB=${encodeURIComponent(runId)}&variantB=${v}`;
    await timed('compare two runs (cold)', `api/compare?${q}&limit=100`);
    await timed('compare two runs, page 3 (warm)', `api/compare?${q}&offset=200&limit=100`);
    await timed('compare two runs, flipped only', `api/compare?${q}&only=flipped&limit=100`);
  }
  if (flag('--chromium')) {
    const { chromiumAvailable, launchChromium } = await import('./chromium.mjs');
    if (!chromiumAvailable()) throw new Error('no Chromium');
    const browser = await launchChromium();
    try {
      const tab = browser.context.pages()[0] ?? (await browser.context.newPage());
      // A new viewer (cold figures) for the browser: the first one has them cached.
      const fresh = await startViewer({ store: openStore(location, { access: 'read' }) });
      await tab.goto(`${fresh.url}#/runs/${runId}`);
      const interactive = await tab.waitForFunction(
        () => document.querySelector('.results-table .vrow-link') && document.querySelector('select[data-filter=outcome]') && performance.now(),
        undefined,
        { polling: 'raf', timeout: 300_000 },
      );
      console.log(
        `${'run page in Chromium: time to interactive'.padEnd(46)} ${`${Math.round(await interactive.jsonValue()).toLocaleString('en')} ms`.padStart(10)}  peak RSS ${mb().padStart(7)}`,
      );
      const summary = await tab.waitForFunction(() => document.querySelector('.variants-table') && performance.now(), undefined, {
        polling: 'raf',
        timeout: 300_000,
      });
      console.log(
        `${'run page in Chromium: summary and heatmap shown'.padEnd(46)} ${`${Math.round(await summary.jsonValue()).toLocaleString('en')} ms`.padStart(10)}  peak RSS ${mb().padStart(7)}`,
      );
      const full = await tab.waitForFunction(() => document.querySelector('#comparisons') && performance.now(), undefined, { polling: 200, timeout: 300_000 });
      console.log(
        `${'run page in Chromium: full report shown'.padEnd(46)} ${`${Math.round(await full.jsonValue()).toLocaleString('en')} ms`.padStart(10)}  peak RSS ${mb().padStart(7)}`,
      );
      await fresh.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await viewer.close();
  await store.close();
}
