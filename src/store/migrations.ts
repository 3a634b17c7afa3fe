// Numbered migrations, applied in order inside one transaction each and recorded in schema_migrations.
// Never edit a published migration: add a new one. The SQL is plain enough for SQLite and PostgreSQL.
import { ACCESS_TOKENS_SQL } from './access-tokens.js';
import { RATE_LIMITS_SQL } from './rate-limit-figures.js';
import { RUN_FOLDS_SQL } from './run-folds.js';
import { productionSql } from './production-rows.js';
import { PRODUCTION_LABELS_SQL } from './production-labels.js';
import { LEAN_SCORE_WRITES_NAME, LEAN_SCORE_WRITES_SQLITE } from './production-lean-writes.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'runs, cases, results, cache',
    sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  suite_name TEXT NOT NULL,
  suite_hash TEXT NOT NULL,
  suite_file TEXT NOT NULL,
  label TEXT,
  status TEXT NOT NULL,
  format_version INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  variants_json TEXT NOT NULL,
  repeat_count INTEGER NOT NULL,
  git_commit TEXT,
  git_branch TEXT,
  total_calls INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  warnings_json TEXT NOT NULL
);
CREATE INDEX runs_suite ON runs (suite_name, started_at);
CREATE TABLE cases (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  tags_json TEXT NOT NULL,
  vars_json TEXT NOT NULL,
  cluster TEXT,
  description TEXT,
  PRIMARY KEY (run_id, case_id)
);
CREATE TABLE messages (
  hash TEXT PRIMARY KEY,
  messages_json TEXT NOT NULL
);
CREATE TABLE results (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  repeat_index INTEGER NOT NULL,
  output TEXT,
  pass INTEGER,
  score REAL,
  cached INTEGER NOT NULL,
  latency_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost_usd REAL,
  error_class TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL,
  checks_json TEXT NOT NULL,
  messages_hash TEXT,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, variant_id, repeat_index)
);
CREATE TABLE cache (
  key TEXT PRIMARY KEY,
  response_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
  },
  {
    // Human labels on results (the viewer's review page; judge calibration). One row per result and
    // labeller: labelling again replaces that labeller's row.
    version: 2,
    name: 'labels',
    sql: `
CREATE TABLE labels (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  repeat_index INTEGER NOT NULL,
  label TEXT,
  scores_json TEXT,
  tag TEXT,
  comment TEXT,
  labeller TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, case_id, variant_id, repeat_index, labeller)
);
`,
  },
  {
    // Judge calibrations (`evalspec calibrate`): agreement of a judge with human labels, per judge and
    // metric; calibrating the same run again replaces its rows. figures_json holds the whole calibration.
    version: 3,
    name: 'calibrations',
    sql: `
CREATE TABLE calibrations (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  suite_name TEXT NOT NULL,
  judge TEXT NOT NULL,
  metric TEXT NOT NULL,
  check_type TEXT NOT NULL,
  n INTEGER NOT NULL,
  agreement REAL,
  kappa REAL,
  kappa_weights TEXT,
  figures_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX calibrations_judge ON calibrations (judge, metric, created_at);
`,
  },
  {
    // A run's results in write order without a sort: every reader lists them by (run_id, rowid), which
    // the primary key cannot give (SQLite sorted all of a run's rows in a temporary B-tree per listing).
    version: 4,
    name: 'results by run in write order',
    sql: `
CREATE INDEX IF NOT EXISTS results_run ON results (run_id);
`,
  },
  {
    // One case's results (the viewer's case page, its output previews): with results_run, SQLite picked it
    // for "run_id = ? AND case_id = ? ORDER BY rowid" and scanned the whole run (~0.1 s per case at 50,000
    // results); this index answers it directly, in write order.
    version: 5,
    name: 'results by run and case',
    sql: `
CREATE INDEX IF NOT EXISTS results_run_case ON results (run_id, case_id);
`,
  },
  {
    // --resume plans exactly what the run planned (the --model / --repeat selection is kept with the run), and
    // a run is executed by one process at a time: the lease names it (pid, host) and expires when it stops
    // heartbeating, so a killed process never locks the run for good and `runs` can tell a live run from a dead one.
    version: 6,
    name: 'run selection and leases',
    sql: `
ALTER TABLE runs ADD COLUMN selection_json TEXT;
CREATE TABLE run_leases (
  run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    // A pairwise preference (win / loss / tie) is a kind of label of its own: it shared the `label` column
    // with pass/fail, so importing a labeller's "winner" replaced their pass/fail label on that result.
    // Existing win/loss/tie labels move to the new column.
    version: 7,
    name: 'labels: pairwise preference apart from pass/fail',
    sql: `
ALTER TABLE labels ADD COLUMN preference TEXT;
UPDATE labels SET preference = label, label = NULL WHERE label IN ('win', 'loss', 'tie');
`,
  },
  {
    // The shared viewer's named access tokens (`evalspec tokens create`): the SHA-256 of each token, never the
    // token; at most one active token per name (the labeller it stands for); revoked ones stay for the audit.
    version: 8,
    name: 'viewer access tokens',
    sql: ACCESS_TOKENS_SQL,
  },
  {
    // The rate-limit figures of each process that worked on a run (rate-limit-figures.ts): `show` prints them, and
    // a distributed run's report sums its workers'.
    version: 9,
    name: 'rate-limit figures per run and process',
    sql: RATE_LIMITS_SQL,
  },
  {
    // Production monitoring (issue #15, production-rows.ts): live traffic's records with their segment tags (one row
    // per tag, so a tag filter is an index lookup), the queue of records waiting for a monitor's scorer (holder and
    // lease), the scores (one per record and monitor: exactly once) and the monitors' alerts.
    version: 10,
    name: 'production records, tags, score queue, scores, alerts',
    sql: productionSql('sqlite'),
  },
  {
    // Human labels on production records (issue #15, production-labels.ts): the viewer's record page and review
    // queue write them, `calibrate --monitor` compares a monitor's judges with them.
    version: 11,
    name: 'production labels',
    sql: PRODUCTION_LABELS_SQL,
  },
  {
    // The language of each production record's input (ISO 639-1, ingest/language.ts), for input drift by language.
    // Rows stored before it stay NULL: unknown, never guessed after the fact.
    version: 12,
    name: 'production records: input language',
    sql: 'ALTER TABLE production_records ADD COLUMN language TEXT;',
  },
  {
    // What an agent did per result (issue #16: steps, tool calls and results; a RAG target's context; a replayed
    // log's metadata) as JSON. NULL for a plain single call and for every result stored before it.
    version: 13,
    name: 'results: transcript',
    sql: 'ALTER TABLE results ADD COLUMN transcript_json TEXT;',
  },
  {
    // Fewer B-tree writes per production score (production-lean-writes.ts): the spend index only of judged scores;
    // the queue and the scores clustered on their primary key. Rows stored before are copied as they are.
    version: 14,
    name: LEAN_SCORE_WRITES_NAME,
    sql: LEAN_SCORE_WRITES_SQLITE,
  },
  {
    // A streamed call's time to first token in ms (issue #20: `run --stream`, `try`, the playground). NULL when the
    // call was not streamed, was served from the cache or reused, and for every result stored before it.
    version: 15,
    name: 'results: time to first token',
    sql: 'ALTER TABLE results ADD COLUMN ttft_ms REAL;',
  },
  {
    // A run's cases in stored order without sorting them (issue #22): the primary key (run, case) gave them in id
    // order, so `ORDER BY rowid` sorted every case of the run in a temporary B-tree (~0.2 s of 0.5 s at 500,000).
    // PostgreSQL has had its (run_id, seq) index from its first schema.
    version: 16,
    name: 'cases: index by run in stored order',
    sql: 'CREATE INDEX cases_run ON cases (run_id);',
  },
  {
    // The fold of a run's results kept with the run (issue #22, store/run-folds.ts): show, diff and select read a
    // million-result run's columns instead of its rows. Runs stored before it have none: they are scanned, as before.
    version: 17,
    name: 'run folds',
    sql: RUN_FOLDS_SQL('BLOB'),
  },
];
