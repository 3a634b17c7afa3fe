// Reading a stored run into selection data: list cost (cache hits priced again from their tokens), errors,
// judge cost kept apart, segments from tags; and the cost summary of the run report built from it.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type ResultRow, type Store } from '../../src/store/index.js';
import { buildCostSummary, loadSelectionData } from '../../src/analysis/index.js';
import { createPricer } from '../../src/pricing/index.js';

let store: Store;
afterEach(async () => store?.close());

const PER_CALL = createPricer().cost({ providerType: 'openai', modelId: 'gpt-4o-mini' }, 1000, 200)!;

function row(caseId: string, variantId: string, fields: Partial<ResultRow>): ResultRow {
  return {
    runId: 'r1',
    caseId,
    variantId,
    repeat: 0,
    output: 'x',
    pass: true,
    score: 1,
    cached: false,
    latencyMs: 100,
    inputTokens: 1000,
    outputTokens: 200,
    costUsd: PER_CALL,
    errorClass: null,
    errorMessage: null,
    attempts: 1,
    checks: [],
    messages: null,
    finishedAt: new Date().toISOString(),
    ...fields,
  };
}

async function seed(): Promise<void> {
  store = openStore(':memory:');
  await store.runs.create({
    id: 'r1',
    suiteName: 's',
    suiteHash: 'h',
    suiteFile: 'evalspec.yaml',
    label: null,
    status: 'completed',
    formatVersion: 1,
    config: { models: ['openai:gpt-4o-mini', { id: 'openai:local-model', label: 'local' }] },
    variants: [
      { id: 'gpt-4o-mini', label: 'gpt-4o-mini', model: 'openai:gpt-4o-mini', providerType: 'openai', modelId: 'gpt-4o-mini', prompt: 'p' },
      { id: 'local', label: 'local', model: 'openai:local-model', providerType: 'openai', modelId: 'local-model', prompt: 'p' },
    ],
    repeat: 1,
    gitCommit: null,
    gitBranch: null,
    totalCalls: 8,
    startedAt: new Date().toISOString(),
    endedAt: null,
    warnings: [],
  });
  await store.cases.putMany(
    'r1',
    ['c1', 'c2', 'c3', 'c4'].map((id, i) => ({
      caseId: id,
      contentHash: id,
      tags: [i < 2 ? 'segment:a' : 'segment:b', 'other:x'],
      vars: {},
      cluster: null,
      description: null,
    })),
  );
  const judged = [{ type: 'judge', metric: 'm', severity: 'normal', weight: 1, pass: true, score: 1, reason: '', judgeCostUsd: 0.001 }];
  await store.results.putMany([
    row('c1', 'gpt-4o-mini', { checks: judged as ResultRow['checks'] }),
    row('c2', 'gpt-4o-mini', { cached: true, costUsd: 0, latencyMs: 300 }), // served from the cache: the run paid 0
    row('c3', 'gpt-4o-mini', { pass: false, score: 0 }),
    row('c4', 'gpt-4o-mini', {
      pass: null,
      score: null,
      output: null,
      errorClass: 'server',
      costUsd: null,
      latencyMs: null,
      inputTokens: null,
      outputTokens: null,
    }),
    ...['c1', 'c2', 'c3', 'c4'].map((c) => row(c, 'local', { costUsd: null })),
  ]);
}

describe('loadSelectionData', () => {
  it('prices cache hits from their tokens, leaves errors out of cost and counts them as failures', async () => {
    await seed();
    const data = await loadSelectionData(store, 'r1');
    expect(data.errors).toBe(1);
    expect(data.judgeCosts).toBe(true);
    expect(data.unpricedModels).toEqual(['openai:local-model']);
    expect([...data.input.segments!]).toEqual([
      ['c1', 'a'],
      ['c2', 'a'],
      ['c3', 'b'],
      ['c4', 'b'],
    ]);
    const mini = data.input.variants.find((v) => v.id === 'gpt-4o-mini')!;
    expect(mini.cases.get('c2')!.costUsd).toBeCloseTo(PER_CALL, 15);
    expect(mini.cases.get('c4')).toMatchObject({ pass: 0, answered: false, costUsd: null });
    expect(mini.cases.get('c1')!.judgeCostUsd).toBeCloseTo(0.001, 15);
    expect((await loadSelectionData(store, 'r1', { segmentBy: 'other' })).input.segments!.get('c1')).toBe('x');
  });

  it('feeds the cost-of-quality block of the run report', async () => {
    await seed();
    const costs = await buildCostSummary(store, 'r1');
    const mini = costs.variants.find((v) => v.variant === 'gpt-4o-mini')!;
    expect(mini.calls).toBe(3);
    expect(mini.totalCostUsd).toBeCloseTo(3 * PER_CALL, 15);
    expect(mini.costPerCase).toBeCloseTo(PER_CALL, 15);
    expect(mini.quality).toBeCloseTo(2 / 4, 12); // the errored case counts as not passed
    expect(mini.costPerPass).toBeCloseTo(PER_CALL / 0.5, 15);
    expect(mini.judgeCostUsd).toBeCloseTo(0.001, 15);
    expect(mini.judgeCostPerCase).toBeCloseTo(0.001 / 3, 15);
    expect(mini.latencyMs.p50).toBe(100);
    expect(mini.latencyMs.p99).toBeCloseTo(296, 9);
    expect(mini.latencyMs.tokensPerSecond).toBeCloseTo(600 / 0.5, 9);
    const local = costs.variants.find((v) => v.variant === 'local')!;
    expect(local.costPerCase).toBeNull();
    expect(local.totalCostUsd).toBeNull();
    expect(costs.unpricedModels).toEqual(['openai:local-model']);
    expect(costs.segments.map((s) => [s.segment, s.cases])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });
});
