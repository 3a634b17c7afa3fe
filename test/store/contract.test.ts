// The Store contract: every behaviour of the Store interface, on every dialect (testAllStores: SQLite and a
// real PostgreSQL). Every entity round-trips (unknown stays null, never 0), results list in write order and are
// replaced by key (the replaced one moves last), aggregate() sums only what is known, and the queries a resume
// relies on (completedKeys, leases). Dialect-specific behaviour (SQLite files, migrations of old SQLite stores,
// PostgreSQL URLs) lives in sqlite-*.test.ts and pg-store.test.ts.
import { describe, expect, it } from 'vitest';
import { ResultWriter } from '../../src/run/result-writer.js';
import { testAllStores, storedResult, storedRun } from './all-stores.js';

const run = storedRun;

const result = storedResult;

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

testAllStores('store contract', ({ fresh, open, query }) => {
  describe('runs and cases', () => {
    it('round-trip a run; list filters and sorts newest first; status and warnings update', async () => {
      const store = await open();
      await store.runs.create(run('r1', { label: 'main', status: 'completed', gitCommit: 'abc' }));
      await store.runs.create(run('r2', { startedAt: '2026-12-05T11:00:00.000Z', warnings: ['w1'] }));
      await store.runs.create(run('r3', { suiteName: 'other', startedAt: '2026-12-05T12:00:00.000Z', selection: null }));
      expect(await store.runs.get('r1')).toEqual(run('r1', { label: 'main', status: 'completed', gitCommit: 'abc' }));
      expect(await store.runs.get('nope')).toBeUndefined();
      expect((await store.runs.list()).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
      expect((await store.runs.list({ suite: 'demo' })).map((r) => r.id)).toEqual(['r2', 'r1']);
      expect((await store.runs.list({ label: 'main', status: 'completed' })).map((r) => r.id)).toEqual(['r1']);
      expect((await store.runs.list({ limit: 1 })).map((r) => r.id)).toEqual(['r3']);
      expect((await store.runs.get('r3'))!.selection).toBeNull();

      await store.runs.setStatus('r2', 'completed', '2026-12-05T11:05:00.000Z');
      await store.runs.addWarnings('r2', ['w2', 'w1', 'w2']);
      const r2 = (await store.runs.get('r2'))!;
      expect([r2.status, r2.endedAt, r2.warnings]).toEqual(['completed', '2026-12-05T11:05:00.000Z', ['w1', 'w2']]);
    });

    it('cases keep their order, vars, tags and null cluster; putting one again replaces it', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      const c = (id: string, extra = {}) => ({
        caseId: id,
        contentHash: `h${id}`,
        tags: ['t'],
        vars: { q: id, n: 1 },
        cluster: null,
        description: null,
        ...extra,
      });
      await store.cases.putMany('r1', [c('b'), c('a', { cluster: 'k', description: 'd' })]);
      await store.cases.putMany('r1', [c('b', { tags: ['new'] })]);
      const cases = await store.cases.list('r1');
      expect(cases.map((x) => x.caseId).sort()).toEqual(['a', 'b']);
      expect(cases.find((x) => x.caseId === 'a')).toEqual(c('a', { cluster: 'k', description: 'd' }));
      expect(cases.find((x) => x.caseId === 'b')!.tags).toEqual(['new']);
    });
  });

  describe('results', () => {
    it('round-trip, with unknown tokens, cost and latency as null (not 0), and messages shared by hash', async () => {
      const file = await fresh();
      const store = await open(file);
      await store.runs.create(run('r1'));
      const unknown = result('c2', {
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        latencyMs: null,
        score: null,
        pass: null,
        output: null,
        errorClass: 'server',
        errorMessage: '500 boom',
        attempts: 3,
        messages: [{ role: 'user', content: 'Q c1' }],
      });
      await store.results.putMany([result('c1'), unknown]);
      expect(await all(store.results.list('r1'))).toEqual([result('c1'), unknown]);
      // Both results had the same messages: stored once.
      expect((await query<{ n: unknown }>(file, 'SELECT COUNT(*) AS n FROM messages')).map((r) => Number(r.n))).toEqual([1]);
      // slim: output and messages left out, everything else kept.
      const slim = await all(store.results.list('r1', { slim: true }));
      expect(slim[0]).toEqual({ ...result('c1'), output: null, messages: null });
    });

    it('lists in write order, filters by variant and case, and replaces a result by its key', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.results.putMany([result('z'), result('a'), result('m', { variantId: 'other' })]);
      await store.results.putMany([result('z', { output: 'retried', attempts: 2 })]); // same key: replaced in place
      const ids = (await all(store.results.list('r1'))).map((r) => `${r.caseId}:${r.output}`);
      expect(ids).toEqual(['a:out a', 'm:out m', 'z:retried']); // REPLACE is a delete + insert: z moves last
      expect((await all(store.results.list('r1', { variantId: 'other' }))).map((r) => r.caseId)).toEqual(['m']);
      expect((await all(store.results.list('r1', { caseId: 'a' }))).map((r) => r.caseId)).toEqual(['a']);
    });

    it('streams many rows, and breaking out of a listing frees it for the next one', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      const n = 2_500;
      await store.results.putMany(Array.from({ length: n }, (_, i) => result(`c${i}`, { inputTokens: i })));
      let seen = 0;
      for await (const r of store.results.list('r1')) {
        if (++seen === 10) break;
        expect(r.inputTokens).toBe(seen - 1);
      }
      let sum = 0;
      for await (const r of store.results.list('r1')) sum += r.inputTokens!;
      expect(sum).toBe((n * (n - 1)) / 2); // 0 + 1 + … + 2499
    });

    it('completedKeys (what a resume skips) holds only results without an error', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.results.putMany([result('c1'), result('c1', { repeat: 1, errorClass: 'timeout', pass: null }), result('c2', { pass: false })]);
      expect(await store.results.completedKeys('r1')).toEqual(new Set(['c1\u0000gpt-4o\u00000', 'c2\u0000gpt-4o\u00000']));
    });

    it('aggregate counts per variant; tokens and cost are null when unknown, cost null when any call is unpriced', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.results.putMany([
        result('c1', { score: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.25 }),
        result('c2', { pass: false, score: 0.5, inputTokens: 20, outputTokens: 7, costUsd: 0.5 }),
        result('c3', { pass: null, score: null, errorClass: 'server', inputTokens: null, outputTokens: null, costUsd: null }),
        result('c4', { cached: true, costUsd: 0, inputTokens: 1, outputTokens: 1 }),
        result('c1', { variantId: 'local', inputTokens: null, outputTokens: null, costUsd: null }),
      ]);
      const [gpt, local] = await store.results.aggregate('r1');
      // gpt-4o: passes c1, c4; fails c2; c3 errored. Tokens 10+20+1 = 31 in, 5+7+1 = 13 out; cost 0.25+0.5+0 = 0.75.
      expect(gpt).toMatchObject({
        variantId: 'gpt-4o',
        results: 4,
        passed: 2,
        failed: 1,
        errors: 1,
        cached: 1,
        scored: 3,
        inputTokens: 31,
        outputTokens: 13,
        unpriced: 0,
      });
      expect(gpt.scoreSum).toBeCloseTo(2.5, 12); // 1 + 0.5 + 1
      expect(gpt.costUsd).toBeCloseTo(0.75, 12);
      // local: one successful unpriced call with unknown tokens.
      expect(local).toMatchObject({ variantId: 'local', results: 1, inputTokens: null, outputTokens: null, costUsd: null, unpriced: 1 });
      expect(await store.results.aggregate('none')).toEqual([]);
      // count: the same totals without grouping (what the end of a run and a distributed run's progress read).
      expect(await store.results.count('r1')).toEqual({ results: 5, errors: 1 });
      expect(await store.results.count('none')).toEqual({ results: 0, errors: 0 });
    });

    it('latencies: successful results only, sorted', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.results.putMany([
        result('a', { latencyMs: 300 }),
        result('b', { latencyMs: 100 }),
        result('c', { latencyMs: 50, errorClass: 'server' }),
        result('d', { latencyMs: null }),
      ]);
      expect(await store.results.latencies('r1', 'gpt-4o')).toEqual([100, 300]);
    });

    it('the result writer batches: nothing is stored before a flush, everything after, in one ordered pass', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      const writer = new ResultWriter(store, { maxBatch: 1000, maxDelayMs: 60_000 });
      for (let i = 0; i < 5; i++)
        writer.add(result(`c${i}`), {
          key: `k${i}`,
          response: { text: `t${i}`, inputTokens: null, outputTokens: 1, latencyMs: null, costUsd: null, finishReason: 'stop' },
        });
      expect(await all(store.results.list('r1'))).toHaveLength(0);
      await writer.flush();
      expect((await all(store.results.list('r1'))).map((r) => r.caseId)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
      expect(await store.cache.get('k3')).toEqual({ text: 't3', inputTokens: null, outputTokens: 1, latencyMs: null, costUsd: null, finishReason: 'stop' });
    });
  });

  describe('paired tallies (the viewer compare)', () => {
    it("pair every case both runs have exactly once, past PostgreSQL pages of 2,000 cases, with each side's counts", async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.runs.create(run('r2'));
      const N = 4_500; // three PostgreSQL pages
      const rows = (runId: string, passes: (i: number) => boolean, from = 0) =>
        Array.from({ length: N }, (_, k) =>
          result(`c${String(from + k).padStart(5, '0')}`, { runId, pass: passes(from + k), score: passes(from + k) ? 1 : 0 }),
        );
      // r2 lacks the first 100 cases of r1 and has 100 of its own: 4,400 cases in common.
      for (const batch of [rows('r1', (i) => i % 3 !== 0), rows('r2', (i) => i % 2 === 0, 100)]) {
        for (let k = 0; k < batch.length; k += 1000) await store.results.putMany(batch.slice(k, k + 1000));
      }
      const seen = new Map<string, { a: number; b: number }>();
      const counts = await store.results.pairedTallies({ runA: 'r1', variantA: 'gpt-4o', runB: 'r2', variantB: 'gpt-4o' }, (t) => {
        expect(seen.has(t.caseId), t.caseId).toBe(false);
        seen.set(t.caseId, { a: t.a.passed, b: t.b.passed });
      });
      expect(counts).toEqual({ casesA: N, casesB: N });
      expect(seen.size).toBe(N - 100);
      for (const [id, { a, b }] of seen) {
        const i = Number(id.slice(1));
        expect([a, b], id).toEqual([i % 3 !== 0 ? 1 : 0, i % 2 === 0 ? 1 : 0]);
      }
    });
  });

  describe('labels, cache and leases', () => {
    it('labels upsert per labeller; a row without a preference keeps the stored one; delete removes one row', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      const label = (extra = {}) => ({
        runId: 'r1',
        caseId: 'c1',
        variantId: 'gpt-4o',
        repeat: 0,
        label: 'pass',
        scores: null,
        tag: null,
        comment: null,
        labeller: 'ann',
        createdAt: '2026-12-05T10:00:00Z',
        ...extra,
      });
      await store.labels.putMany([label({ preference: 'win' }), label({ labeller: 'bob', label: 'fail', scores: { helpful: 2 } })]);
      await store.labels.putMany([label({ label: 'fail', comment: 'changed my mind' })]); // preference undefined: kept
      const ann = await store.labels.list('r1', { labeller: 'ann' });
      expect(ann).toEqual([label({ label: 'fail', comment: 'changed my mind', preference: 'win' })]);
      expect((await store.labels.list('r1', { labeller: 'bob' }))[0].scores).toEqual({ helpful: 2 });
      await store.labels.putMany([label({ preference: null })]); // an explicit null clears it
      expect((await store.labels.list('r1', { labeller: 'ann' }))[0].preference).toBeNull();
      await store.labels.delete({ runId: 'r1', caseId: 'c1', variantId: 'gpt-4o', repeat: 0, labeller: 'ann' });
      expect((await store.labels.list('r1')).map((l) => l.labeller)).toEqual(['bob']);
    });

    it('cache entries round-trip and are replaced by key; a missing key is undefined', async () => {
      const store = await open();
      const resp = (text: string) => ({ text, inputTokens: 3, outputTokens: null, latencyMs: 12.5, costUsd: null, finishReason: null });
      await store.cache.putMany([{ key: 'a', response: resp('one') }]);
      await store.cache.putMany([{ key: 'a', response: resp('two') }]);
      expect(await store.cache.get('a')).toEqual(resp('two'));
      expect(await store.cache.get('b')).toBeUndefined();
    });

    it('a lease is exclusive until it expires, is renewed only by its holder, and is released only by its token', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      const lease = (token: string, expiresAt: number) => ({ runId: 'r1', token, pid: 1, host: 'h', acquiredAt: 't', heartbeatAt: 't', expiresAt });
      expect(await store.leases.acquire(lease('A', 1_000), 0)).toEqual({ acquired: true });
      const refused = await store.leases.acquire(lease('B', 2_000), 500);
      expect(refused).toEqual({ acquired: false, holder: lease('A', 1_000) });
      expect(await store.leases.renew('r1', 'B', 5_000, 600)).toBe(false);
      expect(await store.leases.renew('r1', 'A', 1_500, 600)).toBe(true);
      expect((await store.leases.acquire(lease('B', 2_000), 1_200)).acquired).toBe(false); // renewed past 1 200
      expect((await store.leases.acquire(lease('B', 2_000), 1_200, 'A')).acquired).toBe(true); // take over a dead holder
      await store.leases.release('r1', 'A'); // not A's any more: no effect
      expect((await store.leases.get('r1'))!.token).toBe('B');
      await store.leases.release('r1', 'B');
      expect(await store.leases.get('r1')).toBeUndefined();
      expect((await store.leases.acquire(lease('C', 3_000), 1_600)).acquired).toBe(true); // expired at 1 500 anyway
    });
  });
});
