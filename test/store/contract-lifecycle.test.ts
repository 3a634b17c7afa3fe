// The Store contract, continued (testAllStores: SQLite and PostgreSQL): what surrounds the entities. A new
// store records its dialect's migrations once; a reading command on an empty store is a STORE error; a batch
// holding one key twice keeps the last; two connections writing at once lose nothing and cannot both take a
// lease; copyStore carries every run into another store, in write order, and skips it when copied again.
import { describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  PG_MIGRATIONS,
  copyStore,
  type CachedResponse,
  type CalibrationRecord,
  type LabelRow,
  type ResultRow,
  type RunRecord,
} from '../../src/store/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = (id: string, extra: Partial<RunRecord> = {}) =>
  storedRun(id, {
    status: 'completed',
    config: { name: 'demo' },
    variants: [{ id: 'v', label: 'v', model: 'openai:gpt-4o', providerType: 'openai', modelId: 'gpt-4o', prompt: 'v1' }],
    endedAt: '2026-12-05T10:01:00.000Z',
    warnings: ['w'],
    ...extra,
  });

const result = (runId: string, caseId: string, extra: Partial<ResultRow> = {}): ResultRow => ({
  runId,
  caseId,
  variantId: 'v',
  repeat: 0,
  output: `out ${caseId}`,
  pass: true,
  score: 1,
  cached: false,
  latencyMs: 10,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [],
  messages: [{ role: 'user', content: caseId }],
  finishedAt: 't',
  ...extra,
});

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

testAllStores('store contract: lifecycle', ({ kind, fresh, open }) => {
  const migrations = kind === 'postgres' ? PG_MIGRATIONS : MIGRATIONS;

  describe('schema', () => {
    it("a new store records its dialect's migrations once, in order; opening it again applies none", async () => {
      const location = await fresh();
      const first = await (await open(location)).migrations();
      const second = await (await open(location)).migrations();
      expect(first.map((m) => [m.version, m.name])).toEqual(migrations.map((m) => [m.version, m.name]));
      expect(second).toEqual(first); // same applied_at: nothing applied again
    });

    it('stores opened at once on a new location all work, and the migrations are recorded once', async () => {
      const location = await fresh();
      const stores = await Promise.all([open(location), open(location), open(location)]);
      const seen = await Promise.all(stores.map((s) => s.migrations()));
      for (const applied of seen) expect(applied.map((m) => m.version)).toEqual(migrations.map((m) => m.version));
    });

    it('a reading command on a store nothing was ever written to: a STORE error', async () => {
      const location = await fresh();
      const attempt = async () => (await open(location, 'read')).runs.list();
      await expect(attempt()).rejects.toMatchObject({ code: 'STORE' });
    });
  });

  describe('writes', () => {
    it('a batch holding one key twice stores the last, at its position (as a replace would)', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.results.putMany([result('r1', 'a'), result('r1', 'z'), result('r1', 'a', { output: 'again', pass: false })]);
      expect((await all(store.results.list('r1'))).map((r) => [r.caseId, r.output, r.pass])).toEqual([
        ['z', 'out z', true],
        ['a', 'again', false],
      ]);
      expect((await store.results.aggregate('r1'))[0]).toMatchObject({ results: 2, passed: 1, failed: 1 });
      await store.cache.putMany([
        { key: 'k', response: { text: 'one', inputTokens: null, outputTokens: null, latencyMs: null, costUsd: null, finishReason: null } },
        { key: 'k', response: { text: 'two', inputTokens: null, outputTokens: null, latencyMs: null, costUsd: null, finishReason: null } },
      ]);
      expect((await store.cache.get('k'))!.text).toBe('two');
    });

    it('a full listing gives every result its messages, also when results sharing them lie pages apart', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      // 4,500 results, 1,500 distinct messages: result i shares its messages with i ± 1,500 (another page on PostgreSQL).
      const written = Array.from({ length: 4_500 }, (_, i) => result('r1', `c${i}`, { messages: [{ role: 'user', content: `Q ${i % 1_500}` }] }));
      for (let i = 0; i < written.length; i += 500) await store.results.putMany(written.slice(i, i + 500));
      const listed = await all(store.results.list('r1'));
      expect(listed.map((r) => r.messages![0].content)).toEqual(written.map((r) => r.messages![0].content));
      expect((await all(store.results.list('r1', { caseId: 'c3000' })))[0].messages).toEqual([{ role: 'user', content: 'Q 0' }]);
    });

    it('two connections writing results of one run at once lose nothing; only one of them takes the lease', async () => {
      const location = await fresh();
      const [a, b] = [await open(location), await open(location)];
      await a.runs.create(run('r1'));
      const batch = (from: number) => Array.from({ length: 300 }, (_, i) => result('r1', `c${from + i}`));
      await Promise.all([a.results.putMany(batch(0)), b.results.putMany(batch(300)), a.results.putMany(batch(600)), b.results.putMany(batch(900))]);
      expect((await a.results.completedKeys('r1')).size).toBe(1200);
      const lease = (token: string) => ({ runId: 'r1', token, pid: 1, host: 'h', acquiredAt: 't', heartbeatAt: 't', expiresAt: 10_000 });
      const outcomes = await Promise.all([a.leases.acquire(lease('A'), 0), b.leases.acquire(lease('B'), 0)]);
      expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    });
  });

  describe('copyStore', () => {
    it('copies every run with its cases, results (in write order), labels and calibrations; copying again skips them', async () => {
      const from = await open();
      await from.runs.create(run('old', { startedAt: '2026-12-01T00:00:00.000Z' }));
      await from.runs.create(run('new', { status: 'incomplete', label: 'main' }));
      await from.cases.putMany('new', [{ caseId: 'b', contentHash: 'h', tags: ['t'], vars: { q: 1 }, cluster: null, description: null }]);
      const results = Array.from({ length: 2_345 }, (_, i) => result('new', `c${(i * 7919) % 2_345}`, { inputTokens: i }));
      await from.results.putMany(results);
      await from.results.putMany([result('old', 'x', { pass: null, errorClass: 'server', messages: null })]);
      const label: LabelRow = {
        runId: 'new',
        caseId: 'c1',
        variantId: 'v',
        repeat: 0,
        label: 'pass',
        scores: null,
        preference: 'win',
        tag: null,
        comment: 'ok',
        labeller: 'ann',
        createdAt: 't',
      };
      await from.labels.putMany([label]);
      const calibration: CalibrationRecord = {
        id: 'new\u0000j\u0000m',
        runId: 'new',
        suiteName: 'demo',
        judge: 'j',
        metric: 'm',
        checkType: 'judge',
        labels: 1,
        agreement: 1,
        kappa: null,
        kappaWeights: null,
        figures: { n: 1 },
        createdAt: 't',
      };
      await from.calibrations.putMany([calibration]);

      const to = await open();
      const seen: string[] = [];
      const summary = await copyStore(from, to, (p) => seen.push(`${p.runId}:${p.outcome}`));
      expect(summary).toEqual({
        runs: 2,
        skipped: 0,
        results: 2_346,
        labels: 1,
        calibrations: 1,
        productionRecords: 0,
        productionLabels: 0,
        alerts: 0,
        cacheEntries: 0,
        tokens: 0,
        tokensSkipped: 0,
      });
      expect(seen).toEqual(['old:copied', 'new:copied']); // oldest first
      expect(await to.runs.list()).toEqual(await from.runs.list());
      expect(await to.cases.list('new')).toEqual(await from.cases.list('new'));
      expect(await all(to.results.list('new'))).toEqual(results);
      expect(await all(to.results.list('old'))).toEqual(await all(from.results.list('old')));
      expect(await to.labels.list('new')).toEqual([label]);
      expect(await to.calibrations.list()).toEqual([calibration]);

      const again = await copyStore(from, to);
      expect(again).toMatchObject({ runs: 0, skipped: 2, results: 0, labels: 0, calibrations: 0, cacheEntries: 0, tokens: 0 });
    });

    it('copies the response cache (past one page) and the access tokens; a token whose name is taken by an active one is skipped', async () => {
      const from = await open();
      const response = (i: number): CachedResponse => ({
        text: `answer ${i}`,
        inputTokens: i,
        outputTokens: 1,
        latencyMs: 5,
        costUsd: i / 1e6,
        finishReason: 'stop',
      });
      const entries = Array.from({ length: 2_345 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, response: response(i) }));
      await from.cache.putMany(entries);
      await from.tokens.create({ name: 'alice', hash: 'a'.repeat(64), createdAt: '2026-12-01T00:00:00.000Z' });
      await from.tokens.touch('a'.repeat(64), '2026-12-02T00:00:00.000Z');
      await from.tokens.create({ name: 'bob', hash: 'b'.repeat(64), createdAt: '2026-12-01T00:00:01.000Z' });
      await from.tokens.revoke('bob', '2026-12-03T00:00:00.000Z');
      await from.tokens.create({ name: 'carol', hash: 'c'.repeat(64), createdAt: '2026-12-01T00:00:02.000Z' });
      const to = await open();
      // The team store already gave carol a token of its own: the laptop's carol is not copied over it.
      await to.tokens.create({ name: 'carol', hash: 'd'.repeat(64), createdAt: '2026-12-04T00:00:00.000Z' });

      const summary = await copyStore(from, to);
      expect(summary).toMatchObject({ cacheEntries: 2_345, tokens: 2, tokensSkipped: 1 });
      expect(await to.cache.get('k00000')).toEqual(response(0));
      expect(await to.cache.get('k02344')).toEqual(response(2_344));
      const copied: typeof entries = [];
      for (let after: string | null = null; ;) {
        const page = await to.cache.page(after, 1000);
        copied.push(...page);
        if (page.length < 1000) break;
        after = page[page.length - 1].key;
      }
      expect(copied).toEqual(entries);
      const byName = (name: string, list: Awaited<ReturnType<typeof to.tokens.list>>) => list.filter((t) => t.name === name);
      const tokens = await to.tokens.list();
      expect(byName('alice', tokens)).toEqual([
        { name: 'alice', hash: 'a'.repeat(64), createdAt: '2026-12-01T00:00:00.000Z', lastUsedAt: '2026-12-02T00:00:00.000Z', revokedAt: null },
      ]);
      expect(byName('bob', tokens)).toEqual([
        { name: 'bob', hash: 'b'.repeat(64), createdAt: '2026-12-01T00:00:01.000Z', lastUsedAt: null, revokedAt: '2026-12-03T00:00:00.000Z' },
      ]);
      expect(byName('carol', tokens).map((t) => t.hash)).toEqual(['d'.repeat(64)]);
      // Again: every token is there (or its name taken), the cache entries are written again by key.
      expect(await copyStore(from, to)).toMatchObject({ cacheEntries: 2_345, tokens: 0, tokensSkipped: 3 });
      expect(await to.tokens.list()).toEqual(tokens);
    });
  });
});
