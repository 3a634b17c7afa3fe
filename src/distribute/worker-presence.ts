// A provider connection's `concurrency` holds across the workers of distributed runs (issue #14): ten workers on
// a provider declared at `concurrency: 20` send 20 calls at once together, not 200. Each worker renews a row of
// worker_presence every HEARTBEAT_MS and reads which workers are alive (a row renewed within STALE_MS); the
// declared limit is split between them by rank: each gets ⌊limit / workers⌋, the first `limit mod workers` one
// more, so the shares add up to the limit (every worker keeps at least 1, so with more workers than the limit
// they send one call each). Split statically rather than leased per call: no round trip per call, and a worker
// that dies frees its share by not renewing. While workers come or go the split is off for one heartbeat at most;
// a worker that cannot reach the database keeps the share it had. A share unused by an idle worker is not lent
// out (at the end of a run the last jobs go a little slower).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { scrubDatabaseUrl as scrub } from '../store/index.js';

const HEARTBEAT_MS = 2000;
const STALE_MS = 6000;

export class WorkerPresence {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private rank = 0;
  private workers = 1;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  /** `pool`: the worker's (queue.ts coordinationPool), ended by it. `onChange`: the split changed; read `share` again. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly onChange: () => void,
    private readonly log: (line: string) => void,
  ) {}

  /** This worker's part of a provider connection's declared concurrency. */
  share(declared: number): number {
    const extra = this.rank < declared % this.workers ? 1 : 0;
    return Math.max(1, Math.floor(declared / this.workers) + extra);
  }

  /** Announce this worker and read the others (before the first job, so its first share counts them). */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      await this.pool.query('INSERT INTO worker_presence (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()', [this.id]);
      const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM worker_presence WHERE seen_at > now() - make_interval(secs => $1) ORDER BY id`, [
        STALE_MS / 1000,
      ]);
      const ids = rows.map((r) => r.id);
      const rank = Math.max(0, ids.indexOf(this.id));
      const workers = Math.max(1, ids.length);
      if (rank !== this.rank || workers !== this.workers) {
        this.rank = rank;
        this.workers = workers;
        this.onChange();
      }
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.log(
        `worker: the team store did not answer the presence heartbeat (${scrub((error as Error).message, this.url)}); keeping this worker's provider concurrency share`,
      );
    }
  }

  /** Leave: the others take this worker's share at their next heartbeat. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.query('DELETE FROM worker_presence WHERE id = $1', [this.id]).catch(() => undefined);
  }
}
