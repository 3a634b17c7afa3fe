// What a stored run is now. The stored status says `started` both while a process executes the run and after
// that process died (kill -9, a crash, a machine lost); the run's lease (run_leases, taken and heartbeated by
// run/lease.ts) tells them apart. One definition for every reader: `runs`, `show` and the viewer.
import { hostname } from 'node:os';
import type { RunLease, RunRecord, RunStatus, Store } from './types.js';

/** A finished run's stored status; a `started` run is `running` (its process holds a live lease) or `interrupted`. */
export type RunState = Exclude<RunStatus, 'started'> | 'running' | 'interrupted';

/** Whether a process with this pid exists on this machine (EPERM: it exists but is not ours). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while the holder of this lease may still be executing the run. A lease is dead when it expired (its
 * holder stopped heartbeating) or, on this host, when its pid no longer exists: a `kill -9` shows at once here,
 * and after the lease's TTL from another host.
 */
export function leaseIsLive(lease: RunLease | undefined, now = Date.now()): boolean {
  if (!lease || lease.expiresAt <= now) return false;
  return lease.host !== hostname() || pidAlive(lease.pid);
}

/** The run's state now: its stored status, or for a `started` run whether its process is still there. */
export async function runState(store: Store, run: RunRecord): Promise<RunState> {
  if (run.status !== 'started') return run.status;
  return leaseIsLive(await store.leases.get(run.id)) ? 'running' : 'interrupted';
}
