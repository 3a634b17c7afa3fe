// Prices: the genai-prices database (list prices), suite overrides, price_as, cached input, unknown → undefined.
import { describe, expect, it } from 'vitest';
import { calcPrice } from '@pydantic/genai-prices';
import { CostBudget, createBudget } from '../../src/run/index.js';
import { createPricer, type PricedModel } from '../../src/pricing/index.js';
import { judgeCostOf } from '../../src/run/budget.js';
import type { Plan, WorkItem } from '../../src/plan/index.js';

const mini: PricedModel = { providerType: 'openai', modelId: 'gpt-4o-mini' };
/** The list price per million tokens, read from the database the way a person would. */
function listPrice(modelId: string, providerId: string): { input: number; output: number; cacheRead?: number } {
  const r = calcPrice({ input_tokens: 1, output_tokens: 1 }, modelId, { providerId })!;
  return {
    input: r.model_price.input_mtok as number,
    output: r.model_price.output_mtok as number,
    cacheRead: r.model_price.cache_read_mtok as number | undefined,
  };
}

describe('createPricer().cost', () => {
  const pricer = createPricer();

  it('prices gpt-4o-mini at its list price', () => {
    const p = listPrice('gpt-4o-mini', 'openai');
    expect(pricer.cost(mini, 1000, 200)).toBeCloseTo((1000 * p.input + 200 * p.output) / 1e6, 15);
    // and the price itself, as of this database: $0.15 / $0.60 per million
    expect([p.input, p.output]).toEqual([0.15, 0.6]);
  });

  it('prices cached input tokens at the cached rate', () => {
    const p = listPrice('gpt-4o-mini', 'openai');
    expect(p.cacheRead).toBeDefined();
    expect(pricer.cost(mini, 1000, 200, 400)).toBeCloseTo((600 * p.input + 400 * p.cacheRead! + 200 * p.output) / 1e6, 15);
  });

  it('uses a suite price override, cached rate included', () => {
    const model: PricedModel = { ...mini, price: { input_per_mtok: 1, output_per_mtok: 2, cached_input_per_mtok: 0.25 } };
    expect(pricer.cost(model, 1000, 200)).toBeCloseTo((1000 * 1 + 200 * 2) / 1e6, 15);
    expect(pricer.cost(model, 1000, 200, 400)).toBeCloseTo((600 * 1 + 400 * 0.25 + 200 * 2) / 1e6, 15);
    const noCachedRate: PricedModel = { ...mini, price: { input_per_mtok: 1, output_per_mtok: 2 } };
    expect(pricer.cost(noCachedRate, 1000, 200, 400)).toBeCloseTo((1000 * 1 + 200 * 2) / 1e6, 15);
  });

  it("prices a replayed or local model as another provider's model with price_as", () => {
    const replay: PricedModel = { providerType: 'replay', modelId: 'outputs/x.jsonl', priceAs: { providerType: 'mistral', modelId: 'open-mixtral-8x7b' } };
    const p = listPrice('open-mixtral-8x7b', 'mistral');
    expect(pricer.cost(replay, 1000, 200)).toBeCloseTo((1000 * p.input + 200 * p.output) / 1e6, 15);
    const gpt4: PricedModel = { providerType: 'replay', modelId: 'x', priceAs: { providerType: 'openai', modelId: 'gpt-4-1106-preview' } };
    expect(pricer.cost(gpt4, 1e6, 1e6)).toBeCloseTo(10 + 30, 9);
  });

  it('returns undefined, never 0, for an unknown price or unknown tokens', () => {
    expect(pricer.cost({ providerType: 'openai', modelId: 'gpt-nonexistent-9' }, 1000, 200)).toBeUndefined();
    expect(pricer.cost({ providerType: 'openai-compatible', modelId: 'llama3:8b' }, 1000, 200)).toBeUndefined();
    expect(pricer.cost({ providerType: 'replay', modelId: 'x', priceAs: { providerType: 'no-such-provider', modelId: 'y' } }, 1000, 200)).toBeUndefined();
    expect(pricer.cost(mini, undefined, 200)).toBeUndefined();
  });

  it('describes the price behind a cost', () => {
    expect(pricer.price(mini)).toEqual({ inputPerMtok: 0.15, outputPerMtok: 0.6, cachedInputPerMtok: 0.075, source: 'genai-prices openai:gpt-4o-mini' });
    expect(pricer.price({ ...mini, price: { input_per_mtok: 1, output_per_mtok: 2 } })!.source).toBe('suite price:');
    expect(pricer.price({ providerType: 'openai', modelId: 'gpt-nonexistent-9' })).toBeUndefined();
  });
});

describe('the --max-cost budget', () => {
  const pricer = createPricer();
  const item = (caseId: string, variantId = 'mini', model: Partial<WorkItem['variant']['model']> = {}): WorkItem =>
    ({
      key: caseId,
      caseId,
      variantId,
      repeat: 0,
      messages: [{ role: 'user', content: 'hello there' }],
      variant: {
        id: variantId,
        prompt: { id: 'p' },
        model: { ref: 'openai:gpt-4o-mini', label: variantId, providerId: 'openai', providerType: 'openai', modelId: 'gpt-4o-mini', params: {}, ...model },
      },
    }) as unknown as WorkItem;

  it('holds back a call whose reservation would pass the cap, and stops', () => {
    const perCall = pricer.cost(mini, 1000, 200)!;
    const budget = new CostBudget(3.5 * perCall, pricer, 200);
    const first = budget.reserve(item('c1'))!;
    expect(first.amountUsd).toBeLessThan(perCall); // the tokenizer sees a short prompt
    budget.settle(first, perCall, 200); // the provider reported 1,000 input tokens
    // From now on a call reserves at least the dearest call seen.
    const r2 = budget.reserve(item('c2'))!;
    expect(r2.amountUsd).toBeCloseTo(perCall, 15);
    const r3 = budget.reserve(item('c3'))!;
    expect(budget.reserve(item('c4'))).toBeNull();
    expect(budget.stopped).toBe(true);
    budget.settle(r2, perCall, 200);
    budget.settle(r3, perCall, 200);
    expect(budget.summary()).toEqual({ maxCostUsd: 3.5 * perCall, spentUsd: 3 * perCall, stopped: true });
    expect(budget.spentUsd).toBeLessThanOrEqual(3.5 * perCall);
  });

  it('reserves max_tokens of output when the model sets it', () => {
    const budget = new CostBudget(1, pricer, 10);
    const r = budget.reserve(item('c1', 'mini', { params: { max_tokens: 1000 } }))!;
    expect(r.amountUsd).toBeGreaterThanOrEqual((1000 * 0.6) / 1e6);
  });

  it('refuses to start when a called model has no known price', () => {
    const plan = {
      suite: { file: 'evalspec.yaml' },
      cases: [],
      checkTypes: new Set<string>(),
      simulatedUsers: [],
      variants: [{ id: 'local', model: { label: 'local', providerType: 'openai-compatible', modelId: 'llama3', params: {} } }],
    } as unknown as Plan;
    expect(() => createBudget(plan, pricer, 5)).toThrow(/no known price for local/);
    expect(() => createBudget({ ...plan, variants: [] } as unknown as Plan, pricer, -1)).toThrow(/--max-cost/);
  });
});

describe('the budget counts judge spend', () => {
  // Judges settle their own calls (charge); the model call notes what judging its output cost, which the next
  // reservation for that variant holds back on top of the model call's own estimate.
  it('adds what judges cost to the spend and holds it back in the next reservation', () => {
    const pricer = createPricer();
    const budget = new CostBudget(1, pricer, 10);
    const it1 = {
      key: 'c1',
      caseId: 'c1',
      variantId: 'v',
      repeat: 0,
      messages: [{ role: 'user', content: 'hi' }],
      variant: { id: 'v', prompt: { id: 'p' }, model: { providerType: 'openai', modelId: 'gpt-4o-mini', params: {} } },
    } as unknown as WorkItem;
    const r = budget.reserve(it1)!;
    const modelEstimate = r.amountUsd;
    budget.settle(r, 0.001, 10);
    const judgeCall = budget.reserveJudge(it1.variant.model as never, 'j', { system: 'grade', prompt: 'the answer' })!;
    budget.settleJudge(judgeCall, 0.002, 5); // the judge call of that result, settled by the judge client
    budget.noteJudging('v', judgeCostOf([{ judgeCostUsd: 0.002 }, { judgeCostUsd: null }, {}]));
    expect(budget.spentUsd).toBeCloseTo(0.003, 15);
    const next = budget.reserve(it1)!;
    expect(next.judgeHoldUsd).toBeCloseTo(0.002, 15);
    expect(next.amountUsd).toBeGreaterThan(modelEstimate);
    budget.releaseJudgeHold(next);
    expect(next.judgeHoldUsd).toBe(0);
    budget.settle(next, 0.0005, 10);
    expect(budget.spentUsd).toBeCloseTo(0.0035, 15);
  });
});
