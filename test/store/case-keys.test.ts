// Store.cases.keys (issue #22): a run's cases without variables, streamed, for per-case statistics over
// hundreds of thousands of cases; two runs' cases can be streamed at once (diff reads both).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type CaseKey, type CaseRow, type RunRecord } from '../../src/store/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const run = (id: string): RunRecord => ({
  id,
  suiteName: 'demo',
  suiteHash: 'h1',
  suiteFile: '/s/evalspec.yaml',
  label: null,
  status: 'completed',
  formatVersion: 1,
  config: { name: 'demo' },
  repeat: 1,
  gitCommit: null,
  gitBranch: null,
  totalCalls: 2,
  variants: [],
  startedAt: '2026-12-05T10:00:00.000Z',
  endedAt: null,
  warnings: [],
  selection: null,
});

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

describe('store.cases.keys', () => {
  it('streams ids, hashes, tags and clusters in stored order, without vars, two runs at once', async () => {
    const store = openStore(join(tempDir(), 'store.db'));
    try {
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
    } finally {
      await store.close();
    }
  });
});
