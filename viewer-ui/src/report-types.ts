// The report sections this viewer renders in detail (bars, comparisons, segments, costs), typed loosely:
// every field is optional, so a report from an older or newer evalspec still renders (a missing figure
// shows as n/a). The full definitions live in src/stats (gates.ts, run-analysis.ts) and src/report.
import type { Interval } from './api';

export interface BarLike {
  index?: number;
  text?: string;
  description?: string | null;
  kind?: string;
  metric?: string | null;
  severity?: string | null;
  segment?: string | null;
  variant?: string;
  baseline?: string | null;
  threshold?: number;
  level?: number;
  verdict?: string;
  point?: number | null;
  bound?: Interval | null;
  n?: number;
  errored?: number;
  casesNeeded?: number | null;
  casesNeededNote?: string | null;
  explanation?: string;
}

export interface ComparisonLike {
  baseline?: string;
  variant?: string;
  n?: number;
  baselinePassRate?: number | null;
  variantPassRate?: number | null;
  difference?: number | null;
  interval?: Interval | null;
  test?: string;
  pValue?: number | null;
  pValueHolm?: number | null;
  detected?: boolean;
  minimumDetectableDifference?: number | null;
  mcnemar?: { onlyBaselinePassed: number; onlyVariantPassed: number; pValue: number } | null;
  sentence?: string;
}

export interface SegmentLike {
  tag?: string;
  cases?: number;
  variants?: { id: string; cases: number; passRate: number | null; passRateCi: Interval | null; warning?: string | null }[];
}

export interface CostVariantLike {
  variant?: string;
  cases?: number;
  quality?: number | null;
  qualityCi?: Interval | null;
  costPerCase?: number | null;
  costPerCaseCi?: Interval | null;
  costPerPass?: number | null;
  judgeCostPerCase?: number | null;
  latencyMs?: { p50?: number | null; p95?: number | null; p99?: number | null };
}

export interface CostsLike {
  basis?: string;
  variants?: CostVariantLike[];
}

export const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
