// Words and number formats of the Experiment page: an effect on a share (proportion, ratio) in points, on a mean in
// the metric's own unit; relative lifts in percent. The figures are the server's scorecard: nothing is estimated here.
import type { EffectEstimate, EffectNote, MetricType, Scorecard } from './api';

const sig = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

/** An absolute effect: "+2.1 pts" on shares, "−12.3" on means. */
export function effectValue(type: MetricType, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const sign = x > 0 ? '+' : x < 0 ? '−' : '';
  return type === 'mean' ? `${sign}${sig(Math.abs(x))}` : `${sign}${(Math.abs(x) * 100).toFixed(1)} pts`;
}

/** A metric's level: a share in percent, a mean as is. */
export function levelValue(type: MetricType, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return type === 'mean' ? sig(x) : `${(x * 100).toFixed(1)}%`;
}

export function intervalText(type: MetricType, e: EffectEstimate | null | undefined): string {
  return e ? `${effectValue(type, e.low)} to ${effectValue(type, e.high)}` : 'n/a';
}

export function relativeText(e: EffectEstimate | null | undefined): string {
  if (!e) return 'n/a';
  const f = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${(Math.abs(x) * 100).toFixed(1)}%`;
  return `${f(e.estimate)} (${f(e.low)} to ${f(e.high)})`;
}

export const VERDICT_TEXT: Record<Scorecard['verdict'], string> = {
  blocked: 'BLOCKED: sample ratio mismatch',
  'guardrail-failed': 'guardrail not met',
  ship: 'ship: primary metric better, guardrails met',
  'no-ship': 'do not ship: primary metric worse',
  inconclusive: 'inconclusive',
};

export function verdictClass(verdict: Scorecard['verdict'] | null): string {
  return verdict === 'ship' ? 'badge-pass' : verdict === 'blocked' || verdict === 'guardrail-failed' || verdict === 'no-ship' ? 'badge-fail' : '';
}

/** Why an effect is missing, for people (the scorecard sends the code). */
export const NOTE_TEXT: Record<EffectNote, string> = {
  'too-few-units': 'an arm has fewer than 2 users',
  'zero-variance': 'no spread in either arm: no interval can be computed',
  'control-mean-zero': 'the control mean is 0: no relative lift',
  'zero-denominator': 'the denominator sums to 0 in an arm',
};
