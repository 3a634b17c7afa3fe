// `evalspec store copy`: every run of one store into another (SQLite → PostgreSQL to move history into the
// team store, or any dialect to any other), through the Store interface only, so any pair of dialects works.
// Runs, their cases, results (streamed in batches, in write order), labels and calibrations are copied, and the
// response cache (in pages by key: the team store's first run is served what the laptop already paid for) and the
// viewer's access tokens (their hashes: a token that opened the laptop's shared viewer opens the team's; one whose
// name holds another active token in the target is not copied, and counted). Leases are not: they belong to a live
// process.
// Idempotent: a run already complete in the target is skipped, a run copied partly (an interrupted copy) is
// completed (every write is an upsert by key), so running the same copy again is always safe.
// Production monitoring (#15): every suite's production records, their scores, their human labels and the monitors'
// alerts are copied too, by the same rule (a record or score already in the target is kept, a label is replaced by
// record and labeller, an alert by id). The score
// queue is not: a pending entry belongs to the source's scorer, which goes on scoring there.
import type { Store, RunRecord } from './types.js';
import type { ProductionRecord } from './production-types.js';

const BATCH = 1000;
/** Every run: runs.list takes a limit. */
const ALL = Number.MAX_SAFE_INTEGER;

export interface CopyProgress {
  runId: string;
  /** 'copied', or 'skipped' when the target already held all of this run's results and labels. */
  outcome: 'copied' | 'skipped';
  results: number;
  labels: number;
}

export interface CopySummary {
  runs: number;
  skipped: number;
  results: number;
  labels: number;
  calibrations: number;
  /** Production records copied now (those already in the target are not counted), their suites' alerts. */
  productionRecords: number;
  /** Human labels on production records (all of them: a label already in the target is replaced). */
  productionLabels: number;
  alerts: number;
  /** Response cache entries written (an entry already in the target is replaced by the same key). */
  cacheEntries: number;
  /** Access tokens copied now (revoked ones stay revoked); `tokensSkipped`: already there, or their name taken by another active token. */
  tokens: number;
  tokensSkipped: number;
}

async function resultCount(store: Store, runId: string): Promise<number> {
  return (await store.results.count(runId)).results;
}

async function copyRun(from: Store, to: Store, run: RunRecord): Promise<CopyProgress> {
  const [present, sourceResults, labels] = await Promise.all([to.runs.get(run.id), resultCount(from, run.id), from.labels.list(run.id)]);
  if (present) {
    const [targetResults, targetLabels] = await Promise.all([resultCount(to, run.id), to.labels.list(run.id)]);
    if (targetResults === sourceResults && targetLabels.length === labels.length && present.status === run.status) {
      return { runId: run.id, outcome: 'skipped', results: 0, labels: 0 };
    }
  } else {
    await to.runs.create(run);
  }
  await to.cases.putMany(run.id, await from.cases.list(run.id));
  let batch = [];
  let results = 0;
  for await (const result of from.results.list(run.id)) {
    batch.push(result);
    if (batch.length === BATCH) {
      await to.results.putMany(batch);
      results += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await to.results.putMany(batch);
  results += batch.length;
  if (labels.length > 0) await to.labels.putMany(labels);
  // The run's rate-limit figures, already summed over its processes: one source in the copy (copying again replaces it).
  const rateLimits = await from.rateLimits.list(run.id);
  if (rateLimits.length > 0) await to.rateLimits.put(run.id, 'copied', rateLimits);
  // Last: a copy interrupted before this point leaves the run as it was, and the next copy completes it.
  if (present) {
    await to.runs.setStatus(run.id, run.status, run.endedAt);
    await to.runs.addWarnings(run.id, run.warnings);
  }
  return { runId: run.id, outcome: 'copied', results, labels: labels.length };
}

/** Copy every run of `from` into `to`, oldest first; `onRun` hears of each run as it is done. */
export async function copyStore(from: Store, to: Store, onRun?: (progress: CopyProgress) => void): Promise<CopySummary> {
  const runs = (await from.runs.list({ limit: ALL })).reverse();
  const summary: CopySummary = {
    runs: 0,
    skipped: 0,
    results: 0,
    labels: 0,
    calibrations: 0,
    productionRecords: 0,
    productionLabels: 0,
    alerts: 0,
    cacheEntries: 0,
    tokens: 0,
    tokensSkipped: 0,
  };
  const copied = new Set<string>();
  for (const run of runs) {
    const progress = await copyRun(from, to, run);
    onRun?.(progress);
    if (progress.outcome === 'skipped') summary.skipped++;
    else {
      summary.runs++;
      copied.add(run.id);
    }
    summary.results += progress.results;
    summary.labels += progress.labels;
  }
  // Calibrations of the runs copied now, oldest first so the newest stays the newest; replaced by id.
  const calibrations = (await from.calibrations.list({ limit: ALL })).filter((c) => copied.has(c.runId)).reverse();
  if (calibrations.length > 0) await to.calibrations.putMany(calibrations);
  summary.calibrations = calibrations.length;
  for (const suite of await from.production.suites()) {
    const { records, labels, alerts } = await copyProduction(from, to, suite);
    summary.productionRecords += records;
    summary.productionLabels += labels;
    summary.alerts += alerts;
  }
  for (let after: string | null = null; ;) {
    const page = await from.cache.page(after, BATCH);
    if (page.length > 0) await to.cache.putMany(page);
    summary.cacheEntries += page.length;
    if (page.length < BATCH) break;
    after = page[page.length - 1].key;
  }
  Object.assign(summary, await copyTokens(from, to));
  return summary;
}

/** The viewer's access tokens, oldest first, by hash: one the target holds, or whose name an active token there holds, is skipped. */
async function copyTokens(from: Store, to: Store): Promise<{ tokens: number; tokensSkipped: number }> {
  let tokens = 0;
  let tokensSkipped = 0;
  const activeNames = new Set((await to.tokens.list()).filter((t) => t.revokedAt === null).map((t) => t.name));
  for (const token of await from.tokens.list()) {
    if ((await to.tokens.findByHash(token.hash)) || (token.revokedAt === null && activeNames.has(token.name))) {
      tokensSkipped++;
      continue;
    }
    // A revoked token is created, then revoked by name (revoke takes the name's active token, which must be this
    // one): when the target's active token holds the name, the revoked one is skipped instead.
    if (token.revokedAt !== null && activeNames.has(token.name)) {
      tokensSkipped++;
      continue;
    }
    await to.tokens.create({ name: token.name, hash: token.hash, createdAt: token.createdAt });
    if (token.revokedAt !== null) await to.tokens.revoke(token.name, token.revokedAt);
    else activeNames.add(token.name);
    if (token.lastUsedAt !== null) await to.tokens.touch(token.hash, token.lastUsedAt);
    tokens++;
  }
  return { tokens, tokensSkipped };
}

/** One suite's production records (oldest first, in batches), their scores, and its alerts. */
async function copyProduction(from: Store, to: Store, suite: string): Promise<{ records: number; labels: number; alerts: number }> {
  let inserted = 0;
  let batch: ProductionRecord[] = [];
  const flush = async () => {
    inserted += (await to.production.putRecords(batch, [])).inserted;
    // Scores too for records already there (an interrupted copy): complete() keeps a score already stored.
    await to.production.complete((await Promise.all(batch.map((r) => from.production.scores(r.id)))).flat());
    batch = [];
  };
  // `since` at the start of time: oldest first, every record.
  for await (const record of from.production.records({ suite, since: '0000-01-01T00:00:00.000Z' })) {
    batch.push(record);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  // After the records: a label is refused for a record the target does not hold.
  const labels = await from.production.labels.list({ suite });
  for (const label of labels) await to.production.labels.put(label);
  const alerts = (await from.production.alerts.list({ suite, limit: ALL })).reverse();
  for (const alert of alerts) await to.production.alerts.put(alert);
  return { records: inserted, labels: labels.length, alerts: alerts.length };
}
