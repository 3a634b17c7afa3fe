// The viewer's paired comparison of two variants (of one run or of two): the cases both have, each one's pass
// value under its run's repeat reducer, the flips, and the paired tests `run` and `select` print too.
import { reducedPassValue, runRepeatReducer } from '../analysis/index.js';
import { comparePaired, passVerdict } from '../stats/index.js';
import { hasClusteredCases } from './run-summary.js';
import type { RunIndex } from './run-index.js';
import type { CompareResponse, CompareRow, PairedSummary } from './types.js';

/** The API's view of the one paired comparison (stats comparePaired) that `run` and `select` print too. */
export function paired(summary: ReturnType<typeof comparePaired>): PairedSummary | null {
  if (!summary) return null;
  return {
    n: summary.n,
    meanA: summary.meanA,
    meanB: summary.meanB,
    difference: summary.difference,
    interval: summary.interval,
    pValue: summary.pValue,
    test: summary.test,
  };
}

/** The comparison of variant A (run A) with variant B (run B), every flipped case first; data.ts pages it. */
export function pairCases(
  ia: RunIndex,
  ib: RunIndex,
  sides: { runA: string; variantA: string; runB: string; variantB: string },
  opts: { only?: 'flipped' | 'all'; segment?: string },
): Omit<CompareResponse, 'offset' | 'rows'> & { ordered: CompareRow[] } {
  const perCase = (index: RunIndex, variantId: string) => {
    const m = new Map<string, { passed: number; total: number; scoreSum: number; scored: number }>();
    for (const r of index.results) {
      if (r.variantId !== variantId) continue;
      const e = m.get(r.caseId) ?? { passed: 0, total: 0, scoreSum: 0, scored: 0 };
      e.total++;
      if (r.pass === true) e.passed++;
      if (r.score !== null) ((e.scoreSum += r.score), e.scored++);
      m.set(r.caseId, e);
    }
    return m;
  };
  const a = perCase(ia, sides.variantA);
  const b = perCase(ib, sides.variantB);
  const common = [...a.keys()].filter((k) => b.has(k));
  // Each run's pass values under its suite's repeat reducer, as the run report and `evalspec diff` use them.
  const [reduceA, reduceB] = [runRepeatReducer(ia.run), runRepeatReducer(ib.run)];
  const rows: CompareRow[] = common.map((caseId) => {
    const ea = a.get(caseId)!;
    const eb = b.get(caseId)!;
    const passA = reducedPassValue(reduceA, ea.total, ea.passed);
    const passB = reducedPassValue(reduceB, eb.total, eb.passed);
    // A flip: the verdicts differ (stats passVerdict, as `evalspec diff`: a tie is not a pass).
    const va = passVerdict(passA);
    const vb = passVerdict(passB);
    const ca = ia.cases.get(caseId);
    const cb = ib.cases.get(caseId);
    return {
      caseId,
      passA,
      passB,
      scoreA: ea.scored ? ea.scoreSum / ea.scored : null,
      scoreB: eb.scored ? eb.scoreSum / eb.scored : null,
      flip: va === vb ? 'same' : vb ? 'b-better' : 'a-better',
      tags: ca?.tags ?? [],
      contentChanged: !!ca && !!cb && ca.contentHash !== cb.contentHash,
    };
  });
  const scope = opts.segment ? rows.filter((r) => r.tags.includes(opts.segment!)) : rows;
  // Cluster ids, when cases declare clusters: the SE of the difference is then clustered. Keys as the
  // run report builds them (a case without a cluster is its own), so both give the same figures.
  const clustered = hasClusteredCases(ia);
  const clusterOf = (caseId: string) => {
    const cluster = ia.cases.get(caseId)?.cluster;
    return cluster ? `cluster:${cluster}` : `case:${caseId}`;
  };
  const clusterIds = clustered ? scope.map((r) => clusterOf(r.caseId)) : undefined;
  const both1 = ia.run.repeat === 1 && ib.run.repeat === 1;
  const pass = comparePaired(
    scope.map((r) => r.passA!),
    scope.map((r) => r.passB!),
    { clusterIds, binary: both1 },
  );
  const passSummary = paired(pass);
  const scored = scope.filter((r) => r.scoreA !== null && r.scoreB !== null);
  const scoreClusters = clustered ? scored.map((r) => clusterOf(r.caseId)) : undefined;
  const scoreSummary = paired(
    comparePaired(
      scored.map((r) => r.scoreA!),
      scored.map((r) => r.scoreB!),
      { clusterIds: scoreClusters },
    ),
  );
  const aBetter = scope.filter((r) => r.flip === 'a-better').length;
  const bBetter = scope.filter((r) => r.flip === 'b-better').length;
  // Flipped cases first (B's wins, then A's wins), then the rest in case order.
  const rank = (r: CompareRow) => (r.flip === 'b-better' ? 0 : r.flip === 'a-better' ? 1 : 2);
  const ordered = scope
    .map((r, i) => ({ r, i }))
    .sort((x, y) => rank(x.r) - rank(y.r) || x.i - y.i)
    .map((x) => x.r)
    .filter((r) => opts.only !== 'flipped' || r.flip !== 'same');
  const side = (index: RunIndex, variantId: string) => ({ runId: index.run.id, variantId, suiteName: index.run.suiteName, runLabel: index.run.label });
  return {
    a: side(ia, sides.variantA),
    b: side(ib, sides.variantB),
    commonCases: common.length,
    onlyA: a.size - common.length,
    onlyB: b.size - common.length,
    pass: passSummary,
    score: scoreSummary,
    flips: { aBetter, bBetter },
    mcnemarPValue: pass?.mcnemar?.pValue ?? null,
    total: ordered.length,
    ordered,
  };
}
