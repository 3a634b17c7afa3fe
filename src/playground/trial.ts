// A trial (POST /api/playground/estimate and /trials): the trial plan (trial-plan.ts) estimated, then executed as a
// small stored run labelled `playground` whose stored variant is answered from the stored run (reuseFrom: no call)
// and whose new variant is streamed; its comparison is the run report's paired comparison of the two (the function
// `evalspec show` uses) and the cases whose pass value flipped, read back from the store.
import { estimateLoadedPlan } from '../estimate-suite.js';
import { loadCaseOutcomes } from '../analysis/index.js';
import { mapCases } from '../stats/index.js';
import { buildRunReport } from '../report/index.js';
import { executeRun, reusableKeys, type RunEvent, type RunOutcome } from '../run/index.js';
import { isDeferredCheck, type CheckSpec } from '../suite/index.js';
import type { ResultRow, RunRecord, Store } from '../store/index.js';
import type { PlaygroundSpend, TrialComparison, TrialEstimate, TrialEvent, TrialRequest, TrialResult } from '../viewer/index.js';
import { passOf } from './slice.js';
import { storedRun } from './run-info.js';
import { trialPlan, type TrialPlan } from './trial-plan.js';

export const TRIAL_LABEL = 'playground';

export async function estimateTrial(
  store: Store,
  request: TrialRequest,
  limits: { maxTrialCases: number; spend: PlaygroundSpend },
): Promise<TrialEstimate & { setup: TrialPlan; run: RunRecord }> {
  const run = await storedRun(store, request.runId);
  const setup = trialPlan(run, request, limits.maxTrialCases);
  // Exactly the items run/'s reuse will answer (same case content, model, params, rendered messages, repeat).
  const done = await reusableKeys(store, run.id, setup.plan);
  const estimate = await estimateLoadedPlan(setup.plan, { store, done });
  const costUsd = estimate.unpriced.length > 0 && estimate.calls > 0 ? null : estimate.costUsd;
  // An unknown cost cannot be held to the cap: refused, like a cost past it (give the model a price:).
  const withinCap = estimate.calls === 0 || (costUsd !== null && limits.spend.spentUsd + costUsd <= limits.spend.capUsd);
  return { calls: estimate.calls, reused: done.size, costUsd, spend: limits.spend, withinCap, setup, run };
}

function trialResult(row: ResultRow, side: TrialResult['side']): TrialResult {
  return {
    caseId: row.caseId,
    repeat: row.repeat,
    side,
    output: row.output,
    pass: row.pass,
    checks: row.checks.map((c) => ({
      name: c.metric,
      pass: c.indeterminate ? null : c.pass,
      score: c.indeterminate ? null : c.score,
      reason: c.reason === '' ? null : c.reason,
      critical: c.severity === 'critical',
    })),
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs ?? null,
    outputTokens: row.outputTokens,
    costUsd: row.costUsd,
    errorClass: row.errorClass,
    errorMessage: row.errorMessage,
  };
}

/** What the stored variant's results on these cases cost when they were made; null when one's cost is unknown. */
async function storedCost(store: Store, run: RunRecord, variantId: string, caseIds: Set<string>): Promise<number | null> {
  let total: number | null = 0;
  await store.results.scan(run.id, { variantId, slim: true }, (r) => {
    if (!caseIds.has(r.caseId) || total === null) return;
    if (r.costUsd === null) {
      if (r.errorClass === null) total = null; // an answered call of unknown price
      return;
    }
    total += r.costUsd;
  });
  return total;
}

/** The trial run's paired comparison (its report's, baseline = the stored variant) and its flipped cases. */
export async function trialComparison(store: Store, trialRunId: string, storedRunRecord: RunRecord, setup: TrialPlan): Promise<TrialComparison> {
  const report = await buildRunReport(store, trialRunId);
  const comparison = report.comparisons?.find((c) => c.baseline === setup.stored.id && c.variant === setup.trial.id);
  const trialRun = (await store.runs.get(trialRunId))!;
  const outcomes = await loadCaseOutcomes(store, trialRun);
  const storedIndex = outcomes.variants.findIndex((v) => v.id === setup.stored.id);
  const trialIndex = outcomes.variants.findIndex((v) => v.id === setup.trial.id);
  const flipped: TrialComparison['flipped'] = { fixed: [], broken: [] };
  outcomes.cases.forEach((c, i) => {
    const before = passOf(outcomes.variants[storedIndex]?.outcomes.at(i));
    const after = passOf(outcomes.variants[trialIndex]?.outcomes.at(i));
    if (before === false && after === true) flipped.fixed.push(c.id);
    if (before === true && after === false) flipped.broken.push(c.id);
  });
  const interval = comparison?.interval ?? null;
  const caseIds = new Set(mapCases(outcomes.cases, (c) => c.id));
  return {
    cases: comparison?.n ?? 0,
    stored: { runId: storedRunRecord.id, variantId: setup.storedVariant.id, passRate: comparison?.baselinePassRate ?? null },
    trial: { runId: trialRunId, variantId: setup.trial.id, passRate: comparison?.variantPassRate ?? null },
    difference: {
      estimate: comparison?.difference ?? null,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
      level: interval?.level ?? 0.95,
      method: interval?.method ?? comparison?.test ?? 'none: no case has a result on both sides',
    },
    flipped,
    costUsd: {
      trial: report.variants.find((v) => v.id === setup.trial.id)?.costUsd ?? null,
      stored: await storedCost(store, storedRunRecord, setup.storedVariant.id, caseIds),
    },
  };
}

export interface TrialContext {
  store: Store;
  maxTrialCases: number;
  spend: () => PlaygroundSpend;
  /** Called once with what the trial paid (run/'s budget: known costs of its calls and judges). */
  paid: (usd: number) => void;
  /** Secret values to blank out of any message sent to the browser. */
  scrub: (text: string) => string;
}

export async function runTrial(context: TrialContext, request: TrialRequest, emit: (event: TrialEvent) => void, signal: AbortSignal): Promise<void> {
  const { store } = context;
  const spend = context.spend();
  const estimate = await estimateTrial(store, request, { maxTrialCases: context.maxTrialCases, spend });
  const { setup, run, ...shown } = estimate;
  if (!estimate.withinCap) {
    const cost = estimate.costUsd === null ? 'an unknown cost (the model has no price)' : `$${estimate.costUsd.toFixed(4)}`;
    emit({
      type: 'error',
      code: 'SPEND_CAP',
      message: `the trial would cost ${cost}, and this session has $${(spend.capUsd - spend.spentUsd).toFixed(4)} left of its $${spend.capUsd} cap`,
      hint:
        estimate.costUsd === null
          ? 'give the model a price: in the suite, or try a priced model'
          : 'try fewer cases, or restart the viewer with a higher --playground-max-cost',
    });
    return;
  }
  const sides = new Map([
    [setup.stored.id, 'stored' as const],
    [setup.trial.id, 'trial' as const],
  ]);
  const outcome: RunOutcome = await executeRun(setup.plan, {
    store,
    label: TRIAL_LABEL,
    reuseFrom: run.id,
    stream: true,
    signal,
    maxCostUsd: Math.max(spend.capUsd - spend.spentUsd, 0),
    selection: { models: null, repeat: setup.plan.repeat },
    onEvent: (event: RunEvent) => {
      if (event.type === 'run-start') emit({ type: 'start', trialRunId: event.runId, estimate: shown });
      else if (event.type === 'call-delta' && event.variantId === setup.trial.id) {
        emit({ type: 'delta', caseId: event.caseId, repeat: event.repeat, text: event.text });
      } else if (event.type === 'call-end') {
        const side = sides.get(event.row.variantId);
        if (side) emit({ type: 'result', result: scrubbed(trialResult(event.row, side), context.scrub) });
      }
    },
  });
  context.paid(outcome.budget?.spentUsd ?? 0);
  // Judge checks are scored after the calls: send the final verdicts again (the last result of a case wins).
  if (hasDeferredChecks(setup.plan.cases)) {
    for await (const row of store.results.list(outcome.runId, { omitTranscript: true })) {
      const side = sides.get(row.variantId);
      if (side) emit({ type: 'result', result: scrubbed(trialResult(row, side), context.scrub) });
    }
  }
  const comparison = await trialComparison(store, outcome.runId, run, setup);
  if (outcome.fatal) emit({ type: 'error', code: outcome.fatal.code, message: context.scrub(outcome.fatal.message), hint: outcome.fatal.hint ?? null });
  emit({ type: 'end', status: outcome.status, comparison, spend: context.spend() });
}

function scrubbed(result: TrialResult, scrub: (text: string) => string): TrialResult {
  return result.errorMessage === null ? result : { ...result, errorMessage: scrub(result.errorMessage) };
}

/** Whether any case has a judge check scored after the calls (read case by case, stopping at the first). */
function hasDeferredChecks(cases: Iterable<{ checks: readonly CheckSpec[] }>): boolean {
  for (const c of cases) if (c.checks.some(isDeferredCheck)) return true;
  return false;
}
