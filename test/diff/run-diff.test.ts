// The pure run diff (stats/run-diff.ts) on constructed per-case outcomes whose figures are computed here
// independently: the paired t written out (mean, SD, SE of the per-case differences; t quantiles and p-values
// from the tested distribution functions), Holm written out, McNemar from the discordant counts, and the
// clustered SE from stats.clusteredMeanEstimate.
import { describe, expect, it } from 'vitest';
import {
  clusteredMeanEstimate,
  diffRuns,
  tQuantile,
  tTwoSidedPValue,
  type CaseInfo,
  type CaseOutcome,
  type DiffSide,
  type MetricChange,
  type RunOutcomes,
} from '../../src/stats/index.js';
import { describeChange, describeVariantDiff } from '../../src/report/index.js';
import { holm, mcnemarExactP, mean, sd } from '../stats-integration/scenario.js';

function outcome(passed: number, results = 1, metrics: Record<string, number> = {}, errored = 0): CaseOutcome {
  return { results, passed, errored, score: results - errored > 0 ? passed / (results - errored) : null, metrics, checks: {} };
}

interface VariantSpec {
  id: string;
  /** Per case index: passes out of `repeat`, and metric values. */
  at: (i: number) => { passed: number; metrics?: Record<string, number>; errored?: number } | undefined;
}

function side(
  ids: string[],
  variants: VariantSpec[],
  options: { repeat?: number; hash?: (id: string) => string; tags?: (id: string) => string[]; cluster?: (id: string) => string | null } = {},
): DiffSide {
  const repeat = options.repeat ?? 1;
  const cases: CaseInfo[] = ids.map((id) => ({ id, tags: options.tags?.(id) ?? [], cluster: options.cluster?.(id) ?? null }));
  const outcomes: RunOutcomes = {
    repeat,
    cases,
    variants: variants.map((v) => ({
      id: v.id,
      outcomes: ids.map((id) => {
        const a = v.at(Number(id.slice(1)));
        return a ? outcome(a.passed, repeat, a.metrics ?? {}, a.errored ?? 0) : undefined;
      }),
    })),
  };
  return { outcomes, hashes: new Map(ids.map((id) => [id, options.hash?.(id) ?? `h-${id}`])) };
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, k) => `c${k + from}`);

/** Paired t by hand over the per-case differences. */
function pairedT(a: number[], b: number[]) {
  const d = b.map((y, i) => y - a[i]);
  const n = d.length;
  const diff = mean(d);
  const se = sd(d) / Math.sqrt(n);
  const t = tQuantile(0.975, n - 1);
  return { n, diff, se, low: diff - t * se, high: diff + t * se, p: tTwoSidedPValue(diff / se, n - 1) };
}

describe('diffRuns: cases matched by id and content, paired figures per metric with Holm', () => {
  // 40 cases before; after: c5 changed content, c39 removed, c40 added.
  const passBefore = (i: number) => i % 4 !== 0;
  const passAfter = (i: number) => (passBefore(i) || (i % 8 === 0 && i < 32)) && i !== 1;
  const toneBefore = (i: number) => 0.8 + (i % 5) * 0.02;
  const toneAfter = (i: number) => toneBefore(i) - (i < 20 ? 0.05 + (i % 3) * 0.01 : 0.005 * (i % 2));
  const before = side(range(40), [
    { id: 'v', at: (i) => ({ passed: passBefore(i) ? 1 : 0, metrics: { tone: toneBefore(i) } }) },
    { id: 'old-only', at: () => ({ passed: 1 }) },
  ]);
  const afterIds = [...range(39), 'c40'];
  const after = side(
    afterIds,
    [
      { id: 'new-only', at: () => ({ passed: 1 }) },
      { id: 'v', at: (i) => ({ passed: passAfter(i) ? 1 : 0, metrics: { tone: toneAfter(i) } }) },
    ],
    { hash: (id) => (id === 'c5' ? 'h-c5-v2' : `h-${id}`) },
  );
  const diff = diffRuns(before, after);
  const unchanged = range(39)
    .map((id) => Number(id.slice(1)))
    .filter((i) => i !== 5);

  it('lists changed, added and removed cases instead of comparing them', () => {
    expect(diff.cases).toEqual({ unchanged: 38, changed: ['c5'], added: ['c40'], removed: ['c39'] });
    expect(diff.variants).toEqual({ compared: ['v'], onlyBefore: ['old-only'], onlyAfter: ['new-only'] });
    expect(diff.perVariant[0].n).toBe(38);
  });

  it('pass rate, score and tone: paired difference, t interval and p-value as computed by hand', () => {
    const v = diff.perVariant[0];
    expect(v.metrics.map((m) => m.metric)).toEqual(['pass_rate', 'score', 'tone']);
    const a = unchanged.map((i) => (passBefore(i) ? 1 : 0));
    const b = unchanged.map((i) => (passAfter(i) ? 1 : 0));
    const pass = pairedT(a, b);
    const tone = pairedT(unchanged.map(toneBefore), unchanged.map(toneAfter));
    for (const [m, ref] of [
      [v.metrics[0], pass],
      [v.metrics[1], pass],
      [v.metrics[2], tone],
    ] as const) {
      expect(m.n).toBe(38);
      expect(m.test).toBe('paired-t');
      expect(m.difference).toBeCloseTo(ref.diff, 12);
      expect(m.se).toBeCloseTo(ref.se, 12);
      expect(m.df).toBe(37);
      expect(m.interval!.low).toBeCloseTo(ref.low, 12);
      expect(m.interval!.high).toBeCloseTo(ref.high, 12);
      expect(m.pValue).toBeCloseTo(ref.p, 12);
    }
    expect(v.metrics[0].before).toBeCloseTo(mean(a), 12);
    expect(v.metrics[0].after).toBeCloseTo(mean(b), 12);
    // 4 fixed (0, 8, 16, 24), 1 broken (1): +3 of 38.
    expect(v.metrics[0].difference).toBeCloseTo(3 / 38, 12);
    const adjusted = holm([pass.p, pass.p, tone.p]);
    v.metrics.forEach((m, k) => expect(m.pValueHolm).toBeCloseTo(adjusted[k], 12));
  });

  it('says it in words: tone got worse (significant after Holm), pass rate not detected', () => {
    const [pass, , tone] = describeVariantDiff(diff.perVariant[0]).metrics;
    expect(tone.significant).toBe(true);
    expect(tone.direction).toBe('worse');
    expect(tone.sentence).toMatch(/^tone got worse by \d+\.\d points \(95% CI \d+\.\d to \d+\.\d, p < 0\.001, Holm < 0\.001\)\.$/);
    expect(pass.detected).toBe(false);
    expect(pass.direction).toBe('none');
    expect(pass.sentence).toMatch(
      /^pass rate: no significant change \(\+7\.9 points, 95% CI −\d+\.\d to \d+\.\d, p = 0\.\d+, Holm 0\.\d+\); this comparison could detect \d+\.\d points\.$/,
    );
  });

  it('flips: fixed, broken, still failing, with McNemar on the flipped cases', () => {
    const v = diff.perVariant[0];
    expect(v.flips.fixed.map((f) => f.caseId)).toEqual(['c0', 'c8', 'c16', 'c24']);
    expect(v.flips.broken.map((f) => f.caseId)).toEqual(['c1']);
    expect(v.flips.stillFailing.map((f) => f.caseId)).toEqual(['c4', 'c12', 'c20', 'c28', 'c32', 'c36']);
    expect(v.flips.broken[0]).toMatchObject({ kind: 'broken', before: { results: 1, passed: 1 }, after: { results: 1, passed: 0 } });
    expect(v.mcnemar).toMatchObject({ fixed: 4, broken: 1 });
    expect(v.mcnemar!.pValue).toBeCloseTo(mcnemarExactP(4, 1), 12);
    expect(v.flaky).toBeNull();
  });
});

describe('diffRuns: the wording of a change', () => {
  const base: Omit<MetricChange, 'sentence'> = {
    metric: 'tone',
    n: 120,
    clusters: null,
    before: 0.8,
    after: 0.738,
    difference: -0.062,
    se: 0.0209,
    df: 119,
    interval: { method: 't', level: 0.95, low: -0.103, high: -0.021 },
    test: 'paired-t',
    pValue: 0.003,
    pValueHolm: 0.009,
    detected: true,
    significant: true,
    direction: 'worse',
    minimumDetectableDifference: 0.059,
  };

  it("the issue's sentence, exactly", () => {
    expect(describeChange(base, 'tone', '3 metrics')).toBe('tone got worse by 6.2 points (95% CI 2.1 to 10.3, p = 0.003, Holm 0.009).');
  });

  it('detected but not after Holm', () => {
    const c = { ...base, pValue: 0.03, pValueHolm: 0.09, significant: false, direction: 'none' as const };
    expect(describeChange(c, 'tone', '3 metrics')).toBe(
      'tone got worse by 6.2 points (95% CI 2.1 to 10.3, p = 0.030, Holm 0.090), but not significant after adjusting for 3 metrics (Holm).',
    );
  });

  it('no significant change, with what the comparison could detect', () => {
    const c = {
      ...base,
      difference: 0.012,
      interval: { method: 't', level: 0.95, low: -0.01, high: 0.034 },
      pValue: 0.41,
      pValueHolm: 1,
      detected: false,
      significant: false,
      direction: 'none' as const,
    };
    expect(describeChange(c, 'pass rate', '3 metrics')).toBe(
      'pass rate: no significant change (+1.2 points, 95% CI −1.0 to 3.4, p = 0.41, Holm 1.00); this comparison could detect 5.9 points.',
    );
  });

  it('better, without Holm when there is a single metric', () => {
    const c = { ...base, difference: 0.04, interval: { method: 't', level: 0.95, low: 0.01, high: 0.07 }, direction: 'better' as const };
    expect(describeChange(c, 'pass rate')).toBe('pass rate got better by 4.0 points (95% CI 1.0 to 7.0, p = 0.003).');
  });
});

describe('diffRuns: repeats, flaky cases and the majority verdict', () => {
  // 3 repeats. before / after passes per case:
  //   c0 3/3 → 1/3 (broken, became flaky)   c1 0/3 → 2/3 (fixed, became flaky)   c2 1/3 → 3/3 (fixed, no longer flaky)
  //   c3 2/3 → 2/3 (still passing, flaky both)   c4 0/3 → 0/3 (still failing)   c5..c11 3/3 → 3/3
  const b = [3, 0, 1, 2, 0, 3, 3, 3, 3, 3, 3, 3];
  const a = [1, 2, 3, 2, 0, 3, 3, 3, 3, 3, 3, 3];
  const diff = diffRuns(
    side(range(12), [{ id: 'v', at: (i) => ({ passed: b[i] }) }], { repeat: 3 }),
    side(range(12), [{ id: 'v', at: (i) => ({ passed: a[i] }) }], { repeat: 3 }),
  );
  const v = diff.perVariant[0];

  it('a case passes when most of its repeats pass', () => {
    expect(v.flips.fixed.map((f) => f.caseId)).toEqual(['c1', 'c2']);
    expect(v.flips.broken.map((f) => f.caseId)).toEqual(['c0']);
    expect(v.flips.stillFailing.map((f) => f.caseId)).toEqual(['c4']);
    expect(v.mcnemar).toBeNull(); // McNemar needs one result per case
  });

  it('became flaky / no longer flaky, with the repeat counts', () => {
    expect(v.flaky!.became).toEqual([
      { caseId: 'c0', before: { judged: 3, passed: 3 }, after: { judged: 3, passed: 1 } },
      { caseId: 'c1', before: { judged: 3, passed: 0 }, after: { judged: 3, passed: 2 } },
    ]);
    expect(v.flaky!.stopped.map((f) => f.caseId)).toEqual(['c2']);
  });

  it('the pass-rate difference is over per-case pass shares', () => {
    const ref = pairedT(
      b.map((x) => x / 3),
      a.map((x) => x / 3),
    );
    expect(v.metrics[0].difference).toBeCloseTo(ref.diff, 12);
    expect(v.metrics[0].se).toBeCloseTo(ref.se, 12);
  });

  it('with 2 repeats a 1-of-2 case is not passed (a tie is not a pass)', () => {
    const d = diffRuns(
      side(['c0'], [{ id: 'v', at: () => ({ passed: 2 }) }], { repeat: 2 }),
      side(['c0'], [{ id: 'v', at: () => ({ passed: 1 }) }], { repeat: 2 }),
    );
    expect(d.perVariant[0].flips.broken.map((f) => f.caseId)).toEqual(['c0']);
  });
});

describe('diffRuns: segments and clusters', () => {
  const tags = (id: string) => {
    const i = Number(id.slice(1));
    return [i < 30 ? 'segment:customer' : 'segment:internal', ...(i < 4 ? ['segment:vip'] : [])];
  };
  const pb = (i: number) => (i % 3 !== 0 ? 1 : 0);
  const pa = (i: number) => (i < 30 ? (i % 3 !== 0 && i % 4 !== 1 ? 1 : 0) : pb(i) || (i % 6 === 0 ? 1 : 0));
  const cluster = (id: string) => `doc${Math.floor(Number(id.slice(1)) / 3)}`;
  const before = side(range(60), [{ id: 'v', at: (i) => ({ passed: pb(i) }) }], { tags, cluster });
  const after = side(range(60), [{ id: 'v', at: (i) => ({ passed: pa(i) }) }], { tags, cluster });
  const v = diffRuns(before, after).perVariant[0];

  it('per segment: the paired pass-rate difference, Holm across segments, small segments flagged', () => {
    expect(v.segments.map((s) => s.tag)).toEqual(['segment:customer', 'segment:internal', 'segment:vip']);
    const ps = v.segments.map((s) => s.pValue ?? 1);
    const adjusted = holm(ps);
    v.segments.forEach((s, k) => {
      if (s.pValue !== null) expect(s.pValueHolm).toBeCloseTo(adjusted[k], 12);
    });
    const customer = v.segments[0];
    const idx = Array.from({ length: 30 }, (_, i) => i);
    expect(customer.n).toBe(30);
    expect(customer.difference).toBeCloseTo(mean(idx.map((i) => pa(i) - pb(i))), 12);
    expect(customer.warning).toBeNull();
    expect(v.segments[2].warning).toEqual({ rule: 'few-cases', cases: 4, minCases: 10, paired: true });
  });

  it('with clusters the SE is the clustered SE of the differences (t on G − 1 df)', () => {
    const d = Array.from({ length: 60 }, (_, i) => pa(i) - pb(i));
    const ids = Array.from({ length: 60 }, (_, i) => `cluster:doc${Math.floor(i / 3)}`);
    const ref = clusteredMeanEstimate(d, ids)!;
    const m = v.metrics[0];
    expect(m.test).toBe('clustered-paired-t');
    expect(m.clusters).toBe(20);
    expect(m.df).toBe(19);
    expect(m.se).toBeCloseTo(ref.se!, 12);
    expect(m.pValue).toBeCloseTo(tTwoSidedPValue(m.difference / ref.se!, 19), 12);
  });
});
