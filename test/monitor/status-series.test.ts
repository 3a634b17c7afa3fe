// The viewer's Monitor page reads a monitor's stream once (monitorStatusAndSeries: the series filled in the
// status's own pass). Its figures must be exactly those of evaluateMonitor and monitorSeries called one after the
// other, for a reference-window baseline over a stream with a drop and a segment shift, and with no baseline.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { evaluateMonitor, monitorSeries, monitorStatusAndSeries } from '../../src/monitor/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { DAY, seedStream } from './seed-production.js';

const START = Date.UTC(2026, 10, 1);
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setUp(baseline: string) {
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
${baseline}    metrics: [pass_rate, p95_latency, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 100 }
`,
  });
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const store = openStore(join(dir, 'db.sqlite'));
  stores.push(store);
  await seedStream(store, {
    suite: 'prod',
    monitor: 'answers',
    start: START,
    days: 24,
    perDay: 150,
    passRate: (day) => (day < 16 ? 0.9 : 0.8),
    tags: (day, random) => [random() < (day < 18 ? 0.3 : 0.6) ? 'plan:free' : 'plan:pro'],
    seed: 11,
  });
  return { suite, store };
}

describe('monitorStatusAndSeries: one pass, the same figures', () => {
  for (const [name, baseline] of [
    ['a reference window', '    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }\n'],
    ['no baseline', ''],
  ] as const)
    it(`equals evaluateMonitor then monitorSeries (${name})`, async () => {
      const { suite, store } = await setUp(baseline);
      for (const [now, windows] of [
        [new Date(START + 24 * DAY), 30],
        [new Date(START + 20 * DAY + DAY / 2), 5],
      ] as const) {
        const both = await monitorStatusAndSeries(store, suite, 'answers', { now, windows });
        expect(both.status).toEqual(await evaluateMonitor(store, suite, 'answers', { now }));
        expect(both.series).toEqual(await monitorSeries(store, suite, 'answers', { now, windows }));
        // The series is not empty: some window of it holds the 150 calls of a day.
        expect(Math.max(...both.series[0].points.map((p) => p.n))).toBe(150);
      }
    });
});
