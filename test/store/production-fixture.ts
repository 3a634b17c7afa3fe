// Production records and scores for the production store's contract tests (production*.test.ts).
import type { ProductionRecord, ProductionScore } from '../../src/store/index.js';

export const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString();

/** A record of suite "support" started `minute` minutes after 2026-12-01T00:00Z; `extra` overrides any field. */
export const record = (id: string, minute: number, extra: Partial<ProductionRecord> = {}): ProductionRecord => ({
  id,
  suite: 'support',
  traceId: `trace-${id}`,
  spanId: `span-${id}`,
  parentSpanId: null,
  conversationId: null,
  startedAt: at(minute),
  endedAt: null,
  ingestedAt: at(minute + 1),
  source: 'otlp',
  provider: 'openai',
  model: 'gpt-4o-mini',
  responseModel: null,
  input: [{ role: 'user', content: `question ${id}` }],
  language: null,
  output: `answer ${id}`,
  toolCalls: [],
  inputTokens: 10,
  outputTokens: 5,
  costUsd: null,
  latencyMs: 120,
  ttftMs: null,
  finishReason: 'stop',
  attributes: {},
  tags: [],
  contentHash: `hash-${id}`,
  flagged: false,
  ...extra,
});

export const score = (recordId: string, monitor: string, extra: Partial<ProductionScore> = {}): ProductionScore => ({
  recordId,
  monitor,
  scoredAt: at(100),
  status: 'scored',
  reason: null,
  passed: true,
  criticalFailed: false,
  checks: [],
  judgeCostUsd: null,
  metrics: {},
  ...extra,
});

export const ids = async (listing: AsyncIterable<{ id: string }>) => {
  const out: string[] = [];
  for await (const r of listing) out.push(r.id);
  return out;
};
