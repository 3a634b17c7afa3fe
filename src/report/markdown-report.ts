// --md FILE: a summary fit for a pull-request comment. Model text is escaped so it cannot inject HTML,
// break the table, or ping anyone.
import type { Store } from '../store/index.js';
import type { RunReport } from './run-report.js';
import { sampleFailures } from './failures.js';
import { escapeMarkdownInline, markdownCode } from './escape.js';
import { pct, ciText, usd, ms, num } from './format.js';
import { withSink } from './file-sink.js';
import { renderAnalysisMarkdown } from './analysis-render.js';

const STATUS_ICON: Record<string, string> = { completed: '✅', incomplete: '⚠️', cancelled: '⏹️', failed: '❌', started: '⏳' };

export async function renderMarkdownReport(store: Store, report: RunReport): Promise<string> {
  const out: string[] = [];
  out.push(`### ${STATUS_ICON[report.status] ?? ''} evalspec · ${escapeMarkdownInline(report.suite.name)} · ${report.status}`);
  out.push('');
  out.push(`Run \`${report.runId}\`${report.label ? ` (label ${markdownCode(report.label)})` : ''}${report.git.commit ? ` at \`${report.git.commit.slice(0, 10)}\`` : ''} · ${report.totalCalls} calls`);
  out.push('');
  const method = report.variants.find((v) => v.passRateCi)?.passRateCi?.method.split(' ')[0] ?? 'wilson';
  out.push(`| variant | cases | pass rate | 95% CI (${method}) | mean score | errors | cost | p50 / p95 latency |`);
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of report.variants) {
    out.push(`| ${escapeMarkdownInline(v.id)} | ${v.cases} | ${pct(v.passRate)} | ${ciText(v.passRateCi)} | ${num(v.meanScore)} | ${v.errors} | ${usd(v.costUsd)} | ${ms(v.latencyMs.p50)} / ${ms(v.latencyMs.p95)} |`);
  }
  out.push(...renderAnalysisMarkdown(report));
  const samples = await sampleFailures(store, report.runId, report.variants.map((v) => v.id), 5);
  const total = [...samples.values()].reduce((n, l) => n + l.length, 0);
  if (total > 0) {
    out.push('', `<details><summary>First failing cases</summary>`, '');
    for (const [variantId, list] of samples) {
      for (const f of list) {
        out.push(`- ${f.critical ? '**critical** ' : ''}${markdownCode(variantId)} · ${markdownCode(f.caseId)}: ${escapeMarkdownInline(f.reason, 200)}`);
      }
    }
    out.push('', '</details>');
  }
  if (report.warnings.length) out.push('', ...report.warnings.map((w) => `> ⚠️ ${escapeMarkdownInline(w, 300)}`));
  return `${out.join('\n')}\n`;
}

export async function writeMarkdownReport(store: Store, report: RunReport, file: string): Promise<void> {
  const text = await renderMarkdownReport(store, report);
  await withSink(file, async (sink) => sink.write(text));
}
