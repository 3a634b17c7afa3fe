// The viewer's paired comparison from the store (issue #22: no index of every result) answers exactly what the
// former comparison from the in-memory index of both runs answered: the same figures (pass and score tests,
// flips, McNemar, counts) and the same rows in the same order, for two variants of one run and across runs, with
// repeats, clusters, cases one side lacks, cases one run does not store, a segment and the flipped-only list.
import { expect, it } from 'vitest';
import type { CaseRow, ResultRow, RunRecord, Store } from '../../src/store/index.js';
import { ViewerData } from '../../src/viewer/data.js';
import { testAllStores } from '../store/all-stores.js';

const runOf = (id: string, repeat: number, variants: string[]): RunRecord => ({
  id,
  suiteName: 'cmp',
  suiteHash: 'h1',
  suiteFile: '/s/evalspec.yaml',
  label: null,
  status: 'completed',
  formatVersion: 1,
  config: { name: 'cmp' },
  repeat,
  gitCommit: null,
  gitBranch: null,
  totalCalls: 0,
  variants: variants.map((v) => ({ id: v, label: v, model: `openai:${v}`, providerType: 'openai', modelId: v, prompt: 'v1' })),
  startedAt: '2026-12-05T10:00:00.000Z',
  endedAt: '2026-12-05T10:01:00.000Z',
  warnings: [],
  selection: { models: null, repeat },
});

const caseOf = (caseId: string, tags: string[], cluster: string | null = null, hash = `h-${caseId}`): CaseRow => ({
  caseId,
  contentHash: hash,
  tags,
  vars: { q: caseId },
  cluster,
  description: null,
});

/** A result: pass true/false, or null for an error; its score (null: none). */
const resultOf = (runId: string, caseId: string, variantId: string, repeat: number, pass: boolean | null, score: number | null): ResultRow => ({
  runId,
  caseId,
  variantId,
  repeat,
  output: 'o',
  pass,
  score,
  cached: false,
  latencyMs: 10,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0.001,
  errorClass: pass === null ? 'timeout' : null,
  errorMessage: pass === null ? 'timed out' : null,
  attempts: 1,
  checks: [],
  messages: [{ role: 'user', content: caseId }],
  finishedAt: '2026-12-05T10:00:01.000Z',
});

/** Pseudo-random but fixed outcomes: which results pass, and scores that do not add up exactly in binary. */
const passes = (i: number, salt: number) => (i * 7 + salt * 3) % 5 < 3;
const scoreOf = (i: number, salt: number) => (i % 6 === 0 ? null : ((i * 13 + salt * 5) % 10) / 10 + 0.1);

async function writeRuns(store: Store): Promise<void> {
  // Run A: cases stored out of id order; "q-orphan" and "b-orphan" have results but no case row; "a-only" is not in run B.
  const casesA = ['k3', 'k1', 'k7', 'k2', 'k5', 'k4', 'k6', 'a-only'];
  await store.runs.create(runOf('ra', 1, ['m2', 'm1']));
  await store.cases.putMany(
    'ra',
    casesA.map((id, i) => caseOf(id, i % 3 === 0 ? ['s:x'] : i % 3 === 1 ? ['s:x', 's:y'] : [], null, id === 'k2' ? 'changed' : `h-${id}`)),
  );
  const idsA = [...casesA, 'q-orphan', 'b-orphan'];
  await store.results.putMany(
    idsA.flatMap((id, i) => [
      resultOf('ra', id, 'm2', 0, i === 4 ? null : passes(i, 1), scoreOf(i, 1)),
      resultOf('ra', id, 'm1', 0, passes(i, 2), scoreOf(i, 2)),
    ]),
  );
  // Run B: two repeats, "k3" not stored, "b-only" only here.
  await store.runs.create(runOf('rb', 2, ['m1']));
  await store.cases.putMany(
    'rb',
    ['k1', 'k2', 'k4', 'k5', 'k6', 'k7', 'b-only'].map((id) => caseOf(id, ['s:x'])),
  );
  const idsB = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'b-only', 'q-orphan', 'b-orphan'];
  await store.results.putMany(
    idsB.flatMap((id, i) => [resultOf('rb', id, 'm1', 0, passes(i, 3), scoreOf(i, 3)), resultOf('rb', id, 'm1', 1, passes(i, 4), scoreOf(i, 4))]),
  );
  // Run C: clustered cases (the clustered standard error), one repeat.
  await store.runs.create(runOf('rc', 1, ['m1', 'm2']));
  const idsC = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);
  await store.cases.putMany(
    'rc',
    idsC.map((id, i) => caseOf(id, ['s:x'], i % 4 === 3 ? null : `g${i % 3}`)),
  );
  await store.results.putMany(
    idsC.flatMap((id, i) => [resultOf('rc', id, 'm1', 0, passes(i, 5), scoreOf(i, 5)), resultOf('rc', id, 'm2', 0, passes(i, 6), scoreOf(i, 6))]),
  );
}

const SIDES = [
  { runA: 'ra', variantA: 'm2', runB: 'ra', variantB: 'm1' },
  { runA: 'ra', variantA: 'm1', runB: 'rb', variantB: 'm1' },
  { runA: 'rb', variantA: 'm1', runB: 'ra', variantB: 'm2' },
  { runA: 'rc', variantA: 'm1', runB: 'rc', variantB: 'm2' },
];
const OPTS = [{}, { only: 'flipped' as const }, { segment: 's:x' }, { segment: 's:y', only: 'flipped' as const }, { segment: 'none' }];
const WINDOWS = [{}, { offset: 1, limit: 2 }, { offset: 5, limit: 100 }];

testAllStores('viewer comparison from the store', (ctx) => {
  it('equals the comparison from the in-memory index of both runs', async () => {
    const store = await ctx.open();
    await writeRuns(store);
    const fromStore = new ViewerData(store);
    const fromIndex = new ViewerData(store, false);
    let flips = 0;
    let clustered = false;
    for (const sides of SIDES) {
      for (const opts of OPTS) {
        for (const window of WINDOWS) {
          const o = { ...opts, ...window };
          const expected = await fromIndex.compare(sides, o);
          expect(await fromStore.compare(sides, o), JSON.stringify([sides, o])).toEqual(expected);
          flips += expected.flips.aBetter + expected.flips.bBetter;
          if (expected.pass?.test.includes('cluster')) clustered = true;
        }
      }
    }
    // Not vacuous: flips in both directions, cases only one side has, a content change, scores, clusters.
    const across = await fromStore.compare(SIDES[1], {});
    expect(flips).toBeGreaterThan(0);
    expect(across.onlyA).toBeGreaterThan(0);
    expect(across.onlyB).toBeGreaterThan(0);
    expect(across.rows.some((r) => r.contentChanged)).toBe(true);
    expect(across.rows.map((r) => r.caseId)).toEqual(expect.arrayContaining(['b-orphan', 'q-orphan']));
    expect(across.score).not.toBeNull();
    expect(clustered).toBe(true);
    // The store path builds no index of either run.
    expect(fromStore.index['entries'].size).toBe(0);
  });

  it('pairs more cases than one page of the store (PostgreSQL reads them in keyset pages of 2,000)', async () => {
    const store = await ctx.open();
    const ids = Array.from({ length: 2_100 }, (_, i) => `p${(i * 7919) % 2_100}`);
    await store.runs.create(runOf('big', 1, ['m1', 'm2']));
    await store.cases.putMany(
      'big',
      ids.map((id, i) => caseOf(id, [i % 2 ? 's:x' : 's:y'])),
    );
    await store.results.putMany(
      ids.flatMap((id, i) => [resultOf('big', id, 'm1', 0, passes(i, 7), scoreOf(i, 7)), resultOf('big', id, 'm2', 0, passes(i, 8), null)]),
    );
    const sides = { runA: 'big', variantA: 'm1', runB: 'big', variantB: 'm2' };
    const fromStore = await new ViewerData(store).compare(sides, { offset: 1_990, limit: 50 });
    expect(fromStore).toEqual(await new ViewerData(store, false).compare(sides, { offset: 1_990, limit: 50 }));
    expect(fromStore.commonCases).toBe(2_100);
    expect(fromStore.rows).toHaveLength(50);
  });

  it('refuses an unknown run or variant', async () => {
    const store = await ctx.open();
    await writeRuns(store);
    const data = new ViewerData(store);
    await expect(data.compare({ runA: 'ra', variantA: 'nope', runB: 'ra', variantB: 'm1' }, {})).rejects.toThrow(/no variant nope/);
    await expect(data.compare({ runA: 'ra', variantA: 'm1', runB: 'zz', variantB: 'm1' }, {})).rejects.toThrow(/no run zz/);
  });
});
