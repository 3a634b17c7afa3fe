// The run_rate_limits table (SQLite migration 9, PostgreSQL migration 4): the rate-limit figures of each process
// that worked on a run (a run, its resumes, a distributed run's workers), so `show` and a distributed run's final
// report have them, summed. One implementation for both dialects over a tiny runner, as access-tokens.ts.
import type { Row } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { RateLimitFigures, Store } from './types.js';

export const RATE_LIMITS_SQL = `
CREATE TABLE run_rate_limits (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  figures_json TEXT NOT NULL,
  PRIMARY KEY (run_id, source)
);
`;

/** How the group reaches its database. */
export interface RateLimitSql {
  dialect: SqlDialect;
  all(sql: string, values: unknown[]): Promise<Row[]>;
  run(sql: string, values: unknown[]): Promise<unknown>;
  /** Did this error say the table does not exist (a store written before the figures were, opened read-only)? */
  isMissingTable(error: unknown): boolean;
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
const sumOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : a + b);

/**
 * The figures of several processes, per provider:model in order of first appearance: attempts, rejections, waits
 * and windows add up; a declared limit is the suite's (the same in every process); a learned limit is the highest
 * any process read (a provider raising a limit mid-run).
 */
export function sumRateLimitFigures(parts: RateLimitFigures[][]): RateLimitFigures[] {
  const byModel = new Map<string, RateLimitFigures>();
  for (const f of parts.flat()) {
    const t = byModel.get(f.model);
    if (!t) {
      byModel.set(f.model, { ...f, declared: { ...f.declared }, learned: { ...f.learned } });
      continue;
    }
    t.declared = { rpm: t.declared.rpm ?? f.declared.rpm, tpm: t.declared.tpm ?? f.declared.tpm };
    t.learned = {
      rpm: maxOf(t.learned.rpm, f.learned.rpm),
      tpm: maxOf(t.learned.tpm, f.learned.tpm),
      inputTpm: maxOf(t.learned.inputTpm, f.learned.inputTpm),
      outputTpm: maxOf(t.learned.outputTpm, f.learned.outputTpm),
    };
    t.attempts += f.attempts;
    t.rejected += f.rejected;
    t.waitedS = Math.round((t.waitedS + f.waitedS) * 1000) / 1000;
    t.concurrencyWindow = sumOf(t.concurrencyWindow, f.concurrencyWindow);
  }
  return [...byModel.values()];
}

export function sqlRateLimits(db: RateLimitSql): Store['rateLimits'] {
  const p = (n: number) => db.dialect.param(n);
  return {
    put: async (runId, source, figures) => {
      await db.run(
        `INSERT INTO run_rate_limits (run_id, source, figures_json) VALUES (${p(1)}, ${p(2)}, ${p(3)})
         ON CONFLICT (run_id, source) DO UPDATE SET figures_json = excluded.figures_json`,
        [runId, source, JSON.stringify(figures)],
      );
    },
    list: async (runId) => {
      let rows: Row[];
      try {
        rows = await db.all(`SELECT figures_json FROM run_rate_limits WHERE run_id = ${p(1)} ORDER BY source`, [runId]);
      } catch (error) {
        if (db.isMissingTable(error)) return [];
        throw error;
      }
      return sumRateLimitFigures(rows.map((r) => JSON.parse(r.figures_json as string) as RateLimitFigures[]));
    },
  };
}
