// The pricer's flat-rate path (a model whose list price has no conditions and no tiers is priced from its rates,
// without a database lookup per call, which was most of the CPU of ingesting a span): the same figures as the
// database, and models whose price depends on the time of the call are still priced at that time.
import { describe, expect, it } from 'vitest';
import { createPricer, type PricedModel } from '../../src/pricing/index.js';

describe('createPricer: flat list prices', () => {
  it('prices repeated gpt-4o-mini calls at $0.15 / $0.075 cached / $0.60 per million tokens', () => {
    const pricer = createPricer();
    const mini: PricedModel = { providerType: 'openai', modelId: 'gpt-4o-mini' };
    // 60 × 0.15 + 55 × 0.60 = 9 + 33 = 42 µ$
    expect(pricer.cost(mini, 60, 55)).toBeCloseTo(42e-6, 15);
    expect(pricer.cost(mini, 60, 55)).toBeCloseTo(42e-6, 15);
    // 800 uncached × 0.15 + 200 cached × 0.075 + 100 × 0.60 = 120 + 15 + 60 = 195 µ$
    expect(pricer.cost(mini, 1000, 100, 200)).toBeCloseTo(195e-6, 15);
    expect(pricer.cost(mini, 0, 0)).toBe(0);
  });

  it('keeps pricing a time-of-day price at the time of each call', () => {
    // deepseek-chat in this database: $0.27 input per million from 00:30 to 16:30 UTC, $0.135 outside it.
    let at = new Date('2026-12-01T12:00:00Z');
    const pricer = createPricer({ now: () => at });
    // Priced as ingest prices a provider it has no client for: price_as names the database's provider.
    const deepseek: PricedModel = { providerType: 'openai', modelId: 'deepseek-chat', priceAs: { providerType: 'deepseek', modelId: 'deepseek-chat' } };
    expect(pricer.cost(deepseek, 1e6, 0)).toBeCloseTo(0.27, 12);
    at = new Date('2026-12-01T20:00:00Z');
    expect(pricer.cost(deepseek, 1e6, 0)).toBeCloseTo(0.135, 12);
    at = new Date('2026-12-02T01:00:00Z');
    expect(pricer.cost(deepseek, 1e6, 0)).toBeCloseTo(0.27, 12);
  });
});

describe('a flat price is bit-identical to the database lookup', () => {
  it('gives exactly calcPrice total for every token count (run figures must not depend on which call came first)', async () => {
    const { calcPrice } = await import('@pydantic/genai-prices');
    const pricer = createPricer();
    const model = { providerType: 'openai', modelId: 'gpt-4o-mini', ref: 'openai:gpt-4o-mini' } as PricedModel;
    let compared = 0;
    for (let input = 1; input < 2000; input += 37) {
      for (let output = 0; output < 300; output += 29) {
        const lookup = calcPrice({ input_tokens: input, output_tokens: output }, 'gpt-4o-mini', { providerId: 'openai', timestamp: new Date() })!.total_price;
        expect(pricer.cost(model, input, output, 0)).toBe(lookup);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
