// A SQL query as an experiment source: against a SQLite file (better-sqlite3's iterator: one row at a time) or a
// PostgreSQL URL (a server-side cursor fetched in batches), so a query over millions of rows streams like a file.
// Columns are matched by name in each row, as for JSONL. The connection is the store's location (store:, else
// --db / $EVALSPEC_DB / .evalspec/evalspec.db); the query only reads.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { EvalspecError } from '../../errors.js';
import { dialectOf, redactLocation, storeLocation } from '../../store/index.js';
import type { ColumnRequest, RawValue, RowHandler } from './file-rows.js';

const BATCH = 10_000;

function pick(record: Record<string, unknown>, columns: readonly ColumnRequest[], values: RawValue[]): void {
  for (let c = 0; c < columns.length; c++) {
    values[c] = undefined;
    for (const name of columns[c].names) {
      if (name in record) {
        const v = record[name];
        values[c] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as RawValue);
        break;
      }
    }
  }
}

function checkColumns(names: string[], columns: readonly ColumnRequest[], what: string, where: string, configFile: string | undefined): void {
  for (const c of columns) {
    if (c.required && !c.names.some((n) => names.includes(n))) {
      throw new EvalspecError(
        'EXPERIMENT_DATA',
        `${what}: the query returns no column "${c.names.join('" or "')}" (it returns: ${names.join(', ')}) from ${where}`,
        {
          file: configFile,
          hint: `name the column in the query, e.g. select user_id, variant as arm, created_at as timestamp …`,
        },
      );
    }
  }
}

/** Where the query runs, for messages: "sql (FILE)" or "sql (URL without its password)". */
export function sqlLabel(store: string | undefined, baseDir: string): string {
  const location = storeLocation(store);
  if (dialectOf(location) !== 'sqlite') return `sql (${redactLocation(location)})`;
  return `sql (${isAbsolute(location) ? location : resolve(baseDir, location)})`;
}

/** Stream the rows of `sql`; returns the label for messages and the row count. */
export async function forEachSqlRow(
  sql: string,
  store: string | undefined,
  baseDir: string,
  configFile: string | undefined,
  what: string,
  columns: readonly ColumnRequest[],
  onRow: RowHandler,
): Promise<{ label: string; rows: number }> {
  const location = storeLocation(store);
  const values: RawValue[] = new Array<RawValue>(columns.length);
  const fail = (error: unknown): never => {
    if (error instanceof EvalspecError) throw error;
    throw new EvalspecError('EXPERIMENT_DATA', `${what}: the SQL query failed on ${redactLocation(location)}: ${(error as Error).message}`, {
      file: configFile,
      hint: 'run the query in a SQL shell against the same database and fix it there',
      cause: error,
    });
  };
  let rows = 0;
  if (dialectOf(location) === 'sqlite') {
    const file = isAbsolute(location) ? location : resolve(baseDir, location);
    if (!existsSync(file))
      throw new EvalspecError('EXPERIMENT_DATA', `${what}: the SQLite database ${file} does not exist`, {
        file: configFile,
        hint: 'set store: to the database file (relative to the experiment file)',
      });
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const statement = db.prepare(sql);
      if (!statement.reader)
        throw new EvalspecError('EXPERIMENT_DATA', `${what}: the SQL statement returns no rows (not a query)`, {
          file: configFile,
          hint: 'write a select statement',
        });
      checkColumns(
        statement.columns().map((c) => c.name),
        columns,
        what,
        file,
        configFile,
      );
      for (const record of statement.iterate() as Iterable<Record<string, unknown>>) {
        rows++;
        pick(record, columns, values);
        onRow(values, rows);
      }
    } catch (error) {
      fail(error);
    } finally {
      db.close();
    }
    return { label: sqlLabel(store, baseDir), rows };
  }
  const client = new pg.Client({ connectionString: location });
  try {
    await client.connect();
    await client.query('begin read only');
    await client.query(`declare evalspec_experiment no scroll cursor for ${sql}`);
    for (;;) {
      const batch = await client.query<Record<string, unknown>>(`fetch ${BATCH} from evalspec_experiment`);
      if (rows === 0)
        checkColumns(
          batch.fields.map((f) => f.name),
          columns,
          what,
          redactLocation(location),
          configFile,
        );
      for (const record of batch.rows) {
        rows++;
        pick(record, columns, values);
        onRow(values, rows);
      }
      if (batch.rows.length < BATCH) break;
    }
    await client.query('commit');
  } catch (error) {
    fail(error);
  } finally {
    await client.end().catch(() => undefined);
  }
  return { label: sqlLabel(store, baseDir), rows };
}
