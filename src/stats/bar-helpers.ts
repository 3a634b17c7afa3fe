// Shared pieces of bar evaluation (gates.ts, bar-compare.ts): the kind of a bar, the verdict rule, the units
// of "cases needed" figures, and the figures skeleton of a bar. The words are in report/bar-text.ts.
import type { ClusterId } from './means.js';
import { isNegligible } from './descriptive.js';
import { caseAt, clusterKey, type RunOutcomes } from './outcomes.js';
import type { Interval } from './interval.js';
import type { BarDefinition, BarFigures, BarKind, BarReason, BarVerdict, CasesNeededBasis, CasesNeededUnits, NoDataReason } from './bar-types.js';

export function barKind(bar: BarDefinition): BarKind {
  if (bar.compare !== undefined) return 'compare';
  if (bar.max_rate !== undefined) return 'max_rate';
  if (bar.min !== undefined) return 'min';
  return 'max';
}

export interface Scope {
  indices: number[];
  clustered: boolean;
}

export function clusterIds(outcomes: RunOutcomes, indices: readonly number[], clustered: boolean): ClusterId[] | undefined {
  return clustered ? indices.map((i) => clusterKey(caseAt(outcomes.cases, i))) : undefined;
}

export function distinct(ids: readonly ClusterId[] | undefined): number | null {
  return ids ? new Set(ids).size : null;
}

/**
 * The verdict from the point and the bound. A point within rounding of the bar (a mean of 0.8s that came out
 * 0.7999999999999999) counts as on the bar, so it is inconclusive, never not met for a last-digit reason;
 * the bound gets no such allowance.
 */
export function verdictFor(point: number, bound: number | undefined, clears: (x: number) => boolean, threshold: number, scale: number): BarVerdict {
  if (!clears(point) && !isNegligible(point - threshold, scale)) return 'not_met';
  return bound !== undefined && clears(bound) ? 'met' : 'inconclusive';
}

export function base(
  bar: BarDefinition,
  index: number,
  variant: string,
  level: number,
): Pick<BarFigures, 'index' | 'description' | 'kind' | 'metric' | 'severity' | 'segment' | 'variant' | 'threshold' | 'level'> {
  const kind = barKind(bar);
  return {
    index,
    description: bar.description ?? null,
    kind,
    metric: kind === 'max_rate' ? (bar.metric ?? null) : (bar.metric ?? 'pass_rate'),
    severity: bar.severity ?? null,
    segment: bar.segment ?? null,
    variant,
    threshold: kind === 'compare' ? -(bar.max_drop ?? 0) : kind === 'max_rate' ? bar.max_rate! : kind === 'min' ? bar.min! : bar.max!,
    level,
  };
}

export function noData(partial: ReturnType<typeof base>, reason: NoDataReason, baseline: string | null = null): BarFigures {
  return {
    ...partial,
    baseline,
    verdict: 'not_met',
    point: null,
    bound: null,
    n: 0,
    clusters: null,
    failures: null,
    errored: 0,
    casesNeeded: null,
    casesNeededBasis: null,
    casesNeededIfObservedHolds: null,
    reason,
  };
}

export function unitsOf(clustered: boolean, paired = false): CasesNeededUnits {
  return { units: clustered ? 'clusters' : 'cases', paired };
}

/** What a bar with data found, as its figures carry it (bound: undefined when none could be computed). */
export interface Found {
  baseline: string | null;
  verdict: BarVerdict;
  point: number;
  bound: Interval | undefined;
  n: number;
  clusters: number | null;
  failures: number | null;
  errored: number;
}

/** The cases that would prove a bar (all null when no figure applies); see BarFigures. */
export interface CasesNeeded {
  casesNeeded: number | null;
  casesNeededBasis: CasesNeededBasis | null;
  casesNeededIfObservedHolds: number | null;
}

/** The figures of a bar that had data: one literal for every kind, so they keep one field order. */
export function evaluatedFigures(partial: ReturnType<typeof base>, found: Found, needed: CasesNeeded, reason: BarReason): BarFigures {
  return {
    ...partial,
    baseline: found.baseline,
    verdict: found.verdict,
    point: found.point,
    bound: found.bound ?? null,
    n: found.n,
    clusters: found.clusters,
    failures: found.failures,
    errored: found.errored,
    casesNeeded: needed.casesNeeded,
    casesNeededBasis: needed.casesNeededBasis,
    casesNeededIfObservedHolds: needed.casesNeededIfObservedHolds,
    reason,
  };
}
