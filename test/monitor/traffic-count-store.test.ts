// N of a monitor's drift rule from a count of its traffic (store.production.observationCount, both dialects), read
// before the stream: the count and first time match what observations() yields, and an evaluation reports the N
// that the documented rule gives for the seeded traffic, worked out by hand below.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { evaluateMonitor } from '../../src/monitor/index.js';
import { samplesPerPeriodFor } from '../../src/monitor/detector.js';
import { openStore } from '../../src/store/index.js';
import { keysetPages } from '../../src/store/production-pages.js';
import { SQLITE_SQL } from '../../src/store/sql-dialect.js';
import { loadSuite } from '../../src/suite/index.js';
import { testAllStores } from '../store/all-stores.js';
import { DAY, seedStream } from './seed-production.js';

const START = Date.UTC(2026, 10, 1);
const iso = (t: number) => new Date(t).toISOString();

testAllStores('observationCount', (ctx) => {
  it('counts the observations of one monitor in [since, until) and gives the first startedAt', async () => {
    const store = await ctx.open();
    // 3 days × 4 calls of monitor a (at 0, 6, 12, 18 h), and 2 days × 4 of monitor b in the same suite.
    await seedStream(store, { suite: 's', monitor: 'a', start: START, days: 3, perDay: 4, passRate: () => 0.5, seed: 1, prefix: 'a' });
    await seedStream(store, { suite: 's', monitor: 'b', start: START, days: 2, perDay: 4, passRate: () => 0.5, seed: 2, prefix: 'b' });
    const a = { suite: 's', monitor: 'a' };
    expect(await store.production.observationCount(a)).toEqual({ count: 12, first: iso(START) });
    // since 06:00 on day 0 (inclusive) until 06:00 on day 2 (exclusive): 3 + 4 + 1 calls, the first at 06:00.
    const span = { ...a, since: iso(START + DAY / 4), until: iso(START + 2 * DAY + DAY / 4) };
    expect(await store.production.observationCount(span)).toEqual({ count: 8, first: iso(START + DAY / 4) });
    let streamed = 0;
    for await (const o of store.production.observations(span)) streamed += o.monitor === 'a' ? 1 : 0;
    expect(streamed).toBe(8);
    expect(await store.production.observationCount({ ...a, since: iso(START + 10 * DAY) })).toEqual({ count: 0, first: null });
    // observations(): since inclusive (a call exactly at 06:00 is in), until exclusive, across keyset pages.
    const times: string[] = [];
    for await (const o of store.production.observations({ ...span, until: iso(START + 3 * DAY) })) times.push(o.startedAt);
    expect(times).toEqual([6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 66].map((h) => iso(START + h * 3_600_000)));
    expect(await store.production.observationCount({ suite: 'other', monitor: 'a' })).toEqual({ count: 0, first: null });
  });
});

describe('keysetPages: after', () => {
  it('starts strictly after the given key, on the first page too', async () => {
    const rows = [
      ['a', 1],
      ['b', 1],
      ['b', 2],
      ['c', 1],
    ] as const;
    const seen: unknown[][] = [];
    const fetch = async (sql: string, values: unknown[]) => {
      seen.push(values);
      // What the page query asks: rows after (values[0], values[1]) when it has a key, at most the last value.
      const [k1, k2] = values.length === 3 ? values : [null, null];
      const after = rows.filter(([x, y]) => k1 === null || x > (k1 as string) || (x === k1 && y > (k2 as number)));
      return after.slice(0, values[values.length - 1] as number).map(([x, y]) => ({ x, y }));
    };
    const listing = {
      select: 'SELECT x, y FROM t WHERE 1 = 1',
      values: [],
      order: ['x', 'y'] as [string, string],
      keyOf: (r: { x: string; y: number }) => [r.x, r.y] as [unknown, unknown],
      direction: 'ASC' as const,
    };
    const got: unknown[] = [];
    for await (const r of keysetPages(SQLITE_SQL, fetch, { ...listing, after: ['b', 1] })) got.push(r);
    expect(got).toEqual([
      { x: 'b', y: 2 },
      { x: 'c', y: 1 },
    ]);
    expect(seen[0]).toEqual(['b', 1, 1000]);
  });
});

describe('samplesPerPeriodFor: calls per period × 1.5, rounded up to the ladder', () => {
  const period = 30 * DAY;
  it('reads the ladder from the count and the span (at least a day)', () => {
    // 3,000 calls over 10 days: 9,000 per 30 days, × 1.5 = 13,500 → 16,000.
    expect(samplesPerPeriodFor({ count: 3000, first: 0, now: 10 * DAY }, period)).toEqual({ samplesPerPeriod: 16_000, observedPerPeriod: 9000 });
    // 100 calls within an hour count as 100 a day: 3,000 per period, × 1.5 = 4,500 → 16,000.
    expect(samplesPerPeriodFor({ count: 100, first: 0, now: 3_600_000 }, period).samplesPerPeriod).toBe(16_000);
    // Exactly on a rung: 4,000 / 1.5 per 30 days over 30 days → 4,000.
    expect(samplesPerPeriodFor({ count: 4000 / 1.5, first: 0, now: period }, period).samplesPerPeriod).toBe(4000);
    // Past the last rung: the last rung.
    expect(samplesPerPeriodFor({ count: 1e9, first: 0, now: period }, period).samplesPerPeriod).toBe(16_384_000);
    expect(samplesPerPeriodFor({ count: 0, first: null, now: period }, period)).toEqual({ samplesPerPeriod: 1000, observedPerPeriod: null });
  });
});

describe('evaluateMonitor: N from the traffic since the detector start', () => {
  it('reports N = 16,000 for 300 calls a day over the 10 days after the reference window', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: prod
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "answer" }]
monitors:
  - name: answers
    window: 1d
    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }
    metrics: [pass_rate, p95_latency]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 200 }
`,
    });
    const suite = loadSuite(join(dir, 'evalspec.yaml'));
    const store = openStore(join(dir, 'db.sqlite'));
    try {
      await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 17, perDay: 300, passRate: () => 0.9, seed: 7 });
      // The detector starts at the reference window's end (day 7): days 7–16 hold 3,000 calls over 10 days up to
      // now (day 17): 9,000 per 30 days, × 1.5 = 13,500, rounded up to the ladder: 16,000 (the next rung down,
      // 4,000, is too small; one rung up, 64,000, is not chosen).
      const status = await evaluateMonitor(store, suite, 'answers', { now: new Date(START + 17 * DAY) });
      expect(status.metrics.map((m) => [m.metric, m.detector?.samplesPerPeriod])).toEqual([
        ['pass_rate', 16_000],
        ['p95_latency', 16_000],
      ]);
    } finally {
      await store.close();
    }
  });
});
