// Loads a stored run into the compact per-case structure the run-level statistics work on (stats
// RunOutcomes): one slot per case × variant in typed-array columns (case-columns.ts), built by one stream of
// slim results (no outputs, no messages), so memory grows with cases × variants at a few dozen bytes each,
// not with the text of the results. `onRow` lets the run report fold its other figures into the same scan.
import type { Store, RunRecord, ResultRow, OutcomeRow } from '../store/index.js';
import type { RunOutcomes } from '../stats/index.js';
import { reducedPassValue, runRepeatReducer } from './repeat-reduction.js';
import { ColumnOutcomeList, VariantColumns } from './case-columns.js';
import { foldKey as foldKeyOf, keepFold, readFold } from './stored-fold.js';
import { keepCaseList, readCaseList, storedCaseTable } from './case-list-fold.js';
import type { CaseTable } from './case-table.js';
import type { SnapshotClass } from '../fold-snapshot.js';

/** The suite's default checks as stored with the run: metric defaults to the type, severity to normal. */
function defaultChecks(run: RunRecord): RunOutcomes['defaultChecks'] {
  const raw = Array.isArray(run.config.checks) ? (run.config.checks as unknown[]) : [];
  return raw.flatMap((c) => {
    if (!c || typeof c !== 'object') return [];
    const { type, metric, severity } = c as { type?: unknown; metric?: unknown; severity?: unknown };
    const name = typeof metric === 'string' ? metric : typeof type === 'string' ? type : undefined;
    if (name === undefined) return [];
    return [{ severity: severity === 'critical' ? ('critical' as const) : ('normal' as const), metric: name }];
  });
}

export interface CaseOutcomeScanOptions {
  /**
   * Called with every slim result of the scan, so other figures are folded in the same pass over the store,
   * with the case's index in RunOutcomes.cases (undefined for a result of a variant not in the run).
   */
  onRow?: (row: ResultRow, caseIndex: number | undefined) => void;
  /** Called with the number of stored cases before the first result (to size other accumulators). */
  onCases?: (cases: number) => void;
  /**
   * The run's foldKey (stored-fold.ts) as it stood before the rows are read. With `keep`, the table is scanned and
   * kept under it; without, a table kept under it is read instead of the rows when no onRow needs them.
   */
  foldKey?: string;
  keep?: boolean;
}

/** The per-case table as kept with the run (the 'outcomes' section; its cases are the 'cases' section). */
interface OutcomeFold {
  columns: VariantColumns[];
}
const OUTCOME_FOLD_CLASSES = [{ name: 'VariantColumns', type: VariantColumns }] satisfies SnapshotClass[];

/**
 * One result's checks folded per metric (the mean of their scores) and per severity × metric (whether one
 * failed), in scratch arrays reused from result to result: a Map per result, cleared a million times, left
 * garbage that outlived the young generation and doubled the heap of a million-result scan.
 */
class ResultChecks {
  readonly metrics: string[] = [];
  readonly sums: number[] = [];
  readonly counts: number[] = [];
  readonly checkNames: string[] = [];
  readonly severities: Severity[] = [];
  readonly failed: boolean[] = [];

  fold(checks: readonly { metric: string; score: number; severity?: string; pass: boolean }[]): void {
    this.metrics.length = this.sums.length = this.counts.length = 0;
    this.checkNames.length = this.severities.length = this.failed.length = 0;
    for (const check of checks) {
      const m = this.metrics.indexOf(check.metric);
      if (m >= 0) {
        this.sums[m] += check.score;
        this.counts[m]++;
      } else {
        this.metrics.push(check.metric);
        this.sums.push(check.score);
        this.counts.push(1);
      }
      const severity: Severity = check.severity === 'critical' ? 'critical' : 'normal';
      let k = -1;
      for (let j = 0; j < this.checkNames.length; j++) if (this.checkNames[j] === check.metric && this.severities[j] === severity) k = j;
      if (k >= 0) this.failed[k] ||= !check.pass;
      else {
        this.checkNames.push(check.metric);
        this.severities.push(severity);
        this.failed.push(!check.pass);
      }
    }
  }
}

type Severity = 'normal' | 'critical';

export async function loadCaseOutcomes(store: Store, run: RunRecord, options: CaseOutcomeScanOptions = {}): Promise<RunOutcomes> {
  return (await loadCaseTable(store, run, options)).outcomes;
}

/**
 * The per-case table, with its cases as a packed table (case-table.ts: RunOutcomes.cases, and the index of a
 * case by id, to share with other per-case accumulators), how many of them (the first) the run stored, and
 * whether the table is the one kept with the run's fold (its indices are then those of the other kept sections).
 */
export async function loadCaseTable(
  store: Store,
  run: RunRecord,
  options: CaseOutcomeScanOptions = {},
): Promise<{ outcomes: RunOutcomes; table: CaseTable; storedCases: number; keepFailures: string[]; kept: boolean }> {
  const onRow = options.onRow;
  // The kept fold (its case table and columns) when no row is wanted.
  const fromFold = !onRow && !options.keep;
  const foldKey = fromFold ? (options.foldKey ?? (await foldKeyOf(store, run))) : options.foldKey;
  const keptCases = fromFold ? await readCaseList(store, run, foldKey) : undefined;
  let cases: CaseTable;
  let storedCases: number;
  if (keptCases) ({ cases, stored: storedCases } = keptCases);
  else {
    cases = await storedCaseTable(store, run.id);
    storedCases = cases.length;
  }
  options.onCases?.(storedCases);
  // The outcome columns kept with the same rows: their cases (stored or met in results) are the kept table's.
  const kept = keptCases ? await readFold<OutcomeFold>(store, run, 'outcomes', OUTCOME_FOLD_CLASSES, foldKey) : undefined;
  const variantIndex = new Map(run.variants.map((v, i) => [v.id, i]));
  const columns = kept?.columns ?? run.variants.map(() => new VariantColumns(cases.length, run.repeat));
  const perResult = new ResultChecks();
  // A row's case index (a result of a case not stored with the run gets a slot of its own); undefined for a variant
  // not in the run.
  const caseOf = (r: OutcomeRow, v: number | undefined): number | undefined => {
    if (v === undefined) return undefined;
    return cases.get(r.caseId) ?? cases.push(r.caseId, [], null);
  };
  const fold = (r: OutcomeRow, v: number | undefined, c: number | undefined): void => {
    if (v === undefined || c === undefined) return;
    const t = columns[v];
    if (r.repeat >= run.repeat) t.widen();
    t.ensure(c);
    t.results[c]++;
    if (r.errorClass) {
      t.errored[c]++;
      return;
    }
    if (r.pass === true) t.passed[c]++;
    if (r.score !== null) {
      t.scoreSum[c] += r.score;
      t.scored[c]++;
    }
    if (r.checks.length === 0) return;
    perResult.fold(r.checks);
    for (let k = 0; k < perResult.metrics.length; k++) {
      const column = t.metric(perResult.metrics[k]);
      column.sum[c] += perResult.sums[k] / perResult.counts[k];
      column.n[c]++;
    }
    for (let k = 0; k < perResult.checkNames.length; k++) {
      const column = t.check(perResult.severities[k], perResult.checkNames[k]);
      column.judged[c]++;
      if (perResult.failed[k]) column.failed[c]++;
    }
  };
  // The other figures of the pass need the slim rows; the table alone reads the outcome columns only (diff, history).
  if (kept) {
    // Read from the kept fold: no row to scan.
  } else if (onRow) {
    await store.results.scan(run.id, { slim: true }, (r) => {
      const v = variantIndex.get(r.variantId);
      const c = caseOf(r, v);
      onRow(r, c);
      fold(r, v, c);
    });
  } else {
    await store.results.scanOutcomes(run.id, (r) => {
      const v = variantIndex.get(r.variantId);
      fold(r, v, caseOf(r, v));
    });
  }
  // Kept before the reducer's pass values are added (the fold is the counts; any reducer is applied after).
  const keepFailures: string[] = [];
  if (options.keep && options.foldKey !== undefined) {
    const fold: OutcomeFold = { columns };
    for (const failure of [
      await keepFold(store, run, 'outcomes', options.foldKey, fold, OUTCOME_FOLD_CLASSES),
      await keepCaseList(store, run, options.foldKey, cases, storedCases),
    ])
      if (failure) keepFailures.push(failure);
  }
  const reducer = runRepeatReducer(run);
  const outcomes: RunOutcomes = {
    repeat: run.repeat,
    passValueName: reducer.valueName,
    defaultChecks: defaultChecks(run),
    cases,
    variants: run.variants.map((variant, v) => {
      const t = columns[v];
      // The suite's repeat reducer decides the case's pass value (the default, the pass share, needs no column).
      if (reducer.name !== 'mean') {
        t.passValue = new Float64Array(cases.length);
        for (let c = 0; c < cases.length; c++)
          if (c < t.results.length && t.results[c] > 0) t.passValue[c] = reducedPassValue(reducer, t.results[c], t.passed[c]);
      }
      return { id: variant.id, outcomes: new ColumnOutcomeList(t, cases.length) };
    }),
  };
  return { outcomes, table: cases, storedCases, keepFailures, kept: keptCases !== undefined };
}
