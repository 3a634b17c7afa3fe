// A store with production traffic for the Monitor page's tests, written through store.production (as ingest and the
// scorer would): 14 days of 24 h ending now (so the viewer's windows, which end at its own now, match the seeded
// days to within the seconds the test takes), 40 records a day of suite "support-prod", each scored by monitor
// "answers". Days 0–6 (the baseline window) pass 38 of 40 (95%); days 7–13 pass 20 of 40 (50%): a drop no
// sequential rule calibrated to a 1% false-alarm rate can miss. Half the records carry plan:pro, half plan:free.
// The newest failed record's output is an XSS probe. After each day, `monitor check`'s cycle runs (runMonitorCycle, as
// a daily cron would) and stores the alerts it opens: the chart's markers.
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { openStore, type ProductionRecord, type ProductionScore } from '../../src/store/index.js';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { runMonitorCycle } from '../../src/monitor/index.js';

export const SUITE = 'support-prod';
export const MONITOR = 'answers';
export const XSS = '<img src=x onerror=alert(1)>';
export const DAYS = 14;
export const PER_DAY = 40;
const DAY = 86_400_000;

export interface SeededProduction {
  dir: string;
  db: string;
  suiteFile: string;
  suite: Suite;
  /** When the first seeded day starts (epoch ms): 14 days before seeding. */
  start: number;
  /** Record ids by day, in seeding order. */
  ids: string[][];
  xssId: string;
}

function suiteYaml(baselineSince: string, baselineUntil: string): string {
  return `name: ${SUITE}
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "thanks", metric: polite }
monitors:
  - name: ${MONITOR}
    description: support answers in production
    checks: [polite]
    window: 1d
    baseline: { window: { since: "${baselineSince}", until: "${baselineUntil}" } }
    metrics: [pass_rate, cost_per_call, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 40 }
    bars: { pass_rate: 0.85 }
`;
}

/** Does record i of a day pass? 38 of 40 before day 7, 20 of 40 from day 7 on. */
const passes = (day: number, i: number) => (day < 7 ? i % 20 !== 0 : i % 2 === 0);

export async function seedProduction(): Promise<SeededProduction> {
  const dir = tempDir('evalspec-monitor-view-');
  const db = join(dir, 'evalspec.db');
  const start = Date.now() - DAYS * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  writeFiles(dir, { 'evalspec.yaml': suiteYaml(iso(start), iso(start + 7 * DAY)) });
  const suiteFile = join(dir, 'evalspec.yaml');
  const suite = loadSuite(suiteFile);
  const store = openStore(db);
  const ids: string[][] = [];
  let xssId = '';
  try {
    for (let day = 0; day < DAYS; day++) {
      const records: ProductionRecord[] = [];
      const scores: ProductionScore[] = [];
      ids.push([]);
      for (let i = 0; i < PER_DAY; i++) {
        const id = `rec-${String(day).padStart(2, '0')}-${String(i).padStart(2, '0')}`;
        const startedAt = iso(start + day * DAY + (i + 1) * 30 * 60_000);
        const ok = passes(day, i);
        const last = day === DAYS - 1 && i === PER_DAY - 1;
        const output = last ? XSS : ok ? `Happy to help, thanks for asking (${id}).` : `No idea (${id}).`;
        if (last) xssId = id;
        ids[day].push(id);
        records.push({
          id,
          suite: SUITE,
          traceId: `trace-${id}`,
          spanId: `span-${id}`,
          parentSpanId: null,
          conversationId: null,
          startedAt,
          endedAt: startedAt,
          ingestedAt: startedAt,
          source: 'jsonl',
          provider: 'openai',
          model: 'gpt-4o-mini',
          responseModel: null,
          input: [
            { role: 'system', content: 'You are a support assistant.' },
            { role: 'user', content: `Where is my order ${id}?` },
          ],
          // A stable language mix (input drift by language): a quarter French, a quarter unknown, half English.
          language: i % 4 === 0 ? 'fr' : i % 4 === 1 ? null : 'en',
          output,
          toolCalls: i === 1 ? [{ name: 'lookup_order', arguments: '{"id":"<b>1</b>"}', result: '{"status":"shipped"}' }] : [],
          inputTokens: 20,
          outputTokens: 10,
          costUsd: 0.0001,
          latencyMs: 800 + i,
          ttftMs: null,
          finishReason: 'stop',
          attributes: { 'app.plan': i % 2 ? 'pro' : 'free' },
          tags: [i % 2 ? 'plan:pro' : 'plan:free'],
          contentHash: `hash-${id}`,
          flagged: false,
        });
        // The last record fails, like the others of its day's failing half.
        const passed = last ? false : ok;
        scores.push({
          recordId: id,
          monitor: MONITOR,
          scoredAt: startedAt,
          status: 'scored',
          reason: null,
          passed,
          criticalFailed: false,
          checks: [
            { name: 'polite', type: 'contains', passed, score: passed ? 1 : 0, severity: 'normal', reason: passed ? null : 'does not contain "thanks"' },
          ],
          judgeCostUsd: null,
          metrics: {},
        });
      }
      await store.production.putRecords(records, []);
      await store.production.complete(scores);
      await runMonitorCycle(store, suite, { now: new Date(start + (day + 1) * DAY) });
    }
  } finally {
    await store.close();
  }
  return { dir, db, suiteFile, suite, start, ids, xssId };
}
