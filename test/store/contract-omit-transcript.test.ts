// ResultQuery.omitTranscript (issue #16): readers that need the output and checks but not an agent's steps (the
// viewer's previews and search, the JUnit report, flip samples) leave the transcript out on every dialect, and keep
// everything else a full read returns (output, messages, checks), so nothing but the long JSON is skipped.
import { expect, it } from 'vitest';
import type { ResultRow } from '../../src/store/index.js';
import type { Transcript } from '../../src/score/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = storedRun('r1', {
  config: { name: 'agents' },
  totalCalls: 2,
  variants: [{ id: 'm', label: 'm', model: 'openai:m', providerType: 'openai', modelId: 'm', prompt: 'v1' }],
});

const transcript: Transcript = {
  messages: [
    { role: 'user', content: 'Cancel ZFA04Y' },
    { role: 'assistant', content: '', step: 1, toolCalls: [{ id: 'c1', name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }] },
    { role: 'tool', toolCallId: 'c1', name: 'cancel_reservation', content: 'ok', step: 1 },
    { role: 'assistant', content: 'Cancelled.', step: 2 },
  ],
  steps: 2,
  stop: 'final',
  maxSteps: 4,
};

const result = (caseId: string, t?: Transcript): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId: 'm',
  repeat: 0,
  output: `answer ${caseId}`,
  pass: false,
  score: 0,
  cached: false,
  latencyMs: 10,
  inputTokens: 5,
  outputTokens: 3,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [{ type: 'contains', metric: 'contains', severity: 'normal', weight: 1, pass: false, score: 0, reason: 'missing "x"' }],
  messages: [{ role: 'user', content: `Q ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
  ...(t ? { transcript: t } : {}),
});

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

testAllStores('results listed without transcripts', ({ open }) => {
  it('leaves out only the transcript, with and without filters', async () => {
    const store = await open();
    await store.runs.create(run);
    await store.results.putMany([result('agent', transcript), result('plain')]);
    const full = await collect(store.results.list('r1'));
    for (const query of [{ omitTranscript: true }, { omitTranscript: true, caseId: 'agent' }, { omitTranscript: true, variantId: 'm' }]) {
      const rows = await collect(store.results.list('r1', query));
      expect(rows.every((r) => r.transcript === undefined)).toBe(true);
      for (const r of rows) {
        const { transcript: _t, ...rest } = full.find((f) => f.caseId === r.caseId)!;
        expect(r).toEqual(rest);
      }
    }
    // The option does not leak into a later full read of the same shape (statements are cached per shape).
    expect((await collect(store.results.list('r1', { caseId: 'agent' })))[0].transcript).toEqual(transcript);
  });
});
