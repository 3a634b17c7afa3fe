// The production records monitoring ingests as exposures and outcomes: the arm from an attribute, segments from
// the records' tags, latency from the record's own figure.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type ProductionRecord } from '../../src/store/index.js';
import { analyzeExperiment } from '../../src/experiment/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

function record(i: number, user: string, variant: string, latencyMs: number, accepted: boolean): ProductionRecord {
  const t = new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString();
  return {
    id: `r${i}`,
    suite: 'support',
    traceId: `t${i}`,
    spanId: `s${i}`,
    parentSpanId: null,
    conversationId: null,
    startedAt: t,
    endedAt: t,
    ingestedAt: t,
    source: 'otlp',
    provider: 'openai',
    model: 'gpt-4o-mini',
    responseModel: null,
    input: null,
    language: null,
    output: 'ok',
    toolCalls: [],
    inputTokens: 10,
    outputTokens: 5,
    costUsd: null,
    latencyMs,
    ttftMs: null,
    finishReason: 'stop',
    attributes: { user_id: user, variant, accepted },
    tags: [`plan:${user.endsWith('p') ? 'pro' : 'free'}`],
    contentHash: `h${i}`,
    flagged: false,
  } as ProductionRecord;
}

describe('experiment production source', () => {
  it('reads exposures and outcomes from the stored production records', async () => {
    const dir = tempDir('evalspec-exp-');
    const db = join(dir, 'store.db');
    const store = openStore(db);
    // u1 (control, 2 calls: 100 and 300 ms, one accepted), u2p (control, 200 ms), u3 (treatment, 400 and 600 ms), u4p (treatment, 500 ms, accepted).
    const records = [
      record(0, 'u1', 'control', 100, true),
      record(1, 'u1', 'control', 300, false),
      record(2, 'u2p', 'control', 200, false),
      record(3, 'u3', 'treatment', 400, false),
      record(4, 'u3', 'treatment', 600, false),
      record(5, 'u4p', 'treatment', 500, true),
    ];
    await store.production.putRecords(records, []);
    await store.close();
    const source = `{ production: { suite: support, arm: variant, store: ${JSON.stringify(db)} } }`;
    writeFiles(dir, {
      'exp.yaml': `name: p\nunit: user_id\narms:\n  - { id: control, weight: 1 }\n  - { id: treatment, weight: 1 }\nexposures: ${source}\noutcomes: ${source}\nsegments: [plan]\nmetrics:\n  - { id: acceptance, type: proportion, column: accepted }\nguardrails:\n  - { metric: latency_ms, type: mean, column: latency_ms, aggregate: mean, higher_is_better: false, max_worse: 0.1, relative: true }\nanalysis: { min_segment_units: 1 }\n`,
    });
    const scorecard = await analyzeExperiment(join(dir, 'exp.yaml'));
    expect(scorecard.arms.map((a) => a.units)).toEqual([2, 2]);
    expect(scorecard.dataQuality.exposureRows).toBe(6);
    // Acceptance per user: control u1 1, u2p 0; treatment u3 0, u4p 1.
    expect(scorecard.metrics[0].arms.map((a) => a.mean)).toEqual([0.5, 0.5]);
    // Mean latency per user: control (200, 200) → 200; treatment (500, 500) → 500.
    expect(scorecard.guardrails[0].arms.map((a) => a.mean)).toEqual([200, 500]);
    expect(scorecard.metrics[0].segments.map((s) => s.segment).sort()).toEqual(['plan=free', 'plan=pro']);
  });
});
