// Quality bars in words: the bar itself ("pass rate ≥ 85%") and why its verdict ("… clears 85%, but the
// one-sided 95% lower bound is 78.1% (wilson), which does not: not proven. About 120 cases would …"). stats/
// (gates.ts) decides the verdict and returns figures and a structured reason; this file writes the sentences
// of the JSON report's bars[].text and bars[].explanation (formatVersion 1) and every format renders those.
import {
  barKind,
  boundValue,
  evaluateBars,
  type BarDefinition,
  type BarFigures,
  type CasesNeededBasis,
  type GateOptions,
  type Interval,
  type NoDataReason,
  type RunOutcomes,
} from '../stats/index.js';
import { pct, plural, upperPct } from './format.js';

/** A bar's figures on one variant with the bar and the verdict in words: an entry of the JSON report's `bars`. */
export interface BarResult extends Omit<BarFigures, 'reason' | 'casesNeededBasis'> {
  /** What casesNeeded assumes, in words (casesNeededNote below); null when there is no figure to qualify. */
  casesNeededNote: string | null;
  /** The bar in words, e.g. "pass rate ≥ 85%", "critical failure rate ≤ 1%". */
  text: string;
  /** One or two sentences: the figures and why the verdict. */
  explanation: string;
}

const shortPct = (x: number) => `${Number((x * 100).toFixed(3))}%`;
const points = (x: number) => `${Number((Math.abs(x) * 100).toFixed(1))} point${Number((Math.abs(x) * 100).toFixed(1)) === 1 ? '' : 's'}`;
const plainNumber = (x: number) => String(Number(x.toPrecision(4)));
const count = (n: number) => n.toLocaleString('en-US');

function metricName(metric: string): string {
  if (metric === 'pass_rate') return 'pass rate';
  if (metric === 'score') return 'mean score';
  return `mean ${metric}`;
}

/** Rates and bounded scores print as percentages; check metrics as plain numbers. */
function valueText(metric: string | null, x: number): string {
  if (metric === null || metric === 'pass_rate') return pct(x);
  return plainNumber(x);
}

function thresholdText(metric: string | null, x: number): string {
  if (metric === null || metric === 'pass_rate') return shortPct(x);
  return plainNumber(x);
}

function failureName(bar: { metric?: string | null; severity?: string | null }): string {
  if (bar.metric && bar.severity) return `${bar.severity} ${bar.metric} failure rate`;
  if (bar.metric) return `${bar.metric} failure rate`;
  return `${bar.severity} failure rate`;
}

/** The bar in words, without the variant. */
export function barText(bar: BarDefinition, baselineId?: string): string {
  const kind = barKind(bar);
  let text: string;
  if (kind === 'compare') {
    const metric = bar.metric ?? 'pass_rate';
    const drop = metric === 'pass_rate' ? points(bar.max_drop ?? 0) : plainNumber(bar.max_drop ?? 0);
    const against = bar.compare === 'baseline' ? `the baseline${baselineId ? ` (${baselineId})` : ''}` : bar.compare;
    text = `${metricName(metric)} at most ${drop} below ${against}`;
  } else if (kind === 'max_rate') {
    text = `${failureName(bar)} ≤ ${shortPct(bar.max_rate!)}`;
  } else {
    const metric = bar.metric ?? 'pass_rate';
    text = `${metricName(metric)} ${kind === 'min' ? '≥' : '≤'} ${thresholdText(metric, kind === 'min' ? bar.min! : bar.max!)}`;
  }
  if (bar.segment) text += ` in ${bar.segment}`;
  return text;
}

function boundText(bound: Interval | null, side: 'lower' | 'upper', metric: string | null): string {
  if (!bound) return 'no confidence bound (too little data or no spread)';
  const value = boundValue(bound, side);
  const unit = metric === 'pass_rate' || metric === null ? valueText(metric, value) : plainNumber(value);
  return `the one-sided ${Number((bound.level * 100).toFixed(1))}% ${side} bound is ${unit} (${bound.method.replace(/-one-sided$/, '')})`;
}

const NORMAL_NOTE = 'for an 80% chance of proving it if the true value is the observed one (normal approximation)';

/** The condition under which an exact "cases needed" figure holds, when it is one: "if every one passes". */
function exactCondition(basis: CasesNeededBasis | null): string | null {
  if (basis?.kind === 'every-one') return `if every one ${basis.outcome}`;
  if (basis?.kind === 'same-score') return 'if every one scores the same again';
  if (basis?.kind === 'agree-again') return 'if the variants agree on every one again';
  return null;
}

/** What a "cases needed" figure assumes, in words: the JSON report's bars[].casesNeededNote. */
export function casesNeededNote(basis: CasesNeededBasis | null): string | null {
  if (basis === null) return null;
  if (basis.kind === 'out-of-reach') return 'the observed value is within rounding of the bar: no practical number of cases proves it';
  const units = `${basis.paired ? 'paired ' : ''}${basis.units}`;
  switch (basis.kind) {
    case 'every-one':
    case 'same-score':
    case 'agree-again':
      return `${units} needed ${exactCondition(basis)} (exact)`;
    case 'power':
      return `${units} needed ${NORMAL_NOTE}${basis.spread ? ' and spread' : ''}`;
    case 'zero-failure':
      return `${units} with no failure needed to prove it (exact: 0 failures in n gives 1 − ${Number((1 - basis.level).toFixed(4))}^(1/n))`;
    case 'errored-counted':
      return `${units} needed with the ${basis.errored} errored counted as failures and no further failure (exact); or rerun the errored cases`;
    case 'errored-rerun':
      return `${units} with no failure needed once the errored cases are rerun and pass (exact)`;
  }
}

/**
 * The "cases needed" sentence: a power figure says it is one (80% chance, normal approximation) and adds the
 * figure if the observed value held exactly; an exact figure says under which condition it holds.
 */
function casesNeededSentence(casesNeeded: number | null, basis: CasesNeededBasis | null, ifHolds: number | null, units: string, what: string): string {
  if (basis?.kind === 'out-of-reach') return ` The observed ${what} is within rounding of the bar: no practical number of ${units} proves it.`;
  if (casesNeeded === null) return '';
  if (basis?.kind === 'power') {
    const exactly = ifHolds === null ? '' : `; ${count(ifHolds)} ${units} if the observed ${what} holds exactly`;
    return ` About ${count(casesNeeded)} ${units} would give an 80% chance of proving it if the true ${what} is the observed one${exactly}.`;
  }
  const condition = exactCondition(basis);
  return ` ${count(casesNeeded)} ${units} would prove it${condition ? ` ${condition}` : ''}.`;
}

function noDataWhy(f: BarFigures, bar: BarDefinition, reason: NoDataReason): string {
  const inSegment = f.segment ? ` in ${f.segment}` : '';
  switch (reason.cause) {
    case 'no-values':
      return `no case of ${f.variant}${inSegment} has a ${metricName(f.metric ?? 'pass_rate')}`;
    case 'no-judged-check':
      return `no ${f.severity ?? ''}${f.severity && f.metric ? ' ' : ''}${f.metric ?? ''} check was judged on ${f.variant}${inSegment}`;
    case 'no-paired-values':
      return `no case has a ${metricName(f.metric ?? 'pass_rate')} for both ${f.variant} and ${f.baseline}`;
    case 'compare-missing':
      return `the variant to compare with (${bar.compare === 'baseline' ? 'the baseline' : bar.compare}) is not in this run`;
    case 'variant-missing':
      return bar.variant
        ? `variant "${bar.variant}" is not in this run${f.kind === 'compare' ? ' (or is the baseline itself)' : ''}`
        : 'the run has no variant to compare with the baseline';
    case 'segment-empty':
      return `no case of this run is tagged ${f.segment}`;
  }
}

function levelExplanation(f: BarFigures, downgraded: boolean): string {
  const metric = f.metric ?? 'pass_rate';
  const side = f.kind === 'min' ? 'lower' : 'upper';
  const units = f.clusters !== null ? 'clusters' : 'cases';
  const what = `${metricName(metric)} ${valueText(metric, f.point!)} over ${plural(f.n, 'case')}${f.clusters !== null ? ` in ${f.clusters} clusters` : ''}`;
  const bound = boundText(f.bound, side, metric);
  let text: string;
  if (f.verdict === 'not_met') text = `${what} is ${f.kind === 'min' ? 'below' : 'above'} the bar ${thresholdText(metric, f.threshold)}.`;
  else if (f.verdict === 'met') text = `${what}; ${bound}, which clears ${thresholdText(metric, f.threshold)}.`;
  else if (downgraded) text = `${what}; ${bound}, but ${plural(f.errored, 'case')} in scope errored (no output to judge): not proven.`;
  else
    text = `${what} clears ${thresholdText(metric, f.threshold)}, but ${bound}, which does not: not proven.${casesNeededSentence(f.casesNeeded, f.casesNeededBasis, f.casesNeededIfObservedHolds, units, metricName(metric))}`;
  if (f.errored > 0 && metric === 'pass_rate') text += ` ${plural(f.errored, 'errored case')} counted as not passed.`;
  return text;
}

function rateExplanation(f: BarFigures, evidence: { cases: number; failures: number; cleanCasesNeeded: number | null }): string {
  const maxRate = f.threshold;
  const failures = f.failures ?? 0;
  const units = f.clusters !== null ? 'clusters' : 'cases';
  const unitCount = f.clusters ?? evidence.cases;
  const erroredCounted = evidence.failures - failures;
  const name = failureName(f);
  const what = `${failures} of ${plural(f.n, 'case')} failed (${name} ${pct(f.point!)})${f.clusters !== null ? `, ${f.clusters} clusters` : ''}`;
  const bound = f.bound
    ? `the ${f.bound.method.startsWith('clopper-pearson') ? 'exact ' : ''}one-sided ${Number((f.level * 100).toFixed(1))}% upper bound${f.errored ? ` counting ${plural(f.errored, 'errored case')} as failures` : ''} is ${upperPct(f.bound.high, 2)} (${f.bound.method.replace(/-one-sided$/, '')})`
    : 'no confidence bound';
  let text: string;
  if (f.verdict === 'not_met') return `${what}, above the bar ${shortPct(maxRate)}.`;
  if (f.verdict === 'met') text = `${what}; ${bound}, within ${shortPct(maxRate)}.`;
  else text = `${what}; ${bound} > ${shortPct(maxRate)}: not proven.`;
  const thisRun = ` (this run has ${count(unitCount)})`;
  if (evidence.failures === 0 && f.casesNeeded !== null) {
    text += ` 0 failures in ${count(f.casesNeeded)} ${units} would prove ≤ ${shortPct(maxRate)}${f.verdict === 'met' ? '' : thisRun}.`;
  } else if (failures === 0 && f.verdict !== 'met') {
    const clean = evidence.cleanCasesNeeded;
    const rerun =
      clean === null
        ? ''
        : clean <= unitCount
          ? ` Or rerun the errored cases (evalspec run --resume): if they pass, these ${count(unitCount)} ${units} prove it.`
          : ` Or rerun the errored cases (evalspec run --resume): if they pass, 0 failures in ${count(clean)} ${units} prove it.`;
    text +=
      f.clusters === null && f.casesNeeded !== null
        ? ` With the ${plural(erroredCounted, 'errored case')} counted as failures, about ${count(f.casesNeeded)} ${units} with no further failure would prove ≤ ${shortPct(maxRate)}${thisRun}.${rerun}`
        : rerun;
  } else if (f.casesNeeded !== null) {
    text += casesNeededSentence(f.casesNeeded, f.casesNeededBasis, f.casesNeededIfObservedHolds, units, name);
  }
  return text;
}

function compareExplanation(f: BarFigures, downgraded: boolean): string {
  const metric = f.metric ?? 'pass_rate';
  const maxDrop = -f.threshold;
  const units = f.clusters !== null ? 'clusters' : 'cases';
  const fmt = (x: number) => (metric === 'pass_rate' ? points(x) : plainNumber(Math.abs(x)));
  const point = f.point!;
  const what = `${f.variant} is ${fmt(point)} ${point >= 0 ? 'above' : 'below'} ${f.baseline} on ${metricName(metric)} over ${plural(f.n, 'paired case')}${f.clusters !== null ? ` in ${f.clusters} clusters` : ''}`;
  const bound = f.bound
    ? `the one-sided ${Number((f.level * 100).toFixed(1))}% lower bound of the difference is ${f.bound.low < 0 ? '−' : ''}${fmt(f.bound.low)} (${f.bound.method.replace(/-one-sided$/, '')})`
    : 'there is no confidence bound for the difference';
  if (f.verdict === 'not_met') return `${what}: more than the allowed drop of ${fmt(maxDrop)}.`;
  if (f.verdict === 'met') return `${what}; ${bound}, within the allowed drop of ${fmt(maxDrop)}.`;
  if (downgraded) return `${what}; ${bound}, but ${plural(f.errored, 'case')} errored (no output to judge): not proven.`;
  return `${what}; ${bound}, beyond the allowed drop of ${fmt(maxDrop)}: not proven.${casesNeededSentence(f.casesNeeded, f.casesNeededBasis, f.casesNeededIfObservedHolds, `paired ${units}`, 'difference')}`;
}

/** One or two sentences: the figures and why the verdict. */
export function explainBar(f: BarFigures, bar: BarDefinition): string {
  const reason = f.reason;
  if (reason.kind === 'no-data') return `${noDataWhy(f, bar, reason)}: the bar cannot be shown.`;
  if (reason.kind === 'failure-rate') return rateExplanation(f, reason);
  if (f.kind === 'compare') return compareExplanation(f, reason.downgraded);
  return levelExplanation(f, reason.downgraded);
}

/** The bars' figures in words, each in the JSON report's key order (what, verdict, figures, why). */
export function describeBars(figures: readonly BarFigures[], bars: readonly BarDefinition[]): BarResult[] {
  return figures.map((f) => {
    const bar = bars[f.index];
    return {
      index: f.index,
      text: barText(bar, f.baseline ?? undefined),
      description: f.description,
      kind: f.kind,
      metric: f.metric,
      severity: f.severity,
      segment: f.segment,
      variant: f.variant,
      baseline: f.baseline,
      threshold: f.threshold,
      level: f.level,
      verdict: f.verdict,
      point: f.point,
      bound: f.bound,
      n: f.n,
      clusters: f.clusters,
      failures: f.failures,
      errored: f.errored,
      casesNeeded: f.casesNeeded,
      casesNeededNote: casesNeededNote(f.casesNeededBasis),
      casesNeededIfObservedHolds: f.casesNeededIfObservedHolds,
      explanation: explainBar(f, bar),
    };
  });
}

/** Evaluate the bars (stats/) and put them in words: what the run report's `bars` holds. */
export function barResults(outcomes: RunOutcomes, bars: readonly BarDefinition[], options: GateOptions = {}): BarResult[] {
  return describeBars(evaluateBars(outcomes, bars, options), bars);
}
