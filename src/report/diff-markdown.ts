// `evalspec diff` as Markdown (GFM): the change of each metric in words and as a table, segments, and the
// flipped cases with both outputs, escaped and truncated; code spans fence their text as it is (markdownCode).
// The figures and wording come from diff-report.ts, which renders the terminal text.
import { metricLabel, type DescribedMetricChange, type DescribedSegmentChange } from './describe-change.js';
import { configChangesMarkdown } from './config-changes-render.js';
import { FLIP_WORD, criticalFlag, metricRows, runName, segmentName, shownOutput, type DiffReport } from './diff-report.js';
import type { FlipWithOutputs } from '../analysis/index.js';
import { escapeMarkdownInline, markdownCode } from './escape.js';
import { withSink } from './file-sink.js';
import { renderSafetyDiffMarkdown } from './safety-render.js';
import { criticalFirst, criticalFlips } from '../analysis/index.js';

const md = (s: string, max = 300) => escapeMarkdownInline(s, max);

export function markdownMetricTable(changes: readonly DescribedMetricChange[], name: (c: DescribedMetricChange) => string, first = 'metric'): string[] {
  const out = [`| ${first} | cases | before | after | change (points) | 95% CI | p | Holm | |`, '|---|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const r of metricRows(changes, name)) {
    out.push(`| ${md(r[0], 120)} | ${r.slice(1, 8).join(' | ')} | ${r[8] ? (r[8].startsWith('▲') ? '🟢 better' : '🔴 worse') : ''} |`);
  }
  return out;
}

/** A table of flipped cases with both outputs (escaped and truncated), for Markdown. */
export function markdownFlipTable(flips: readonly (FlipWithOutputs & { variant?: string })[], width = 140): string[] {
  const withVariant = flips.some((f) => f.variant !== undefined);
  const out = [`| case |${withVariant ? ' variant |' : ''} change | before | after |`, `|---|${withVariant ? '---|' : ''}---|---|---|`];
  for (const f of flips) {
    const cell = (o: ReturnType<typeof shownOutput>) => `${o.repeat}${md(o.text, width)}${o.reason ? `<br>_${md(o.reason, 100)}_` : ''}`;
    const flag = criticalFlag(f);
    const change = `${FLIP_WORD[f.kind]}${flag ? ` **${md(flag, 100)}**` : ''}`;
    out.push(
      `| ${markdownCode(f.caseId, 60, { table: true })} |${withVariant ? ` ${md(f.variant ?? '', 60)} |` : ''} ${change} | ${cell(shownOutput(f, 'before'))} | ${cell(shownOutput(f, 'after'))} |`,
    );
  }
  return out;
}

export function renderDiffMarkdown(report: DiffReport, options: { flips?: number } = {}): string {
  const maxFlips = options.flips ?? 20;
  const out: string[] = [];
  out.push(`### evalspec diff · ${md(report.after.suiteName)}`, '');
  out.push(`Before: ${markdownCode(runName(report.before), 300)} · after: ${markdownCode(runName(report.after), 300)}`, '');
  out.push(...configChangesMarkdown(report.config, '**Config changes**'), '');
  const { unchanged, changed, added, removed } = report.cases;
  out.push(`${unchanged} cases compared (same id and content); ${changed.length} changed, ${added.length} added, ${removed.length} removed (not compared).`);
  for (const v of report.perVariant) {
    out.push('', `#### ${md(v.variant, 120)} (${v.n} cases paired)`, '');
    for (const c of v.metrics) out.push(`- ${c.direction === 'worse' ? '🔴 ' : c.direction === 'better' ? '🟢 ' : ''}${md(c.sentence, 600)}`);
    out.push('', ...markdownMetricTable(v.metrics, (c) => metricLabel(c.metric)));
    if (v.segments.length) {
      out.push('', '<details><summary>By segment (case tag; Holm across the segments of each metric)</summary>', '');
      out.push(
        ...markdownMetricTable(
          v.segments.slice(0, 50),
          (c) => `${segmentName(c as DescribedSegmentChange)}${(c as DescribedSegmentChange).warning ? ' (too few cases)' : ''}`,
          'segment',
        ),
      );
      out.push('', '</details>');
    }
    const f = v.flips;
    const flips = criticalFirst([f.broken, f.fixed, f.stillFailing], maxFlips);
    const critical = criticalFlips(v);
    if (critical.length) {
      const list = critical.slice(0, 20).map((x) => `${markdownCode(x.caseId, 60)} (${md(x.newCriticalFailures.join(', '), 100)})`);
      out.push(
        '',
        `⛔ ${critical.length} flipped case${critical.length === 1 ? '' : 's'} newly fail${critical.length === 1 ? 's' : ''} a critical check: ${list.join(', ')}${critical.length > 20 ? ', …' : ''}`,
      );
    }
    if (flips.length) {
      out.push('', `<details><summary>Flipped cases: ${f.fixed.length} fixed, ${f.broken.length} broken, ${f.stillFailing.length} still failing</summary>`, '');
      out.push(...markdownFlipTable(flips));
      const hidden = f.fixed.length + f.broken.length + f.stillFailing.length - flips.length;
      if (hidden > 0) out.push('', `${hidden} more in the JSON report.`);
      out.push('', '</details>');
    }
    if (v.flaky?.became.length)
      out.push(
        '',
        `Became flaky (repeats now disagree): ${v.flaky.became
          .slice(0, 20)
          .map((x) => markdownCode(x.caseId, 60))
          .join(', ')}`,
      );
  }
  out.push(...renderSafetyDiffMarkdown(report));
  if (report.warnings.length) out.push('', ...report.warnings.map((w) => `- ⚠️ ${md(w, 400)}`));
  return `${out.join('\n')}\n`;
}

export async function writeDiffMarkdown(report: DiffReport, file: string, options: { flips?: number } = {}): Promise<void> {
  await withSink(file, async (sink) => sink.write(renderDiffMarkdown(report, options)));
}
