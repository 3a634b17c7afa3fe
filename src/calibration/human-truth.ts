// What the humans said, per result, for `evalspec calibrate`: each labeller's label of the kind a judge is
// compared on (pass/fail, the pairwise preference, a rubric dimension's level), their consensus (majority;
// the rounded median for levels; a split is left out), and their agreement among themselves (Cohen's kappa
// per pair, Krippendorff's alpha): the ceiling a judge can be expected to reach.
import { cohensKappa, krippendorffAlpha, type KappaWeights, type Label } from '../stats/index.js';
import type { LabelRow } from '../store/index.js';

export type CalibrationKind = 'binary' | 'ordinal' | 'pairwise';

export const resultKey = (r: { caseId: string; variantId: string; repeat: number }) => `${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`;

export interface HumanAgreement {
  metric: string;
  kind: CalibrationKind;
  labellers: string[];
  pairs: { a: string; b: string; n: number; kappa: number | null; agreement: number | null }[];
  alpha: number | null;
  /** Results where the labellers' majority is undefined (a split), left out of judge comparisons. */
  splits: number;
}

export interface HumanTruth {
  /** Consensus label per result key (undefined: split). */
  consensus: Map<string, string | number | undefined>;
  byLabeller: Map<string, Map<string, string | number>>;
}

function majority(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [v, c] of counts) if (c * 2 > values.length) return v;
  return undefined;
}

function roundedMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  const med = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return Math.floor(med + 0.5);
}

export function humanTruth(labels: LabelRow[], kind: CalibrationKind, metric: string): HumanTruth {
  const perResult = new Map<string, (string | number)[]>();
  const byLabeller = new Map<string, Map<string, string | number>>();
  for (const l of labels) {
    let value: string | number | undefined;
    if (kind === 'binary') value = l.label === 'pass' || l.label === 'fail' ? l.label : undefined;
    else if (kind === 'pairwise') value = l.preference === 'win' || l.preference === 'loss' || l.preference === 'tie' ? l.preference : undefined;
    else value = l.scores?.[metric];
    if (value === undefined) continue;
    const key = resultKey(l);
    const list = perResult.get(key) ?? [];
    list.push(value);
    perResult.set(key, list);
    let m = byLabeller.get(l.labeller);
    if (!m) byLabeller.set(l.labeller, (m = new Map()));
    m.set(key, value);
  }
  const consensus = new Map<string, string | number | undefined>();
  for (const [key, values] of perResult) {
    consensus.set(key, kind === 'ordinal' ? roundedMedian(values as number[]) : majority(values as string[]));
  }
  return { consensus, byLabeller };
}

export function humanAgreement(truth: HumanTruth, kind: CalibrationKind, metric: string, scale: [number, number] | undefined): HumanAgreement | undefined {
  const labellers = [...truth.byLabeller.keys()].sort();
  const splits = [...truth.consensus.values()].filter((v) => v === undefined).length;
  if (labellers.length < 2) return undefined;
  const weights: KappaWeights = kind === 'ordinal' ? 'quadratic' : 'none';
  const categories = kind === 'ordinal' && scale ? levels(scale) : undefined;
  const pairs: HumanAgreement['pairs'] = [];
  for (let i = 0; i < labellers.length; i++) {
    for (let j = i + 1; j < labellers.length; j++) {
      const a = truth.byLabeller.get(labellers[i])!;
      const b = truth.byLabeller.get(labellers[j])!;
      const shared: [Label, Label][] = [];
      for (const [key, va] of a) {
        const vb = b.get(key);
        if (vb !== undefined) shared.push([va, vb]);
      }
      const k = shared.length ? safeKappa(shared, weights, categories) : undefined;
      pairs.push({
        a: labellers[i],
        b: labellers[j],
        n: shared.length,
        kappa: k?.kappa ?? null,
        agreement: shared.length ? shared.filter(([x, y]) => x === y).length / shared.length : null,
      });
    }
  }
  const units = [...truth.consensus.keys()].map((key) => labellers.map((l) => truth.byLabeller.get(l)!.get(key) ?? null));
  const alpha = krippendorffAlpha(units, { metric: kind === 'ordinal' ? 'interval' : 'nominal' });
  return { metric, kind, labellers, pairs, alpha: alpha?.alpha ?? null, splits };
}

export function levels([lo, hi]: [number, number]): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export function safeKappa(pairs: [Label, Label][], weights: KappaWeights, categories?: Label[]) {
  try {
    return cohensKappa({ pairs }, { weights, categories });
  } catch {
    return undefined; // a label outside the categories: no kappa
  }
}
