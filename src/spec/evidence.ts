// What the store knows about a suite, read once for every section: the latest comparable run (the figures `show`
// prints: buildRunReport), its per-case outcomes, the run before it (for the last regressions), the human labels of
// the suite's recent runs and the stored judge calibrations. Everything is null/empty without a store or a run.
import type { CalibrationRecord, LabelRow, RunRecord, Store } from '../store/index.js';
import type { RunOutcomes } from '../stats/index.js';
import { TRIAL_LABELS, loadCaseOutcomes } from '../analysis/index.js';
import { buildRunReport, type RunReport } from '../report/index.js';

/** How many of the suite's newest runs are searched for human labels (labels are written on reviewed runs, not always the newest). */
const LABELLED_RUNS = 20;

export interface FailureExample {
  variantId: string;
  caseId: string;
  /** The checks that failed, by metric. */
  failed: string[];
  critical: boolean;
  /** The model's output: untrusted text, escaped by every renderer. */
  output: string;
}

export interface SpecEvidence {
  store: Store | null;
  run: RunRecord | null;
  report: RunReport | null;
  outcomes: RunOutcomes | null;
  previous: RunRecord | null;
  labels: LabelRow[];
  /** Runs the labels were read from. */
  labelledRuns: number;
  calibrations: CalibrationRecord[];
  /** Per variant, one failing output of the latest run (a critical failure first). */
  examples: FailureExample[];
  /** The latest completed run that took the red-team cases (`--suite-part redteam` or `all`) and its report. */
  redteamRun: RunRecord | null;
  redteamReport: RunReport | null;
}

const isTrial = (r: RunRecord) => r.label !== null && TRIAL_LABELS.includes(r.label);
/** A run of the red-team cases only: its figures are the safety section's, not the suite's status. */
const redteamOnly = (r: RunRecord) => r.selection?.part === 'redteam';
const tookRedteam = (r: RunRecord) => r.selection?.part === 'redteam' || r.selection?.part === 'all';

export async function loadEvidence(store: Store | null, suiteName: string): Promise<SpecEvidence> {
  const empty: SpecEvidence = {
    store,
    run: null,
    report: null,
    outcomes: null,
    previous: null,
    labels: [],
    labelledRuns: 0,
    calibrations: [],
    examples: [],
    redteamRun: null,
    redteamReport: null,
  };
  if (!store) return empty;
  const all = (await store.runs.list({ suite: suiteName, limit: 200 })).filter((r) => !isTrial(r));
  // A red-team run with errored attacks ends `incomplete`; its figures leave those out and say how many, so it counts.
  const redteamRun = all.find((r) => (r.status === 'completed' || r.status === 'incomplete') && tookRedteam(r)) ?? null;
  const redteamReport = redteamRun ? await buildRunReport(store, redteamRun.id) : null;
  const runs = all.filter((r) => !redteamOnly(r));
  const calibrations = await store.calibrations.list({ suiteName });
  const labels: LabelRow[] = [];
  const recent = runs.slice(0, LABELLED_RUNS);
  for (const r of recent) labels.push(...(await store.labels.list(r.id)));
  const completed = runs.filter((r) => r.status === 'completed');
  const run = completed[0] ?? runs[0] ?? null;
  if (!run) return { ...empty, labels, labelledRuns: recent.length, calibrations, redteamRun, redteamReport };
  const report = await buildRunReport(store, run.id);
  const outcomes = await loadCaseOutcomes(store, run);
  const previous = completed.find((r) => r.id !== run.id && r.startedAt <= run.startedAt) ?? null;
  const examples = await failureExamples(store, run);
  return { store, run, report, outcomes, previous, labels, labelledRuns: recent.length, calibrations, examples, redteamRun, redteamReport };
}

async function failureExamples(store: Store, run: RunRecord): Promise<FailureExample[]> {
  const byVariant = new Map<string, FailureExample>();
  for await (const row of store.results.list(run.id, { omitTranscript: true })) {
    if (row.pass !== false || row.output === null) continue;
    const failedChecks = row.checks.filter((c) => !c.pass);
    const critical = failedChecks.some((c) => c.severity === 'critical');
    const known = byVariant.get(row.variantId);
    if (known && (known.critical || !critical)) continue;
    byVariant.set(row.variantId, {
      variantId: row.variantId,
      caseId: row.caseId,
      failed: [...new Set(failedChecks.map((c) => c.metric))],
      critical,
      output: row.output,
    });
  }
  return [...byVariant.values()];
}
