// The run page's summary, heatmap and facets from the store's SQL aggregates (store results.figures, issue #22):
// nothing per result is held, so a 1,000,000-result run is served in bounded memory. The figures and methods are
// those of the former in-memory index (run-summary.ts, heatmap.ts; test/viewer/store-result-pages.test.ts compares
// them): Wilson over results with one repeat and no clusters, else the suite's repeat reducer per case (one
// streamed pass of per case × variant tallies), clustered when the cases have clusters.
import { CostTotals, costsOfAggregate, reducedPassValue, runPricing, runRepeatReducer, streamingFigures, type CostFigures } from '../analysis/index.js';
import { emptyResultGroup, type ResultGroup, type RunRecord, type Store, type VariantAggregate } from '../store/index.js';
import { clusterKey, passRateFigure, quantileOfSorted, wilsonInterval, type ClusterId, type Interval } from '../stats/index.js';
import { WIDE_INTERVAL, type RunResponse, type SegmentRow, type VariantSummary } from './types.js';

export type RunPageFigures = Pick<RunResponse, 'summary' | 'heatmap' | 'facets' | 'results'>;

/** Segments the heatmap shows (the most common tags first). */
const HEATMAP_SEGMENTS = 40;

const tagsOf = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));
const occurrences = (tags: readonly string[], tag: string): number => tags.reduce((n, t) => (t === tag ? n + 1 : n), 0);

/** Pass rate and interval over per-case values, as the run report (stats passRateFigure with the suite's reducer). */
interface CaseValues {
  values: number[];
  clusterIds: ClusterId[] | undefined;
}

function sumGroups(groups: readonly ResultGroup[]): ResultGroup {
  const total: ResultGroup = emptyResultGroup('', null);
  for (const g of groups) {
    for (const k of [
      'results',
      'passed',
      'failed',
      'errors',
      'cached',
      'scoreSum',
      'scored',
      'inputTokens',
      'outputTokens',
      'tokensKnown',
      'costSum',
      'unpriced',
      'cases',
      'decodeTokens',
      'decodeMs',
    ] as const)
      total[k] += g[k];
  }
  return total;
}

export async function runPageFigures(store: Store, run: RunRecord): Promise<RunPageFigures> {
  const rows = await store.results.figures(run.id);
  const tagCounts = new Map<string, number>();
  let clustered = false;
  for (const g of rows.caseTags) {
    if (g.clustered > 0) clustered = true;
    for (const t of tagsOf(g.tagsJson)) tagCounts.set(t, (tagCounts.get(t) ?? 0) + g.cases);
  }
  const segments = [...tagCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  const shown = segments.slice(0, HEATMAP_SEGMENTS);
  const groupsOf = new Map(run.variants.map((v) => [v.id, rows.groups.filter((g) => g.variantId === v.id)]));
  const totals = new Map(run.variants.map((v) => [v.id, sumGroups(groupsOf.get(v.id)!)]));

  // With repeats or clusters the pass rate needs each case's value: one streamed pass of case × variant tallies.
  const perCase = run.repeat !== 1 || clustered ? await caseValues(store, run, new Set(shown), clustered) : undefined;
  const rate = (passed: number, results: number, cases: number, values: CaseValues | undefined): { rate: number | null; ci: Interval | null } => {
    if (cases === 0) return { rate: null, ci: null };
    if (!perCase) return { rate: passed / results, ci: wilsonInterval(passed, results) ?? null };
    const reducer = runRepeatReducer(run);
    const figure = values ? passRateFigure(values.values, values.clusterIds, run.repeat, 0.95, reducer.valueName) : undefined;
    return { rate: figure?.passRate ?? null, ci: figure?.interval ?? null };
  };

  const costs = await variantCosts(store, run, totals);
  const timings = new Map(rows.timings.map((t) => [t.variantId, t]));
  const summary: VariantSummary[] = run.variants.map((v) => {
    const t = totals.get(v.id)!;
    const latencies = (timings.get(v.id)?.latencies ?? new Float64Array(0)) as unknown as readonly number[]; // read by index only
    const { rate: passRate, ci: passRateCi } = rate(t.passed, t.results, t.cases, perCase?.variants.get(v.id));
    return {
      id: v.id,
      model: v.model,
      prompt: v.prompt,
      cases: t.cases,
      passed: t.passed,
      failed: t.failed,
      errors: t.errors,
      cached: t.cached,
      passRate,
      passRateCi,
      meanScore: t.scored > 0 ? t.scoreSum / t.scored : null,
      tokens: { input: t.results && t.tokensKnown ? t.inputTokens : null, output: t.results && t.tokensKnown ? t.outputTokens : null },
      costUsd: costs.get(v.id)?.paidUsd ?? null,
      listCostUsd: costs.get(v.id)?.listUsd ?? null,
      unpriced: t.unpriced,
      latencyMs: {
        p50: latencies.length ? quantileOfSorted(latencies, 0.5) : null,
        p95: latencies.length ? quantileOfSorted(latencies, 0.95) : null,
        method: 'linear interpolation between order statistics (numpy default)',
        ...streamingFigures(Array.from(timings.get(v.id)?.ttfts ?? []), { outputTokens: t.decodeTokens, decodeMs: t.decodeMs }),
      },
    };
  });

  const heatmap: SegmentRow[] = shown.map((segment) => ({
    segment,
    cases: tagCounts.get(segment) ?? 0,
    cells: run.variants.map((v) => {
      let passed = 0,
        results = 0,
        cases = 0;
      for (const g of groupsOf.get(v.id)!) {
        // A result counts once per occurrence of the tag (as the index folded each tag of a result), its case once.
        const k = occurrences(tagsOf(g.tagsJson), segment);
        if (k === 0) continue;
        passed += k * g.passed;
        results += k * g.results;
        cases += g.cases;
      }
      if (cases === 0) return { variantId: v.id, cases: 0, passRate: null, ci: null, wide: true, warning: null };
      const { rate: passRate, ci } = rate(passed, results, cases, perCase?.segments.get(`${segment}\u0000${v.id}`));
      return { variantId: v.id, cases, passRate, ci, wide: !ci || ci.high - ci.low > WIDE_INTERVAL, warning: null };
    }),
  }));

  const errorClasses = new Set(rows.groups.flatMap((g) => g.errorClasses).filter((e) => e !== ''));
  return {
    summary,
    heatmap,
    facets: {
      variants: run.variants.map((v) => ({ id: v.id, label: v.label, model: v.model, prompt: v.prompt })),
      checks: [...rows.failedChecks].sort(),
      segments,
      errorClasses: [...errorClasses].sort(),
    },
    results: rows.groups.reduce((n, g) => n + g.results, 0),
  };
}

/** Each variant's (and each shown segment × variant's) per-case pass values under the suite's repeat reducer. */
async function caseValues(
  store: Store,
  run: RunRecord,
  segments: ReadonlySet<string>,
  clustered: boolean,
): Promise<{ variants: Map<string, CaseValues>; segments: Map<string, CaseValues> }> {
  const reducer = runRepeatReducer(run);
  const variants = new Map<string, CaseValues>();
  const bySegment = new Map<string, CaseValues>();
  const push = (into: Map<string, CaseValues>, key: string, value: number, clusterId: ClusterId) => {
    let e = into.get(key);
    if (!e) into.set(key, (e = { values: [], clusterIds: clustered ? [] : undefined }));
    e.values.push(value);
    e.clusterIds?.push(clusterId);
  };
  await store.results.caseTallies(run.id, (t) => {
    const clusterId = clustered ? clusterKey({ id: t.caseId, tags: [], cluster: t.stored ? t.cluster : null }) : '';
    push(variants, t.variantId, reducedPassValue(reducer, t.total, t.passed), clusterId);
    for (const tag of new Set(t.tags)) {
      if (!segments.has(tag)) continue;
      // A tag written twice folded the case's results twice into the index's segment tally.
      const k = occurrences(t.tags, tag);
      push(bySegment, `${tag}\u0000${t.variantId}`, reducedPassValue(reducer, k * t.total, k * t.passed), clusterId);
    }
  });
  return { variants, segments: bySegment };
}

/** Paid and list cost per variant: from the sums when they decide it (analysis/cost-figures.ts), else one slim pass. */
async function variantCosts(store: Store, run: RunRecord, totals: ReadonlyMap<string, ResultGroup>): Promise<Map<string, CostFigures>> {
  const pricing = runPricing(run);
  const aggregate = (id: string, t: ResultGroup): VariantAggregate => ({
    variantId: id,
    results: t.results,
    passed: t.passed,
    failed: t.failed,
    errors: t.errors,
    cached: t.cached,
    scoreSum: t.scoreSum,
    scored: t.scored,
    inputTokens: t.tokensKnown ? t.inputTokens : null,
    outputTokens: t.tokensKnown ? t.outputTokens : null,
    costUsd: t.unpriced > 0 ? null : t.costSum,
    unpriced: t.unpriced,
  });
  const decided = new Map(
    run.variants.map((v) => {
      const t = totals.get(v.id)!;
      return [v.id, costsOfAggregate(pricing, t.results ? aggregate(v.id, t) : undefined, v.id)];
    }),
  );
  if ([...decided.values()].every((c) => c !== undefined)) return decided as Map<string, CostFigures>;
  // Cache hits or errors: a cache hit's list price comes from its tokens, so the rows are read (numbers, one at a time).
  const byVariant = new Map(run.variants.map((v) => [v.id, new CostTotals(pricing, v.id)]));
  await store.results.scan(run.id, { slim: true }, (row) => byVariant.get(row.variantId)?.add(row));
  return new Map([...byVariant].map(([id, t]) => [id, t.figures()]));
}
