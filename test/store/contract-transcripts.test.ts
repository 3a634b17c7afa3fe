// A result's transcript (issue #16: an agent's steps, tool calls and results) on every dialect: written with the
// result, read back whole by a full read, left out of slim reads and result pages (it is long), absent (not null,
// not an empty transcript) for a plain single-call result. ResultQuery.omitTranscript: readers that need the output
// and checks but not an agent's steps (the viewer's previews and search, the JUnit report, flip samples) leave the
// transcript out and keep everything else a full read returns (output, messages, checks).
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
    { role: 'system', content: 'You book flights.' },
    { role: 'user', content: 'Cancel reservation ZFA04Y', turn: 0 },
    {
      role: 'assistant',
      content: '',
      step: 1,
      toolCalls: [{ id: 'call_1', name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
      usage: { inputTokens: 120, outputTokens: 14 },
      latencyMs: 812,
      finishReason: 'tool-calls',
    },
    { role: 'tool', toolCallId: 'call_1', name: 'cancel_reservation', content: '{"status":"cancelled"}', step: 1 },
    { role: 'assistant', content: 'Done: "ZFA04Y" is cancelled <ok>.', step: 2, usage: { inputTokens: 150, outputTokens: 9 } },
  ],
  steps: 2,
  stop: 'final',
  maxSteps: 8,
  metadata: { reward: 1 },
};

const result = (caseId: string, t?: Transcript): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId: 'm',
  repeat: 0,
  output: 'Done',
  pass: true,
  score: 1,
  cached: false,
  latencyMs: 900,
  inputTokens: 270,
  outputTokens: 23,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [{ type: 'contains', metric: 'contains', severity: 'normal', weight: 1, pass: true, score: 1, reason: 'found "Done"' }],
  messages: [{ role: 'user', content: `Q ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
  ...(t ? { transcript: t } : {}),
});

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

testAllStores('result transcripts', ({ open }) => {
  it('round-trips a transcript, leaves it out of slim reads and pages, and reads none for a single call', async () => {
    const store = await open();
    await store.runs.create(run);
    await store.results.putMany([result('agent', transcript), result('plain')]);
    const full = await collect(store.results.list('r1'));
    const agent = full.find((r) => r.caseId === 'agent')!;
    const plain = full.find((r) => r.caseId === 'plain')!;
    expect(agent.transcript).toEqual(transcript);
    expect(plain.transcript).toBeUndefined();
    const slim = await collect(store.results.list('r1', { slim: true }));
    expect(slim.map((r) => r.transcript)).toEqual([undefined, undefined]);
    const page = await store.results.page('r1', { variantOrder: ['m'], offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.transcript)).toEqual([undefined, undefined]);
  });

  it('omitTranscript leaves out only the transcript, with and without filters', async () => {
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
