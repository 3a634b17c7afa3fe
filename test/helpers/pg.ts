// The test PostgreSQL (started by test/pg-global-setup.ts, or $EVALSPEC_TEST_PG_URL): fresh, isolated stores on it,
// and raw queries for assertions. Test files run in parallel, so each store is its own database or schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The admin URL, or null when no PostgreSQL is available (then `pgUnavailableReason()` says why). */
export function pgAdminUrl(): string | null {
  return inject('pgUrl');
}

export function pgUnavailableReason(): string {
  return inject('pgUnavailable') ?? 'PostgreSQL unavailable';
}

/**
 * Whether the PostgreSQL tests run. Under CI=true a missing PostgreSQL is a failure, never a silent skip: the
 * returned `failInCi` makes the PostgreSQL half fail with the reason. Locally they skip, with the reason printed.
 */
export function pgTestMode(): 'run' | 'skip' | 'fail' {
  if (pgAdminUrl()) return 'run';
  if (process.env.CI === 'true' || process.env.CI === '1') return 'fail';
  return 'skip';
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = pgAdminUrl()): Promise<T> {
  if (!url) throw new Error(`PostgreSQL tests cannot run: ${pgUnavailableReason()}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const name = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A new empty database; its URL (password included). */
export async function createPgDatabase(prefix = 'evalspec_test'): Promise<string> {
  const db = name(prefix);
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const url = new URL(pgAdminUrl()!);
  url.pathname = `/${db}`;
  return url.toString();
}

/** A new empty schema in `databaseUrl` (cheaper than a database: one per store in the contract suite); its URL. */
export async function createPgSchema(databaseUrl: string, prefix = 's'): Promise<string> {
  const schema = name(prefix);
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`), databaseUrl);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** Rows of a query on the store at `url`. */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  return admin(async (c) => (await c.query(sql, values)).rows as T[], url);
}
