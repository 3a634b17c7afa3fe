// The run_leases table (migration 6): which process is executing a run. Taking a lease is one upsert whose
// update only applies when the current lease expired or belongs to a holder known to be dead, so two
// processes racing for the same run cannot both get it (SQLite serialises writers).
import type Database from 'better-sqlite3';
import { leaseFromRow, type Row } from './rows.js';
import type { RunLease, Store } from './types.js';

export function sqliteLeases(db: () => Database.Database): Store['leases'] {
  const get = (runId: string): RunLease | undefined => {
    let row: Row | undefined;
    try {
      row = db().prepare('SELECT * FROM run_leases WHERE run_id = ?').get(runId) as Row | undefined;
    } catch (error) {
      // A store opened without migrating (read-only, an older file): no lease was ever taken in it.
      if (/no such table/.test((error as Error).message)) return undefined;
      throw error;
    }
    return row ? leaseFromRow(row) : undefined;
  };
  return {
    acquire: async (lease, now, takeOver) => {
      const info = db()
        .prepare(
          `INSERT INTO run_leases (run_id, token, pid, host, acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
           WHERE run_leases.expires_at <= ? OR run_leases.token = ? OR run_leases.token = excluded.token`,
        )
        .run(lease.runId, lease.token, lease.pid, lease.host, lease.acquiredAt, lease.heartbeatAt, lease.expiresAt, now, takeOver ?? '');
      if (info.changes === 1) return { acquired: true };
      const holder = get(lease.runId);
      // Released between the upsert and the read: try once more (the next caller may win instead).
      if (!holder) return await sqliteLeases(db).acquire(lease, now, takeOver);
      return { acquired: false, holder };
    },
    renew: async (runId, token, expiresAt, now) =>
      db()
        .prepare('UPDATE run_leases SET expires_at = ?, heartbeat_at = ? WHERE run_id = ? AND token = ?')
        .run(expiresAt, new Date(now).toISOString(), runId, token).changes === 1,
    release: async (runId, token) => {
      db().prepare('DELETE FROM run_leases WHERE run_id = ? AND token = ?').run(runId, token);
    },
    get: async (runId) => get(runId),
  };
}
