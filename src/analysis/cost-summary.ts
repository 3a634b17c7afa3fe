// The cost-of-quality block of the run report (`costs` in the JSON report): per variant and per segment,
// cost per call, per case and per passing case at list prices, judge cost kept separate, totals, and
// latency p50/p95/p99 with tokens per second. Built from the same per-case data as `evalspec select`.
import type { Store } from '../store/index.js';
import { loadSelectionData, type SelectionData } from './selection-data.js';
import { segmentCaseIds, variantFigures, type SelectionVariant, type VariantFigures } from './selection.js';
import { FigureScratch } from './selection-figures.js';
import type { ScratchColumns } from '../stats/index.js';

export interface VariantCosts extends VariantFigures {
  /** Answered calls. */
  calls: number;
  /** List cost of all answered calls (cache hits priced from their tokens); null when any is unpriced (cost-figures.ts). */
  totalCostUsd: number | null;
  /** Judge cost of all calls, kept apart from the model's; 0 when no check is judged. */
  judgeCostUsd: number | null;
}

export interface CostSummary {
  /** How costs are counted, for readers of the JSON. */
  basis: string;
  variants: VariantCosts[];
  /** Per segment (tag "segment:NAME"), when cases are tagged. */
  segments: { segment: string; cases: number; variants: VariantFigures[] }[];
  unpricedModels: string[];
}

function totals(variant: SelectionVariant): { calls: number; judge: number | null } {
  let calls = 0;
  let judge: number | null = 0;
  for (const c of variant.cases.values()) {
    if (c.answered === false) continue;
    const n = c.calls ?? 1;
    calls += n;
    judge = judge === null || c.judgeCostUsd === null ? null : judge + c.judgeCostUsd * n;
  }
  return { calls, judge };
}

export async function buildCostSummary(store: Store, runId: string, level = 0.95): Promise<CostSummary> {
  return costSummary(await loadSelectionData(store, runId), level);
}

/** The cost block from selection data already folded (the run report feeds it from its one scan). */
export function costSummary(data: SelectionData, level = 0.95, columns?: ScratchColumns): CostSummary {
  const { variants } = data.input;
  const design = { ...data.input, level, scratch: new FigureScratch(columns) };
  const bySegment = segmentCaseIds(data.input);
  return {
    basis: 'list price of each answered call (a cache hit is priced from its stored tokens); cost per case = one call per case',
    variants: variants.map((v) => {
      const t = totals(v);
      return { ...variantFigures(v, null, design), calls: t.calls, totalCostUsd: data.costs.get(v.id)?.listUsd ?? null, judgeCostUsd: t.judge };
    }),
    segments: [...bySegment].map(([segment, ids]) => ({ segment, cases: ids.length, variants: variants.map((v) => variantFigures(v, ids, design)) })),
    unpricedModels: data.unpricedModels,
  };
}
