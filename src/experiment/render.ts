// The words of a scorecard: the terminal scorecard and the Markdown report. Figures come only from the Scorecard
// (analyze.ts); these functions word them. Arm, metric and segment names come from the user's files and data:
// untrusted, escaped for each format (report/escape.ts).
import { escapeMarkdownInline, escapeTerminal, textTable } from '../report/index.js';
import type { ArmComparison, ArmEffect, EffectEstimate, GuardrailResult, MetricResult, Scorecard } from './scorecard-types.js';

type Escape = (text: string) => string;

const NOTES: Record<string, string> = {
  'too-few-units': 'an arm has fewer than 2 units',
  'zero-variance': 'every unit has the same value: no interval',
  'control-mean-zero': 'control mean is 0: no relative lift',
  'zero-denominator': 'a denominator sums to 0',
};

/** A figure in the metric's unit: proportions in percent, others with 4 significant digits. */
function figure(value: number | null, type: string, points = false): string {
  if (value === null || !Number.isFinite(value)) return 'unknown';
  if (type === 'proportion') return `${(value * 100).toFixed(2)}${points ? ' pts' : '%'}`;
  return Number(value.toPrecision(4)).toString();
}

function signed(value: number, type: string): string {
  return `${value >= 0 ? '+' : ''}${figure(value, type, true)}`;
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
}

export function formatP(p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'unknown';
  if (p < 1e-4) return p.toExponential(0);
  return p.toPrecision(2);
}

function interval(e: EffectEstimate | null, type: string, relative = false): string {
  if (!e) return 'unknown';
  const f = (v: number) => (relative ? percent(v) : signed(v, type));
  return `${f(e.estimate)} [${f(e.low)}, ${f(e.high)}]`;
}

function noteOf(effect: ArmEffect): string {
  return effect.note ? (NOTES[effect.note] ?? effect.note) : '';
}

function comparisonRow(metric: string, type: string, c: ArmComparison, esc: Escape, extra: string[] = []): string[] {
  const deciding = c.deciding === 'sequential' ? c.sequential?.absolute : c.effect.absolute;
  const relative = c.deciding === 'sequential' ? c.sequential?.relative : c.effect.relative;
  return [
    esc(metric),
    `${esc(c.arm)} vs ${esc(c.control)}`,
    deciding ? interval(deciding, type) : `unknown (${noteOf(c.effect)})`,
    c.deciding === 'sequential' ? interval(c.effect.absolute, type) : '',
    c.cuped ? interval(c.raw.absolute, type) : '',
    interval(relative ?? null, type, true),
    formatP(c.adjustedP),
    ...extra,
    c.conclusion === 'blocked' ? 'do not read (SRM)' : (c.conclusion ?? 'unknown'),
  ];
}

const METRIC_HEADER = ['metric', 'arm', 'effect [deciding interval]', 'fixed-horizon', 'raw (no CUPED, fixed)', 'relative lift', 'adj. p', 'reading'];

function metricRows(metrics: MetricResult[], esc: Escape): string[][] {
  return metrics.flatMap((m) => m.comparisons.map((c) => comparisonRow(m.id, m.type, c, esc)));
}

function guardrailRows(guardrails: GuardrailResult[], esc: Escape): string[][] {
  return guardrails.flatMap((g) =>
    g.comparisons.map((c) => {
      const row = comparisonRow(g.metric, g.type, c, esc);
      const limit = g.relative ? `${(g.maxWorse * 100).toFixed(1)}%` : String(g.maxWorse);
      return [row[0], row[1], row[2], row[5], `not worse by > ${limit}`, c.verdict ?? 'unknown'];
    }),
  );
}

const GUARDRAIL_HEADER = ['guardrail', 'arm', 'effect [one-sided bounds]', 'relative', 'limit', 'verdict'];

function segmentLines(metrics: MetricResult[], esc: Escape): string[][] {
  return metrics.flatMap((m) =>
    m.segments.flatMap((s) =>
      s.comparisons.map((c) => {
        const row = comparisonRow(m.id, m.type, c, esc);
        return [row[0], esc(s.segment), row[1], s.units.join(' / '), row[2], s.tooSmall ? 'too small to judge' : row[row.length - 1]];
      }),
    ),
  );
}

const SEGMENT_HEADER = ['metric', 'segment', 'arm', 'units', 'effect [interval]', 'reading'];

function noveltyLines(metrics: MetricResult[], esc: Escape): string[] {
  return metrics.flatMap((m) =>
    m.novelty.map((n) => {
      const d = n.difference;
      const first = interval(n.early.absolute, m.type);
      const later = interval(n.late.absolute, m.type);
      const verdict = n.detected ? 'novelty effect: the early effect is larger and fades' : n.detected === false ? 'no novelty effect detected' : 'unknown';
      return `${esc(m.id)} ${esc(n.arm)}: first ${n.days} days ${first}; later ${later}; difference p = ${formatP(d?.p ?? null)} → ${verdict}`;
    }),
  );
}

function qualityLines(scorecard: Scorecard, esc: Escape): string[] {
  const dq = scorecard.dataQuality;
  const lines = [`rows read: exposures ${dq.exposureRows}, outcomes ${dq.outcomeRows}, pre-period ${dq.preRows}`];
  for (const issue of dq.issues) {
    lines.push(`${issue.kind}: ${issue.count} ${issue.unit}, ${issue.action}; fix: ${issue.hint}`);
    for (const ex of issue.examples) lines.push(`    ${esc(ex.file)}${ex.row === null ? '' : `:${ex.row}`}: ${esc(ex.detail)}`);
  }
  return lines;
}

function headerLines(s: Scorecard, esc: Escape): string[] {
  const arms = s.arms.map((a, i) => `${esc(a.id)} ${a.units} units (planned ${(s.srm.plannedShares[i] * 100).toFixed(1)}%)`).join(', ');
  const seq = s.analysis.sequential ? `sequential (always-valid, mixture tuning ${s.analysis.tuning}) intervals decide` : 'fixed-horizon intervals decide';
  return [
    `period ${s.period.start?.slice(0, 10) ?? 'unknown'} to ${s.period.end?.slice(0, 10) ?? 'unknown'} (${s.period.days ?? 'unknown'} days); ${arms}`,
    `${(s.analysis.level * 100).toFixed(0)}% intervals; ${seq}; p-values adjusted by ${s.analysis.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg'} across metrics × arms`,
    s.srm.fired
      ? `SAMPLE RATIO MISMATCH: ${s.srm.message}`
      : `sample ratio: ${s.srm.counts.join(' / ')} units, chi-square p = ${formatP(s.srm.p)} (no mismatch)`,
  ];
}

const VERDICT_WORDS: Record<Scorecard['verdict'], string> = {
  blocked: 'BLOCKED: do not read the effects',
  'guardrail-failed': 'GUARDRAIL NOT MET',
  ship: 'treatment is better',
  'no-ship': 'treatment is worse',
  inconclusive: 'inconclusive',
};

export function renderScorecardText(s: Scorecard): string {
  const esc: Escape = (t) => escapeTerminal(t);
  const out = [`experiment ${esc(s.name)}: ${VERDICT_WORDS[s.verdict]}`, ...s.messages.map((m) => `  ${esc(m)}`), '', ...headerLines(s, esc), ''];
  out.push(textTable(METRIC_HEADER, metricRows(s.metrics, esc)), '');
  if (s.guardrails.length) out.push(textTable(GUARDRAIL_HEADER, guardrailRows(s.guardrails, esc)), '');
  const segments = segmentLines(s.metrics, esc);
  if (segments.length) out.push(textTable(SEGMENT_HEADER, segments), '');
  const novelty = noveltyLines(s.metrics, esc);
  if (novelty.length) out.push('novelty:', ...novelty.map((l) => `  ${l}`), '');
  if (s.offline) {
    out.push('offline vs online:');
    for (const o of s.offline.comparisons) {
      out.push(
        `  ${esc(o.arm)} vs ${esc(o.control)}: offline pass rate ${interval(o.difference, 'proportion')}, online ${interval(o.online, 'proportion')} → agree: ${o.agree}`,
      );
    }
    if (s.offline.note) out.push(`  ${esc(s.offline.note)}`);
    out.push('');
  }
  out.push('data quality:', ...qualityLines(s, esc).map((l) => `  ${l}`));
  return out.join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderScorecardMarkdown(s: Scorecard): string {
  const esc: Escape = (t) => escapeMarkdownInline(t);
  const out = [
    `# Experiment ${esc(s.name)}: ${VERDICT_WORDS[s.verdict]}`,
    '',
    ...s.messages.map((m) => `- ${esc(m)}`),
    '',
    ...headerLines(s, esc).map((l) => `- ${l}`),
    '',
  ];
  out.push('## Metrics', '', markdownTable(METRIC_HEADER, metricRows(s.metrics, esc)), '');
  if (s.guardrails.length) out.push('## Guardrails', '', markdownTable(GUARDRAIL_HEADER, guardrailRows(s.guardrails, esc)), '');
  const segments = segmentLines(s.metrics, esc);
  if (segments.length) out.push('## Segments', '', markdownTable(SEGMENT_HEADER, segments), '');
  const novelty = noveltyLines(s.metrics, esc);
  if (novelty.length) out.push('## Novelty', '', ...novelty.map((l) => `- ${l}`), '');
  if (s.offline) {
    out.push('## Offline vs online', '');
    for (const o of s.offline.comparisons) {
      out.push(
        `- ${esc(o.arm)} vs ${esc(o.control)}: offline pass rate ${interval(o.difference, 'proportion')}, online ${interval(o.online, 'proportion')}, agree: ${o.agree}`,
      );
    }
    if (s.offline.note) out.push(`- ${esc(s.offline.note)}`);
    out.push('');
  }
  out.push('## Data quality', '', ...qualityLines(s, esc).map((l) => `- ${l}`), '');
  return out.join('\n');
}
