// The Monitor page's API over a store seeded through store.production (monitor-seed.ts): the records behind a point
// (failed first, window bounds, segment tag, limit), one record with its scores, the flag (same CSRF rules as the
// label endpoints, stored), and bad input answered 400/404 in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/cli.js';
import { startOver } from './helpers.js';
import { DAYS, MONITOR, PER_DAY, SUITE, XSS, seedProduction, type SeededProduction } from './monitor-seed.js';
import { openStore } from '../../src/store/index.js';
import type { MonitorDetailResponse, MonitorListResponse, ProductionRecordResponse, ProductionRecordsResponse } from '../../src/viewer/index.js';
import { evidenceSentence } from '../../src/monitor/index.js';

const DAY = 86_400_000;

describe('viewer production records API', () => {
  let seeded: SeededProduction;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  const api = (path: string, init?: RequestInit) => fetch(`${viewer.url}api${path}`, init);
  const json = async <T>(path: string) => {
    const res = await api(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const dayBounds = (day: number) => {
    const since = new Date(seeded.start + day * DAY).toISOString();
    const until = new Date(seeded.start + (day + 1) * DAY).toISOString();
    return `since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`;
  };

  beforeAll(async () => {
    seeded = await seedProduction();
    viewer = await startOver(seeded.db, { suites: [seeded.suite] });
  });
  afterAll(async () => {
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('lists the suites and monitors with their state', async () => {
    const list = await json<MonitorListResponse>('/monitor');
    expect(list.withoutSuiteFile).toEqual([]);
    expect(list.suites).toHaveLength(1);
    expect(list.suites[0].monitors[0]).toMatchObject({ name: MONITOR, state: 'alert', window: '1d', error: null });
    expect(list.suites[0].monitors[0].openAlerts).toBeGreaterThan(0);
    expect((await api(`/monitor/${SUITE}/nope`)).status).toBe(404);
    expect((await api(`/monitor/other-suite/${MONITOR}`)).status).toBe(404);
  });

  it('sends one monitor’s status, its series per metric and the server’s words', async () => {
    const body = await json<MonitorDetailResponse>(`/monitor/${SUITE}/${MONITOR}`);
    const pass = body.status.metrics.find((m) => m.metric === 'pass_rate')!;
    // Baseline window (days 0–6): 7 × 38 passes of 7 × 40 = 266 / 280 = 0.95.
    expect(pass.baseline.value).toBeCloseTo(0.95, 9);
    // The current window is the last seeded day: 20 of 40 pass.
    expect(pass.window.n).toBe(PER_DAY);
    expect(pass.window.estimate).toBeCloseTo(0.5, 9);
    expect(pass.state).toBe('alert');
    expect(body.status.inputDrift.map((m) => m.metric)).toEqual(['segment_mix']);
    // The language mix beside it: of the last day's 40 records, 10 French, 20 English, 10 unknown (i % 4, monitor-seed.ts).
    const languages = body.status.languageMix!;
    expect(languages.languages.map((l) => [l.name, l.share, l.baselineShare, l.moved])).toEqual([
      ['English', 20 / 30, 140 / 210, false],
      ['French', 10 / 30, 70 / 210, false],
    ]);
    // 30 calls of known language are fewer than the monitor's min_samples (40): no verdict yet.
    expect([languages.window.n, languages.unknown, languages.state]).toEqual([30, 10, 'insufficient-data']);
    expect(body.words.metrics.language_mix).toBe(evidenceSentence(languages));
    expect(body.series.map((s) => s.metric).sort()).toEqual(['cost_per_call', 'pass_rate', 'segment_mix']);
    const series = body.series.find((s) => s.metric === 'pass_rate')!;
    expect(series.points).toHaveLength(30);
    // The windows end at the viewer's now, seconds after the seed's: window k from the end holds seeded day 14 − k.
    const last14 = series.points.slice(-DAYS);
    expect(last14.map((p) => p.n)).toEqual(Array(DAYS).fill(PER_DAY));
    expect(last14[3].estimate).toBeCloseTo(38 / 40, 9);
    expect(last14[10].estimate).toBeCloseTo(20 / 40, 9);
    expect(series.alerts.length).toBeGreaterThan(0);
    // The first alert opens after the drop at day 7 (the cycle runs at each day's end).
    expect(Date.parse(series.alerts[0].at)).toBeGreaterThanOrEqual(seeded.start + 8 * DAY);
    // The words are monitor/'s own (as `monitor status` prints them), not a second wording.
    expect(body.words.metrics.pass_rate).toBe(evidenceSentence(pass));
    expect(body.words.metrics.pass_rate).toMatch(/^pass rate 50\.0% \(95% CI [\d.]+–[\d.]+\) vs baseline 95\.0%/);
    expect(body.words.statusLine).toMatch(/^ALERT on pass rate/);
  });

  it('lists the records of one window, the failed ones first', async () => {
    // Day 10: records 0..39, the even ones pass (20), the odd ones fail (20).
    const body = await json<ProductionRecordsResponse>(`/production/records?suite=${SUITE}&monitor=${MONITOR}&${dayBounds(10)}`);
    expect(body.records).toHaveLength(PER_DAY);
    expect(body.truncated).toBe(false);
    const verdicts = body.records.map((r) => r.score?.passed);
    expect(verdicts.slice(0, 20).every((v) => v === false)).toBe(true);
    expect(verdicts.slice(20).every((v) => v === true)).toBe(true);
    expect(new Set(body.records.map((r) => r.id))).toEqual(new Set(seeded.ids[10]));
  });

  it('narrows by failed, segment tag and limit', async () => {
    const failed = await json<ProductionRecordsResponse>(`/production/records?suite=${SUITE}&monitor=${MONITOR}&failed=true&${dayBounds(3)}`);
    // Day 3 (baseline): records 0 and 20 fail.
    expect(failed.records.map((r) => r.id).sort()).toEqual([seeded.ids[3][0], seeded.ids[3][20]]);
    const pro = await json<ProductionRecordsResponse>(`/production/records?suite=${SUITE}&tag=plan:pro&${dayBounds(3)}`);
    expect(pro.records).toHaveLength(PER_DAY / 2);
    expect(pro.records.every((r) => r.tags.includes('plan:pro') && r.score === null)).toBe(true);
    const few = await json<ProductionRecordsResponse>(`/production/records?suite=${SUITE}&monitor=${MONITOR}&limit=5&${dayBounds(10)}`);
    expect(few.records).toHaveLength(5);
    expect(few.truncated).toBe(true);
    expect(few.records.every((r) => r.score?.passed === false)).toBe(true);
  });

  it('refuses bad queries in words', async () => {
    for (const [q, words] of [
      ['', /give suite/],
      [`suite=${SUITE}&since=yesterday`, /since must be an ISO 8601 time/],
      [`suite=${SUITE}&failed=true`, /failed=true needs monitor/],
      [`suite=${SUITE}&limit=0`, /limit must be a whole number/],
      [`suite=${SUITE}&failed=maybe`, /failed must be true or false/],
    ] as const) {
      const res = await api(`/production/records?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(words);
    }
    expect((await api('/production/records/no-such-record')).status).toBe(404);
  });

  it('sends one record with its scores, production text as JSON strings', async () => {
    const body = await json<ProductionRecordResponse>(`/production/records/${seeded.xssId}`);
    expect(body.record.output).toBe(XSS);
    expect(body.record.input?.[1]).toEqual({ role: 'user', content: `Where is my order ${seeded.xssId}?` });
    expect(body.scores).toHaveLength(1);
    expect(body.scores[0]).toMatchObject({ monitor: MONITOR, status: 'scored', passed: false });
    expect(body.scores[0].checks[0]).toMatchObject({ name: 'polite', passed: false });
  });

  it('flags a record only with the label endpoints’ CSRF guard, and stores the flag', async () => {
    const id = seeded.ids[12][3];
    const post = (headers: Record<string, string>, body: unknown = { flagged: true }) =>
      api(`/production/records/${id}/flag`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({})).status).toBe(403); // no X-Evalspec-Request: a plain cross-site form could send this
    expect((await post({ 'X-Evalspec-Request': '1', Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ 'X-Evalspec-Request': '1', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'X-Evalspec-Request': '1' }, { flagged: 'yes' })).status).toBe(400);
    const missing = await api('/production/records/nope/flag', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
      body: '{"flagged":true}',
    });
    expect(missing.status).toBe(404);
    const store = openStore(seeded.db, { access: 'read' });
    try {
      expect((await store.production.get(id))?.flagged).toBe(false);
      const ok = await post({ 'X-Evalspec-Request': '1', Origin: viewer.url.replace(/\/$/, '') });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ id, flagged: true });
      expect((await store.production.get(id))?.flagged).toBe(true);
      const flagged = await json<ProductionRecordsResponse>(`/production/records?suite=${SUITE}&${dayBounds(12)}`);
      expect(flagged.records.find((r) => r.id === id)?.flagged).toBe(true);
    } finally {
      await store.close();
    }
  });
});
