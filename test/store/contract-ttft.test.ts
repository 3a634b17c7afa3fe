// A streamed call's time to first token (issue #20; SQLite migration 15, PostgreSQL migration 10) on every dialect:
// written with the result, read back by full, slim and transcript-less reads and by result pages (it is a number the
// latency figures use), absent (unknown, never 0) for a result that was not streamed, and carried by `store copy`.
import { expect, it } from 'vitest';
import { copyStore, type ResultRow } from '../../src/store/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = storedRun('r1', {
  config: { name: 'streams' },
  totalCalls: 2,
  variants: [{ id: 'm', label: 'm', model: 'openai:m', providerType: 'openai', modelId: 'm', prompt: 'v1' }],
});

const result = (caseId: string, ttftMs?: number): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId: 'm',
  repeat: 0,
  output: 'Done',
  pass: true,
  score: 1,
  cached: false,
  latencyMs: 900,
  ...(ttftMs === undefined ? {} : { ttftMs }),
  inputTokens: 20,
  outputTokens: 8,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [],
  messages: [{ role: 'user', content: `Q ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
});

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const ttfts = (rows: ResultRow[]) => Object.fromEntries(rows.map((r) => [r.caseId, r.ttftMs ?? null]));

testAllStores('result time to first token', ({ open }) => {
  it('round-trips in every read, is unknown for a result not streamed, and is copied with the run', async () => {
    const store = await open();
    await store.runs.create(run);
    await store.results.putMany([result('streamed', 212.5), result('plain')]);
    const expected = { streamed: 212.5, plain: null };
    expect(ttfts(await collect(store.results.list('r1')))).toEqual(expected);
    expect(ttfts(await collect(store.results.list('r1', { slim: true })))).toEqual(expected);
    expect(ttfts(await collect(store.results.list('r1', { omitTranscript: true, caseId: 'streamed' })))).toEqual({ streamed: 212.5 });
    expect(ttfts((await store.results.page('r1', { variantOrder: ['m'], offset: 0, limit: 10 })).rows)).toEqual(expected);

    const target = await open();
    await copyStore(store, target);
    expect(ttfts(await collect(target.results.list('r1')))).toEqual(expected);
  });
});
