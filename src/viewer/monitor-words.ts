// The Monitor page's sentences, made on the server from the evaluation's figures (the front end shows them as
// given, it words nothing): the status line and one evidence sentence per metric, in the issue's form
// "pass rate 84.1% (95% CI 82.0–86.0) vs baseline 88.3%; drop detected on 2026-12-03 after 1,840 sampled calls;
// false-alarm rate of this rule ≤ 1% per 30 days".
import type { MetricStatus, MonitorStatus } from '../monitor/index.js';

const RATES = new Set(['pass_rate', 'critical_rate', 'refusal_rate', 'segment_mix']);
const NAMES: Record<string, string> = {
  pass_rate: 'pass rate',
  critical_rate: 'critical-failure rate',
  cost_per_call: 'cost per call',
  p95_latency: 'p95 latency',
  refusal_rate: 'refusal rate',
  output_length: 'output length',
  segment_mix: 'segment mix',
};

const count = (n: number) => n.toLocaleString('en-US');

function value(metric: string, x: number | null): string {
  if (x === null) return 'n/a';
  if (RATES.has(metric)) return `${(x * 100).toFixed(1)}%`;
  if (metric === 'cost_per_call') return `$${x.toPrecision(3)}`;
  if (metric === 'p95_latency') return `${Math.round(x)} ms`;
  if (metric === 'output_length') return `${count(Math.round(x))} chars`;
  return String(x);
}

/** The interval's bounds in the metric's unit (rates in points, without the % sign, as the issue writes them). */
function bounds(metric: string, low: number, high: number): string {
  if (RATES.has(metric)) return `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}`;
  return `${value(metric, low)}–${value(metric, high)}`;
}

export function metricSentence(s: MetricStatus): string {
  const name = NAMES[s.metric] ?? s.metric;
  const w = s.window;
  const parts: string[] = [];
  if (s.metric === 'segment_mix' && s.segments) {
    const moved = s.segments.filter((g) => g.moved);
    parts.push(
      moved.length
        ? `segment mix changed: ${moved.map((g) => `${g.segment} ${value('segment_mix', g.share)} (was ${value('segment_mix', g.baselineShare)})`).join(', ')}`
        : 'segment mix',
    );
  } else {
    const ci =
      w.low !== null && w.high !== null ? ` (${Math.round(w.level * 100)}% CI ${bounds(s.metric, w.low, w.high)}${w.method ? `, ${w.method}` : ''})` : '';
    parts.push(`${name} ${value(s.metric, w.estimate)}${ci} over ${count(w.n)} sampled calls`);
  }
  parts[0] += s.baseline.value === null ? `; no baseline (${s.baseline.source})` : ` vs baseline ${value(s.metric, s.baseline.value)} (${s.baseline.source})`;
  if (s.detector?.alarm) {
    const change = s.worse === 'decrease' ? 'drop' : s.worse === 'increase' ? 'rise' : 'change';
    parts.push(`${change} detected on ${s.detector.alarm.at.slice(0, 10)} after ${count(s.detector.alarm.afterSamples)} sampled calls`);
  }
  if (s.bar) {
    const side = s.metric === 'critical_rate' ? 'upper' : 'lower';
    const verdict = s.bar.passed === null ? 'too few samples to tell' : s.bar.passed ? 'clears' : 'misses';
    parts.push(`bar ${value(s.metric, s.bar.value)}: ${side} bound ${value(s.metric, s.bar.bound)}, ${verdict}`);
  }
  if (s.detector) parts.push(`false-alarm rate of this rule ≤ ${+(s.detector.falseAlarmRate * 100).toPrecision(3)}% per ${s.detector.periodDays} days`);
  if (s.state === 'insufficient-data') parts.push('too few samples for an alert yet');
  return parts.join('; ');
}

export function monitorWords(status: MonitorStatus): { statusLine: string; metrics: Record<string, string> } {
  const all = [...status.metrics, ...status.inputDrift];
  const alerting = all.filter((m) => m.state === 'alert').map((m) => NAMES[m.metric] ?? m.metric);
  const head = alerting.length
    ? `ALERT: ${alerting.join(', ')}`
    : all.some((m) => m.state === 'insufficient-data')
      ? 'collecting: too few samples on some metrics'
      : 'ok';
  const samples = `${count(status.samples.scored)} scored, ${count(status.samples.unscored)} unscored, ${count(status.samples.errors)} errors, ${count(status.samples.queued)} queued`;
  const stage = status.stage?.advice
    ? `; stage ${status.stage.current ?? 'none'}: ${status.stage.advice}${status.stage.next && status.stage.advice === 'advance' ? ` to ${status.stage.next}` : ''}`
    : '';
  return {
    statusLine: `${status.monitor}: ${head} (${samples}, evaluated ${status.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC)${stage}`,
    metrics: Object.fromEntries(all.map((m) => [m.metric, metricSentence(m)])),
  };
}
