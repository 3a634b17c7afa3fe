// Deployment stage advice on seeded streams (advance / hold / kill switch, with the one-sided Wilson bound computed
// here by hand), and the words: the evidence sentence as the issue writes it, production text escaped in the Slack
// body and the terminal table.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { loadSuite } from '../../src/suite/index.js';
import { evaluateMonitor, evidenceSentence, renderMonitorStatusText, webhookBody, type MetricStatus, type MonitorStatus } from '../../src/monitor/index.js';
import { openStore, type MonitorAlert, type Store } from '../../src/store/index.js';
import { DAY, seedStream, type SeededCall } from './seed-production.js';

const START = Date.UTC(2026, 10, 1);
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** One-sided 95% Wilson lower bound, written out (z = 1.644853627, the 95% normal quantile). */
function wilsonLower(successes: number, n: number): number {
  const z = 1.644853627;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  return (p + (z * z) / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
}

async function stageAt(rate: number, seed: number): Promise<{ status: MonitorStatus; calls: SeededCall[] }> {
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
    metrics: [pass_rate]
    stage: assist
    stages: { assist: { pass_rate: 0.8 }, act: { pass_rate: 0.85 } }
`,
  });
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const store = openStore(join(dir, 'db.sqlite'));
  stores.push(store);
  const calls = await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 1, perDay: 500, passRate: () => rate, seed });
  return { status: await evaluateMonitor(store, suite, 'answers', { now: new Date(START + DAY) }), calls };
}

describe('deployment stages', () => {
  it('advises advance when the window clears the next stage bars, with the bound of a hand-computed Wilson', async () => {
    const { status, calls } = await stageAt(0.93, 1);
    expect(status.stage?.advice).toBe('advance');
    expect(status.stage?.next).toBe('act');
    const passed = calls.filter((c) => c.passed).length;
    expect(status.stage!.reasons[0].bound).toBeCloseTo(wilsonLower(passed, 500), 6);
    expect(status.stage!.reasons[0].bound!).toBeGreaterThan(0.85);
  });

  it('advises hold when the next bars are not proven and the current ones do not fail', async () => {
    const { status } = await stageAt(0.85, 2);
    expect(status.stage?.advice).toBe('hold');
    expect(status.stage!.reasons[0].passed).toBeNull();
  });

  it("calls for the kill switch when the current stage's bar is breached", async () => {
    const { status } = await stageAt(0.7, 3);
    expect(status.stage?.advice).toBe('kill-switch');
    expect(status.stage!.reasons).toEqual([expect.objectContaining({ metric: 'pass_rate', bar: 0.8, passed: false })]);
    // The bar is the current stage's: the metric's own bar verdict and an open alert say the same.
    expect(status.metrics[0].bar?.passed).toBe(false);
    expect(status.openAlerts.map((a) => a.metric)).toEqual(['pass_rate']);
  });
});

const metric = (more: Partial<MetricStatus>): MetricStatus => ({
  metric: 'pass_rate',
  worse: 'decrease',
  window: {
    start: '2026-12-03T00:00:00.000Z',
    end: '2026-12-04T00:00:00.000Z',
    n: 2000,
    estimate: 0.841,
    low: 0.82,
    high: 0.86,
    method: 'wilson',
    level: 0.95,
  },
  baseline: { value: 0.883, n: 3500, source: 'production 2026-11-01..2026-11-08' },
  detector: {
    method: 'm',
    falseAlarmRate: 0.01,
    periodDays: 30,
    samplesPerPeriod: 64000,
    alarm: { at: '2026-12-03T10:00:00.000Z', afterSamples: 1840 },
    statistic: 1,
    threshold: 1,
  },
  bar: null,
  state: 'alert',
  ...more,
});

describe('words', () => {
  it('writes the evidence sentence of the issue', () => {
    expect(evidenceSentence(metric({}))).toBe(
      'pass rate 84.1% (95% CI 82.0–86.0) vs baseline 88.3%; drop detected on 2026-12-03 after 1,840 sampled calls; false-alarm rate of this rule ≤ 1% per 30 days',
    );
  });

  it('escapes production text in the Slack body and the terminal table', () => {
    const evil = '<!channel> & <https://evil.example|click>\u001b[31m';
    const mix = metric({
      metric: 'segment_mix',
      worse: 'change',
      segments: [{ segment: evil, share: 0.6, baselineShare: 0.2, moved: true }],
    });
    const alert: MonitorAlert = {
      id: 'a1',
      suite: 'prod',
      monitor: 'answers',
      metric: 'segment_mix',
      state: 'open',
      openedAt: '2026-12-04T00:00:00.000Z',
      closedAt: null,
      evidence: { ...mix },
    };
    const body = JSON.stringify(webhookBody(alert));
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('<https://');
    expect(body).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(body).not.toContain('\\u001b');
    const status: MonitorStatus = {
      suite: 'prod',
      monitor: 'answers',
      evaluatedAt: '2026-12-04T00:00:00.000Z',
      samples: { scored: 1, unscored: 0, errors: 0, queued: 0 },
      metrics: [],
      inputDrift: [mix],
      stage: null,
      openAlerts: [alert],
    };
    const text = renderMonitorStatusText(status);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('60.0% (baseline 20.0%)  moved');
  });
});
