// The run-level sections (comparisons, consistency, quality bars, segments) in words, for the terminal and
// for Markdown. Both render the same RunReport fields; nothing is computed here.
import type { RunReport } from './run-report-types.js';
import type { BarResult } from './analysis.js';
import { escapeMarkdownInline, escapeTerminal, markdownCode } from './escape.js';
import { ciText, pct, num, textTable } from './format.js';

const VERDICT_WORD: Record<BarResult['verdict'], string> = { met: 'MET', not_met: 'NOT MET', inconclusive: 'INCONCLUSIVE' };
const VERDICT_ICON: Record<BarResult['verdict'], string> = { met: '✅', not_met: '❌', inconclusive: '❔' };
const MAX_SEGMENT_ROWS = 40;

function baselineLine(report: RunReport): string | null {
  const b = report.baseline;
  if (!b || (report.comparisons ?? []).length === 0) return null;
  return b.source === 'suite' ? `${b.id} (the suite's baseline)` : `${b.id} (the first variant; set baseline: in the suite to choose)`;
}

function signed(x: number, digits = 3): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

function comparisonDetails(c: NonNullable<RunReport['comparisons']>[number]): string[] {
  const parts: string[] = [];
  if (c.mcnemar) {
    parts.push(
      `McNemar exact: ${c.mcnemar.onlyVariantPassed} case${c.mcnemar.onlyVariantPassed === 1 ? '' : 's'} only ${c.variant} passed, ${c.mcnemar.onlyBaselinePassed} only ${c.baseline}, ${c.mcnemar.pValue < 0.001 ? 'p < 0.001' : `p = ${c.mcnemar.pValue.toFixed(3)}`}`,
    );
  }
  if (c.score) {
    const boot = c.score.bootstrap
      ? `, bootstrap ${Math.round(c.score.bootstrap.interval.level * 100)}% CI ${signed(c.score.bootstrap.interval.low)} to ${signed(c.score.bootstrap.interval.high)}`
      : '';
    parts.push(`mean score ${signed(c.score.difference)}${boot}`);
  }
  if (c.clusters !== null) parts.push(`${c.clusters} clusters (clustered SE)`);
  return parts;
}

function segmentRows(report: RunReport): { rows: string[][]; more: number } {
  const rows: string[][] = [];
  let total = 0;
  for (const s of report.segments ?? []) {
    for (const v of s.variants) {
      total++;
      if (rows.length >= MAX_SEGMENT_ROWS) continue;
      rows.push([s.tag, v.id, String(v.cases), pct(v.passRate), ciText(v.passRateCi), num(v.meanScore), v.warning ?? '']);
    }
  }
  return { rows, more: total - rows.length };
}

/**
 * Segments as a matrix (segment × variant pass rate) so a terminal shows them at a glance; a star marks a
 * cell too small to say anything (its note and interval are in the JSON and Markdown reports).
 */
function segmentMatrix(report: RunReport): string[] {
  const segments = report.segments ?? [];
  if (!segments.length) return [];
  const variants = report.variants.map((v) => v.id);
  const shown = segments.slice(0, MAX_SEGMENT_ROWS);
  let starred = false;
  const rows = shown.map((s) => [
    escapeTerminal(s.tag, 40),
    String(s.cases),
    ...variants.map((id) => {
      const cell = s.variants.find((v) => v.id === id);
      if (!cell || cell.passRate === null) return 'n/a';
      if (cell.warning) starred = true;
      return `${pct(cell.passRate, 0)}${cell.warning ? '*' : ''}`;
    }),
  ]);
  const table = textTable(['segment', 'cases', ...variants.map((v) => escapeTerminal(v, 24))], rows, [false, true, ...variants.map(() => true)]);
  const lines = ['', 'pass rate by segment (case tag):', ...table.split('\n').map((l) => `  ${l}`)];
  if (starred) lines.push('  * too few cases to say anything (95% interval wider than ±15 points, or under 10 cases): see the JSON report');
  if (segments.length > shown.length) lines.push(`  … ${segments.length - shown.length} more segments in the JSON report`);
  return lines;
}

/** One verdict line and one explanation line per bar × variant, then the counts; [] without bars. */
export function renderBarsText(report: RunReport): string[] {
  const bars = report.bars ?? [];
  if (!bars.length) return [];
  const lines: string[] = [];
  const width = Math.max(...bars.map((b) => VERDICT_WORD[b.verdict].length));
  for (const b of bars) {
    lines.push(
      `  ${VERDICT_WORD[b.verdict].padEnd(width)}  ${escapeTerminal(b.variant)} · ${escapeTerminal(b.text, 200)}${b.description ? ` (${escapeTerminal(b.description, 120)})` : ''}`,
    );
    lines.push(`  ${' '.repeat(width)}  ${escapeTerminal(b.explanation, 600)}`);
  }
  const met = bars.filter((b) => b.verdict === 'met').length;
  const notMet = bars.filter((b) => b.verdict === 'not_met').length;
  const inconclusive = bars.filter((b) => b.verdict === 'inconclusive').length;
  lines.push(`  ${met} met, ${notMet} not met, ${inconclusive} inconclusive`);
  return lines;
}

/** Terminal lines for the sections (empty when there is nothing to say). */
export function renderAnalysisText(report: RunReport): string[] {
  const lines: string[] = [];
  const comparisons = report.comparisons ?? [];
  const base = baselineLine(report);
  if (base && comparisons.length) {
    lines.push('', `comparisons with ${escapeTerminal(base)}, paired on the same cases:`);
    for (const c of comparisons) {
      lines.push(`  ${escapeTerminal(c.sentence, 400)}`);
      const details = comparisonDetails(c);
      if (details.length) lines.push(`    ${escapeTerminal(details.join(' · '), 400)}`);
    }
  }
  const withConsistency = report.variants.filter((v) => v.consistency);
  if (withConsistency.length) {
    lines.push('', `consistency over ${report.repeat} repeats (cases whose repeats disagree):`);
    for (const v of withConsistency) {
      const c = v.consistency!;
      const flaky = c.flakyCases.length ? `: ${c.flakyCases.map((id) => escapeTerminal(id, 40)).join(', ')}${andMore(c.disagreeing, c.flakyCases.length)}` : '';
      lines.push(`  ${escapeTerminal(v.id)}: ${c.disagreeing} of ${c.cases} cases (${pct(c.share)}, 95% CI ${ciText(c.interval)})${flaky}`);
    }
  }
  const bars = renderBarsText(report);
  if (bars.length) lines.push('', 'quality bars:', ...bars);
  lines.push(...segmentMatrix(report));
  return lines;
}

/** ", and 12 more" after a list cut short (the store lists the first 20 flaky cases; `disagreeing` is the total). */
const andMore = (total: number, shown: number): string => (total > shown ? ` and ${total - shown} more` : '');

/** Markdown blocks for the sections. */
export function renderAnalysisMarkdown(report: RunReport): string[] {
  const out: string[] = [];
  const md = (text: string, max = 300) => escapeMarkdownInline(text, max);
  const bars = report.bars ?? [];
  if (bars.length) {
    out.push('', '#### Quality bars', '');
    for (const b of bars) {
      out.push(
        `- ${VERDICT_ICON[b.verdict]} **${VERDICT_WORD[b.verdict].toLowerCase()}** · ${markdownCode(b.variant, 80)} · ${md(b.text)}${b.description ? ` (${md(b.description)})` : ''}: ${md(b.explanation, 600)}`,
      );
    }
  }
  const comparisons = report.comparisons ?? [];
  const base = baselineLine(report);
  if (base && comparisons.length) {
    out.push('', `#### Comparisons with ${md(base)}`, '');
    for (const c of comparisons) {
      const details = comparisonDetails(c);
      out.push(`- ${md(c.sentence, 600)}${details.length ? ` ${md(`(${details.join('; ')})`, 400)}` : ''}`);
    }
  }
  const withConsistency = report.variants.filter((v) => v.consistency);
  if (withConsistency.length) {
    out.push(
      '',
      `#### Consistency over ${report.repeat} repeats`,
      '',
      '| variant | cases whose repeats disagree | share | 95% CI | first flaky cases |',
      '|---|---:|---:|---:|---|',
    );
    for (const v of withConsistency) {
      const c = v.consistency!;
      const shown = c.flakyCases.slice(0, 5);
      out.push(
        `| ${md(v.id, 80)} | ${c.disagreeing} of ${c.cases} | ${pct(c.share)} | ${ciText(c.interval)} | ${md(shown.join(', '), 200)}${andMore(c.disagreeing, shown.length)} |`,
      );
    }
  }
  const { rows, more } = segmentRows(report);
  if (rows.length) {
    out.push(
      '',
      '<details><summary>Segments (by case tag)</summary>',
      '',
      '| segment | variant | cases | pass rate | 95% CI | mean score | note |',
      '|---|---|---:|---:|---:|---:|---|',
    );
    for (const r of rows) out.push(`| ${r.map((cell) => md(cell, 200)).join(' | ')} |`);
    if (more > 0) out.push('', `${more} more rows in the JSON report.`);
    out.push('', '</details>');
  }
  return out;
}
