// The summary printed after a run (and by `evalspec show`): one row per variant, then the first failures.
import type { Store } from '../store/index.js';
import type { RateLimitSummary, RunReport } from './run-report-types.js';
import { sampleFailures } from './failures.js';
import { escapeTerminal } from './escape.js';
import { pct, ciText, costText, ms, int, num, streamingCells, textTable } from './format.js';
import { renderAnalysisText } from './analysis-render.js';
import { renderJudgeSummary } from './judge-summary.js';
import { renderPassKText } from './pass-k-render.js';
import { renderSafetyText } from './safety-render.js';

export function variantTable(report: RunReport): string {
  const method = report.variants.find((v) => v.passRateCi)?.passRateCi?.method ?? 'wilson';
  // Time to first token and decode speed only when a call was streamed (issue #20): other runs' tables stay as they were.
  const streamed = report.variants.some((v) => v.latencyMs.streamed > 0);
  const rows = report.variants.map((v) => [
    v.id,
    String(v.cases),
    pct(v.passRate),
    ciText(v.passRateCi),
    num(v.meanScore),
    String(v.errors),
    `${int(v.tokens.input)}/${int(v.tokens.output)}`,
    costText(v.costUsd),
    costText(v.listCostUsd),
    `${ms(v.latencyMs.p50)}/${ms(v.latencyMs.p95)}`,
    ...(streamed ? streamingCells(v.latencyMs) : []),
  ]);
  return textTable(
    [
      'variant',
      'cases',
      'pass rate',
      `95% CI (${method.split(' ')[0]})`,
      'mean score',
      'errors',
      'tokens in/out',
      'paid',
      'list cost',
      'p50/p95 latency',
      ...(streamed ? ['p50/p95 TTFT', 'decode tok/s'] : []),
    ],
    rows,
    [false, true, true, true, true, true, true, true, true, true, true, true],
  );
}

/** What the pass rate is per case with repeats, and how its interval is computed. */
export function repeatReduceLine(report: RunReport): string | null {
  if (!report.repeatReduce) return null;
  const method = report.variants.find((v) => v.passRateCi)?.passRateCi?.method;
  const { reducer, estimator, storedReducer } = report.repeatReduce;
  const override = storedReducer !== undefined ? ` (--reduce: replaces the suite's ${storedReducer} in every figure and bar verdict)` : '';
  return `pass rate per case over ${report.repeat} repeats: ${reducer}${override}, the ${estimator}${method ? `; interval: ${method}` : ''}`;
}

/** One line for the models the provider throttled: the limit, the rejections, the time spent waiting. */
export function rateLimitLine(limits: RateLimitSummary[]): string {
  const parts = limits.map((r) => {
    const rpm = r.learned.rpm ?? r.declared.rpm;
    const tpm = r.learned.tpm ?? r.declared.tpm;
    const limit = [rpm !== null ? `${int(rpm)} req/min` : null, tpm !== null ? `${int(tpm)} tokens/min` : null].filter(Boolean).join(', ');
    return `${escapeTerminal(r.model, 80)}${limit ? ` (${limit})` : ''}: ${int(r.rejected)} of ${int(r.attempts)} attempts rejected, calls waited ${num(r.waitedS, 1)} s in total`;
  });
  return `rate-limited: ${parts.join('; ')}`;
}

export async function renderTerminalReport(store: Store, report: RunReport, options: { failures?: number } = {}): Promise<string> {
  const lines: string[] = [];
  lines.push(`${report.suite.name} · run ${report.runId}${report.label ? ` (${report.label})` : ''} · ${report.status}`);
  lines.push('');
  lines.push(variantTable(report));
  const reduce = repeatReduceLine(report);
  if (reduce) lines.push(reduce);
  if (report.variants.some((v) => v.costUsd !== v.listCostUsd))
    lines.push('paid = what this run paid (cache hits cost 0); list cost = the same calls at list price');
  lines.push(...renderPassKText(report));
  lines.push(...renderAnalysisText(report));
  lines.push(...renderSafetyText(report));
  if (report.judges)
    lines.push(
      '',
      renderJudgeSummary(report.judges, (s) => escapeTerminal(s, 200)),
    );
  const perVariant = options.failures ?? 3;
  if (perVariant > 0) {
    const samples = await sampleFailures(
      store,
      report.runId,
      report.variants.map((v) => v.id),
      perVariant,
    );
    const any = [...samples.values()].some((l) => l.length > 0);
    if (any) {
      lines.push('', 'first failures:');
      for (const [variantId, list] of samples) {
        for (const f of list) {
          lines.push(`  ${f.critical ? '!! ' : ''}${variantId} · ${f.caseId}${report.repeat > 1 ? ` #${f.repeat + 1}` : ''}: ${escapeTerminal(f.reason, 140)}`);
          if (f.output !== null) lines.push(`      output: ${escapeTerminal(f.output, 110)}`);
          if (f.agent) lines.push(`      agent: ${escapeTerminal(f.agent, 160)}`);
        }
      }
    }
  }
  const throttled = (report.rateLimits ?? []).filter((r) => r.rejected > 0 || r.waitedS > 0);
  if (throttled.length) lines.push('', rateLimitLine(throttled));
  if (report.warnings.length) lines.push('', ...report.warnings.map((w) => `warning: ${w}`));
  if (report.notes.length) lines.push('', ...report.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}
