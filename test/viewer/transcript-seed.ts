// A store holding agent results (issue #16) for the viewer's transcript tests: run `agents` with two variants of
// an airline agent on one case, each result carrying its transcript (transcript-fixtures.ts), plus a
// run-out-of-steps case and a RAG case. Written through the Store API (results.putMany with `transcript`).
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { openStore, type ResultRow, type StoredCheck } from '../../src/store/index.js';
import type { Transcript } from '../../src/score/index.js';
import { TRANSCRIPT_LOOP, TRANSCRIPT_RAG, TRANSCRIPT_V1, TRANSCRIPT_V2 } from './transcript-fixtures.js';
import { storedRun } from '../store/all-stores.js';

const check = (type: string, pass: boolean, reason: string, severity: 'normal' | 'critical' = 'normal'): StoredCheck => ({
  type,
  metric: type,
  severity,
  weight: 1,
  pass,
  score: pass ? 1 : 0,
  reason,
});

const result = (caseId: string, variantId: string, transcript: Transcript, checks: StoredCheck[]): ResultRow => ({
  runId: 'agents',
  caseId,
  variantId,
  repeat: 0,
  output: 'final answer',
  pass: checks.every((c) => c.pass),
  score: checks.length ? checks.filter((c) => c.pass).length / checks.length : null,
  cached: false,
  latencyMs: 2400,
  inputTokens: 740,
  outputTokens: 45,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks,
  messages: [{ role: 'user', content: `the case ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
  transcript,
});

/** The seeded store's file. Run `agents`: variants v1 and v2 on the cases `cancel`, `loop` and `rag`. */
export async function seedTranscripts(): Promise<string> {
  const db = join(tempDir('evalspec-transcripts-'), 'evalspec.db');
  const store = openStore(db);
  const variant = (id: string) => ({ id, label: id, model: `openai:${id}`, providerType: 'openai', modelId: id, prompt: 'v1' });
  await store.runs.create(storedRun('agents', { suiteName: 'airline', config: { name: 'airline' }, totalCalls: 6, variants: [variant('v1'), variant('v2')] }));
  await store.cases.putMany(
    'agents',
    ['cancel', 'loop', 'rag'].map((caseId, i) => ({ caseId, contentHash: `h${i}`, tags: [], vars: { case: caseId }, cluster: null, description: null })),
  );
  const forbidden = 'step 2: cancel_reservation({"reservation_id":"ZFA04Y"}) was called';
  await store.results.putMany([
    result('cancel', 'v1', TRANSCRIPT_V1, [check('tool-not-called', false, forbidden, 'critical'), check('max-steps', true, '4 steps ≤ 8')]),
    result('cancel', 'v2', TRANSCRIPT_V2, [
      check('tool-not-called', true, 'cancel_reservation was not called', 'critical'),
      check('max-steps', true, '4 steps ≤ 8'),
    ]),
    result('loop', 'v1', TRANSCRIPT_LOOP, [check('max-steps', false, 'stopped at the step limit (3 steps) with tool calls pending')]),
    result('loop', 'v2', TRANSCRIPT_LOOP, [check('max-steps', false, 'stopped at the step limit (3 steps) with tool calls pending')]),
    result('rag', 'v1', TRANSCRIPT_RAG, [check('hit-at-k', true, 'policy-7 at rank 1')]),
    result('rag', 'v2', TRANSCRIPT_RAG, [check('hit-at-k', true, 'policy-7 at rank 1')]),
  ]);
  await store.close();
  return db;
}
