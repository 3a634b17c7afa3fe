// The access_tokens table (SQLite migration 8, PostgreSQL migration 2): the shared viewer's named tokens, by the
// SHA-256 of the token (never the token). One implementation for both dialects over a tiny runner: the SQL is
// plain enough for both, and only the parameter syntax and the unique-violation signal differ.
import { EvalspecError } from '../errors.js';
import type { Row } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { AccessTokenRecord, Store } from './types.js';

export const ACCESS_TOKENS_SQL = `
CREATE TABLE access_tokens (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE UNIQUE INDEX access_tokens_active_name ON access_tokens (name) WHERE revoked_at IS NULL;
`;

/** How the token group reaches its database. */
export interface TokenSql {
  dialect: SqlDialect;
  all(sql: string, values: unknown[]): Promise<Row[]>;
  /** Rows changed. */
  run(sql: string, values: unknown[]): Promise<number>;
  /** Did this error come from a UNIQUE constraint? */
  isUniqueViolation(error: unknown): boolean;
  /** Did this error say the table does not exist (a store written before tokens, opened read-only)? */
  isMissingTable(error: unknown): boolean;
}

const fromRow = (r: Row): AccessTokenRecord => ({
  name: r.name as string,
  hash: r.hash as string,
  createdAt: r.created_at as string,
  lastUsedAt: (r.last_used_at as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

export function sqlTokens(db: TokenSql): Store['tokens'] {
  const p = (n: number) => db.dialect.param(n);
  const read = async (sql: string, values: unknown[]): Promise<Row[]> => {
    try {
      return await db.all(sql, values);
    } catch (error) {
      if (db.isMissingTable(error)) return [];
      throw error;
    }
  };
  return {
    create: async (token) => {
      try {
        await db.run(`INSERT INTO access_tokens (hash, name, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [token.hash, token.name, token.createdAt]);
      } catch (error) {
        if (!db.isUniqueViolation(error)) throw error;
        throw new EvalspecError('STORE', `"${token.name}" already holds an active token`, {
          // No cause: a driver error may carry connection settings.
          hint: `revoke it first (evalspec tokens revoke --name ${token.name}) or pick another --name`,
        });
      }
    },
    list: async () => (await read(`SELECT * FROM access_tokens ORDER BY created_at, name`, [])).map(fromRow),
    findByHash: async (hash) => {
      const [row] = await read(`SELECT * FROM access_tokens WHERE hash = ${p(1)}`, [hash]);
      return row ? fromRow(row) : undefined;
    },
    revoke: async (name, at) => (await db.run(`UPDATE access_tokens SET revoked_at = ${p(1)} WHERE name = ${p(2)} AND revoked_at IS NULL`, [at, name])) > 0,
    touch: async (hash, at) => {
      await db.run(`UPDATE access_tokens SET last_used_at = ${p(1)} WHERE hash = ${p(2)}`, [at, hash]);
    },
  };
}
