// A run's line in a list of runs (`evalspec runs`, the viewer's runs list): each variant's pass rate with its
// Wilson interval and its paid and list costs. With one result per case and no clusters the pass rate is the
// run report's (passed ÷ results, Wilson) and comes from the store's SQL aggregate, so listing runs of a million
// results reads no rows (the list built every run's full report: ~5 s a run at 1,000,000 results, issue #22).
import type { RunRecord, Store } from '../store/index.js';
import { wilsonInterval, type Interval } from '../stats/index.js';
import { costFold, costsOfAggregate, runPricing, type CostFigures } from './cost-figures.js';

export interface VariantHeadline {
  id: string;
  model: string;
  /** Results of the variant (one per case). */
  cases: number;
  passRate: number | null;
  passRateCi: Interval | null;
  costUsd: number | null;
  listCostUsd: number | null;
}

/** Paid and list cost per variant from one slim pass over the stored rows (what the aggregate cannot decide). */
export async function storedCosts(store: Store, run: RunRecord): Promise<Map<string, CostFigures>> {
  const fold = costFold(run);
  await store.results.scan(run.id, { slim: true }, (row) => fold.add(row));
  return fold.figures();
}

/**
 * The headline from the store's aggregate, or null when the run's pass rate needs its rows (repeats: per-case
 * pass values; clusters: a clustered interval). Costs the aggregate cannot decide (cache hits priced from their
 * tokens, errored calls) come from `rowCosts`, asked at most once.
 */
export async function aggregateHeadline(
  store: Store,
  run: RunRecord,
  rowCosts: () => Promise<ReadonlyMap<string, CostFigures>>,
): Promise<VariantHeadline[] | null> {
  if (run.repeat !== 1 || (await store.cases.hasClusters(run.id))) return null;
  const aggregates = new Map((await store.results.aggregate(run.id)).map((a) => [a.variantId, a]));
  const pricing = runPricing(run);
  let costs: ReadonlyMap<string, CostFigures | undefined> = new Map(run.variants.map((v) => [v.id, costsOfAggregate(pricing, aggregates.get(v.id), v.id)]));
  if ([...costs.values()].some((c) => c === undefined)) costs = await rowCosts();
  return run.variants.map((v) => {
    const a = aggregates.get(v.id);
    const cost = costs.get(v.id) ?? { paidUsd: null, listUsd: null };
    return {
      id: v.id,
      model: v.model,
      cases: a?.results ?? 0,
      passRate: a && a.results ? a.passed / a.results : null,
      passRateCi: a && a.results ? (wilsonInterval(a.passed, a.results) ?? null) : null,
      costUsd: cost.paidUsd,
      listCostUsd: cost.listUsd,
    };
  });
}
