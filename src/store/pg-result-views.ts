// The viewer's reads of a run's results on PostgreSQL (issue #22): a page of results, the run page's figures, the
// per-case tallies and the paired tallies of a comparison. The SQL is shared with SQLite (result-pages.ts,
// run-figures.ts, compare-tallies.ts); what is PostgreSQL's own is the keyset paging by case id, so memory stays
// flat however many cases a run has.
import { POSTGRES_SQL } from './sql-dialect.js';
import { resultPageFromRaw, resultPageSql } from './result-pages.js';
import { caseTallyFromRaw, caseTallySql, resultGroupFromRow, runFigureSql, TimingFold } from './run-figures.js';
import { pairedTallyFromRaw, pairedTallySql } from './compare-tallies.js';
import { PAGE_ROWS as PAGE, type PgAccess } from './pg-entities.js';
import type { CaseTally, PairedSides, PairedTally, ResultPageQuery, RunFigureRows, Store } from './types.js';

/** How the views reach the database: `db` for rows by name, `arrays` for rows as arrays (errors as STORE errors). */
export interface PgViewAccess {
  db: PgAccess;
  arrays(query: { text: string; values: unknown[] }): Promise<unknown[][]>;
}

export function pgResultViews({ db, arrays }: PgViewAccess): Pick<Store['results'], 'page' | 'figures' | 'caseTallies' | 'pairedTallies'> {
  return {
    page: async (runId: string, query: ResultPageQuery) => {
      const sql = resultPageSql(POSTGRES_SQL, runId, query);
      const total = (await arrays(sql.count))[0][0];
      return resultPageFromRaw(total, await arrays(sql.page));
    },
    figures: async (runId: string): Promise<RunFigureRows> => {
      const sql = runFigureSql(POSTGRES_SQL, runId);
      const groups = (await db.query(sql.groups.text, sql.groups.values)).rows.map(resultGroupFromRow);
      const caseTags = (await db.query(sql.tags.text, sql.tags.values)).rows.map((r) => ({
        tagsJson: r.tags_json as string,
        cases: Number(r.cases),
        clustered: Number(r.clustered),
      }));
      const failedChecks = (await db.query(sql.failedChecks.text, sql.failedChecks.values)).rows.map((r) => r.name as string);
      const timings = new TimingFold();
      // Numbers only (three per answered result): read in one go, as results.latencies does.
      for (const [variantId, latency, ttft] of await arrays(sql.timings)) timings.add(variantId, latency, ttft);
      return { groups, caseTags, failedChecks: failedChecks.filter((n) => n !== null), timings: timings.result() };
    },
    // Keyset pages by case id (the primary key's order): a page of cases' tallies per query, flat in memory.
    caseTallies: async (runId: string, onRow: (tally: CaseTally) => void) => {
      let after: string | null = null;
      for (;;) {
        const rows = await arrays(caseTallySql(POSTGRES_SQL, runId, { after, limit: PAGE }));
        // A page may end inside a case (its other variants on the next page): end it at the last whole case.
        const full = rows.length === PAGE;
        const lastCase = rows.length ? (rows[rows.length - 1][0] as string) : '';
        const whole = full && rows.some((r) => r[0] !== lastCase) ? rows.filter((r) => r[0] !== lastCase) : rows;
        for (const row of whole) onRow(caseTallyFromRaw(row));
        if (!full) return;
        after = whole[whole.length - 1][0] as string;
      }
    },
    // The paired cases of a comparison in keyset pages by case id: one row per common case, flat in memory.
    pairedTallies: async (sides: PairedSides, onRow: (tally: PairedTally) => void) => {
      for (let after: string | null = null; ;) {
        const rows = await arrays(pairedTallySql(POSTGRES_SQL, sides, { after, limit: PAGE }).pairs);
        for (const row of rows) onRow(pairedTallyFromRaw(row));
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1][0] as string;
      }
      const [casesA, casesB] = (await arrays(pairedTallySql(POSTGRES_SQL, sides).counts))[0];
      return { casesA: Number(casesA), casesB: Number(casesB) };
    },
  };
}
