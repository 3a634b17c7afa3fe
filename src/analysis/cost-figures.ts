// Every cost figure a report shows is computed here, once, and rendered by the terminal, JSON, Markdown and
// `runs` outputs and by `select`:
//   paid — what this run paid: a cache hit costs 0; null when a call's price is unknown.
//   list — what the calls cost at list price: a cache hit is priced again from its stored tokens (the run
//          paid nothing, but production would), so a re-run served from the cache does not look free.
// Errored calls are counted as not billed (providers do not bill a failed request). A variant with no
// answered call has a known cost of 0 only when its model has a price; otherwise its cost is unknown (null),
// never 0.
import type { RunRecord, ResultRow, StoredVariant, VariantAggregate } from '../store/index.js';
import { createPricer, type PricedModel } from '../pricing/index.js';
import type { PriceOverride } from '../suite/index.js';

/** The fields of a stored result that its cost depends on (slim rows carry them). */
export type CostedRow = Pick<ResultRow, 'variantId' | 'cached' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'errorClass'>;

/** Rebuild a variant's pricing from the suite config stored with the run (for pricing cache hits). */
export function pricedModelOf(run: RunRecord, variant: StoredVariant): PricedModel {
  const entries = Array.isArray(run.config.models) ? (run.config.models as unknown[]) : [];
  const specs = entries.map((e) => (typeof e === 'string' ? { id: e } : (e as { id?: string; label?: string; price?: PriceOverride; price_as?: string })));
  const spec =
    specs.find((s) => s.id === variant.model && s.label === variant.label) ??
    specs.find((s) => s.id === variant.model && s.label === undefined) ??
    specs.find((s) => s.id === variant.model);
  const priceAs = spec?.price_as;
  return {
    providerType: variant.providerType as PricedModel['providerType'],
    modelId: variant.modelId,
    price: spec?.price,
    priceAs: priceAs ? { providerType: priceAs.slice(0, priceAs.indexOf(':')), modelId: priceAs.slice(priceAs.indexOf(':') + 1) } : undefined,
  };
}

/** replay: and function: variants have no list price by nature (they may report their own cost per call). */
export function hasNoPriceByNature(variant: Pick<StoredVariant, 'providerType'>): boolean {
  return variant.providerType === 'replay' || variant.providerType === 'function';
}

export interface RunPricing {
  /** What this run paid for one call (as stored: 0 for a cache hit, null when unpriced or errored). */
  paid(row: CostedRow): number | null;
  /** The call's cost at list price; null when errored or unpriced. */
  list(row: CostedRow): number | null;
  /** Whether the variant's model has a known price (suite price:, price_as:, or the price database). */
  hasPrice(variantId: string): boolean;
}

export function runPricing(run: RunRecord): RunPricing {
  const pricer = createPricer();
  const models = new Map(run.variants.map((v) => [v.id, pricedModelOf(run, v)]));
  const priced = new Map<string, boolean>();
  return {
    paid: (row) => row.costUsd,
    list(row) {
      if (row.errorClass !== null) return null;
      if (!row.cached) return row.costUsd;
      const model = models.get(row.variantId);
      if (!model || row.inputTokens === null || row.outputTokens === null) return null;
      return pricer.cost(model, row.inputTokens, row.outputTokens) ?? null;
    },
    hasPrice(variantId) {
      let known = priced.get(variantId);
      if (known === undefined) {
        const model = models.get(variantId);
        known = model !== undefined && pricer.price(model) !== undefined;
        priced.set(variantId, known);
      }
      return known;
    },
  };
}

export interface CostFigures {
  /** What this run paid (cache hits 0); null when unknown. */
  paidUsd: number | null;
  /** The same calls at list price (cache hits priced from their tokens); null when unknown. */
  listUsd: number | null;
}

/** Totals of one variant's calls, fed one stored result at a time. */
export class CostTotals {
  /** Totals kept with their run (stored-fold.ts) given the run's pricing again (a snapshot keeps no functions). */
  static reprice(totals: CostTotals, pricing: RunPricing): void {
    Object.assign(totals, { pricing });
  }

  private paid = 0;
  private list = 0;
  private paidUnknown = false;
  private listUnknown = false;
  private answered = 0;

  constructor(
    private readonly pricing: RunPricing,
    private readonly variantId: string,
  ) {}

  add(row: CostedRow): void {
    if (row.errorClass !== null) return; // not billed
    this.answered++;
    const paid = this.pricing.paid(row);
    if (paid === null) this.paidUnknown = true;
    else this.paid += paid;
    const list = this.pricing.list(row);
    if (list === null) this.listUnknown = true;
    else this.list += list;
  }

  figures(): CostFigures {
    if (this.answered === 0) return noAnsweredCall(this.pricing, this.variantId);
    return { paidUsd: this.paidUnknown ? null : this.paid, listUsd: this.listUnknown ? null : this.list };
  }
}

/** No answered call: nothing was billed, but "$0" is only a fact when the model has a price. */
function noAnsweredCall(pricing: RunPricing, variantId: string): CostFigures {
  const zero = pricing.hasPrice(variantId) ? 0 : null;
  return { paidUsd: zero, listUsd: zero };
}

/** Paid and list cost per variant of a run, folded one stored result at a time (costsByVariant, storedCosts). */
export function costFold(run: RunRecord): { add(row: CostedRow): void; figures(): Map<string, CostFigures> } {
  const pricing = runPricing(run);
  const totals = new Map(run.variants.map((v) => [v.id, new CostTotals(pricing, v.id)]));
  return {
    add: (row) => totals.get(row.variantId)?.add(row),
    figures: () => new Map([...totals].map(([id, t]) => [id, t.figures()])),
  };
}

/** Paid and list cost per variant of a run, from its stored results (slim rows or the viewer's index). */
export function costsByVariant(run: RunRecord, rows: Iterable<CostedRow>): Map<string, CostFigures> {
  const fold = costFold(run);
  for (const row of rows) fold.add(row);
  return fold.figures();
}

/**
 * A variant's figures from the store's SQL aggregate, when the aggregate decides them: every call answered
 * and none served from the cache (list cost = what was paid), or none answered. Else undefined: the rows are
 * needed (costsByVariant), as a cache hit's list price comes from its tokens.
 */
export function costsOfAggregate(pricing: RunPricing, aggregate: VariantAggregate | undefined, variantId: string): CostFigures | undefined {
  if (!aggregate || aggregate.errors === aggregate.results) return noAnsweredCall(pricing, variantId);
  if (aggregate.cached > 0 || aggregate.errors > 0) return undefined;
  // costUsd is null when any answered call is unpriced (store aggregate), as CostTotals would say.
  return { paidUsd: aggregate.costUsd, listUsd: aggregate.costUsd };
}

/** Sum of several cost figures (a run's variants): unknown when any part is unknown. */
export function sumCosts(parts: readonly CostFigures[]): CostFigures {
  const sum = (pick: (c: CostFigures) => number | null): number | null =>
    parts.reduce<number | null>((s, c) => (s === null || pick(c) === null ? null : s + (pick(c) as number)), 0);
  return { paidUsd: sum((c) => c.paidUsd), listUsd: sum((c) => c.listUsd) };
}

/** A run's total paid and list cost over its variants (what `evalspec runs` shows). */
export function runCostTotals(report: { variants: readonly { costUsd: number | null; listCostUsd: number | null }[] }): CostFigures {
  return sumCosts(report.variants.map((v) => ({ paidUsd: v.costUsd, listUsd: v.listCostUsd })));
}
