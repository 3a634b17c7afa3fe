// Issue #22: a run keeps the fold of its results when it ends (report/report-fold.ts, analysis/stored-fold.ts), and
// show, diff and select read it instead of scanning a million rows. The figures must be the scan's, exactly: this
// compares every reader with and without the kept fold on a run with repeats, two variants, judges (with costs),
// an error, a cache hit, streamed calls, clusters, segments, a failing critical check and a result of a case that
// was not stored; checks that the fold is read (no scan), and that any later write makes readers scan again.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaseTable, diffFigures, loadCaseOutcomes, loadSelectionData } from '../../src/analysis/index.js';
import { mapCases } from '../../src/stats/index.js';
import { buildRunReport } from '../../src/report/index.js';
import type { ResultRow, Store, StoredCheck } from '../../src/store/index.js';
import { storedResult, storedRun, testAllStores } from '../store/all-stores.js';

const VARIANTS = [
  { id: 'big', label: 'big', model: 'openai:gpt-4o', providerType: 'openai', modelId: 'gpt-4o', prompt: 'v1' },
  { id: 'small', label: 'small', model: 'openai:gpt-4o-mini', providerType: 'openai', modelId: 'gpt-4o-mini', prompt: 'v1' },
];
const CASES = 12;

function judgeCheck(raw: number, judgeCostUsd: number | null): StoredCheck {
  return {
    type: 'rubric',
    metric: 'helpful',
    severity: 'normal',
    weight: 1,
    pass: raw >= 3,
    score: raw / 5,
    reason: `raw ${raw}`,
    judgeCostUsd,
    judge: { models: ['openai:judge'], raw, scale: [1, 5], threshold: 3, votes: [{ model: 'openai:judge', raw, pass: raw >= 3 }] },
  } as StoredCheck;
}

/** Results of run `runId`: every case × variant × 2 repeats, varied by a fixed pattern (no randomness). */
function results(runId: string, shift: number): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let c = 0; c < CASES; c++) {
    for (const [v, variant] of VARIANTS.entries()) {
      for (let repeat = 0; repeat < 2; repeat++) {
        const k = c * 7 + v * 3 + repeat + shift;
        const pass = k % 3 !== 0;
        const row = storedResult(`c${c}`, {
          runId,
          variantId: variant.id,
          repeat,
          pass,
          score: pass ? 1 : 0.25,
          latencyMs: 100 + ((k * 37) % 250),
          costUsd: 0.001 * (1 + (k % 4)),
          cached: k % 11 === 0,
          ttftMs: k % 5 === 0 ? 20 + (k % 7) : undefined,
          checks: [
            { type: 'contains', metric: 'contains', severity: 'critical', weight: 1, pass, score: pass ? 1 : 0, reason: `case ${c}` },
            judgeCheck(1 + (k % 5), k % 13 === 0 ? null : 0.0002 * (1 + (k % 3))),
          ],
        });
        if (k % 17 === 0) Object.assign(row, { pass: null, score: null, output: null, errorClass: 'timeout', errorMessage: 'slow', costUsd: null, checks: [] });
        rows.push(row);
      }
    }
  }
  // A result of a case the run did not store (an old store): it still counts, as a case without tags.
  rows.push(storedResult('unstored', { runId, variantId: 'small', pass: false, score: 0 }));
  return rows;
}

async function writeRun(store: Store, runId: string, shift: number): Promise<void> {
  await store.runs.create(storedRun(runId, { repeat: 2, variants: VARIANTS, status: 'completed' }));
  await store.cases.putMany(
    runId,
    Array.from({ length: CASES }, (_, c) => ({
      caseId: `c${c}`,
      contentHash: `h${c}`,
      tags: [`segment:${['a', 'b', 'c'][c % 3]}`],
      vars: {},
      cluster: c % 4 === 0 ? `k${c % 8}` : null,
      description: null,
    })),
  );
  await store.results.putMany(results(runId, shift));
}

/** Every figure a reader gives for the run (as JSON), and how many times the rows were scanned for them. */
async function readers(store: Store): Promise<{ figures: unknown; scans: number; caseReads: number }> {
  let scans = 0;
  let caseReads = 0;
  const { scan, scanOutcomes } = store.results;
  const { keys } = store.cases;
  store.results.scan = (...args) => (scans++, scan(...args));
  store.results.scanOutcomes = (...args) => (scans++, scanOutcomes(...args));
  store.cases.keys = (...args) => (caseReads++, keys(...args));
  try {
    const [before, after] = [(await store.runs.get('r0'))!, (await store.runs.get('r1'))!];
    const selection = await loadSelectionData(store, 'r1');
    const figures = {
      report: await buildRunReport(store, 'r1'),
      majority: await buildRunReport(store, 'r1', 0.95, { reduce: 'majority' }),
      outcomes: await loadCaseOutcomes(store, after),
      selection: { ...selection, input: { ...selection.input, variants: selection.input.variants.map((v) => ({ ...v, cases: [...v.cases] })) } },
      diff: await diffFigures(store, before, after),
    };
    // A case table compares as its cases (its lookups are made when first needed, so a kept one has fewer).
    const plain = (_: string, v: unknown) => (v instanceof CaseTable ? mapCases(v, (c) => c) : v);
    return { figures: JSON.parse(JSON.stringify(figures, plain)), scans, caseReads };
  } finally {
    Object.assign(store.results, { scan, scanOutcomes });
    Object.assign(store.cases, { keys });
  }
}

describe('the fold a run keeps', () => {
  testAllStores('kept folds', ({ open, fresh, kind, query }) => {
    it('gives every reader the figures of a scan, without scanning, until the rows change', async () => {
      const store = await open();
      await writeRun(store, 'r0', 0);
      await writeRun(store, 'r1', 1);
      const scanned = await readers(store);
      expect(scanned.scans).toBeGreaterThanOrEqual(5);

      // The end of a run: its report, keeping the fold (the same figures: it scans).
      for (const run of ['r0', 'r1']) expect(JSON.parse(JSON.stringify(await buildRunReport(store, run, 0.95, { keepFold: true })))).toBeTruthy();
      const kept = await readers(store);
      expect(kept.scans).toBe(0);
      // The cases too come from the fold (diff asks the store which contents changed: cases.contentChanged).
      expect(scanned.caseReads).toBeGreaterThanOrEqual(5);
      expect(kept.caseReads).toBe(0);
      expect(kept.figures).toEqual(scanned.figures);

      // A result written after (a resume): readers scan again and see it.
      await store.results.putMany([storedResult('late', { runId: 'r1', variantId: 'big', pass: false, score: 0 })]);
      const resumed = await readers(store);
      expect(resumed.scans).toBeGreaterThan(0);
      const report = (resumed.figures as { report: { variants: { id: string; failed: number }[] } }).report;
      const scannedReport = (scanned.figures as { report: { variants: { id: string; failed: number }[] } }).report;
      expect(report.variants[0].failed).toBe(scannedReport.variants[0].failed + 1);

      // A result written again (replaced, same count): the stamp still changes.
      await buildRunReport(store, 'r1', 0.95, { keepFold: true });
      expect((await readers(store)).scans).toBe(0);
      await store.results.putMany([storedResult('late', { runId: 'r1', variantId: 'big', pass: true, score: 1 })]);
      const replaced = await readers(store);
      expect(replaced.scans).toBeGreaterThan(0);
      expect((replaced.figures as { report: { variants: { failed: number }[] } }).report.variants[0].failed).toBe(scannedReport.variants[0].failed);

      // A case written again with other tags: segments change, so the fold is not read.
      await buildRunReport(store, 'r1', 0.95, { keepFold: true });
      await store.cases.putMany('r1', [{ caseId: 'c1', contentHash: 'h1', tags: ['segment:z'], vars: {}, cluster: null, description: null }]);
      expect((await readers(store)).scans).toBeGreaterThan(0);
    });

    it('that cannot be kept is a warning of the run’s report, never a lost report', async () => {
      const location = await fresh();
      const store = await open(location);
      await writeRun(store, 'r1', 1);
      const scanned = await buildRunReport(store, 'r1');
      // A store the run cannot write its fold to: the table gone.
      const gone = 'ALTER TABLE run_folds RENAME TO run_folds_gone';
      if (kind === 'postgres') await query(location, gone);
      else {
        const db = new Database(location);
        db.exec(gone);
        db.close();
      }
      const report = await buildRunReport(store, 'r1', 0.95, { keepFold: true });
      expect(report.warnings.filter((w) => /fold could not be kept/.test(w)).length).toBeGreaterThanOrEqual(1);
      expect(report.variants).toEqual(scanned.variants);
      expect(report.costs).toEqual(scanned.costs);
    });

    it('is not read under another key, and a store written before folds reads as before', async () => {
      const store = await open();
      await writeRun(store, 'r0', 0);
      const run = (await store.runs.get('r0'))!;
      expect(await store.folds.get('r0', 'report', 'any key')).toBeUndefined();
      await store.folds.put('r0', 'report', 'key one', [new Uint8Array([1, 2, 3]), new Uint8Array(0)]);
      expect(await store.folds.get('r0', 'report', 'key two')).toBeUndefined();
      expect((await store.folds.get('r0', 'report', 'key one'))!.map((p) => [...p])).toEqual([[1, 2, 3], []]);
      await store.folds.put('r0', 'report', 'key two', [new Uint8Array([9])]);
      expect((await store.folds.get('r0', 'report', 'key two'))!.map((p) => [...p])).toEqual([[9]]);
      // Parts larger than PostgreSQL's read slice (256 KiB) come back whole, byte for byte, around and at the edges.
      const big = [1 << 18, (1 << 18) + 1, 700_001].map((n) => Uint8Array.from({ length: n }, (_, k) => (k * 31 + (k >> 8)) & 255));
      await store.folds.put('r0', 'selection', 'key big', big);
      const back = (await store.folds.get('r0', 'selection', 'key big'))!;
      expect(back.map((p) => p.length)).toEqual(big.map((p) => p.length));
      back.forEach((p, k) => expect(Buffer.compare(Buffer.from(p), Buffer.from(big[k]))).toBe(0));
      const stamp = await store.folds.stamp('r0');
      expect(stamp).toMatch(/^results 49@\d+ cases 12@\d+$/);
      await store.results.putMany([storedResult('c0', { runId: 'r0', variantId: 'big', pass: false })]);
      expect(await store.folds.stamp('r0')).not.toBe(stamp);
      expect(run.id).toBe('r0');
    });
  });
});
