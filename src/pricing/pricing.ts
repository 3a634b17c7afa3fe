// Cost of a call: the suite's price override if any, else the @pydantic/genai-prices database (dated list
// prices, shipped with the package, no network; the price in force at the call's time is used). Unknown
// price → undefined, never 0.
import { calcPrice, findProvider, type PriceCalculation } from '@pydantic/genai-prices';
import type { ModelRef } from '../suite/index.js';
import { priceProviderIdOf } from './price-ids.js';

/** What a model's price is made of: enough to price a call, or to explain an estimate. */
export interface PriceInfo {
  /** USD per million input tokens (uncached). */
  inputPerMtok: number;
  outputPerMtok: number;
  /** USD per million cached input tokens, when the price has one. */
  cachedInputPerMtok?: number;
  /** "suite price:" or "genai-prices openai:gpt-4-turbo" (the database entry that matched). */
  source: string;
}

/** The subset of a model reference pricing needs (a ModelRef, or one rebuilt from a stored run). */
export type PricedModel = Pick<ModelRef, 'providerType' | 'modelId' | 'price' | 'priceAs'>;

export interface Pricer {
  /**
   * USD for one call, or undefined when the model is unpriced or tokens are unknown. `inputTokens` counts
   * every input token, cached ones included; `cachedInputTokens` says how many of them were cache reads.
   */
  cost(model: PricedModel, inputTokens: number | undefined, outputTokens: number | undefined, cachedInputTokens?: number): number | undefined;
  /** The per-token price behind `cost` (for estimates and reports), or undefined when unpriced. */
  price(model: PricedModel): PriceInfo | undefined;
}

/** Which price-database provider and model id to look up, or undefined when the model cannot be priced there. */
function databaseTarget(model: PricedModel): { providerId: string; modelId: string } | undefined {
  if (model.priceAs) {
    // price_as names a price-database provider directly (openai, anthropic, google, mistral, groq, …).
    const providerId = priceProviderIdOf(model.priceAs.providerType) ?? model.priceAs.providerType;
    return findProvider({ providerId }) ? { providerId, modelId: model.priceAs.modelId } : undefined;
  }
  const providerId = priceProviderIdOf(model.providerType);
  return providerId ? { providerId, modelId: model.modelId } : undefined;
}

/** Per-Mtok rates of a price that is the same at every time and size (no conditions, no tiers), else null. */
function flatRates(result: PriceCalculation): { input: number; output: number; cacheRead: number | undefined } | null {
  const prices = result.model.prices;
  // Conditional prices (start dates, off-peak hours) depend on the call's time; tiered ones on its size.
  if (Array.isArray(prices)) return null;
  const { input_mtok: input, output_mtok: output, cache_read_mtok: cacheRead } = prices;
  if (typeof input !== 'number' || typeof output !== 'number' || (cacheRead !== undefined && typeof cacheRead !== 'number')) return null;
  // Any other tiered unit, or a price per request, would not be a plain sum of the three token kinds.
  if (Object.entries(prices).some(([key, value]) => typeof value !== 'number' || key.startsWith('requests'))) return null;
  return { input, output, cacheRead };
}

export function createPricer(options: { now?: () => Date } = {}): Pricer {
  const now = options.now ?? (() => new Date());
  const known = new Map<string, boolean>();
  // Models whose list price is flat (see flatRates): priced by their rates without a database lookup per call
  // (the lookup is most of the cost of ingesting a span). Others go through calcPrice every time.
  const flat = new Map<string, ReturnType<typeof flatRates>>();
  return {
    cost(model, inputTokens, outputTokens, cachedInputTokens) {
      if (inputTokens === undefined || outputTokens === undefined) return undefined;
      const cached = Math.min(Math.max(cachedInputTokens ?? 0, 0), inputTokens);
      if (model.price) {
        const p = model.price;
        const cachedRate = p.cached_input_per_mtok ?? p.input_per_mtok;
        return ((inputTokens - cached) * p.input_per_mtok + cached * cachedRate + outputTokens * p.output_per_mtok) / 1e6;
      }
      const target = databaseTarget(model);
      if (!target) return undefined;
      const cacheKey = `${target.providerId}|${target.modelId}`;
      if (known.get(cacheKey) === false) return undefined;
      // The same operations, in the same order, as genai-prices' own sum (price × tokens / 1e6 per unit, input then
      // output), so the figure is bit-identical to calcPrice's; a call with cached input tokens goes through calcPrice.
      const flatCost = (rates: ReturnType<typeof flatRates>) =>
        rates && cached === 0 ? 0 + (rates.input * inputTokens) / 1e6 + (rates.output * outputTokens) / 1e6 + 0 : undefined;
      const fromRates = flatCost(flat.get(cacheKey) ?? null);
      if (fromRates !== undefined) return fromRates;
      const usage: Record<string, number> = { input_tokens: inputTokens, output_tokens: outputTokens };
      if (cached > 0) usage.cache_read_tokens = cached;
      const result = calcPrice(usage, target.modelId, { providerId: target.providerId, timestamp: now() });
      known.set(cacheKey, result !== null);
      if (result && !flat.has(cacheKey)) flat.set(cacheKey, flatRates(result));
      return result ? result.total_price : undefined;
    },
    price(model) {
      if (model.price) {
        return {
          inputPerMtok: model.price.input_per_mtok,
          outputPerMtok: model.price.output_per_mtok,
          cachedInputPerMtok: model.price.cached_input_per_mtok,
          source: 'suite price:',
        };
      }
      const target = databaseTarget(model);
      if (!target) return undefined;
      // Price a million tokens of each kind separately: the per-Mtok rates at today's date.
      const input = calcPrice({ input_tokens: 1e6, output_tokens: 0 }, target.modelId, { providerId: target.providerId, timestamp: now() });
      const output = calcPrice({ input_tokens: 0, output_tokens: 1e6 }, target.modelId, { providerId: target.providerId, timestamp: now() });
      if (!input || !output) return undefined;
      const cachedRate = input.model_price.cache_read_mtok;
      return {
        inputPerMtok: input.total_price,
        outputPerMtok: output.total_price,
        cachedInputPerMtok: typeof cachedRate === 'number' ? cachedRate : undefined,
        source: `genai-prices ${input.provider.id}:${input.model.id}`,
      };
    },
  };
}
