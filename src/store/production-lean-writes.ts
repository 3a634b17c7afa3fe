// Fewer B-tree writes at hashed places per production score (W5: the scorer's `complete` was ~25 µs per record,
// most of it the writes of index pages at random places: record ids are hashes). SQLite migration 14, PostgreSQL
// migration 9; never edit them once published.
// - SQLite: production_queue and production_scores were rowid tables with a primary key (record_id, monitor): a
//   separate index at hashed places, so every queue entry and every score dirtied a page per row in it (and the
//   queue's claim index besides). Both become WITHOUT ROWID tables clustered on (suite, started_at, record_id,
//   monitor): a record's suite and started_at are its own and never change, so this key is unique exactly when
//   (record_id, monitor) is (exactly once stays), and rows are written in time order, a few pages per batch. The
//   clustered key is the claim order, so the queue's claim index goes; the scores keep their stream index (time
//   order too). A lookup by record id goes through the record (its suite and started_at, then the key).
// - Both: production_scores_spend indexed every score although only judged scores have a cost: it becomes a partial
//   index of the rows with a judge cost (judgeSpend adds `judge_cost_usd IS NOT NULL`; SUM skips NULLs anyway).
// Left as they are: a cascade delete of records would scan these tables (no index on record_id alone); nothing
// deletes production records yet: the retention change that does adds that index in its own migration.

export const LEAN_SCORE_WRITES_NAME = 'production queue and scores: clustered in time order (SQLite), spend index of judged scores only';

/** The judge spend query's filter, so that both dialects answer it from the partial index. */
export const JUDGED = 'judge_cost_usd IS NOT NULL';

const SPEND_INDEX = `CREATE INDEX production_scores_spend ON production_scores (suite, monitor, scored_at) WHERE ${JUDGED};`;

export const LEAN_SCORE_WRITES_POSTGRES = `DROP INDEX production_scores_spend;
${SPEND_INDEX}
`;

const QUEUE_COLUMNS = 'record_id, monitor, suite, started_at, holder, lease_until';
const SCORE_COLUMNS = 'record_id, monitor, suite, started_at, scored_at, status, reason, passed, critical_failed, checks_json, judge_cost_usd, metrics_json';

export const LEAN_SCORE_WRITES_SQLITE = `
CREATE TABLE production_queue_clustered (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  monitor TEXT NOT NULL,
  suite TEXT NOT NULL,
  started_at TEXT NOT NULL,
  holder TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (suite, started_at, record_id, monitor)
) WITHOUT ROWID;
INSERT INTO production_queue_clustered (${QUEUE_COLUMNS}) SELECT ${QUEUE_COLUMNS} FROM production_queue;
DROP TABLE production_queue;
ALTER TABLE production_queue_clustered RENAME TO production_queue;
CREATE TABLE production_scores_clustered (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  monitor TEXT NOT NULL,
  suite TEXT NOT NULL,
  started_at TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  passed INTEGER,
  critical_failed INTEGER,
  checks_json TEXT NOT NULL,
  judge_cost_usd DOUBLE PRECISION,
  metrics_json TEXT NOT NULL,
  PRIMARY KEY (suite, started_at, record_id, monitor)
) WITHOUT ROWID;
INSERT INTO production_scores_clustered (${SCORE_COLUMNS}) SELECT ${SCORE_COLUMNS} FROM production_scores;
DROP TABLE production_scores;
ALTER TABLE production_scores_clustered RENAME TO production_scores;
CREATE INDEX production_scores_stream ON production_scores (suite, monitor, started_at, record_id);
${SPEND_INDEX}
`;
