// A run's case keys (ids, content hashes, tags, clusters) streamed in write order (cases.keys), and the cases whose
// content another run has changed (cases.contentChanged): the SQL of both dialects and the row mapping, which each
// store feeds with its own way of reading rows (SQLite: a statement's iterator; PostgreSQL: keyset pages).
import type Database from 'better-sqlite3';
import type { CaseKey, Store } from './types.js';
import { rowStream } from './sqlite-open.js';

type CaseKeyReaders = Pick<Store['cases'], 'keys' | 'contentChanged'>;

/** A case key from its raw row: case_id, content_hash, tags_json, cluster. */
function keyMaker(): (raw: unknown[]) => CaseKey {
  // Equal tag lists are parsed once (a run's cases share a handful of segment tags).
  const tagLists = new Map<string, string[]>();
  return (raw) => {
    const [caseId, contentHash, json, cluster] = raw as [string, string, string, string | null];
    let tags = tagLists.get(json);
    if (!tags) tagLists.set(json, (tags = JSON.parse(json) as string[]));
    return { caseId, contentHash, tags, cluster: cluster ?? null };
  };
}

/** The ids of run $1's cases whose id run $2 has too, with another content hash (no order: a set). */
const CONTENT_CHANGED = (p: (n: number) => string) =>
  `SELECT b.case_id FROM cases b JOIN cases a ON a.run_id = ${p(2)} AND a.case_id = b.case_id WHERE b.run_id = ${p(1)} AND a.content_hash <> b.content_hash`;

/** SQLite: each listing a statement of its own (two runs' cases may be streamed at once: diff). */
export function sqliteCaseKeys(db: Database.Database): CaseKeyReaders {
  return {
    keys: (runId) => {
      const statement = db.prepare('SELECT case_id, content_hash, tags_json, cluster FROM cases WHERE run_id = ? ORDER BY rowid').raw(true);
      return rowStream(statement.iterate(runId) as IterableIterator<unknown[]>, keyMaker());
    },
    contentChanged: async (runId, other) =>
      db
        .prepare(CONTENT_CHANGED(() => '?'))
        .pluck()
        // Positional: the first ? is the other run's (a.run_id), the second this run's.
        .all(other, runId) as string[],
  };
}

/** PostgreSQL: keys in keyset pages of write order (`pages` runs a named query with $1 = the run, $2 = the last seq). */
export function pgCaseKeys(
  pages: (name: string, text: string, runId: string) => AsyncIterable<unknown[][]>,
  query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
  page: number,
): CaseKeyReaders {
  async function* stream<T>(rows: AsyncIterable<unknown[][]>, make: (raw: unknown[]) => T): AsyncGenerator<T> {
    for await (const rowsOfPage of rows) for (const raw of rowsOfPage) yield make(raw);
  }
  return {
    keys: (runId) =>
      stream(
        pages(
          'evalspec_case_keys',
          `SELECT case_id, content_hash, tags_json, cluster, seq FROM cases WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT ${page}`,
          runId,
        ),
        keyMaker(),
      ),
    contentChanged: async (runId, other) =>
      (
        await query(
          CONTENT_CHANGED((n) => `$${n}`),
          [runId, other],
        )
      ).map((r) => r.case_id as string),
  };
}
