// evaluateMonitor on seeded production streams written through store.production (putRecords/claim/complete): a
// 14-day stable stream at 88% then a 6-point drop. The alert opens after the drop and not before, its evidence
// matches a Wilson interval computed here by hand, it closes when the window is back, min_samples holds every
// alert, and a changed segment mix is reported as input drift, not as a quality alert.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { loadSuite } from '../../src/suite/index.js';
import { evaluate, evaluateMonitor, monitorSeries, runMonitorCycle } from '../../src/monitor/index.js';
import { openStore, type MonitorAlert, type Store } from '../../src/store/index.js';
import { DAY, seedStream, type SeededCall } from './seed-production.js';

const START = Date.UTC(2026, 10, 1);
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setUp(monitorYaml: string) {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': `name: prod
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "answer" }]
monitors:
${monitorYaml}`,
  });
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const store = openStore(join(dir, 'db.sqlite'));
  stores.push(store);
  return { suite, store };
}

const REFERENCE = `  - name: answers
    window: 1d
    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }
    metrics: [pass_rate, p95_latency, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 200 }
`;

/** Wilson score interval at 95%, written out (z = 1.959963985, the 97.5% normal quantile). */
function wilson(successes: number, n: number): [number, number] {
  const z = 1.959963985;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [centre - half, centre + half];
}

const inWindow = (calls: SeededCall[], from: number, to: number) => calls.filter((c) => Date.parse(c.startedAt) >= from && Date.parse(c.startedAt) < to);

describe('evaluateMonitor: a 6-point drop after 14 stable days', () => {
  it('opens no alert before the drop and one after it, with the evidence of a hand-computed Wilson interval', async () => {
    const { suite, store } = await setUp(REFERENCE);
    const calls = await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START,
      days: 19,
      perDay: 500,
      passRate: (d) => (d < 14 ? 0.88 : 0.82),
      seed: 15,
    });

    // Every day of the stable week after the reference week: nothing opens.
    for (let day = 9; day < 14; day++) expect((await evaluate(store, suite, 'answers', { now: new Date(START + day * DAY) })).opened).toEqual([]);
    const before = await evaluate(store, suite, 'answers', { now: new Date(START + 14 * DAY) });
    expect(before.opened).toEqual([]);
    const pass = before.status.metrics.find((m) => m.metric === 'pass_rate')!;
    expect(pass.detector?.alarm).toBeNull();
    expect(pass.state).toBe('ok');

    const now = START + 19 * DAY;
    const after = await evaluate(store, suite, 'answers', { now: new Date(now) });
    expect(after.opened.map((a) => a.metric)).toEqual(['pass_rate']);
    const status = after.status.metrics.find((m) => m.metric === 'pass_rate')!;
    expect(status.state).toBe('alert');
    expect(Date.parse(status.detector!.alarm!.at)).toBeGreaterThanOrEqual(START + 14 * DAY);
    // The window: the last day's 500 calls, counted here from the seeded verdicts.
    const last = inWindow(calls, now - DAY, now);
    const passed = last.filter((c) => c.passed).length;
    const [low, high] = wilson(passed, last.length);
    expect(status.window.n).toBe(500);
    expect(status.window.estimate).toBeCloseTo(passed / 500, 12);
    expect(status.window.low).toBeCloseTo(low, 6);
    expect(status.window.high).toBeCloseTo(high, 6);
    expect(status.window.method).toBe('wilson');
    // The baseline: the reference week's calls.
    const ref = inWindow(calls, START, START + 7 * DAY);
    expect(status.baseline.n).toBe(3500);
    expect(status.baseline.value).toBeCloseTo(ref.filter((c) => c.passed).length / 3500, 12);
    const evidence = after.opened[0].evidence as {
      window: { estimate: number };
      baseline: { value: number };
      detector: { falseAlarmRate: number; samplesPerPeriod: number };
    };
    expect(evidence.window.estimate).toBeCloseTo(passed / 500, 12);
    expect(evidence.detector.falseAlarmRate).toBe(0.01);
    // 500 a day over 30 days = 15,000, × 1.5 = 22,500: the ladder's next step is 64,000.
    expect(evidence.detector.samplesPerPeriod).toBe(64_000);
  });

  it('never keeps two open alerts for one metric, and closes the alert when the window is back', async () => {
    const { suite, store } = await setUp(REFERENCE);
    await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START,
      days: 24,
      perDay: 500,
      passRate: (d) => (d < 14 || d >= 20 ? 0.88 : 0.8),
      seed: 7,
    });
    const first = await evaluate(store, suite, 'answers', { now: new Date(START + 17 * DAY) });
    expect(first.opened).toHaveLength(1);
    for (const a of first.opened) await store.production.alerts.put(a);
    const again = await evaluate(store, suite, 'answers', { now: new Date(START + 18 * DAY) });
    expect(again.opened).toEqual([]);
    expect(again.status.openAlerts.map((a) => a.id)).toEqual([first.opened[0].id]);
    // Day 24: four days back at 88%, the last window's interval reaches the baseline again and no alarm falls in it.
    const back = await evaluate(store, suite, 'answers', { now: new Date(START + 24 * DAY) });
    expect(back.closed.map((a) => a.id)).toEqual([first.opened[0].id]);
    expect(back.status.openAlerts).toEqual([]);
  });

  it('raises no alert below min_samples in the window', async () => {
    const { suite, store } = await setUp(REFERENCE.replace('min_samples: 200', 'min_samples: 600'));
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 17, perDay: 500, passRate: (d) => (d < 14 ? 0.88 : 0.7), seed: 3 });
    const result = await evaluate(store, suite, 'answers', { now: new Date(START + 17 * DAY) });
    expect(result.opened).toEqual([]);
    expect(result.status.metrics.find((m) => m.metric === 'pass_rate')!.state).toBe('insufficient-data');
  });

  it('reports a changed segment mix as input drift, not as a quality alert', async () => {
    const { suite, store } = await setUp(REFERENCE);
    // Quality stays at 88%; from day 14 the share of plan:free calls goes from 20% to 60%.
    await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START,
      days: 17,
      perDay: 500,
      passRate: () => 0.88,
      seed: 11,
      tags: (d, random) => [random() < (d < 14 ? 0.2 : 0.6) ? 'plan:free' : 'plan:pro'],
    });
    const result = await evaluate(store, suite, 'answers', { now: new Date(START + 17 * DAY) });
    expect(result.opened.map((a) => a.metric)).toEqual(['segment_mix']);
    expect(result.status.metrics.map((m) => m.metric)).toEqual(['pass_rate', 'p95_latency']);
    expect(result.status.metrics.every((m) => m.state !== 'alert')).toBe(true);
    const mix = result.status.inputDrift[0];
    expect(mix.metric).toBe('segment_mix');
    expect(mix.state).toBe('alert');
    expect(mix.segments!.some((s) => s.moved && s.segment.startsWith('plan:'))).toBe(true);
  });

  it('reports longer prompts as input drift (prompt length), not as a quality alert', async () => {
    const { suite, store } = await setUp(REFERENCE);
    // From day 14 prompts are twice as long: 50–150 input tokens before, 150–250 after.
    await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START,
      days: 17,
      perDay: 500,
      passRate: () => 0.88,
      seed: 12,
      inputTokens: (d, random) => Math.round((d < 14 ? 50 : 150) + 100 * random()),
    });
    const calm = await evaluate(store, suite, 'answers', { now: new Date(START + 14 * DAY) });
    expect(calm.status.promptLength?.state).toBe('ok');
    const result = await evaluate(store, suite, 'answers', { now: new Date(START + 17 * DAY) });
    expect(result.opened.map((a) => a.metric)).toEqual(['prompt_length']);
    expect(result.status.promptLength?.state).toBe('alert');
    expect(result.status.promptLength!.window.estimate!).toBeGreaterThan(150);
    expect(result.status.metrics.every((m) => m.state !== 'alert')).toBe(true);
  });
});

describe('monitorSeries', () => {
  it('gives a point per window computed like the status window', async () => {
    const { suite, store } = await setUp(REFERENCE);
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 19, perDay: 500, passRate: (d) => (d < 14 ? 0.88 : 0.82), seed: 15 });
    const now = new Date(START + 19 * DAY);
    const series = await monitorSeries(store, suite, 'answers', { now, windows: 5 });
    const pass = series.find((s) => s.metric === 'pass_rate')!;
    expect(pass.points).toHaveLength(5);
    const status = await evaluateMonitor(store, suite, 'answers', { now });
    expect(pass.points[4]).toEqual(status.metrics.find((m) => m.metric === 'pass_rate')!.window);
    expect(pass.baseline).toEqual(status.metrics.find((m) => m.metric === 'pass_rate')!.baseline);
    // A check opens the alert and notifies it once; the series marks it.
    const notified: MonitorAlert[] = [];
    const cycle = await runMonitorCycle(store, suite, { now, notify: async (alert) => void notified.push(alert) });
    expect(notified.map((a) => a.metric)).toEqual(['pass_rate']);
    expect(cycle.notified[0].evidence.notifiedAt).toBe(now.toISOString());
    const marked = (await monitorSeries(store, suite, 'answers', { now, windows: 5 })).find((s) => s.metric === 'pass_rate')!;
    expect(marked.alerts).toEqual([{ at: now.toISOString(), alertId: notified[0].id }]);
    await runMonitorCycle(store, suite, { now, notify: async (alert) => void notified.push(alert) });
    expect(notified).toHaveLength(1);
  });
});
