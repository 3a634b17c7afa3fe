// A job's lease, kept alive while its worker works it. pg-boss 10 takes an active job for dead once
// `started_on + expire_in` has passed (its maintenance then hands it to another worker), and has no call to extend
// an active job (pg-boss 11 added heartbeats; it needs Node 22). So the worker renews the lease itself: every fifth
// of the lease it sets the job's `expire_in` to the time worked so far plus one lease, in one UPDATE on pg-boss's
// job table (its documented schema, as queue.ts's reads), matched on the job's id, `active` state and retry count,
// i.e. on this worker's fetch of it and no later one. So a job, or a single call, may take longer than the lease;
// only a worker that stops renewing (dead, cut off, its event loop stuck) loses its jobs, `--lease-seconds` after
// its last renewal.
//
// When renewals fail (the database slow or gone), the job drains at four fifths of the lease after the last
// renewal: it takes no new item, the calls in flight finish, and the rest goes back to the queue as a new job
// (worker.ts), so no item is called by two workers at once. A renewal that finds the job no longer this worker's
// (expired and handed out meanwhile) drains it at once.
import type PgBoss from 'pg-boss';
import { QUEUE, QUEUE_SCHEMA } from './queue.js';

/** Renewals per lease: a lease survives four failed renewals in a row. */
const RENEWALS_PER_LEASE = 5;
/** Drain at this share of the lease after the last renewal: the calls in flight get the rest. */
const DRAIN_AT = 0.8;

const RENEW_SQL = `UPDATE ${QUEUE_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $4)
WHERE name = $1 AND id = $2 AND state = 'active' AND retry_count = $3 RETURNING id`;

/** What a worker knows of a job it fetched (pg-boss's fetch with includeMetadata). */
export interface LeasedJob {
  id: string;
  retryCount: number;
  /** The job's `expire_in` as fetched (a job handed out again keeps the one its last renewal set). */
  expireInSeconds: number;
}

export class JobLease {
  private readonly drainer = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private takenByOther = false;

  /** `leaseSeconds`: the run's lease; `onLost(why)` is said once when the job drains. */
  constructor(
    private readonly boss: PgBoss,
    private readonly job: LeasedJob,
    readonly leaseSeconds: number,
    private readonly onLost: (why: string) => void,
  ) {}

  /** Aborted when the job must take no new item (its lease could not be kept). */
  get drain(): AbortSignal {
    return this.drainer.signal;
  }

  /**
   * Start keeping the lease. A job handed out again carries the `expire_in` its last worker's renewals left (time
   * worked plus a lease): that is set back to one lease first, so this worker's death is seen as soon as anyone's.
   */
  async start(): Promise<void> {
    this.armDrain();
    if (Math.abs(this.job.expireInSeconds - this.leaseSeconds) > 1) await this.renew();
    this.renewTimer = setInterval(() => void this.renew(), (this.leaseSeconds * 1000) / RENEWALS_PER_LEASE);
    this.renewTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.renewTimer);
    clearTimeout(this.drainTimer);
  }

  private armDrain(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = setTimeout(() => this.lose('its lease could not be renewed'), this.leaseSeconds * 1000 * DRAIN_AT);
    this.drainTimer.unref();
  }

  /** True when a renewal found the job handed to another worker (it expired): that worker completes it. */
  get taken(): boolean {
    return this.takenByOther;
  }

  private lose(why: string): void {
    // Renewals go on while the calls in flight finish (should the database answer again, they keep the lease), unless
    // the job is someone else's now.
    if (this.takenByOther) this.stop();
    if (this.drainer.signal.aborted) return;
    this.drainer.abort();
    this.onLost(why);
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const { rows } = await this.boss.getDb().executeSql(RENEW_SQL, [QUEUE, this.job.id, this.job.retryCount, this.leaseSeconds]);
      if (this.stopped) return;
      if (rows.length === 0) {
        this.takenByOther = true;
        return this.lose('it is no longer held by this worker (its lease expired)');
      }
      if (!this.drainer.signal.aborted) this.armDrain();
    } catch {
      // Not renewed: the drain timer from the last renewal stands.
    }
  }
}
