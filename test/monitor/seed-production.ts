// Seeded production traffic for monitor tests, written through the store's own production API exactly as the
// collector and the scorer write it: putRecords (records + queue entries), claim, complete (scores). Each call passes
// with the day's probability, drawn from stats/'s seeded mulberry32, so a stream is the same on every run.
import { mulberry32 } from '../../src/stats/index.js';
import type { ProductionRecord, ProductionScore, Store } from '../../src/store/index.js';

export const DAY = 86_400_000;

export interface StreamSpec {
  suite: string;
  monitor: string;
  /** Epoch ms of the first call; calls are spread evenly, `perDay` a day, for `days` days. */
  start: number;
  days: number;
  perDay: number;
  /** Pass probability of a call on day d (0-based). */
  passRate: (day: number) => number;
  seed: number;
  /** Tags of a call on day d (default none). */
  tags?: (day: number, random: () => number) => string[];
  /** Latency in ms (default 100 + 900 × a uniform draw). */
  latency?: (day: number, random: () => number) => number;
  /** Input tokens of a call (default 20). */
  inputTokens?: (day: number, random: () => number) => number;
  /** Input language of a call (default null: unknown); drawn after the other figures, so streams without it are unchanged. */
  language?: (day: number, random: () => number) => string | null;
  /** Id prefix, so two streams of one test do not collide. */
  prefix?: string;
}

export interface SeededCall {
  startedAt: string;
  passed: boolean;
  language: string | null;
}

/** Writes the stream and returns each call's time and verdict (for independent computations in the test). */
export async function seedStream(store: Store, spec: StreamSpec): Promise<SeededCall[]> {
  const random = mulberry32(spec.seed);
  const calls: SeededCall[] = [];
  const step = DAY / spec.perDay;
  const prefix = spec.prefix ?? 'r';
  for (let day = 0; day < spec.days; day++) {
    const records: ProductionRecord[] = [];
    const verdicts = new Map<string, boolean>();
    for (let i = 0; i < spec.perDay; i++) {
      const t = spec.start + day * DAY + i * step;
      const id = `${prefix}-${day}-${i}`;
      const passed = random() < spec.passRate(day);
      const latencyMs = spec.latency ? spec.latency(day, random) : 100 + Math.round(900 * random());
      const tags = spec.tags ? spec.tags(day, random) : [];
      const inputTokens = spec.inputTokens ? spec.inputTokens(day, random) : 20;
      const language = spec.language ? spec.language(day, random) : null;
      verdicts.set(id, passed);
      calls.push({ startedAt: new Date(t).toISOString(), passed, language });
      records.push({ ...record(spec.suite, id, t, latencyMs, tags), inputTokens, language });
    }
    await store.production.putRecords(
      records,
      records.map((r) => ({ recordId: r.id, monitor: spec.monitor })),
    );
    const claimed = await store.production.claim({ suite: spec.suite, monitor: spec.monitor, limit: spec.perDay, holder: 'seed', now: 0, leaseUntil: 60_000 });
    const scores: ProductionScore[] = claimed.map((entry) => ({
      recordId: entry.recordId,
      monitor: entry.monitor,
      scoredAt: new Date(spec.start + (day + 1) * DAY).toISOString(),
      status: 'scored',
      reason: null,
      passed: verdicts.get(entry.recordId)!,
      criticalFailed: false,
      checks: [],
      judgeCostUsd: null,
      metrics: { refusal: 0 },
    }));
    await store.production.complete(scores);
  }
  return calls;
}

function record(suite: string, id: string, t: number, latencyMs: number, tags: string[]): ProductionRecord {
  return {
    id,
    suite,
    traceId: `trace-${id}`,
    spanId: `span-${id}`,
    parentSpanId: null,
    conversationId: null,
    startedAt: new Date(t).toISOString(),
    endedAt: new Date(t + latencyMs).toISOString(),
    ingestedAt: new Date(t + latencyMs + 5).toISOString(),
    source: 'otlp',
    provider: 'openai',
    model: 'gpt-4o-mini',
    responseModel: null,
    input: [{ role: 'user', content: `question ${id}` }],
    language: null,
    output: `answer ${id}`,
    toolCalls: [],
    inputTokens: 20,
    outputTokens: 10,
    costUsd: 0.0001,
    latencyMs,
    ttftMs: null,
    finishReason: 'stop',
    attributes: {},
    tags,
    contentHash: `hash-${id}`,
    flagged: false,
  };
}
