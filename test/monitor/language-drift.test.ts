// Input drift by language (issue #15): a seeded stream whose quality holds at 88% while the share of French calls
// goes from 3% to 21% on day 14 is reported as language drift beside quality (the language that moved named, its
// shares counted here from the seeded calls), with no quality alert; calls of unknown language stay out of the
// shares, and a stream whose languages are all unknown gives no language verdict at all.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { loadSuite } from '../../src/suite/index.js';
import { alertSentence, evaluate, renderMonitorStatusText } from '../../src/monitor/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { DAY, seedStream, type SeededCall } from './seed-production.js';

const START = Date.UTC(2026, 10, 1);
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setUp() {
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
    metrics: [pass_rate, p95_latency, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 200 }
`,
  });
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const store = openStore(join(dir, 'db.sqlite'));
  stores.push(store);
  return { suite, store };
}

/**
 * 10% of calls too short to tell (null); of the rest, German 25%, French with probability `french`, English the rest.
 * (With two languages only, a rise of one is the same evidence as the other's fall: either could be named.)
 */
const languages = (french: (day: number) => number) => (day: number, random: () => number) => {
  if (random() < 0.1) return null;
  const r = random();
  return r < 0.25 ? 'de' : r < 0.25 + french(day) ? 'fr' : 'en';
};

/** French share of the calls of known language in [from, to), and the calls of unknown language there: counted here. */
function counted(calls: SeededCall[], from: number, to: number) {
  const inside = calls.filter((c) => Date.parse(c.startedAt) >= from && Date.parse(c.startedAt) < to);
  const known = inside.filter((c) => c.language !== null);
  return { french: known.filter((c) => c.language === 'fr').length / known.length, known: known.length, unknown: inside.length - known.length };
}

describe('language mix as input drift', () => {
  it('French rising from 3% to 21% of calls is input drift, named, with no quality alert', async () => {
    const { suite, store } = await setUp();
    const calls = await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START,
      days: 17,
      perDay: 500,
      passRate: () => 0.88,
      seed: 21,
      language: languages((d) => (d < 14 ? 0.03 : 0.21)),
    });

    const calm = await evaluate(store, suite, 'answers', { now: new Date(START + 14 * DAY) });
    expect(calm.status.languageMix?.state).toBe('ok');
    expect(calm.opened).toEqual([]);

    const now = START + 17 * DAY;
    const result = await evaluate(store, suite, 'answers', { now: new Date(now) });
    expect(result.opened.map((a) => a.metric)).toEqual(['language_mix']);
    expect(result.status.metrics.map((m) => [m.metric, m.state])).toEqual([
      ['pass_rate', 'ok'],
      ['p95_latency', 'ok'],
    ]);
    const mix = result.status.languageMix!;
    expect(mix.state).toBe('alert');
    expect(mix.detector!.alarm!.at >= new Date(START + 14 * DAY).toISOString()).toBe(true);

    // Shares of the current window (day 16) and the reference window (days 0–6), counted from the seeded calls.
    const window = counted(calls, now - DAY, now);
    const reference = counted(calls, START, START + 7 * DAY);
    expect(mix.window.n).toBe(window.known);
    expect(mix.unknown).toBe(window.unknown);
    const french = mix.languages.find((l) => l.language === 'fr')!;
    expect(french).toMatchObject({ name: 'French', moved: true });
    expect(french.share).toBeCloseTo(window.french, 12);
    expect(french.baselineShare).toBeCloseTo(reference.french, 12);
    expect(reference.french).toBeGreaterThan(0.01);
    expect(reference.french).toBeLessThan(0.05);
    expect(window.french).toBeGreaterThan(0.15);
    expect(mix.languages.map((l) => l.language)).toEqual(['de', 'en', 'fr']);
    expect(mix.languages.reduce((sum, l) => sum + l.share, 0)).toBeCloseTo(1, 12); // unknown calls are not in the shares

    const sentence = alertSentence(result.opened[0]);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    expect(sentence).toContain(`traffic in French rose from ${pct(reference.french)} to ${pct(window.french)} of calls`);
    expect(sentence).toContain('false-alarm rate of this rule ≤ 1% per 30 days');

    const text = renderMonitorStatusText(result.status);
    const inputDrift = text.slice(text.indexOf('input drift'));
    expect(inputDrift).toMatch(/language mix\s+[\d,]+ calls .* alert/);
    expect(inputDrift).toContain(`French (fr): ${pct(window.french)} (baseline ${pct(reference.french)})  moved`);
    expect(inputDrift).toContain(`${window.unknown} unknown`);
  });

  it('no language known (records stored before detection, or all too short): no language verdict, never a guess', async () => {
    const { suite, store } = await setUp();
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 10, perDay: 300, passRate: () => 0.88, seed: 22 });
    const result = await evaluate(store, suite, 'answers', { now: new Date(START + 10 * DAY) });
    const mix = result.status.languageMix!;
    expect(mix.state).toBe('no-baseline');
    expect(mix.detector).toBeNull();
    expect(mix.languages).toEqual([]);
    expect(mix.window.n).toBe(0);
    expect(mix.unknown).toBe(300);
    expect(result.opened).toEqual([]);
  });
});
