// Connecting to a PostgreSQL store, its migrations, and PostgreSQL failures in words. The URL's password
// never leaves this file: `location` (what messages, errors and reports show) is the URL with it replaced, and
// every driver message is scrubbed of it before it becomes a STORE error.
import { createRequire } from 'node:module';
import type pg from 'pg';
import { EvalspecError, isEvalspecError } from '../errors.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import type { StoreAccess } from './sqlite-open.js';
import type { AppliedMigration } from './types.js';

/** The URL with its password (and any password= parameter) replaced by ***, for every message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    // Not parseable as a URL: show the scheme only rather than risk a secret.
    return `${url.split('://')[0]}://…`;
  }
}

/** The secrets inside a URL (its password, password= parameters), decoded and as written. */
function secretsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const raw = [parsed.password, ...[...parsed.searchParams.entries()].filter(([k]) => /pass/i.test(k)).map(([, v]) => v)].filter((s) => s.length > 0);
    return [...new Set(raw.flatMap((s) => [s, safeDecode(s)]))];
  } catch {
    return [];
  }
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  return out;
}

const HINT = 'check the URL passed with --db or $EVALSPEC_DB (postgres://USER:PASSWORD@HOST:PORT/DATABASE)';

/** A PostgreSQL (or connection) failure as a STORE error naming the redacted URL and the fix; our own errors pass through. */
export function pgFailure(error: unknown, url: string): unknown {
  if (isEvalspecError(error)) return error;
  const file = redactUrl(url);
  const code = String((error as { code?: unknown })?.code ?? '');
  const said = `PostgreSQL: ${scrub((error as Error)?.message ?? String(error), url)}`;
  const fail = (message: string, hint: string) => new EvalspecError('STORE', message, { file, hint });
  // The cause is left out on purpose: a driver error can carry the connection settings, password included.
  if (/^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN)$/.test(code) || code === '57P03') {
    return fail(`cannot connect to the PostgreSQL store (${said})`, `start the server or ${HINT}`);
  }
  if (code === '28P01' || code === '28000') return fail(`the PostgreSQL server refused the credentials (${said})`, HINT);
  if (code === '3D000') return fail(`the database does not exist (${said})`, `create it (\`createdb NAME\` or CREATE DATABASE), or ${HINT}`);
  if (code === '42501' || code === '25006') {
    return fail(
      `the PostgreSQL role may not do this (${said})`,
      'grant the role the rights it needs on the database (CREATE on the schema to migrate, INSERT/UPDATE to write), or use another role',
    );
  }
  if (code === '53100')
    return fail(`the disk of the PostgreSQL server is full (${said})`, 'free some space, then run again (a resume continues an interrupted run)');
  if (/^(08|53|57)/.test(code)) return fail(`the PostgreSQL store failed (${said})`, 'try again when the server is available');
  if (error instanceof Error) return Object.assign(new Error(scrub(error.message, url)), { code: code || undefined });
  return error;
}

// pg is loaded when a PostgreSQL store is opened, not with the store module: a SQLite command does not pay its
// ~10 MB (issue #22). It is CommonJS, so a synchronous require loads it where the pool is made.
const require = createRequire(import.meta.url);

export function createPool(url: string): pg.Pool {
  const { Pool } = require('pg') as typeof pg;
  // allowExitOnIdle: a command that forgot to close its store still exits (idle connections do not hold the event loop).
  const pool = new Pool({ connectionString: url, application_name: 'evalspec', max: 8, allowExitOnIdle: true });
  // An idle connection dropped by the server must not crash the process: the next query reports it instead.
  pool.on('error', () => undefined);
  return pool;
}

// Two processes opening a new store at once: one migrates, the other waits and then finds nothing to do.
const MIGRATION_LOCK = 0x65766c73; // "evls"

async function appliedVersions(client: pg.PoolClient): Promise<Set<number>> {
  const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.rows.map((r) => Number(r.version)));
}

/**
 * Check the database is an evalspec store (or an empty schema, when this command may create one) and apply the
 * pending migrations. A reading command migrates too, like SQLite on a writable file: it reads the new tables.
 */
export async function preparePg(pool: pg.Pool, url: string, access: StoreAccess): Promise<void> {
  const client = await pool.connect();
  try {
    const found = await client.query<{ has: boolean; others: number }>(
      `SELECT to_regclass('schema_migrations') IS NOT NULL AS has,
        (SELECT COUNT(*)::int FROM pg_tables WHERE schemaname = current_schema()) AS others`,
    );
    const { has, others } = found.rows[0];
    const file = redactUrl(url);
    if (!has && others > 0) {
      throw new EvalspecError('STORE', 'a PostgreSQL database but not an evalspec store (its schema has tables but no schema_migrations)', {
        file,
        hint: 'give evalspec its own database (CREATE DATABASE evals), or its own schema: append ?options=-c%20search_path%3Devalspec to the URL after CREATE SCHEMA evalspec',
      });
    }
    if (!has && access === 'read') {
      throw new EvalspecError('STORE', 'the store is empty: no run was ever stored in it', { file, hint: 'run `evalspec run SUITE` first, or pass --db' });
    }
    if (has) {
      const applied = await appliedVersions(client);
      if (PG_MIGRATIONS.every((m) => applied.has(m.version))) return;
    }
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = await appliedVersions(client);
      for (const m of PG_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

export async function pgMigrations(pool: pg.Pool): Promise<AppliedMigration[]> {
  const rows = await pool.query<{ version: number; name: string; applied_at: string }>(
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
  );
  return rows.rows.map((r) => ({ version: Number(r.version), name: r.name, appliedAt: r.applied_at }));
}
