// storedKeys on every dialect: what a redelivered job of a distributed run skips (distribute/worker.ts). Unlike
// completedKeys (what a resume skips), it holds errored results too (a job never re-calls a stored item), and
// only the cases asked for and only the run asked for.
import { expect, it } from 'vitest';
import type { ResultRow } from '../../src/store/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = (id: string) =>
  storedRun(id, {
    config: { name: 'demo' },
    repeat: 2,
    totalCalls: 8,
    variants: [{ id: 'm', label: 'm', model: 'openai:m', providerType: 'openai', modelId: 'm', prompt: 'v1' }],
    selection: { models: null, repeat: 2 },
  });

const result = (runId: string, caseId: string, repeat: number, errorClass: string | null = null): ResultRow => ({
  runId,
  caseId,
  variantId: 'm',
  repeat,
  output: errorClass ? null : 'out',
  pass: errorClass ? null : true,
  score: errorClass ? null : 1,
  cached: false,
  latencyMs: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  errorClass,
  errorMessage: errorClass ? 'boom' : null,
  attempts: 1,
  checks: [],
  messages: [{ role: 'user', content: `Q ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
});

testAllStores('storedKeys', ({ open }) => {
  it('holds every stored result of the given cases, errors included, of that run only', async () => {
    const store = await open();
    await store.runs.create(run('r1'));
    await store.runs.create(run('r2'));
    await store.results.putMany([result('r1', 'c1', 0), result('r1', 'c1', 1, 'server'), result('r1', 'c2', 0), result('r1', 'c3', 0), result('r2', 'c1', 1)]);
    expect(await store.results.storedKeys('r1', ['c1', 'c2', 'c9'])).toEqual(new Set(['c1\u0000m\u00000', 'c1\u0000m\u00001', 'c2\u0000m\u00000']));
    expect(await store.results.storedKeys('r1', [])).toEqual(new Set());
    // What a resume skips instead: the errored one is not there.
    expect((await store.results.completedKeys('r1')).has('c1\u0000m\u00001')).toBe(false);
  });
});
