// The per-case figures selection and cost reports need, read from a stored run in one streaming pass:
// pass share, list cost per call, judge cost, latencies and generation speed per (variant, case), and each
// case's segment (its tag "segment:NAME", or another prefix given with segmentBy).
//
// Cost here is the list cost of a call, not what this run paid: a cache hit is priced again from its
// stored token counts (the run paid nothing, but production would), so a re-run served from the cache
// does not make a model look free.
import type { Store, RunRecord } from '../store/index.js';
import { EvalspecError } from '../errors.js';
import type { CaseOutcome, SelectionInput, SelectionVariant } from './selection.js';
import { CostTotals, runPricing, type CostFigures } from './cost-figures.js';
import { reducedPassValue, runRepeatReducer } from './repeat-reduction.js';

export { pricedModelOf } from './cost-figures.js';

export interface SelectionData {
  run: RunRecord;
  input: SelectionInput;
  /** Models with at least one answered call of unknown price. */
  unpricedModels: string[];
  /** Paid and list cost per variant id (cost-figures.ts). */
  costs: Map<string, CostFigures>;
  /** Errored results (counted as not passed). */
  errors: number;
  /** Whether any check reported a judge cost. */
  judgeCosts: boolean;
  segmentBy: string;
}

interface Accumulator {
  results: number;
  passed: number;
  answered: number;
  cost: number;
  costUnknown: boolean;
  judge: number;
  judgeUnknown: boolean;
  latencies: number[];
  outputTokens: number;
  generationMs: number;
}

/** Judge cost a check reported (another stage adds `judgeCostUsd` to judged checks); undefined when none. */
function judgeCostOf(check: unknown): number | null | undefined {
  if (!check || typeof check !== 'object' || !('judgeCostUsd' in check)) return undefined;
  const value = (check as { judgeCostUsd: unknown }).judgeCostUsd;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export async function loadSelectionData(store: Store, runId: string, options: { segmentBy?: string } = {}): Promise<SelectionData> {
  const run = await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'list stored runs with `evalspec runs`' });
  const segmentBy = options.segmentBy ?? 'segment';
  const prefix = `${segmentBy}:`;
  const segments = new Map<string, string>();
  const clusters = new Map<string, string>();
  for (const c of await store.cases.list(runId)) {
    const tag = c.tags.find((t) => t.startsWith(prefix));
    if (tag) segments.set(c.caseId, tag.slice(prefix.length));
    if (c.cluster !== null) clusters.set(c.caseId, c.cluster);
  }

  const pricing = runPricing(run);
  const totals = new Map(run.variants.map((v) => [v.id, new CostTotals(pricing, v.id)]));
  const acc = new Map<string, Map<string, Accumulator>>(run.variants.map((v) => [v.id, new Map()]));
  let errors = 0;
  let judgeCosts = false;

  for await (const r of store.results.list(runId, { slim: true })) {
    let byCase = acc.get(r.variantId);
    if (!byCase) acc.set(r.variantId, (byCase = new Map()));
    let a = byCase.get(r.caseId);
    if (!a) {
      a = { results: 0, passed: 0, answered: 0, cost: 0, costUnknown: false, judge: 0, judgeUnknown: false, latencies: [], outputTokens: 0, generationMs: 0 };
      byCase.set(r.caseId, a);
    }
    a.results++;
    totals.get(r.variantId)?.add(r);
    if (r.pass === true) a.passed++;
    if (r.errorClass !== null) {
      errors++;
      continue;
    }
    a.answered++;
    const cost = pricing.list(r);
    if (cost === null) a.costUnknown = true;
    else a.cost += cost;
    for (const check of r.checks) {
      const judge = judgeCostOf(check);
      if (judge === undefined) continue;
      judgeCosts = true;
      if (judge === null) a.judgeUnknown = true;
      else a.judge += judge;
    }
    if (r.latencyMs !== null) {
      a.latencies.push(r.latencyMs);
      if (r.outputTokens !== null && r.latencyMs > 0) {
        a.outputTokens += r.outputTokens;
        a.generationMs += r.latencyMs;
      }
    }
  }

  const unpriced = new Set<string>();
  const reducer = runRepeatReducer(run); // the suite's repeat reducer makes each case's pass value
  const variants: SelectionVariant[] = run.variants.map((v) => {
    const cases = new Map<string, CaseOutcome>();
    for (const [caseId, a] of acc.get(v.id) ?? []) {
      if (a.costUnknown) unpriced.add(v.model);
      cases.set(caseId, {
        pass: reducedPassValue(reducer, a.results, a.passed),
        answered: a.answered > 0,
        calls: a.answered,
        costUsd: a.answered === 0 || a.costUnknown ? null : a.cost / a.answered,
        judgeCostUsd: a.answered === 0 || a.judgeUnknown ? null : a.judge / a.answered,
        latenciesMs: a.latencies,
        generated: { outputTokens: a.outputTokens, latencyMs: a.generationMs },
      });
    }
    if (totals.get(v.id)!.figures().listUsd === null) unpriced.add(v.model);
    return { id: v.id, model: v.model, cases };
  });
  return {
    run,
    input: { variants, segments, clusters, binary: run.repeat === 1, repeat: run.repeat, passValueName: reducer.valueName },
    unpricedModels: [...unpriced],
    costs: new Map([...totals].map(([id, t]) => [id, t.figures()])),
    errors,
    judgeCosts,
    segmentBy,
  };
}
