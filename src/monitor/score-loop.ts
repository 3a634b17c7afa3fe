// The online scorer loop: claim queue entries (leased to this process), score them with the monitor's checks, complete
// them (score stored and entry removed in one transaction). Exactly once per (record, monitor) comes from the store:
// complete() keeps a score already stored, and the claims of a process that died expire after `leaseMs` and are
// claimed again. A batch is small (a few per scoring slot) so it finishes well inside its lease; a batch that outlives
// it may be scored twice, but stored once.
import { randomBytes } from 'node:crypto';
import { isEvalspecError } from '../errors.js';
import type { ProductionQueueEntry, ProductionRecord, ProductionScore, Store } from '../store/index.js';
import type { Suite } from '../suite/index.js';
import type { ProductionScorer } from './scorer.js';

export interface ScoreLoopOptions {
  store: Pick<Store, 'production'>;
  suite: Suite;
  scorer: ProductionScorer;
  /** Identifies this process's claims (default: random per loop). */
  holder?: string;
  /** How long a claim is held before another process may take it (default 60 s). */
  leaseMs?: number;
  /** Entries claimed at once (default 64). */
  batch?: number;
  /** Idle backoff while the queue is empty: from `idleMinMs` doubling to `idleMaxMs` (defaults 25 ms, 1 s). */
  idleMinMs?: number;
  idleMaxMs?: number;
  /** Stop when a claim finds nothing (batch import) instead of waiting for more. */
  untilEmpty?: boolean;
  /**
   * Records this process has in memory (just ingested): looked up before the store, so a record the collector just
   * committed is not read back. Must return only records as stored.
   */
  recent?: (recordId: string) => ProductionRecord | undefined;
  /** Called after each completed batch with the scores stored. */
  onScored?: (scores: ProductionScore[]) => void;
}

export interface ScoreLoop {
  /** Resolves when the loop stopped (queue empty with `untilEmpty`, or after stop()). Rejects on a fatal error (a refused judge key). */
  done: Promise<void>;
  /** Finish the batch in flight, then stop (its scores are completed). */
  stop(): Promise<void>;
  /** Scores completed by this loop. */
  scored(): number;
}

/** SQLite's busy/locked errors (another connection held the write lock past busy_timeout): worth another try. */
function storeBusy(error: unknown): boolean {
  if (!isEvalspecError(error) || error.code !== 'STORE') return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Retry a store call while SQLite reports the store busy (the collector's receiver and a checkpoint can hold the write
 * lock past busy_timeout on a loaded machine): claim is safe to repeat and complete keeps a stored score, so a retry
 * never scores twice. Gives up after ~60 s of waiting, with the store's own error.
 */
export async function retryWhileBusy<T>(call: () => Promise<T>, waitMs = 100, budgetMs = 60_000): Promise<T> {
  for (let waited = 0; ;) {
    try {
      return await call();
    } catch (error) {
      if (!storeBusy(error) || waited >= budgetMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waited += waitMs;
      waitMs = Math.min(waitMs * 2, 5000);
    }
  }
}

export function newHolder(): string {
  return `evalspec-${process.pid}-${randomBytes(6).toString('hex')}`;
}

export function startScoreLoop(options: ScoreLoopOptions): ScoreLoop {
  const { store, suite, scorer } = options;
  const holder = options.holder ?? newHolder();
  const leaseMs = options.leaseMs ?? 60_000;
  const batch = options.batch ?? 64;
  const idleMin = options.idleMinMs ?? 25;
  const idleMax = options.idleMaxMs ?? 1000;
  let stopping = false;
  let scored = 0;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((wake = undefined), resolve()), ms);
      wake = () => (clearTimeout(timer), (wake = undefined), resolve());
    });

  async function scoreBatch(entries: ProductionQueueEntry[]): Promise<void> {
    const byMonitor = new Map<string, string[]>();
    for (const e of entries) {
      const ids = byMonitor.get(e.monitor);
      if (ids) ids.push(e.recordId);
      else byMonitor.set(e.monitor, [e.recordId]);
    }
    const records = new Map<string, ProductionRecord>();
    const unread: string[] = [];
    for (const id of new Set(entries.map((e) => e.recordId))) {
      const record = options.recent?.(id);
      if (record) records.set(id, record);
      else unread.push(id);
    }
    // The rest of the batch in one query (a read per record was a sixth of the scorer's CPU).
    if (unread.length > 0) for (const record of await store.production.getMany(unread)) records.set(record.id, record);
    for (const [monitor, ids] of byMonitor) {
      const present = ids.map((id) => records.get(id)).filter((r): r is ProductionRecord => r !== undefined);
      let scores: ProductionScore[];
      if (!suite.monitors.some((m) => m.name === monitor)) {
        // Queued under a monitor the suite no longer has: completed as unscored, so the queue drains.
        scores = present.map((r) => unscoredNoMonitor(r.id, monitor, suite.file));
      } else scores = await scorer.score(present, monitor);
      await retryWhileBusy(() => store.production.complete(scores));
      scored += scores.length;
      options.onScored?.(scores);
    }
  }

  async function run(): Promise<void> {
    let idle = idleMin;
    while (!stopping) {
      const now = Date.now();
      const entries = await retryWhileBusy(() => store.production.claim({ suite: suite.name, limit: batch, holder, now, leaseUntil: now + leaseMs }));
      if (entries.length === 0) {
        if (options.untilEmpty) return;
        await sleep(idle);
        idle = Math.min(idle * 2, idleMax);
        continue;
      }
      idle = idleMin;
      try {
        await scoreBatch(entries);
      } catch (error) {
        // Cancelled while stopping: the batch's claims expire and are scored by the next scorer (nothing stored twice).
        if (stopping && isEvalspecError(error) && error.exitCode === 130) return;
        throw error;
      }
    }
  }

  const done = run();
  done.catch(() => undefined);
  return {
    done,
    stop: async () => {
      stopping = true;
      wake?.();
      await done.catch(() => undefined);
    },
    scored: () => scored,
  };
}

function unscoredNoMonitor(recordId: string, monitor: string, file: string): ProductionScore {
  return {
    recordId,
    monitor,
    scoredAt: new Date().toISOString(),
    status: 'unscored',
    reason: `the suite (${file}) has no monitor "${monitor}" any more`,
    passed: null,
    criticalFailed: null,
    checks: [],
    judgeCostUsd: null,
    metrics: {},
  };
}
