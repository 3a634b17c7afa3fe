// `evalspec store copy`: every run of one store into another (SQLite → PostgreSQL to move history into the
// team store, or any dialect to any other), through the Store interface only, so any pair of dialects works.
// Runs, their cases, results (streamed in batches, in write order), labels and calibrations are copied; the
// response cache and leases are not (the cache refills on the next run; a lease belongs to a live process).
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
}

async function resultCount(store: Store, runId: string): Promise<number> {
  return (await store.results.aggregate(runId)).reduce((n, v) => n + v.results, 0);
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
  const summary: CopySummary = { runs: 0, skipped: 0, results: 0, labels: 0, calibrations: 0, productionRecords: 0, productionLabels: 0, alerts: 0 };
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
  return summary;
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
