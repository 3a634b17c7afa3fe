// The team store's batch writes: one INSERT … SELECT FROM unnest(one array per column) per table and batch, a
// single prepared statement whatever the batch size and no 65,535-parameter limit (pg-store.ts).
import { pgText } from './pg-entities.js';
import { RESULT_WRITE_COLUMNS } from './rows.js';

/** Rows per INSERT statement of a batch (a copy hands over whole runs). */
export const CHUNK = 5000;

/** Column types for unnest's arrays (pg-migrations.ts); every other column is text. */
const NUMERIC_COLUMNS: Record<string, string> = {
  repeat_index: 'int',
  pass: 'int',
  score: 'float8',
  cached: 'int',
  latency_ms: 'float8',
  ttft_ms: 'float8',
  input_tokens: 'int',
  output_tokens: 'int',
  cost_usd: 'float8',
  attempts: 'int',
};

/**
 * INSERT … SELECT FROM unnest(one array per column) WITH ORDINALITY, in array order (so seq follows it), replacing
 * a row with the same key: every column and, for a table read in write order, seq (the replaced row moves last).
 */
function unnestInsert(table: string, columns: string[], key: string[], writeOrder: boolean): string {
  const set = [...columns.filter((c) => !key.includes(c)), ...(writeOrder ? ['seq'] : [])].map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${NUMERIC_COLUMNS[c] ?? 'text'}[]`).join(', ');
  return `INSERT INTO ${table} (${columns.join(', ')})
    SELECT ${columns.map((c) => `t.${c}`).join(', ')} FROM unnest(${arrays}) WITH ORDINALITY AS t(${columns.join(', ')}, ord) ORDER BY t.ord
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}`;
}

export const UNNEST_RESULTS = unnestInsert('results', RESULT_WRITE_COLUMNS, ['run_id', 'case_id', 'variant_id', 'repeat_index'], true);
export const CASE_COLUMNS = ['run_id', 'case_id', 'content_hash', 'tags_json', 'vars_json', 'cluster', 'description'];
export const UNNEST_CASES = unnestInsert('cases', CASE_COLUMNS, ['run_id', 'case_id'], true);
export const UNNEST_CACHE = unnestInsert('cache', ['key', 'response_json', 'created_at'], ['key'], false);
export const UNNEST_MESSAGES = `INSERT INTO messages (hash, messages_json) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (hash) DO NOTHING`;

/**
 * Rows as one array per column. Two rows with the same key in one statement would make PostgreSQL refuse the
 * upsert ("cannot affect row a second time"): the last one wins, at its position, as with SQLite's REPLACE.
 */
export function columnsOf(rows: unknown[][], keyWidth: number, width: number): unknown[][] {
  const byKey = new Map<string, unknown[]>();
  for (const row of rows) {
    const key = row.slice(0, keyWidth).join('\u0000');
    byKey.delete(key);
    byKey.set(key, row);
  }
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of byKey.values()) for (let i = 0; i < width; i++) columns[i].push(typeof row[i] === 'string' ? pgText(row[i] as string) : row[i]);
  return columns;
}
