// Wake-ups of distributed runs over PostgreSQL LISTEN/NOTIFY, so nobody waits out a polling interval: the process
// that queues a run's jobs notifies JOBS_CHANNEL and idle workers fetch at once; a worker that settles a job
// notifies DONE_CHANNEL and the run's coordinating process looks at once whether the run is done. A notice is only
// a hint: every waiter still polls (slowly), so a lost notice or a connection pooler without LISTEN costs time, not
// correctness.
import type pg from 'pg';
import { pgDriver } from './drivers.js';
import { scrubDatabaseUrl as scrub } from '../store/index.js';

/** A run's jobs were queued (payload: the run's id). */
export const JOBS_CHANNEL = 'evalspec_jobs';
/** A job of a run settled: completed, failed, or handed back (payload: the run's id). */
export const DONE_CHANNEL = 'evalspec_job_done';
/** A worker gave back slots of a provider connection while another was short (payload: the connection's key). */
export const SLOTS_CHANNEL = 'evalspec_slots';

/** A one-slot wake-up: `wake()` ends the current `wait`, or the next one if nobody waits (no wake is lost). */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  wake(): void {
    if (this.waiter) this.waiter();
    else this.pending = true;
  }

  /** Resolves on a wake, after `ms`, or when `signal` aborts, whichever comes first. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiter = done;
    });
  }
}

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTEN on each channel of `handlers` on a connection of its own; the channel's handler gets each notice's payload.
 * When the connection cannot be made or is lost, one line is logged and the caller's polling carries on alone.
 */
export async function listenFor(url: string, handlers: Record<string, (payload: string) => void>, log: (line: string) => void): Promise<Listener> {
  const client: pg.Client = new (pgDriver().Client)({ connectionString: url, application_name: 'evalspec listen' });
  let warned = false;
  const warn = (error: Error) => {
    if (warned) return;
    warned = true;
    log(`the team store's notices are unavailable (${scrub(error.message, url)}); polling instead`);
  };
  client.on('error', warn);
  client.on('notification', (message) => {
    if (Object.hasOwn(handlers, message.channel)) handlers[message.channel](message.payload ?? '');
  });
  try {
    await client.connect();
    for (const channel of Object.keys(handlers)) await client.query(`LISTEN ${channel}`);
  } catch (error) {
    warn(error as Error);
    await client.end().catch(() => undefined);
    return { close: async () => undefined };
  }
  return { close: () => client.end().catch(() => undefined) };
}

/** Notify `channel` with `payload`; a failure is ignored (the waiters poll). */
export async function notify(pool: pg.Pool, channel: string, payload: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => undefined);
}
