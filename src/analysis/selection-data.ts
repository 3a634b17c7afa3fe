// The per-case figures selection and cost reports need, read from a stored run in one streaming pass:
// pass share, list cost per call, judge cost, latencies and generation speed per (variant, case), and each
// case's segment (its tag "segment:NAME", or another prefix given with segmentBy).
//
// Cost here is the list cost of a call, not what this run paid: a cache hit is priced again from its
// stored token counts (the run paid nothing, but production would), so a re-run served from the cache
// does not make a model look free.
import type { Store, RunRecord, ResultRow } from '../store/index.js';
import { EvalspecError } from '../errors.js';
import type { SelectionInput, SelectionVariant } from './selection.js';
import { CostTotals, runPricing, type CostFigures, type RunPricing } from './cost-figures.js';
import { runRepeatReducer } from './repeat-reduction.js';
import { SelectionCaseMap, SelectionColumns } from './selection-columns.js';
import { CaseCodeMap } from './case-code-map.js';
import { StreamingTally, type StreamingFigures } from './selection-figures.js';
import { foldKey, readFold } from './stored-fold.js';
import { readCaseList, storedCaseTable } from './case-list-fold.js';
import type { CaseTable } from './case-table.js';
import type { SnapshotClass } from '../fold-snapshot.js';

export { pricedModelOf } from './cost-figures.js';

export interface SelectionData {
  run: RunRecord;
  input: SelectionInput;
  /** Models with at least one answered call of unknown price. */
  unpricedModels: string[];
  /** Paid and list cost per variant id (cost-figures.ts). */
  costs: Map<string, CostFigures>;
  /** Errored results (counted as not passed). */
  errors: number;
  /** Whether any check reported a judge cost. */
  judgeCosts: boolean;
  segmentBy: string;
}

/** Judge cost a check reported (another stage adds `judgeCostUsd` to judged checks); undefined when none. */
function judgeCostOf(check: unknown): number | null | undefined {
  if (!check || typeof check !== 'object' || !('judgeCostUsd' in check)) return undefined;
  const value = (check as { judgeCostUsd: unknown }).judgeCostUsd;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export async function loadSelectionData(store: Store, runId: string, options: { segmentBy?: string } = {}): Promise<SelectionData> {
  const run = await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'list stored runs with `evalspec runs`' });
  // The run's selection columns and cases as kept when it ended (stored-fold.ts), when they are of its rows as they stand.
  const key = await foldKey(store, run);
  const kept = await readFold<SelectionFold>(store, run, 'selection', SELECTION_FOLD_CLASSES, key);
  const keptCases = kept && (await readCaseList(store, run, key));
  if (kept && keptCases) return SelectionAccumulator.restored(kept.selection, run).finish(keptCases.cases, options);
  const cases = await storedCaseTable(store, runId);
  const acc = new SelectionAccumulator(run, cases.length);
  const variantIds = new Set(run.variants.map((v) => v.id));
  await store.results.scan(runId, { slim: true }, (r) => {
    let c = cases.get(r.caseId);
    // A result of a case the run did not store (an old store): it still counts, as a case without tags.
    if (c === undefined && variantIds.has(r.variantId)) c = cases.push(r.caseId, [], null);
    acc.add(r, c);
  });
  return acc.finish(cases, options);
}

/** The selection columns as kept with the run (the 'selection' section; its cases are the 'cases' section). */
export interface SelectionFold {
  selection: SelectionAccumulator;
}

/** Case id → a value of the case (segment, cluster): one small integer per case over the case table. */
function caseValueMap(cases: CaseTable, valueOf: (i: number) => string | undefined): ReadonlyMap<string, string> {
  const codes = new CaseCodeMap(cases);
  for (let i = 0; i < cases.length; i++) {
    const value = valueOf(i);
    if (value !== undefined) codes.set(i, value);
  }
  return codes;
}

/**
 * The per-case figures of selection folded from slim results one at a time (`add`), in typed-array columns per
 * variant (selection-columns.ts), so the run report can feed it from its one scan of the store.
 */
export class SelectionAccumulator {
  /**
   * An accumulator kept with its run (stored-fold.ts) given back what its snapshot leaves out: the run and the
   * pricing made from it (functions, not data).
   */
  static restored(kept: SelectionAccumulator, run: RunRecord): SelectionAccumulator {
    const pricing = runPricing(run);
    for (const totals of kept.totals.values()) CostTotals.reprice(totals, pricing);
    return Object.assign(kept, { run, pricing });
  }

  private readonly pricing: RunPricing;
  private readonly totals: Map<string, CostTotals>;
  private columns: Map<string, SelectionColumns>;
  private errors = 0;
  private judgeCosts = false;

  /** `cases`: how many cases the run stored (the columns' first size). */
  constructor(
    private readonly run: RunRecord,
    cases = 0,
  ) {
    this.pricing = runPricing(run);
    this.totals = new Map(run.variants.map((v) => [v.id, new CostTotals(this.pricing, v.id)]));
    this.columns = new Map(run.variants.map((v) => [v.id, new SelectionColumns(cases, this.run.repeat)]));
  }

  /**
   * Every latency of a variant's answered calls, ascending: what store.results.latencies gives, from the scan
   * already made (empty for a variant not in the run).
   */
  sortedLatencies(variantId: string): Float64Array {
    return this.columns.get(variantId)?.sortedLatencies() ?? new Float64Array(0);
  }

  /** A variant's time to first token and decode speed over its streamed calls (all null when none was streamed). */
  streaming(variantId: string): StreamingFigures {
    return (this.columns.get(variantId)?.streamed ?? new StreamingTally()).figures();
  }

  /** A variant's paid and list cost totals so far (cost-figures.ts), undefined for a variant not in the run. */
  costFigures(variantId: string): CostFigures | undefined {
    return this.totals.get(variantId)?.figures();
  }

  /** The scan has ended: no result is added after (the latency columns are grouped by case, see SelectionColumns). */
  endScan(): void {
    for (const t of this.columns.values()) t.groupLatencies();
  }

  /** Size the columns for this many cases (before the first add). */
  reserve(cases: number): void {
    this.columns = new Map(this.run.variants.map((v) => [v.id, new SelectionColumns(cases, this.run.repeat)]));
  }

  /**
   * Fold one result; `c` is its case's index in the caller's case table (see finish), undefined only for a result
   * of a variant not in the run (counted among errors and judge costs, nothing else).
   */
  add(r: ResultRow, c: number | undefined): void {
    this.totals.get(r.variantId)?.add(r);
    const t = this.columns.get(r.variantId);
    if (r.errorClass !== null) this.errors++;
    if (!t || c === undefined) {
      if (r.errorClass === null) for (const check of r.checks) if (judgeCostOf(check) !== undefined) this.judgeCosts = true;
      return;
    }
    if (r.repeat >= this.run.repeat) t.widen();
    t.touch(c);
    t.results[c]++;
    if (r.pass === true) t.passed[c]++;
    if (r.errorClass !== null) return;
    t.answered[c]++;
    const cost = this.pricing.list(r);
    if (cost === null) t.costUnknown[c] = 1;
    else t.cost[c] += cost;
    for (const check of r.checks) {
      const judge = judgeCostOf(check);
      if (judge === undefined) continue;
      this.judgeCosts = true;
      const columns = t.judgeColumns();
      if (judge === null) columns.judgeUnknown[c] = 1;
      else columns.judge[c] += judge;
    }
    if (r.ttftMs !== null && r.ttftMs !== undefined) t.streamed.add(r.ttftMs, r.latencyMs, r.outputTokens);
    if (r.latencyMs !== null) {
      t.addLatency(c, r.latencyMs);
      if (r.outputTokens !== null && r.latencyMs > 0) {
        t.outputTokens[c] += r.outputTokens;
        t.generationMs[c] += r.latencyMs;
      }
    }
  }

  /** The selection data, given the case table whose indices add() was given (for segments and clusters). */
  finish(cases: CaseTable, options: { segmentBy?: string } = {}): SelectionData {
    const run = this.run;
    const segmentBy = options.segmentBy ?? 'segment';
    const prefix = `${segmentBy}:`;
    const segments = caseValueMap(cases, (i) =>
      cases
        .tags(i)
        .find((t) => t.startsWith(prefix))
        ?.slice(prefix.length),
    );
    const clusters = caseValueMap(cases, (i) => cases.cluster(i) ?? undefined);
    const unpriced = new Set<string>();
    const reducer = runRepeatReducer(run); // the suite's repeat reducer makes each case's pass value
    const variants: SelectionVariant[] = run.variants.map((v) => {
      const t = this.columns.get(v.id)!;
      t.seal(reducer);
      if (t.anyCostUnknown()) unpriced.add(v.model);
      if (this.totals.get(v.id)!.figures().listUsd === null) unpriced.add(v.model);
      return { id: v.id, model: v.model, cases: new SelectionCaseMap(t, cases) };
    });
    return {
      run,
      input: { variants, segments, clusters, binary: run.repeat === 1, repeat: run.repeat, passValueName: reducer.valueName },
      unpricedModels: [...unpriced],
      costs: new Map([...this.totals].map(([id, t]) => [id, t.figures()])),
      errors: this.errors,
      judgeCosts: this.judgeCosts,
      segmentBy,
    };
  }
}

/** The classes the 'selection' section holds (the run and its pricing are given back by SelectionAccumulator.restored). */
export const SELECTION_FOLD_CLASSES = [
  { name: 'SelectionAccumulator', type: SelectionAccumulator, omit: ['run', 'pricing'] },
  { name: 'CostTotals', type: CostTotals, omit: ['pricing'] },
  { name: 'SelectionColumns', type: SelectionColumns },
  { name: 'StreamingTally', type: StreamingTally },
] satisfies SnapshotClass[];
