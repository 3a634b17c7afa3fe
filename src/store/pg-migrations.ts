// PostgreSQL's numbered migrations, applied in order (the pending ones in one transaction, under an advisory
// lock so two processes opening a new store at once do not both create it; DDL is transactional here) and recorded in schema_migrations, like
// SQLite's (migrations.ts). Its own list: version 1 creates the logical schema of SQLite migration 7 at once.
// Never edit a published migration: add a new one here AND the same logical change to migrations.ts.
//
// The columns keep SQLite's names and representations (JSON as text, booleans as 0/1 integers), so rows.ts
// maps both dialects' rows. What PostgreSQL adds: `seq bigserial` on the tables read in write order (SQLite's
// rowid), renewed when a row is replaced, and BIGINT for epoch milliseconds.
import { ACCESS_TOKENS_SQL } from './access-tokens.js';
import { RATE_LIMITS_SQL } from './rate-limit-figures.js';
import { RUN_FOLDS_SQL } from './run-folds.js';
import { productionSql } from './production-rows.js';
import { PRODUCTION_LABELS_SQL } from './production-labels.js';
import { LEAN_SCORE_WRITES_NAME, LEAN_SCORE_WRITES_POSTGRES } from './production-lean-writes.js';
import type { Migration } from './migrations.js';

export const PG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'runs, cases, messages, results, cache, labels, calibrations, run leases (SQLite schema 7)',
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
  warnings_json TEXT NOT NULL,
  selection_json TEXT
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
  seq BIGSERIAL NOT NULL,
  PRIMARY KEY (run_id, case_id)
);
CREATE INDEX cases_run_seq ON cases (run_id, seq);
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
  score DOUBLE PRECISION,
  cached INTEGER NOT NULL,
  latency_ms DOUBLE PRECISION,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost_usd DOUBLE PRECISION,
  error_class TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL,
  checks_json TEXT NOT NULL,
  messages_hash TEXT,
  finished_at TEXT NOT NULL,
  seq BIGSERIAL NOT NULL,
  PRIMARY KEY (run_id, case_id, variant_id, repeat_index)
);
-- A run's results in write order (every listing pages through it by seq), and one case's (the viewer's case page).
CREATE INDEX results_run_seq ON results (run_id, seq);
CREATE INDEX results_run_case_seq ON results (run_id, case_id, seq);
CREATE TABLE cache (
  key TEXT PRIMARY KEY,
  response_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
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
  preference TEXT,
  seq BIGSERIAL NOT NULL,
  PRIMARY KEY (run_id, case_id, variant_id, repeat_index, labeller)
);
CREATE TABLE calibrations (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  suite_name TEXT NOT NULL,
  judge TEXT NOT NULL,
  metric TEXT NOT NULL,
  check_type TEXT NOT NULL,
  n INTEGER NOT NULL,
  agreement DOUBLE PRECISION,
  kappa DOUBLE PRECISION,
  kappa_weights TEXT,
  figures_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  seq BIGSERIAL NOT NULL
);
CREATE INDEX calibrations_judge ON calibrations (judge, metric, created_at);
CREATE TABLE run_leases (
  run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
`,
  },
  {
    // SQLite migration 8: the shared viewer's access tokens (hashes only).
    version: 2,
    name: 'viewer access tokens',
    sql: ACCESS_TOKENS_SQL,
  },
  {
    // PostgreSQL only (a SQLite store serves one process, whose budget is in memory): the rate budget the workers
    // of distributed runs share (src/distribute/shared-budget.ts), one token bucket per provider endpoint + key
    // hash, model (or key) and dimension. Leases refill it from the database's clock (updated_at).
    version: 3,
    name: 'shared rate-limit buckets',
    sql: `
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  per_ms DOUBLE PRECISION NOT NULL,
  capacity DOUBLE PRECISION NOT NULL,
  granted DOUBLE PRECISION NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    // SQLite migration 9: the rate-limit figures of each process that worked on a run.
    version: 4,
    name: 'rate-limit figures per run and process',
    sql: RATE_LIMITS_SQL,
  },
  {
    // SQLite migration 10: production records, tags, score queue, scores, alerts (issue #15).
    version: 5,
    name: 'production records, tags, score queue, scores, alerts',
    sql: productionSql('postgres'),
  },
  {
    // SQLite migration 11: human labels on production records (issue #15).
    version: 6,
    name: 'production labels',
    sql: PRODUCTION_LABELS_SQL,
  },
  {
    // SQLite migration 12: the language of each production record's input (existing rows: NULL, unknown).
    version: 7,
    name: 'production records: input language',
    sql: 'ALTER TABLE production_records ADD COLUMN language TEXT;',
  },
  {
    // SQLite migration 13: what an agent did per result (issue #16), JSON text; NULL for a plain single call.
    version: 8,
    name: 'results: transcript',
    sql: 'ALTER TABLE results ADD COLUMN transcript_json TEXT;',
  },
  {
    // SQLite migration 14: the spend index only of judged scores (production-lean-writes.ts; heap tables stay as they are).
    version: 9,
    name: LEAN_SCORE_WRITES_NAME,
    sql: LEAN_SCORE_WRITES_POSTGRES,
  },
  {
    // SQLite migration 15: a streamed call's time to first token (ms); NULL when not streamed and for older results.
    version: 10,
    name: 'results: time to first token',
    sql: 'ALTER TABLE results ADD COLUMN ttft_ms DOUBLE PRECISION;',
  },
  {
    // PostgreSQL only, as rate_buckets: the --max-cost budget a distributed run's workers share
    // (src/distribute/shared-cost.ts). `granted_usd`: what workers hold or spent (leases less what they gave back).
    version: 11,
    name: 'shared run budgets',
    sql: `
CREATE TABLE run_budgets (
  run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  max_usd DOUBLE PRECISION NOT NULL,
  granted_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  spent_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  stopped BOOLEAN NOT NULL DEFAULT false
);
`,
  },
  {
    // PostgreSQL only: the workers alive now (src/distribute/worker-presence.ts), which split each provider
    // connection's declared `concurrency` between them. A row not renewed for a few seconds is a gone worker.
    version: 12,
    name: 'worker presence',
    sql: `
CREATE TABLE worker_presence (
  id TEXT PRIMARY KEY,
  seen_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    // As SQLite's migration 17: the fold of a run's results kept with the run (store/run-folds.ts).
    version: 13,
    name: 'run folds',
    sql: RUN_FOLDS_SQL('BYTEA'),
  },
  {
    // PostgreSQL only: a provider connection's declared `concurrency` leased by the workers of distributed runs
    // (src/distribute/provider-slots.ts), per connection (a hash) and worker: the slots it holds and the calls it
    // wants to make. A row not renewed for a few seconds is a gone worker's. It replaces worker_presence's static split.
    version: 14,
    name: 'provider slots',
    sql: `
CREATE TABLE provider_slots (
  key TEXT NOT NULL,
  worker TEXT NOT NULL,
  held INTEGER NOT NULL,
  wants INTEGER NOT NULL,
  seen_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (key, worker)
);
DROP TABLE worker_presence;
`,
  },
];
