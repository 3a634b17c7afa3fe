#!/usr/bin/env node
// Regenerates docs/viewer/*.png: the MT-Bench demo run (real answers of four models) and two seeded runs
// of a support suite (judge reasoning, an XSS probe output, labels), opened in headless Chromium.
//   npm run build && node scripts/viewer-screenshots.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../dist/store/index.js';
import { startViewer } from '../dist/viewer/index.js';
import { seedViewerStore } from '../bench/viewer-seed.mjs';
import { launchChromium } from '../bench/chromium.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'docs/viewer');
const dir = mkdtempSync(join(tmpdir(), 'evalspec-shots-'));
const db = join(dir, 'evalspec.db');

try {
  await seedViewerStore(db);
  try {
    execFileSync(
      process.execPath,
      [join(repo, 'dist/cli/main.js'), '--db', db, 'run', join(repo, 'examples/mt-bench/evalspec.yaml'), '--label', 'mt-bench-demo'],
      { stdio: 'ignore', cwd: dir },
    );
  } catch {
    // exit 1 (a bar not met) still stores the run
  }
  const store = openStore(db);
  const mt = (await store.runs.list({ suite: 'mt-bench-replay' }))[0];
  if (!mt) throw new Error('the MT-Bench demo run was not stored');
  const now = Date.now();
  await store.labels.putMany([
    {
      runId: 'run-base',
      caseId: 'warranty-00003',
      variantId: 'gpt-4o-mini/v1',
      repeat: 0,
      label: 'fail',
      scores: null,
      tag: 'wrong-policy',
      comment: 'Says 27 months; the policy is 12.',
      labeller: 'maria',
      createdAt: new Date(now - 60_000).toISOString(),
    },
    {
      runId: 'run-base',
      caseId: 'warranty-00003',
      variantId: 'gpt-4o/v1',
      repeat: 0,
      label: 'fail',
      scores: null,
      tag: 'wrong-policy',
      comment: null,
      labeller: 'maria',
      createdAt: new Date(now - 50_000).toISOString(),
    },
    {
      runId: 'run-base',
      caseId: 'password-00006',
      variantId: 'gpt-4o/v1',
      repeat: 0,
      label: 'pass',
      scores: null,
      tag: null,
      comment: 'Check passes on a technicality; answer is fine.',
      labeller: 'maria',
      createdAt: new Date(now - 40_000).toISOString(),
    },
  ]);
  const viewer = await startViewer({ store, labeller: 'maria' });
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const enc = encodeURIComponent;
  const shot = async (name, hash, waitFor, { fullPage = false, height = 900, before, element } = {}) => {
    await page.setViewportSize({ width: 1440, height });
    await page.goto('about:blank');
    await page.goto(`${viewer.url}${hash}`);
    await page.waitForSelector(waitFor, { timeout: 30_000 });
    if (before) await before();
    await page.waitForTimeout(400);
    if (element) await page.locator(element).screenshot({ path: join(out, `${name}.png`) });
    else await page.screenshot({ path: join(out, `${name}.png`), fullPage });
    console.log(`docs/viewer/${name}.png`);
  };
  await shot('runs', '', '.runs-table', { height: 520 });
  await shot('run', `#/runs/${enc(mt.id)}`, '.comparisons-table', { fullPage: true, before: () => page.waitForSelector('.results-table .vrow-link') });
  await shot('results-filtered', `#/runs/${enc('run-base')}?outcome=fail&severity=critical`, '.results-table .vrow-link', {
    height: 1000,
    element: '#results',
  });
  await shot('case', `#/runs/run-base/cases/xss-probe?variant=${enc('gpt-4o/v1')}&repeat=0`, '[data-testid=judge-table]', { height: 1000 });
  await shot('compare', `#/compare?runA=${enc(mt.id)}&variantA=gpt-4&variantB=vicuna-13b&only=flipped`, '[data-testid=case-diff] .diff-cols', { height: 1000 });
  await shot('pareto', `#/runs/${enc(mt.id)}/pareto`, '[data-testid=pareto-plot] svg', {
    height: 860,
    before: () => page.waitForFunction(() => document.querySelectorAll('[data-testid=pareto-plot] svg circle').length >= 4),
  });
  await shot('review', `#/runs/run-base/review?outcome=fail`, '[data-testid=label-form]', {
    height: 900,
    before: () => page.keyboard.press('3').then(() => page.waitForSelector('.tag-btn.on')),
  });
  await browser.close();
  await viewer.close();
  await store.close();
  if (problems.length) throw new Error(problems.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
