// One process executes a run at a time. Before its first call, a run (new or resumed) takes a lease in the
// store naming its pid and host, and renews it every LEASE_TTL_MS / 4; a second process (a concurrent
// --resume of the same run) is refused with RUN_LOCKED while the lease is live. A lease is dead when it
// expired (its holder stopped heartbeating: killed, or on a machine that went away) or, on this host, when
// its pid no longer exists — so a `kill -9` frees the run at once locally and after the TTL elsewhere.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { EvalspecError, EXIT } from '../errors.js';
import { leaseIsLive, type RunLease, type Store } from '../store/index.js';

export const LEASE_TTL_MS = 60_000;

// Whether a lease is live is the store's one definition (store/run-state.ts), shared with `runs`, `show` and the viewer.
export { leaseIsLive };

export interface LeaseHandle {
  release(): Promise<void>;
}

function lockedError(runId: string, holder: RunLease, now: number): EvalspecError {
  const beat = Math.max(0, Math.round((now - Date.parse(holder.heartbeatAt)) / 1000));
  return new EvalspecError(
    'RUN_LOCKED',
    `run ${runId} is being executed by another process (pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}, last heartbeat ${beat}s ago); starting it twice would make every remaining call twice`,
    {
      hint:
        `wait for that process to finish (evalspec runs shows the run's status), or stop it (kill ${holder.pid} on ${holder.host}) and run \`evalspec run --resume ${runId}\` again; ` +
        `a killed process's claim lapses by itself (on this host at once, from another host ${LEASE_TTL_MS / 1000}s after its last heartbeat)`,
    },
  );
}

/**
 * Take the run's lease or throw RUN_LOCKED naming the holder. `onLost` is called when a heartbeat finds the
 * lease taken over (this process looked dead, e.g. its event loop stalled past the TTL): the caller stops.
 */
export async function takeRunLease(store: Store, runId: string, onLost: (error: EvalspecError) => void): Promise<LeaseHandle> {
  const token = randomBytes(12).toString('hex');
  const now = Date.now();
  const iso = new Date(now).toISOString();
  const mine: RunLease = { runId, token, pid: process.pid, host: hostname(), acquiredAt: iso, heartbeatAt: iso, expiresAt: now + LEASE_TTL_MS };
  let taken = await store.leases.acquire(mine, now);
  if (!taken.acquired && !leaseIsLive(taken.holder, now)) taken = await store.leases.acquire(mine, now, taken.holder.token);
  if (!taken.acquired) throw lockedError(runId, taken.holder, now);

  let lost = false;
  const timer = setInterval(() => {
    const t = Date.now();
    store.leases.renew(runId, token, t + LEASE_TTL_MS, t).then(
      (held) => {
        if (held || lost) return;
        lost = true;
        clearInterval(timer);
        onLost(
          new EvalspecError(
            'RUN_LOCKED',
            `run ${runId}: another process took over this run's lease (this one missed its heartbeats); stopped to avoid making calls twice`,
            {
              hint: `check \`evalspec runs\`; resume with \`evalspec run --resume ${runId}\` once no other process runs it`,
              exitCode: EXIT.incomplete,
            },
          ),
        );
      },
      () => undefined, // a busy store: the next heartbeat tries again, well within the TTL
    );
  }, LEASE_TTL_MS / 4);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      if (!lost) await store.leases.release(runId, token);
    },
  };
}
