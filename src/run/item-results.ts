// What executeRun (execute.ts) builds per work item besides the call itself: the whole-call cache key, the
// item's prepared checks (compiled once per case, and per turn of a scripted conversation) and the result row that stores the scored output and what the
// call (or the cache hit standing in for it) reported.
import { createHash } from 'node:crypto';
import { type CheckSpec } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import type { WorkItem } from '../plan/index.js';
import { prepareChecks, type PreparedCheck, type ScoredOutput, type Transcript } from '../score/index.js';
import type { ResultRow } from '../store/index.js';

/** What a call (or the cache hit standing in for it) reported, as a result row stores it. */
export interface CallFigures {
  cached: boolean;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  attempts: number;
  /** A streamed call's time to first token; null when not streamed, from the cache, reused or failed (absent: null). */
  ttftMs?: number | null;
  error?: { errorClass: string; message: string };
}

export function cacheKeyFor(identity: Record<string, unknown>, item: WorkItem): string {
  // Exactly what changes the output: endpoint, model, messages, generation params, repeat index.
  const parts = { v: 1, ...identity, messages: item.messages, params: item.variant.model.params, repeat: item.repeat };
  return createHash('sha256').update(stableStringify(parts)).digest('hex');
}

/** A bounded map of prepared (compiled) checks per case: each case is scored once per variant and repeat. */
export class PreparedChecksCache {
  private map = new Map<string, Promise<PreparedCheck[]>>();
  // Items come case by case (all variants of a case in a row), so a few hundred entries are plenty.
  constructor(
    private readonly baseDir: string,
    private readonly isolated: boolean,
    private readonly max = 256,
  ) {}
  /** The case's checks, or (with `turn`) the checks of that turn of its conversation. */
  get(item: WorkItem, turn?: { turn: number; specs: CheckSpec[] }): Promise<PreparedCheck[]> {
    const key = turn ? `${item.caseId}\u0000${turn.turn}` : item.caseId;
    let entry = this.map.get(key);
    if (!entry) {
      entry = prepareChecks(turn?.specs ?? item.planned.checks, this.baseDir, {}, { isolated: this.isolated });
      this.map.set(key, entry);
      if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    }
    return entry;
  }
}

/** A result row: the output scored (null when the call failed) and what the call (or the cache) reported. */
export function resultRow(
  runId: string,
  item: WorkItem,
  output: string | null,
  scored: ScoredOutput | null,
  call: CallFigures,
  transcript?: Transcript,
): ResultRow {
  // A plain literal: a spread of a base object plus this many properties costs ~15 µs per row in V8 11
  // (Node 20), more than the rest of a result's bookkeeping together.
  return {
    runId,
    caseId: item.caseId,
    variantId: item.variantId,
    repeat: item.repeat,
    messages: item.messages,
    output,
    pass: scored ? scored.pass : null,
    score: scored ? scored.score : null,
    cached: call.cached,
    latencyMs: call.latencyMs,
    ttftMs: call.ttftMs ?? undefined,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    costUsd: call.costUsd,
    errorClass: call.error?.errorClass ?? null,
    errorMessage: call.error?.message ?? null,
    attempts: call.attempts,
    checks: scored ? scored.checks : [],
    finishedAt: new Date().toISOString(),
    transcript,
  };
}
