// Numbered migrations, applied in order inside one transaction each and recorded in schema_migrations.
// Never edit a published migration: add a new one. The SQL is plain enough for SQLite and PostgreSQL.

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
];
