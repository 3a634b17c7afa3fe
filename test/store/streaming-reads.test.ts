// The store's streaming reads for per-case statistics over a million results (issue #22): cases.keys (a
// run's cases without variables; two runs' at once, as diff reads them) and results.scan (every result to a
// callback, a chunk at a time, in the order results.list gives them). On every dialect (testAllStores).
import { describe, expect, it } from 'vitest';
import { type CaseKey, type CaseRow, type ResultRow } from '../../src/store/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = (id: string) => storedRun(id, { status: 'completed', config: { name: 'demo' }, totalCalls: 2, variants: [], selection: null });

const cases = (prefix: string): CaseRow[] => [
  { caseId: `${prefix}2`, contentHash: 'h-b', tags: ['segment:x', 'slow'], vars: { q: 'long text' }, cluster: 'k1', description: 'second' },
  { caseId: `${prefix}1`, contentHash: 'h-a', tags: [], vars: { q: 'more' }, cluster: null, description: null },
  { caseId: `${prefix}3`, contentHash: 'h-c', tags: ['segment:x', 'slow'], vars: {}, cluster: null, description: null },
];

async function collect(iterable: AsyncIterable<CaseKey>): Promise<CaseKey[]> {
  const out: CaseKey[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

const result = (caseId: string, variantId: string, i: number): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId,
  repeat: 0,
  output: `out ${i}`,
  pass: i % 3 !== 0,
  score: i % 3 !== 0 ? 1 : 0,
  cached: false,
  latencyMs: i,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [{ type: 'equals', metric: 'equals', severity: 'normal', weight: 1, pass: i % 3 !== 0, score: i % 3 !== 0 ? 1 : 0, reason: `r${i}` }],
  messages: [{ role: 'user', content: 'Q' }],
  finishedAt: '2026-12-05T10:00:00.000Z',
});

testAllStores('store streaming reads', ({ open }) => {
  describe('store.cases.keys', () => {
    it('streams ids, hashes, tags and clusters in stored order, without vars, two runs at once', async () => {
      const store = await open();
      {
        for (const id of ['r1', 'r2']) {
          await store.runs.create(run(id));
          await store.cases.putMany(id, cases(id));
        }
        const a = store.cases.keys('r1')[Symbol.asyncIterator]();
        const b = store.cases.keys('r2')[Symbol.asyncIterator]();
        // Interleaved: the second listing must not wait for, or break, the first.
        const first = [(await a.next()).value, (await b.next()).value];
        expect(first.map((c: CaseKey) => c.caseId)).toEqual(['r12', 'r22']);
        const rest = await collect({ [Symbol.asyncIterator]: () => a });
        expect([first[0], ...rest]).toEqual(cases('r1').map(({ caseId, contentHash, tags, cluster }) => ({ caseId, contentHash, tags, cluster })));
        expect((await collect({ [Symbol.asyncIterator]: () => b })).map((c) => c.caseId)).toEqual(['r21', 'r23']);
        expect(await collect(store.cases.keys('nope'))).toEqual([]);
      }
    });
  });

  describe('store.results.scan', () => {
    it('hands every result to the callback in list order, across chunks of 10,000, with the filters of list', async () => {
      const store = await open();
      {
        await store.runs.create(run('r1'));
        // 12,345 results (two chunks and a bit) over two variants.
        const rows = Array.from({ length: 12_345 }, (_, i) => result(`c${i >> 1}`, i % 2 ? 'b' : 'a', i));
        await store.results.putMany(rows);
        const listed: ResultRow[] = [];
        for await (const r of store.results.list('r1', { slim: true })) listed.push(r);
        const scanned: ResultRow[] = [];
        await store.results.scan('r1', { slim: true }, (r) => scanned.push(r));
        expect(scanned.length).toBe(12_345);
        expect(scanned).toEqual(listed);
        const onlyB: string[] = [];
        await store.results.scan('r1', { variantId: 'b' }, (r) => onlyB.push(r.output!));
        expect(onlyB).toEqual(rows.filter((r) => r.variantId === 'b').map((r) => r.output));
        // The listing is closed when the scan ends: the same statement can list again.
        let again = 0;
        for await (const _ of store.results.list('r1', { slim: true })) again++;
        expect(again).toBe(12_345);
      }
    });
  });
});
