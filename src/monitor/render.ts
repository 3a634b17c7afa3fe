// The words of a monitor's evaluation: the evidence sentence of an alert, the terminal table of `monitor status`, and
// the Slack-compatible webhook body ({ text, blocks }). Figures come only from MonitorStatus (evaluate.ts); these
// functions word them. Segment tags, monitor and suite names come from production traffic or the suite file:
// untrusted, escaped for each format (report/escape.ts; Slack's own &, <, > escaping for the webhook).
import { escapeTerminal, formatInt, pct, stripControl } from '../report/index.js';
import type { MonitorAlert } from '../store/index.js';
import type { LanguageMixStatus, MetricStatus, MonitorStatus, PromptLengthStatus, StageAdvice } from './status-types.js';
import type { WindowMetric } from './window-figures.js';

const LABELS: Record<WindowMetric, string> = {
  pass_rate: 'pass rate',
  critical_rate: 'critical-failure rate',
  cost_per_call: 'cost per call',
  p95_latency: 'p95 latency',
  refusal_rate: 'refusal rate',
  output_length: 'output length',
  segment_mix: 'segment mix',
  prompt_length: 'prompt length',
  language_mix: 'language mix',
};

export function metricLabel(metric: WindowMetric): string {
  return LABELS[metric] ?? metric;
}

const RATES = new Set<WindowMetric>(['pass_rate', 'critical_rate', 'refusal_rate']);
const count = formatInt;

/** A figure in the metric's unit; "unknown" for null. `bare` leaves the unit off (the ends of an interval). */
export function formatFigure(metric: WindowMetric, value: number | null, bare = false): string {
  if (value === null) return 'unknown';
  if (RATES.has(metric)) return `${(value * 100).toFixed(1)}${bare ? '' : '%'}`;
  if (metric === 'cost_per_call') return `${bare ? '' : '$'}${value.toPrecision(3)}`;
  if (metric === 'p95_latency') return `${Math.round(value)}${bare ? '' : ' ms'}`;
  if (metric === 'output_length') return `${Math.round(value)}${bare ? '' : ' chars'}`;
  if (metric === 'prompt_length') return `${Math.round(value)}${bare ? '' : ' tokens'}`;
  return String(value);
}

const DETECTED: Record<MetricStatus['worse'], string> = { decrease: 'drop', increase: 'rise', change: 'change' };

type AnyStatus = MetricStatus | PromptLengthStatus | LanguageMixStatus;
type Evidence = Pick<AnyStatus, 'metric' | 'worse' | 'window' | 'baseline' | 'detector' | 'bar'> & {
  segments?: MetricStatus['segments'] | null;
  languages?: LanguageMixStatus['languages'] | null;
  unknown?: number;
};

/** "traffic in French rose from 3.0% to 21.0% of calls" (shares of the calls whose language is known). */
function languageMove(l: LanguageMixStatus['languages'][number]): string {
  const from = l.baselineShare === null ? 'an unknown share' : pct(l.baselineShare);
  const way = l.baselineShare !== null && l.share < l.baselineShare ? 'fell' : 'rose';
  return `traffic in ${l.name} ${way} from ${from} to ${pct(l.share)} of calls`;
}

/**
 * "pass rate 84.1% (95% CI 82.0–86.0) vs baseline 88.3%; drop detected on 2026-12-03 after 1,840 sampled calls;
 * false-alarm rate of this rule ≤ 1% per 30 days". Plain text: callers escape it for their format.
 */
export function evidenceSentence(m: Evidence): string {
  const parts: string[] = [];
  const w = m.window;
  if (m.metric === 'segment_mix') {
    const moved = (m.segments ?? []).filter((s) => s.moved);
    const shares = moved.map((s) => `${s.segment} ${pct(s.share)} of calls (baseline ${s.baselineShare === null ? 'unknown' : pct(s.baselineShare)})`);
    parts.push(`segment mix over ${count(w.n)} calls${shares.length ? `: ${shares.join(', ')}` : ''}`);
  } else if (m.metric === 'language_mix') {
    const moved = (m.languages ?? []).filter((l) => l.moved).map(languageMove);
    const unknown = m.unknown ? ` (${count(m.unknown)} more of unknown language)` : '';
    parts.push(`${moved.length ? `${moved.join(', ')}; ` : ''}language mix over ${count(w.n)} calls of known language${unknown}`);
  } else {
    const level = Math.round(w.level * 100);
    const ci = w.low !== null && w.high !== null ? ` (${level}% CI ${formatFigure(m.metric, w.low, true)}–${formatFigure(m.metric, w.high, true)})` : '';
    parts.push(`${metricLabel(m.metric)} ${formatFigure(m.metric, w.estimate)}${ci} vs baseline ${formatFigure(m.metric, m.baseline.value)}`);
  }
  if (m.bar && m.bar.passed === false) {
    const side = m.metric === 'pass_rate' ? 'below' : 'above';
    parts.push(`${Math.round(m.bar.level * 100)}% bound ${side} the bar ${formatFigure(m.metric, m.bar.value)}`);
  }
  const d = m.detector;
  if (d?.alarm) {
    parts.push(`${DETECTED[m.worse]} detected on ${d.alarm.at.slice(0, 10)} after ${count(d.alarm.afterSamples)} sampled calls`);
  }
  if (d) parts.push(`false-alarm rate of this rule ≤ ${pct(d.falseAlarmRate, 0)} per ${d.periodDays} days`);
  return parts.join('; ');
}

/** The stage advice in words (`monitor status` and the viewer's Monitor page). */
export function adviceLine(stage: StageAdvice): string {
  const reasons = stage.reasons.map((r) => {
    const verdict = r.passed === true ? 'met' : r.passed === false ? 'failed' : 'not proven';
    return `${metricLabel(r.metric)} bound ${formatFigure(r.metric, r.bound)} vs bar ${formatFigure(r.metric, r.bar)}: ${verdict}`;
  });
  const what =
    stage.advice === 'advance'
      ? `advance to ${stage.next}: the evidence clears its bars`
      : stage.advice === 'kill-switch'
        ? `kill switch: the ${stage.current} stage's bars fail`
        : stage.next
          ? `hold at ${stage.current}: the evidence does not yet clear the ${stage.next} bars`
          : `hold at ${stage.current} (the last stage)`;
  return `stage ${stage.current}: ${what}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

function row(m: AnyStatus): string[] {
  const w = m.window;
  const mix = m.metric === 'segment_mix' || m.metric === 'language_mix';
  const estimate = mix ? `${count(w.n)} calls` : formatFigure(m.metric, w.estimate);
  const ci = w.low !== null && w.high !== null ? `${formatFigure(m.metric, w.low, true)}–${formatFigure(m.metric, w.high, true)}` : '—';
  const alarm = m.detector?.alarm ? `${DETECTED[m.worse]} ${m.detector.alarm.at.slice(0, 10)}` : m.detector ? 'none' : '—';
  const bar = m.bar ? `${formatFigure(m.metric, m.bar.value)} ${m.bar.passed === true ? 'met' : m.bar.passed === false ? 'FAILED' : 'not proven'}` : '—';
  // A mix has no single baseline figure: its shares are listed below the table.
  const baseline = mix ? 'shares below' : formatFigure(m.metric, m.baseline.value);
  return [metricLabel(m.metric), estimate, ci, String(w.n), baseline, alarm, bar, m.state];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/** The terminal text of `monitor status` for one monitor. */
export function renderMonitorStatusText(status: MonitorStatus): string {
  const lines: string[] = [];
  const s = status.samples;
  const window = status.metrics[0]?.window ?? status.inputDrift[0]?.window;
  lines.push(`${escapeTerminal(status.suite)} · monitor ${escapeTerminal(status.monitor)} · evaluated ${status.evaluatedAt}`);
  if (window)
    lines.push(
      `window ${window.start} – ${window.end}: ${count(s.scored)} scored, ${count(s.unscored)} unscored, ${count(s.errors)} errors; ${count(s.queued)} queued`,
    );
  const baseline = status.metrics[0]?.baseline ?? status.inputDrift[0]?.baseline;
  if (baseline) lines.push(`baseline: ${escapeTerminal(baseline.source, 200)}`);
  const header = ['metric', 'window', '95% CI', 'n', 'baseline', 'detector', 'bar', 'state'];
  if (status.metrics.length) lines.push('', 'quality', ...table([header, ...status.metrics.map(row)]).map((l) => `  ${l}`));
  const input = [
    ...status.inputDrift.map(row),
    ...(status.promptLength ? [row(status.promptLength)] : []),
    ...(status.languageMix ? [row(status.languageMix)] : []),
  ];
  if (input.length) {
    lines.push('', 'input drift (the traffic, not the model)', ...table([header, ...input]).map((l) => `  ${l}`));
    for (const m of status.inputDrift) {
      for (const seg of m.segments ?? []) {
        const base = seg.baselineShare === null ? 'unknown' : pct(seg.baselineShare);
        lines.push(`    ${escapeTerminal(seg.segment, 60)}: ${pct(seg.share)} (baseline ${base})${seg.moved ? '  moved' : ''}`);
      }
    }
    const mix = status.languageMix;
    if (mix && (mix.languages.length || mix.unknown)) {
      lines.push(`    languages (of ${count(mix.window.n)} calls of known language; ${count(mix.unknown)} unknown):`);
      for (const l of mix.languages) {
        const base = l.baselineShare === null ? 'unknown' : pct(l.baselineShare);
        lines.push(`      ${escapeTerminal(`${l.name} (${l.language})`, 60)}: ${pct(l.share)} (baseline ${base})${l.moved ? '  moved' : ''}`);
      }
    }
  }
  if (status.stage) lines.push('', adviceLine(status.stage));
  lines.push('', status.openAlerts.length ? `open alerts (${status.openAlerts.length}):` : 'no open alerts');
  for (const alert of status.openAlerts)
    lines.push(`  ${metricLabel(alert.metric as WindowMetric)} since ${alert.openedAt}: ${escapeTerminal(alertSentence(alert), 400)}`);
  return `${lines.join('\n')}\n`;
}

/** The evidence sentence of a stored alert (its evidence holds the metric's status when it opened). */
export function alertSentence(alert: MonitorAlert): string {
  const e = alert.evidence as Partial<Evidence>;
  if (!e.window || !e.baseline || !e.worse) return `${alert.metric}: alert opened ${alert.openedAt}`;
  return evidenceSentence({
    metric: alert.metric as WindowMetric,
    worse: e.worse,
    window: e.window,
    baseline: e.baseline,
    detector: e.detector ?? null,
    bar: e.bar ?? null,
    segments: e.segments,
    languages: e.languages,
    unknown: e.unknown,
  });
}

/** Slack's mrkdwn escaping (&, <, >: no links, mentions or channel pings from production text), controls removed. */
export function escapeSlack(text: string): string {
  return stripControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface WebhookBody {
  text: string;
  blocks: { type: 'section' | 'context'; text?: { type: 'mrkdwn'; text: string }; elements?: { type: 'mrkdwn'; text: string }[] }[];
}

/** The Slack-compatible body of one new alert: `text` (the notification's fallback) and `blocks`. */
export function webhookBody(alert: MonitorAlert): WebhookBody {
  const title = `evalspec alert: ${metricLabel(alert.metric as WindowMetric)} of monitor ${alert.monitor} (suite ${alert.suite})`;
  const sentence = alertSentence(alert);
  const baseline = (alert.evidence as Partial<Evidence>).baseline?.source;
  return {
    text: escapeSlack(`${title}: ${sentence}`),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(title)}*\n${escapeSlack(sentence)}` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escapeSlack(`opened ${alert.openedAt}${baseline ? ` · baseline ${baseline}` : ''} · alert ${alert.id}`) }],
      },
    ],
  };
}
