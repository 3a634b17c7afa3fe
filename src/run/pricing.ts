// Cost of a call: the suite's price override if any, else the @pydantic/genai-prices database (dated list
// prices, shipped with the package, no network). Unknown price → undefined, never 0.
import { calcPrice } from '@pydantic/genai-prices';
import type { ModelRef } from '../suite/index.js';

const PRICE_PROVIDER: Record<string, string | undefined> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
};

export interface Pricer {
  /** USD for one call, or undefined when the model is unpriced or tokens are unknown. */
  cost(model: ModelRef, inputTokens: number | undefined, outputTokens: number | undefined): number | undefined;
}

export function createPricer(): Pricer {
  const known = new Map<string, boolean>();
  return {
    cost(model, inputTokens, outputTokens) {
      if (inputTokens === undefined || outputTokens === undefined) return undefined;
      if (model.price) {
        return (inputTokens * model.price.input_per_mtok + outputTokens * model.price.output_per_mtok) / 1e6;
      }
      const target = model.priceAs ?? { providerType: model.providerType, modelId: model.modelId };
      const providerId = PRICE_PROVIDER[target.providerType];
      if (!providerId) return undefined;
      const cacheKey = `${providerId}|${target.modelId}`;
      if (known.get(cacheKey) === false) return undefined;
      const result = calcPrice({ input_tokens: inputTokens, output_tokens: outputTokens }, target.modelId, { providerId });
      known.set(cacheKey, result !== null);
      return result ? result.total_price : undefined;
    },
  };
}
