// Issue #22 (1,000,000 results): the diff matches cases with content hashes aligned with the cases (an array,
// no map entry per case), and column-backed outcomes (analysis/case-columns.ts) answer caseValue / caseFailure
// without building their metrics and checks records per call. Both must give what the map and the plain
// records give; the expected values are read off the hand-built inputs.
import { describe, expect, it } from 'vitest';
import {
  mapCases,
  caseFailure,
  caseValue,
  diffRuns,
  matchCases,
  type CaseInfo,
  type CaseOutcome,
  type CheckFilter,
  type DiffSide,
  type RunOutcomes,
} from '../../src/stats/index.js';
import { outcomeView, VariantColumns } from '../../src/analysis/case-columns.js';

function runOf(ids: string[], passed: (id: string) => number): RunOutcomes {
  const cases: CaseInfo[] = ids.map((id) => ({ id, tags: ['segment:a'], cluster: null }));
  return {
    repeat: 1,
    cases,
    variants: [{ id: 'v', outcomes: ids.map((id) => ({ results: 1, passed: passed(id), errored: 0, score: passed(id), metrics: {}, checks: {} })) }],
  };
}

describe('diff with content hashes aligned with the cases', () => {
  // before: c0 c1 c2 c3; after: c1 c2 c3 c4. c2's content changed; c3 has no stored case row on either side.
  const before = runOf(['c0', 'c1', 'c2', 'c3'], () => 0);
  const after = runOf(['c1', 'c2', 'c3', 'c4'], (id) => (id === 'c1' ? 1 : 0));
  const byIndex = (o: RunOutcomes, h: Record<string, string | undefined>) => mapCases(o.cases, (c) => h[c.id]);
  const hb = { c0: 'h0', c1: 'h1', c2: 'h2' } as Record<string, string | undefined>;
  const ha = { c1: 'h1', c2: 'h2-new', c4: 'h4' } as Record<string, string | undefined>;
  const asArray: [DiffSide, DiffSide] = [
    { outcomes: before, hashes: byIndex(before, hb) },
    { outcomes: after, hashes: byIndex(after, ha) },
  ];
  const asMap: [DiffSide, DiffSide] = [
    { outcomes: before, hashes: new Map(Object.entries(hb).filter((e): e is [string, string] => e[1] !== undefined)) },
    { outcomes: after, hashes: new Map(Object.entries(ha).filter((e): e is [string, string] => e[1] !== undefined)) },
  ];

  it('matches by id and hash as the map does: c1 and c3 compared, c2 changed, c4 added, c0 removed', () => {
    const { matching, pairs } = matchCases(...asArray);
    expect(matching).toEqual({ unchanged: 2, changed: ['c2'], added: ['c4'], removed: ['c0'] });
    // (before index, after index): c1 is 1 → 0, c3 is 3 → 2.
    expect([...pairs]).toEqual([
      [1, 0],
      [3, 2],
    ]);
    expect(matchCases(...asMap)).toEqual({ matching, pairs });
  });

  it('matches the same with content keys (an after case its index, a before case its partner’s, encoded)', () => {
    // c0: not in the after run (−1); c1: after 0, same content; c2: after 1, content changed (−2 − 1);
    // c3: after 2 (no hash on either side: equal).
    const asKeys: [DiffSide, DiffSide] = [
      { outcomes: before, hashes: Int32Array.from([-1, 0, -3, 2]) },
      { outcomes: after, hashes: Int32Array.from([0, 1, 2, 3]) },
    ];
    expect(matchCases(...asKeys)).toEqual(matchCases(...asMap));
    expect(diffRuns(...asKeys)).toEqual(diffRuns(...asMap));
  });

  it('gives the same diff, and the flip shares the case tags', () => {
    const d = diffRuns(...asArray);
    expect(d).toEqual(diffRuns(...asMap));
    // c1 went from failing to passing; c3 fails on both sides.
    expect(d.perVariant[0].flips.fixed.map((f) => [f.caseId, f.tags])).toEqual([['c1', ['segment:a']]]);
    expect(d.perVariant[0].flips.stillFailing.map((f) => f.caseId)).toEqual(['c3']);
  });
});

describe('column-backed case outcomes', () => {
  // Two cases of one variant: case 0 has metric tone 1.5 over 2 results (mean 0.75), a critical no-cash check
  // judged twice and failed once; case 1 has no tone value and a normal format check judged once, not failed.
  const t = new VariantColumns(2);
  t.results[0] = 2;
  t.passed[0] = 1;
  t.results[1] = 1;
  t.passed[1] = 1;
  const tone = t.metric('tone');
  tone.sum[0] = 1.5;
  tone.n[0] = 2;
  const cash = t.check('critical', 'no-cash');
  cash.judged[0] = 2;
  cash.failed[0] = 1;
  t.check('normal', 'format').judged[1] = 1;
  const View = outcomeView(t);
  const [o0, o1] = [new View(0), new View(1)];
  const filters: CheckFilter[] = [
    {},
    { severity: 'critical' },
    { severity: 'normal' },
    { metric: 'format' },
    { metric: 'no-cash' },
    { severity: 'normal', metric: 'no-cash' },
  ];

  it('reads a metric from the columns', () => {
    expect(caseValue(o0, 'tone')).toBe(0.75);
    expect(caseValue(o1, 'tone')).toBeUndefined();
    expect(caseValue(o0, 'absent')).toBeUndefined();
    expect(caseValue(o0, 'pass_rate')).toBe(0.5);
  });

  it('reads check failures from the columns, as the plain record does', () => {
    expect(filters.map((f) => caseFailure(o0, f))).toEqual(['failed', 'failed', undefined, undefined, 'failed', undefined]);
    expect(filters.map((f) => caseFailure(o1, f))).toEqual(['clean', undefined, 'clean', 'clean', undefined, undefined]);
    for (const o of [o0, o1]) for (const f of filters) expect(caseFailure(o, f)).toBe(caseFailure(JSON.parse(JSON.stringify(o)) as CaseOutcome, f));
  });
});
