// `evalspec collect` as a library call: the ingest receiver whose sink commits records and their monitors' queue
// entries in one transaction (the sender is acknowledged only after that commit), and, in the same process, the
// scorer loop that drains the queue. Scoring is asynchronous to the receiver: a slow judge never holds an ack.
import { startCollector, queueEntriesFor, type Collector } from '../ingest/index.js';
import type { Pricer } from '../pricing/index.js';
import type { ProductionRecord, Store } from '../store/index.js';
import type { Suite } from '../suite/index.js';
import { createProductionScorer, type ProductionScorer } from './scorer.js';
import { startScoreLoop, type ScoreLoop } from './score-loop.js';
import { startScoreWorker } from './score-worker-host.js';

export interface CollectServiceOptions {
  suite: Suite;
  store: Store;
  port?: number;
  host?: string;
  token?: string;
  /** Score the queue in this process (default true; false: an ingest-only node). */
  score?: boolean;
  /** Records scored at once (default 4). */
  scoreConcurrency?: number;
  /** How long a claim is held (default 60 s). */
  leaseMs?: number;
  /** Judge calls served from the cache as in offline runs (default true). */
  cache?: boolean;
  isolateChecks?: boolean;
  pricer?: Pricer;
  /**
   * HOOK for the monitor evaluation (alerts, webhook): called every `everyMs` while the service runs, one call at a
   * time (a slow cycle delays the next, never overlaps it). The coordinator wires `runMonitorCycle(store, suite, …)`.
   * A failing cycle is reported through `onWarning` and the next one runs as planned.
   */
  onCycle?: { everyMs: number; run: (now: Date) => Promise<void> };
  onWarning?: (message: string) => void;
  /**
   * Score on a worker thread of this process with its own store connection (the built CLI does): the suite file and
   * the store location (`--db` as given) it opens. Without it, the scorer loop runs on the receiver's thread.
   */
  scoreWorker?: {
    suiteFile: string;
    storeLocation: string | undefined;
    /** Run the monitor cycle (runMonitorCycle: alerts, webhooks) on the scorer's thread this often; its lines go to `onSay`. */
    cycleEveryMs?: number;
    onSay?: (line: string) => void;
  };
}

export interface CollectServiceStats {
  /** Records in batches handed to the store (acknowledged or not). */
  received: number;
  /** Records newly stored. */
  stored: number;
  /** Records already stored (a sender's retry, a re-import). */
  duplicates: number;
  /** Spans without GenAI attributes, acknowledged and not stored. */
  ignoredSpans: number;
  /** Requests refused with a 4xx. */
  rejected: number;
  /** Scores completed by this process. */
  scored: number;
}

export interface CollectService {
  url: string;
  port: number;
  stats(): CollectServiceStats;
  /** Queue entries not yet scored (any process's). */
  queueDepth(): Promise<number>;
  /**
   * Stop accepting (the listener closes, open requests end), let the scoring batch in flight finish for up to
   * `graceMs` (default 5 s), then abandon it (its claims expire and are scored by the next scorer). Idempotent.
   */
  stop(options?: { graceMs?: number }): Promise<CollectServiceStats>;
  /** Rejects when the scorer loop hits a fatal error (a refused judge API key, exit 4). */
  failed: Promise<never>;
}

/** Entries claimed per scoring batch: large enough that claim and complete transactions are few, small enough to finish well inside a lease. */
const SCORE_BATCH = 256;
/** Just-ingested records kept for the scorer (about 2 KB each): beyond it the scorer reads them from the store. */
const RECENT_MAX = 8192;
/** Records merged into one transaction at most. */
const GROUP_MAX = 5000;

/**
 * Group commit: the batches of requests that arrive together (several exporters in flight) are stored in one
 * transaction, scheduled after the current I/O events; each request is still acknowledged only after that commit.
 */
class GroupCommit {
  private pending: { records: ProductionRecord[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private size = 0;
  private scheduled = false;
  constructor(private readonly commit: (records: ProductionRecord[]) => Promise<void>) {}

  add(records: ProductionRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      this.size += records.length;
      if (this.size >= GROUP_MAX) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    this.size = 0;
    this.commit(group.flatMap((g) => g.records)).then(
      () => group.forEach((g) => g.resolve()),
      (error: unknown) => group.forEach((g) => g.reject(error)),
    );
  }
}

/** A bounded map, oldest evicted first; an entry is taken once. */
class RecentRecords {
  private readonly map = new Map<string, ProductionRecord>();
  constructor(private readonly max: number) {}
  add(record: ProductionRecord): void {
    if (this.max === 0) return;
    this.map.set(record.id, record);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  take(id: string): ProductionRecord | undefined {
    const record = this.map.get(id);
    if (record) this.map.delete(id);
    return record;
  }
}

export async function startCollectService(options: CollectServiceOptions): Promise<CollectService> {
  const { suite, store } = options;
  const counts = { received: 0, stored: 0, duplicates: 0 };
  const abort = new AbortController();
  const warnings: string[] = [];

  const scoring = options.score !== false && suite.monitors.length > 0;
  let scorer: ProductionScorer | undefined;
  if (scoring && !options.scoreWorker) {
    scorer = await createProductionScorer({
      suite,
      store,
      cache: options.cache,
      signal: abort.signal,
      concurrency: options.scoreConcurrency,
      isolateChecks: options.isolateChecks,
      pricer: options.pricer,
      warnings,
    });
  }

  const recent = new RecentRecords(scorer ? RECENT_MAX : 0);
  const commits = new GroupCommit(async (records) => {
    counts.received += records.length;
    const queue = records.flatMap((r) => queueEntriesFor(r, suite.monitors));
    const result = await store.production.putRecords(records, queue);
    counts.stored += result.inserted;
    counts.duplicates += result.duplicates;
    // With no duplicate, every record of the batch is stored as it is here: the scorer may use it without a read.
    if (result.duplicates === 0 && queue.length > 0) for (const r of records) recent.add(r);
  });

  let loop: (ScoreLoop & { abort?: () => void; ready?: Promise<void> }) | undefined;
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  if (scorer) loop = startScoreLoop({ store, suite, scorer, leaseMs: options.leaseMs, batch: SCORE_BATCH, recent: (id) => recent.take(id) });
  else if (scoring && options.scoreWorker) {
    // The store opened (and migrated) here first, so the worker's connection never races a migration.
    await store.production.queueDepth(suite.name);
    const { onSay, ...worker } = options.scoreWorker;
    loop = startScoreWorker(
      {
        ...worker,
        leaseMs: options.leaseMs,
        batch: SCORE_BATCH,
        concurrency: options.scoreConcurrency,
        cache: options.cache,
        isolateChecks: options.isolateChecks,
      },
      (w) => options.onWarning?.(w),
      onSay,
    );
  }
  loop?.done.catch((error: unknown) => fail(error));
  // Listen only once the scorer thread runs: while it starts (its modules, the suite, the scorer: about a second of
  // CPU) the first acknowledgements would wait behind it (W5: the first ~25 requests at 100–500 ms, the p99 above
  // 50 ms on their account alone).
  await loop?.ready;
  let collector: Collector;
  try {
    collector = await startCollector({
      suite,
      port: options.port,
      host: options.host,
      token: options.token,
      pricer: options.pricer,
      sink: (records) => commits.add(records),
    });
  } catch (error) {
    await loop?.stop();
    throw error;
  }

  let stopped: Promise<CollectServiceStats> | undefined;
  let cycleTimer: NodeJS.Timeout | undefined;
  let cycleRunning: Promise<void> | undefined;
  if (options.onCycle) {
    const { everyMs, run } = options.onCycle;
    const tick = () => {
      cycleRunning = run(new Date())
        .catch((error: unknown) => options.onWarning?.(`monitor cycle failed: ${(error as Error).message}`))
        .finally(() => {
          cycleRunning = undefined;
          if (!stopped) cycleTimer = setTimeout(tick, everyMs);
        });
    };
    cycleTimer = setTimeout(tick, everyMs);
  }

  const reported = new Set<string>();
  const flushWarnings = () => {
    for (const w of warnings) if (!reported.has(w)) (reported.add(w), options.onWarning?.(w));
  };
  const stats = (): CollectServiceStats => {
    flushWarnings();
    const c = collector.stats();
    return { ...counts, ignoredSpans: c.ignoredSpans, rejected: c.rejected, scored: loop?.scored() ?? 0 };
  };

  return {
    url: collector.url,
    port: collector.port,
    stats,
    queueDepth: () => store.production.queueDepth(suite.name),
    failed,
    stop: ({ graceMs = 5000 } = {}) =>
      (stopped ??= (async () => {
        clearTimeout(cycleTimer);
        await collector.close();
        if (loop) {
          const grace = setTimeout(() => (abort.abort(), loop.abort?.()), graceMs);
          await loop.stop();
          clearTimeout(grace);
        }
        await cycleRunning;
        return stats();
      })()),
  };
}
