// The run report's one pass over a run's results: the per-case table, the per-variant sums, the selection
// columns (costs, latencies) and the judges, folded from the rows, or read as the run kept them when it ended
// (analysis/stored-fold.ts, issue #22). The run itself (keep) scans and keeps; every other reader reads what was
// kept when its key still names the run's rows, and scans otherwise.
import { AGGREGATE_FOLD_CLASSES, AggregateFold, type RunRecord, type Store } from '../store/index.js';
import type { RunOutcomes } from '../stats/index.js';
import {
  foldKey,
  keepFold,
  loadCaseTable,
  readFold,
  SelectionAccumulator,
  SELECTION_FOLD_CLASSES,
  type CaseTable,
  type SelectionFold,
} from '../analysis/index.js';
import { JudgeAccumulator } from './judge-summary.js';

/** The report's own section ('report'): the sums and the judges. */
interface ReportSection {
  sums: AggregateFold;
  judges: JudgeAccumulator;
}
const REPORT_FOLD_CLASSES = [...AGGREGATE_FOLD_CLASSES, { name: 'JudgeAccumulator', type: JudgeAccumulator }];

export interface RunFold extends ReportSection {
  outcomes: RunOutcomes;
  /** outcomes.cases, with the index of a case by id. */
  table: CaseTable;
  selection: SelectionAccumulator;
  /** Sections that could not be kept (the run's report warns: readers will scan). */
  keepFailures: string[];
}

/** The run's fold; `keep`: scan the rows and keep what they fold to with the run (the end of a run). */
export async function foldRun(store: Store, run: RunRecord, keep: boolean): Promise<RunFold> {
  // Taken before the rows are read: rows written meanwhile make the kept fold's key stale, never wrong.
  const key = await foldKey(store, run);
  if (!keep) {
    const report = await readFold<ReportSection>(store, run, 'report', REPORT_FOLD_CLASSES, key);
    const selection = report && (await readFold<SelectionFold>(store, run, 'selection', SELECTION_FOLD_CLASSES, key));
    if (report && selection) {
      const { outcomes, table, kept } = await loadCaseTable(store, run, { foldKey: key });
      // The kept selection's case indices are the kept table's: without it (a section that could not be kept), scan.
      if (kept) return { outcomes, table, ...report, selection: SelectionAccumulator.restored(selection.selection, run), keepFailures: [] };
    }
  }
  const judges = new JudgeAccumulator();
  const selection = new SelectionAccumulator(run);
  const variantIds = new Set(run.variants.map((v) => v.id));
  const sums = new AggregateFold();
  const { outcomes, table, keepFailures } = await loadCaseTable(store, run, {
    onCases: (n) => selection.reserve(n),
    onRow: (r, c) => {
      sums.add(r);
      selection.add(r, c);
      if (variantIds.has(r.variantId)) judges.add(r);
    },
    foldKey: key,
    keep,
  });
  selection.endScan();
  if (keep) {
    // Kept before any figure is made from them (finishing the selection columns adds the reducer's pass values).
    for (const failure of [
      await keepFold(store, run, 'selection', key, { selection } satisfies SelectionFold, SELECTION_FOLD_CLASSES),
      await keepFold(store, run, 'report', key, { sums, judges } satisfies ReportSection, REPORT_FOLD_CLASSES),
    ])
      if (failure) keepFailures.push(failure);
  }
  return { outcomes, table, sums, selection, judges, keepFailures };
}

/** What `keepRunFolds` did with one run. */
export interface RunFoldOutcome {
  runId: string;
  /** kept: folded and kept now; current: its kept fold still names its rows; skipped: still running (or interrupted); failed: see warnings. */
  outcome: 'kept' | 'current' | 'skipped' | 'failed';
  results: number;
  warnings: string[];
}

/**
 * Keep the fold of stored runs that have none under their rows' key: runs stored before folds were kept, runs
 * copied with `store copy` (the target's write positions differ), runs whose rows were written again. `evalspec
 * store fold`. A run still `started` is skipped (its rows may change; a resume keeps its fold when it ends).
 */
export async function keepRunFolds(
  store: Store,
  runs: readonly RunRecord[],
  options: { force?: boolean; onRun?: (outcome: RunFoldOutcome) => void } = {},
): Promise<RunFoldOutcome[]> {
  const out: RunFoldOutcome[] = [];
  for (const run of runs) {
    const results = (await store.results.count(run.id)).results;
    let outcome: RunFoldOutcome;
    if (run.status === 'started') outcome = { runId: run.id, outcome: 'skipped', results, warnings: [] };
    else if (!options.force && (await store.folds.get(run.id, 'report', await foldKey(store, run))))
      outcome = { runId: run.id, outcome: 'current', results, warnings: [] };
    else {
      const { keepFailures } = await foldRun(store, run, true);
      outcome = { runId: run.id, outcome: keepFailures.length ? 'failed' : 'kept', results, warnings: keepFailures };
    }
    options.onRun?.(outcome);
    out.push(outcome);
  }
  return out;
}
