// A small run for the viewer's result pages (issue #22): cases stored in non-alphabetical order, variants in a
// non-alphabetical suite order, two repeats, pass / fail / error, a critical failed check, segment tags, a result
// whose case is not stored, and labels. Shared by the store contract (contract-result-pages) and the viewer test
// that compares the store's pages with the in-memory index (viewer/result-pages).
import type { CaseRow, ResultRow, RunRecord, Store } from '../../src/store/index.js';

export const RUN_ID = 'rp';
/** Suite order: "zeta" before "alpha". */
export const VARIANTS = ['zeta', 'alpha'];

const run: RunRecord = {
  id: RUN_ID,
  suiteName: 'pages',
  suiteHash: 'h1',
  suiteFile: '/s/evalspec.yaml',
  label: null,
  status: 'completed',
  formatVersion: 1,
  config: { name: 'pages' },
  repeat: 2,
  gitCommit: null,
  gitBranch: null,
  totalCalls: 12,
  variants: VARIANTS.map((id) => ({ id, label: id, model: `openai:${id}`, providerType: 'openai', modelId: id, prompt: 'v1' })),
  startedAt: '2026-12-05T10:00:00.000Z',
  endedAt: '2026-12-05T10:01:00.000Z',
  warnings: [],
  selection: { models: null, repeat: 2 },
};

const caseRow = (caseId: string, tags: string[]): CaseRow => ({
  caseId,
  contentHash: `h-${caseId}`,
  tags,
  vars: { q: caseId },
  cluster: null,
  description: null,
});
/** Stored in this order: c-b, c-a, c-c (so case order is not case-id order). "lost" has results but no case row. */
export const CASES = [caseRow('c-b', ['segment:x']), caseRow('c-a', ['segment:x', 'segment:y']), caseRow('c-c', [])];

type Outcome = 'pass' | 'fail' | 'crit' | 'error';
const result = (caseId: string, variantId: string, repeat: number, outcome: Outcome): ResultRow => ({
  runId: RUN_ID,
  caseId,
  variantId,
  repeat,
  output: outcome === 'error' ? null : `${caseId}/${variantId}/${repeat} ` + 'x'.repeat(repeat === 1 ? 250 : 10),
  pass: outcome === 'error' ? null : outcome === 'pass',
  score: outcome === 'error' ? null : outcome === 'pass' ? 1 : 0,
  cached: false,
  latencyMs: outcome === 'error' ? null : 100 + repeat,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: outcome === 'error' ? null : 0.001,
  errorClass: outcome === 'error' ? 'timeout' : null,
  errorMessage: outcome === 'error' ? 'timed out' : null,
  attempts: 1,
  checks:
    outcome === 'error'
      ? []
      : [
          { type: 'contains', metric: '', severity: outcome === 'crit' ? 'critical' : 'normal', weight: 1, pass: outcome === 'pass', score: 1, reason: 'r' },
          { type: 'judge', metric: 'tone', severity: 'normal', weight: 1, pass: true, score: 1, reason: 'ok' },
        ],
  messages: [{ role: 'user', content: caseId }],
  finishedAt: '2026-12-05T10:00:01.000Z',
});

/** [case, variant, repeat, outcome], written in this (scrambled) order. */
export const RESULTS: [string, string, number, Outcome][] = [
  ['c-c', 'alpha', 1, 'pass'],
  ['lost', 'zeta', 0, 'fail'],
  ['c-a', 'alpha', 0, 'fail'],
  ['c-b', 'zeta', 1, 'error'],
  ['c-a', 'zeta', 0, 'pass'],
  ['c-b', 'alpha', 0, 'crit'],
  ['c-c', 'zeta', 0, 'fail'],
  ['c-b', 'zeta', 0, 'pass'],
  ['c-a', 'zeta', 1, 'crit'],
  ['c-c', 'alpha', 0, 'pass'],
  ['c-b', 'alpha', 1, 'pass'],
  ['c-a', 'alpha', 1, 'pass'],
];

export async function writeFixture(store: Store): Promise<void> {
  await store.runs.create(run);
  await store.cases.putMany(RUN_ID, CASES);
  await store.results.putMany(RESULTS.map(([c, v, r, o]) => result(c, v, r, o)));
  const label = (caseId: string, variantId: string, repeat: number, label: 'pass' | 'fail') => ({
    runId: RUN_ID,
    caseId,
    variantId,
    repeat,
    label,
    scores: null,
    tag: 'wrong',
    comment: null,
    labeller: 'ann',
    createdAt: '2026-12-05T11:00:00.000Z',
  });
  await store.labels.putMany([label('c-a', 'alpha', 0, 'pass'), label('c-b', 'zeta', 0, 'fail')]);
}
