// The types of quality bars (gates.ts): a bar as written in the suite, and its figures and verdict on one
// variant. In a file of their own so that gates.ts, bar-compare.ts and bar-helpers.ts import them, not each other.
import type { Interval } from './interval.js';

/** A bar as written in the suite (`bars:`), field for field. */
export interface BarDefinition {
  metric?: string;
  min?: number;
  max?: number;
  max_rate?: number;
  severity?: 'normal' | 'critical';
  segment?: string;
  variant?: string;
  compare?: string;
  max_drop?: number;
  level?: number;
  description?: string;
}

export type BarKind = 'min' | 'max' | 'max_rate' | 'compare';
export type BarVerdict = 'met' | 'not_met' | 'inconclusive';

/** Why a bar has no figure: report/bar-text.ts says it in words. */
export type NoDataReason = {
  kind: 'no-data';
  cause:
    | 'no-values' // no case of the variant (in the segment) has the metric
    | 'no-judged-check' // no check of the bar's severity/metric was judged on the variant
    | 'no-paired-values' // compare: no case has the metric for both variants
    | 'compare-missing' // compare: the variant to compare with is not in the run
    | 'variant-missing' // the bar's variant is not in the run (or is the baseline), or no variant but the baseline
    | 'segment-empty'; // no case of the run has the bar's segment tag
};

/** What decided the verdict, beyond the figures. */
export type BarReason =
  | NoDataReason
  /** A level or compare bar; `downgraded`: met on the figures, but cases in scope errored, so not proven. */
  | { kind: 'evaluated'; downgraded: boolean }
  /**
   * A failure-rate bar. The bound counts errored cases as failures: `cases` and `failures` are the cases and
   * failures behind it; `cleanCasesNeeded`: cases with no failure that would prove the bar (exact).
   */
  | { kind: 'failure-rate'; cases: number; failures: number; cleanCasesNeeded: number | null };

/** A bar's figures and verdict on one variant; report/bar-text.ts adds the bar and the verdict in words. */
export interface BarFigures {
  /** Position of the bar in the suite's bars: list (0-based). */
  index: number;
  description: string | null;
  kind: BarKind;
  /** pass_rate, score or a check metric; null for a failure-rate bar over a severity only. */
  metric: string | null;
  severity: 'normal' | 'critical' | null;
  segment: string | null;
  variant: string;
  /** Compare bars: the variant compared against. */
  baseline: string | null;
  /** The bar's number: min, max, max_rate, or −max_drop for compare bars (on the variant − baseline difference). */
  threshold: number;
  /** One-sided confidence level. */
  level: number;
  verdict: BarVerdict;
  /** Point estimate: the rate, mean, or variant − baseline difference; null without data. */
  point: number | null;
  /** One-sided confidence bound ([low, high] with the uninformative side at the range end); null when none. */
  bound: Interval | null;
  /** Cases behind the figure. */
  n: number;
  /** Clusters behind the figure when cases are clustered (then the effective sample size). */
  clusters: number | null;
  /** Failure-rate bars: judged cases with a failure of the selected checks. */
  failures: number | null;
  /** Cases in scope with at least one errored result. */
  errored: number;
  /** Cases (or clusters) that would prove the bar; casesNeededBasis says under which assumption (exact, or 80% power). */
  casesNeeded: number | null;
  casesNeededBasis: CasesNeededBasis | null;
  /**
   * With a power figure in casesNeeded: the cases at which the bound would clear the bar if the observed value
   * (and spread) held exactly, a coin-flip chance rather than 80%. Null otherwise.
   */
  casesNeededIfObservedHolds: number | null;
  reason: BarReason;
}

/** The units of a "cases needed" figure: cases, or clusters when cases are clustered; paired for compare bars. */
export interface CasesNeededUnits {
  units: 'cases' | 'clusters';
  paired: boolean;
}

/**
 * What a bar's "cases needed" figure assumes, as a code and its numbers (report/bar-text.ts writes the note):
 * out-of-reach: the observed value is within rounding of the bar, no figure; every-one: exact, if every case
 * passes (fails, for a max bar); same-score: exact, if every case scores the same again; agree-again: exact, if
 * the variants agree on every case again; power: 80% power at the observed value (normal approximation), and at
 * the observed spread when `spread`; zero-failure: exact, 0 failures in n at the one-sided `level`;
 * errored-counted: exact, with `errored` errored cases counted as failures and no further failure;
 * errored-rerun: exact, no failure once the errored cases are rerun and pass.
 */
export type CasesNeededBasis =
  | { kind: 'out-of-reach' }
  | ({ kind: 'every-one'; outcome: 'passes' | 'fails' } & CasesNeededUnits)
  | ({ kind: 'same-score' | 'agree-again' | 'errored-rerun' } & CasesNeededUnits)
  | ({ kind: 'power'; spread: boolean } & CasesNeededUnits)
  | ({ kind: 'zero-failure'; level: number } & CasesNeededUnits)
  | ({ kind: 'errored-counted'; errored: number } & CasesNeededUnits);
