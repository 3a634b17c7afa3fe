// --md FILE: a summary fit for a pull-request comment. Model text is escaped so it cannot inject HTML,
// break the table, or ping anyone.
import type { Store } from '../store/index.js';
import type { RunReport } from './run-report-types.js';
import { sampleFailures } from './failures.js';
import { escapeMarkdownInline, markdownCode } from './escape.js';
import { pct, ciText, costText, ms, num, streamingCells } from './format.js';
import { withSink } from './file-sink.js';
import { renderAnalysisMarkdown } from './analysis-render.js';
import { repeatReduceLine } from './terminal-report.js';
import { renderPassKMarkdown } from './pass-k-render.js';
import { renderSafetyMarkdown } from './safety-render.js';

const STATUS_ICON: Record<string, string> = { completed: '✅', incomplete: '⚠️', cancelled: '⏹️', failed: '❌', started: '⏳' };

export async function renderMarkdownReport(store: Store, report: RunReport): Promise<string> {
  const out: string[] = [];
  // No bars and nothing passed (or no case ran): a green tick would read as "safe" when nothing was shown.
  const nothingShown = report.status === 'completed' && !report.bars?.length && report.variants.every((v) => !v.passRate);
  out.push(`### ${nothingShown ? '⚠️' : (STATUS_ICON[report.status] ?? '')} evalspec · ${escapeMarkdownInline(report.suite.name)} · ${report.status}`);
  if (nothingShown)
    out.push(
      '',
      `> ${report.variants.every((v) => v.cases === 0) ? 'No case ran' : 'No case passed'} and the suite has no quality bars: nothing here says the change is safe.`,
    );
  out.push('');
  out.push(
    `Run \`${report.runId}\`${report.label ? ` (label ${markdownCode(report.label)})` : ''}${report.git.commit ? ` at \`${report.git.commit.slice(0, 10)}\`` : ''} · ${report.totalCalls} calls`,
  );
  out.push('');
  const method = report.variants.find((v) => v.passRateCi)?.passRateCi?.method.split(' ')[0] ?? 'wilson';
  // Time to first token and decode speed only when a call was streamed (issue #20), as in the terminal table.
  const streamed = report.variants.some((v) => v.latencyMs.streamed > 0);
  out.push(
    `| variant | cases | pass rate | 95% CI (${method}) | mean score | errors | paid | list cost | p50 / p95 latency |${streamed ? ' p50 / p95 TTFT | decode tok/s |' : ''}`,
  );
  out.push(`|---|---:|---:|---:|---:|---:|---:|---:|---:|${streamed ? '---:|---:|' : ''}`);
  for (const v of report.variants) {
    const streaming = streamed ? ` ${streamingCells(v.latencyMs, ' / ').join(' | ')} |` : '';
    out.push(
      `| ${escapeMarkdownInline(v.id)} | ${v.cases} | ${pct(v.passRate)} | ${ciText(v.passRateCi)} | ${num(v.meanScore)} | ${v.errors} | ${costText(v.costUsd)} | ${costText(v.listCostUsd)} | ${ms(v.latencyMs.p50)} / ${ms(v.latencyMs.p95)} |${streaming}`,
    );
  }
  const reduce = repeatReduceLine(report);
  if (reduce) out.push('', escapeMarkdownInline(reduce, 600));
  out.push(...renderPassKMarkdown(report));
  out.push(...renderAnalysisMarkdown(report));
  out.push(...renderSafetyMarkdown(report));
  const samples = await sampleFailures(
    store,
    report.runId,
    report.variants.map((v) => v.id),
    5,
  );
  const total = [...samples.values()].reduce((n, l) => n + l.length, 0);
  if (total > 0) {
    out.push('', `<details><summary>First failing cases</summary>`, '');
    for (const [variantId, list] of samples) {
      for (const f of list) {
        out.push(`- ${f.critical ? '**critical** ' : ''}${markdownCode(variantId)} · ${markdownCode(f.caseId)}: ${escapeMarkdownInline(f.reason, 200)}`);
        if (f.agent) out.push(`  - agent: ${escapeMarkdownInline(f.agent, 200)}`);
      }
    }
    out.push('', '</details>');
  }
  if (report.warnings.length) out.push('', ...report.warnings.map((w) => `> ⚠️ ${escapeMarkdownInline(w, 300)}`));
  if (report.notes.length) out.push('', ...report.notes.map((n) => `> ℹ️ ${escapeMarkdownInline(n, 400)}`));
  return `${out.join('\n')}\n`;
}

export async function writeMarkdownReport(store: Store, report: RunReport, file: string): Promise<void> {
  const text = await renderMarkdownReport(store, report);
  await withSink(file, async (sink) => sink.write(text));
}
