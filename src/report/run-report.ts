// The run report: per-variant figures computed from the store (never from memory held during the run), in
// the shape of the JSON contract (formatVersion 1). Every other format renders this object.
import type { Store, RunRecord, ResultRow } from '../store/index.js';
import { EvalspecError } from '../errors.js';
import { ScratchColumns, caseValue, wilsonInterval, meanInterval, quantileOfSorted, type Interval, type RunOutcomes } from '../stats/index.js';
import { foldRun } from './report-fold.js';
import {
  costSummary,
  hasNoPriceByNature,
  type RunPricing,
  repeatReduceSummary,
  runRepeatReducer,
  shortOfK,
  passKCurves,
  withRepeatReducer,
  safetyFigures,
  addWorstOutputs,
} from '../analysis/index.js';
import type { RepeatReducer } from '../stats/index.js';
import { addRunAnalysis } from './analysis.js';
import type { RunReport, VariantSummary } from './run-report-types.js';

export type { RunReport, VariantSummary };

/** A run by id; "latest" means the newest run in the store. */
export async function loadRun(store: Store, runId: string): Promise<RunRecord> {
  const run = runId === 'latest' ? (await store.runs.list({ limit: 1 }))[0] : await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'list stored runs with `evalspec runs`' });
  return run;
}

/**
 * Pass value per case of one variant (its repeats reduced), from the per-case table, only when `values` is asked
 * (one result per case needs their count alone), and how many cases have fewer results than the reducer's k. In a
 * Float64Array of the list's length, cut to the cases with results: a growing array of half a million numbers
 * left its copies as garbage at the peak (issue #22).
 */
function perCasePassValues(
  outcomes: RunOutcomes,
  variantId: string,
  reducer: RepeatReducer,
  values: boolean,
): { cases: number; values: Float64Array | null; shortCases: number } {
  const list = outcomes.variants.find((v) => v.id === variantId)?.outcomes ?? [];
  const out = values ? new Float64Array(list.length) : null;
  let cases = 0;
  let shortCases = 0;
  for (let i = 0; i < list.length; i++) {
    const o = list.at(i);
    if (!o) continue;
    if (out) out[cases] = caseValue(o, 'pass_rate')!;
    cases++;
    if (shortOfK(reducer, o.results)) shortCases++;
  }
  return { cases, values: out && out.subarray(0, cases), shortCases };
}

/** The warning and the note about variants whose cost is unknown. */
function unpricedMessages(run: RunRecord, variants: VariantSummary[]): { warning: string | null; note: string | null } {
  const unknown = run.variants.filter((v) => {
    const s = variants.find((x) => x.id === v.id);
    return s && (s.costUsd === null || s.listCostUsd === null);
  });
  const byNature = [...new Set(unknown.filter(hasNoPriceByNature).map((v) => v.model))];
  const network = [...new Set(unknown.filter((v) => !hasNoPriceByNature(v)).map((v) => v.model))];
  return {
    warning: network.length ? `no known price for ${network.join(', ')}: cost shown as unknown (add price: to the model in the suite)` : null,
    // Not a warning: replayed logs and user functions have no list price by nature.
    note: byNature.length
      ? `${byNature.join(', ')} ha${byNature.length === 1 ? 's' : 've'} no list price (replay: and function: models): cost shown as unknown unless the log or function reports cost_usd / costUsd; price_as: or price: prices their tokens`
      : null,
  };
}

export interface RunReportOptions {
  analysis?: boolean;
  /** A repeat reducer that replaces the stored one in every figure and bar verdict (`show` / `gate --reduce`). */
  reduce?: string;
  /** Scan the run's results and keep their fold with the run (report-fold.ts): the end of a run. */
  keepFold?: boolean;
}

export async function buildRunReport(store: Store, runRef: string, level = 0.95, options: RunReportOptions = {}): Promise<RunReport> {
  const loaded = await loadRun(store, runRef);
  const override = options.reduce === undefined ? undefined : withRepeatReducer(loaded, options.reduce);
  const run = override?.run ?? loaded;
  const runId = run.id;
  const variants: VariantSummary[] = [];
  const reducer = runRepeatReducer(run);
  // One pass over the store (or the fold the run kept): the per-case table, the per-variant sums, judges, and
  // costs (totals and the cost block's per-case figures, both in `selection`).
  const { outcomes, table, sums, selection, judges, keepFailures } = await foldRun(store, run, options.keepFold === true);
  const aggregates = new Map(sums.aggregates().map((a) => [a.variantId, a]));
  let shortCases = 0;
  for (const v of run.variants) {
    const a = aggregates.get(v.id);
    // Latencies of answered calls, ascending, from the scan (as store.results.latencies would list them).
    const latencies = a ? selection.sortedLatencies(v.id) : new Float64Array(0);
    let passRate: number | null = null;
    let passRateCi: Interval | null = null;
    let cases = 0;
    if (a && a.results > 0) {
      const perCase = perCasePassValues(outcomes, v.id, reducer, run.repeat !== 1);
      cases = perCase.cases;
      shortCases += perCase.shortCases;
      if (run.repeat === 1) {
        passRate = a.passed / a.results;
        passRateCi = wilsonInterval(a.passed, a.results, level) ?? null;
      } else {
        // Repeats of one case are not independent draws: the interval is over per-case values.
        const values = perCase.values!;
        passRate = values.reduce((s, x) => s + x, 0) / values.length;
        const ci = meanInterval(values, level);
        passRateCi = ci
          ? { ...ci, method: `${ci.method} over ${reducer.valueName} (${run.repeat} repeats)`, low: Math.max(0, ci.low), high: Math.min(1, ci.high) }
          : null;
      }
    }
    const cost = selection.costFigures(v.id)!;
    variants.push({
      id: v.id,
      model: v.model,
      prompt: v.prompt,
      cases,
      passed: a?.passed ?? 0,
      failed: a?.failed ?? 0,
      errors: a?.errors ?? 0,
      cached: a?.cached ?? 0,
      passRate,
      passRateCi,
      meanScore: a && a.scored > 0 ? a.scoreSum / a.scored : null,
      tokens: { input: a?.inputTokens ?? null, output: a?.outputTokens ?? null },
      costUsd: cost.paidUsd,
      listCostUsd: cost.listUsd,
      unpriced: a?.unpriced ?? 0,
      latencyMs: {
        p50: latencies.length ? quantileOfSorted(latencies, 0.5) : null,
        p95: latencies.length ? quantileOfSorted(latencies, 0.95) : null,
        method: 'linear interpolation between order statistics (numpy default)',
        ...selection.streaming(v.id),
      },
    });
  }
  const warnings = [...run.warnings, ...keepFailures];
  const notes: string[] = [];
  const unpriced = unpricedMessages(run, variants);
  if (unpriced.warning) warnings.push(unpriced.warning);
  if (unpriced.note) notes.push(unpriced.note);
  if (shortCases > 0) {
    warnings.push(
      `${shortCases} case × variant pairs have fewer results than the k of ${reducer.name} (the run stopped early): their ${reducer.name} uses k = their result count`,
    );
  }
  const summary = repeatReduceSummary(reducer, run.repeat, shortCases);
  const repeatReduce = summary && override ? { ...summary, storedReducer: override.stored } : summary;
  const report: RunReport = {
    formatVersion: 1,
    runId: run.id,
    status: run.status,
    label: run.label,
    suite: { name: run.suiteName, hash: run.suiteHash, file: run.suiteFile },
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    git: { commit: run.gitCommit, branch: run.gitBranch },
    repeat: run.repeat,
    ...(repeatReduce ? { repeatReduce } : {}),
    totalCalls: run.totalCalls,
    variants,
    warnings,
    notes,
  };
  const judgeSummary = await judges.summary(store, run);
  if (judgeSummary) {
    report.judges = judgeSummary;
    for (const v of variants) v.judgeCostUsd = judges.judgeCostUsd(v.id);
  }
  // Working columns the analysis uses and the cost block reuses after it (issue #22: megabytes each at 500,000 cases).
  const scratch = new ScratchColumns();
  if (options.analysis !== false) {
    addRunAnalysis(outcomes, run, report, { level, scratch });
    for (const v of variants) {
      // One run gives the whole curve, whatever the suite's reducer (absent with one repeat: outputs unchanged).
      const curves = passKCurves(outcomes, v.id, level);
      if (curves) Object.assign(v, curves);
    }
  }
  report.costs = costSummary(selection.finish(table), level, scratch);
  const safety = safetyFigures(outcomes, { level, baseline: report.baseline?.id });
  if (safety) {
    await addWorstOutputs(store, runId, safety);
    report.safety = safety;
  }
  const rateLimits = await store.rateLimits.list(runId);
  if (rateLimits.length > 0) report.rateLimits = rateLimits;
  return report;
}

/** One result as it appears in the JSON report; `pricing` gives its list cost (cost-figures.ts). */
export function resultForJson(r: ResultRow, pricing?: RunPricing) {
  return {
    caseId: r.caseId,
    variantId: r.variantId,
    repeat: r.repeat,
    output: r.output,
    pass: r.pass,
    score: r.score,
    cached: r.cached,
    latencyMs: r.latencyMs,
    // A streamed call's time to first token (issue #20); null when not streamed.
    ttftMs: r.ttftMs ?? null,
    costUsd: r.costUsd,
    listCostUsd: pricing ? pricing.list(r) : null,
    tokens: { input: r.inputTokens, output: r.outputTokens },
    attempts: r.attempts,
    error: r.errorClass ? { class: r.errorClass, message: r.errorMessage } : null,
    checks: r.checks.map((c) => {
      const out: Record<string, unknown> = { type: c.type, metric: c.metric, severity: c.severity, pass: c.pass, score: c.score, reason: c.reason };
      // Judge checks also carry what the judge said and what it cost (apart from the call's costUsd).
      if (c.judge) out.judge = c.judge;
      if (c.judgeCostUsd !== undefined) out.judgeCostUsd = c.judgeCostUsd;
      if (c.error) out.error = c.error;
      return out;
    }),
    // An agent's steps (or a RAG target's context) as stored; absent for a plain single call.
    ...(r.transcript ? { transcript: r.transcript } : {}),
  };
}
