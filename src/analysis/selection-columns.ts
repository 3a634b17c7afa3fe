// Selection's per-case figures of one variant in typed-array columns indexed by case (issue #22: a million
// case × variant records must not be a million objects with an array of latencies each), and the ReadonlyMap
// view of them (case id → CaseOutcome) that selection.ts and selection-figures.ts read. The outcomes are
// small views made on access; latencies are kept flat and grouped by case when the scan ends.
import type { RepeatReducer } from '../stats/index.js';
import { StreamingTally, type CaseOutcome } from './selection-figures.js';
import { reducedPassValue } from './repeat-reduction.js';
import type { CaseIds, IndexedCaseMap } from './case-walk.js';
import { countsFor, widened, type Counts } from './case-columns.js';

function grown<T extends Counts | Float64Array>(array: T, size: number): T {
  if (array.length >= size) return array;
  let capacity = Math.max(1024, array.length);
  while (capacity < size) capacity *= 2;
  const out = new (array.constructor as new (n: number) => T)(capacity);
  out.set(array);
  return out;
}

export class SelectionColumns {
  results: Counts;
  passed: Counts;
  answered: Counts;
  cost: Float64Array;
  costUnknown: Uint8Array;
  /** Judge costs: empty until the variant's first judged check (most suites judge nothing: 4.5 MB a variant at 500,000 cases). */
  judge = new Float64Array(0);
  judgeUnknown = new Uint8Array(0);
  outputTokens: Float64Array;
  generationMs: Float64Array;
  /** Case indices in the order the variant's results first met them (the order the Map view iterates). */
  order: Int32Array;
  size = 0;
  /** The pass value of each case under a reducer other than the mean (see seal). */
  pass = new Float64Array(0);
  /** The suite's repeat reducer, set by seal. */
  reducer: RepeatReducer | undefined;
  /** Streamed calls (issue #20): their times to first token and decode times. */
  readonly streamed = new StreamingTally();
  /** Latencies of the variant, flat while scanning (with their case), grouped by case once sealed. */
  private latencyValues: Float64Array;
  private latencyCases: Int32Array;
  private latencyCount = 0;
  private latencyStart = new Int32Array(0);
  private grouped = false;

  /** `cases`: the expected number of cases (the columns grow past it when needed); `repeat`: the run's (Counts). */
  constructor(cases = 0, repeat = Infinity) {
    const Counts = countsFor(repeat);
    this.results = new Counts(cases);
    this.passed = new Counts(cases);
    this.answered = new Counts(cases);
    this.cost = new Float64Array(cases);
    this.costUnknown = new Uint8Array(cases);
    this.outputTokens = new Float64Array(cases);
    this.generationMs = new Float64Array(cases);
    this.order = new Int32Array(cases);
    this.latencyValues = new Float64Array(cases);
    this.latencyCases = new Int32Array(cases);
  }

  /** Four-byte counts from now on (a result's repeat index is past the run's repeats). */
  widen(): void {
    this.results = widened(this.results);
    this.passed = widened(this.passed);
    this.answered = widened(this.answered);
  }

  /** Make room for case index c and record it in the order when the variant meets it first. */
  touch(c: number): void {
    if (c >= this.results.length) {
      const n = c + 1;
      this.results = grown(this.results, n);
      this.passed = grown(this.passed, n);
      this.answered = grown(this.answered, n);
      this.cost = grown(this.cost, n);
      this.costUnknown = grown(this.costUnknown, n);
      if (this.judge.length > 0) this.judgeColumns();
      this.outputTokens = grown(this.outputTokens, n);
      this.generationMs = grown(this.generationMs, n);
    }
    if (this.results[c] === 0) {
      this.order = grown(this.order, this.size + 1);
      this.order[this.size++] = c;
    }
  }

  /** The judge cost columns, made (or grown) to the size of the others when first needed. */
  judgeColumns(): { judge: Float64Array; judgeUnknown: Uint8Array } {
    const n = this.results.length;
    if (this.judge.length < n) {
      this.judge = grown(this.judge, n);
      this.judgeUnknown = grown(this.judgeUnknown, n);
    }
    return this;
  }

  addLatency(c: number, ms: number): void {
    if (this.grouped) throw new Error('a latency added after the scan ended (SelectionColumns.groupLatencies)');
    this.latencyValues = grown(this.latencyValues, this.latencyCount + 1);
    this.latencyCases = grown(this.latencyCases, this.latencyCount + 1);
    this.latencyValues[this.latencyCount] = ms;
    this.latencyCases[this.latencyCount++] = c;
  }

  /**
   * After the scan: the pass values under the suite's reducer, and the latencies grouped by case (a counting sort).
   * The mean's (the default) are not stored: passed ÷ results, read from the counts (8 MB less at 500,000 cases × 2).
   */
  seal(reducer: RepeatReducer): void {
    const cases = this.results.length;
    this.reducer = reducer;
    this.pass = new Float64Array(reducer.name === 'mean' ? 0 : cases);
    if (reducer.name !== 'mean') {
      for (let k = 0; k < this.size; k++) {
        const c = this.order[k];
        this.pass[c] = reducedPassValue(reducer, this.results[c], this.passed[c]);
      }
    }
    this.groupLatencies();
  }

  /**
   * The latencies grouped by case, once the scan has ended (no latency may be added after). Done before a fold
   * is kept (analysis/stored-fold.ts), so a reader makes no second copy of them.
   */
  groupLatencies(): void {
    if (this.grouped) return;
    this.grouped = true;
    const cases = this.results.length;
    const start = new Int32Array(cases + 1);
    for (let k = 0; k < this.latencyCount; k++) start[this.latencyCases[k] + 1]++;
    for (let c = 0; c < cases; c++) start[c + 1] += start[c];
    const next = start.slice(0, cases);
    const grouped = new Float64Array(this.latencyCount);
    for (let k = 0; k < this.latencyCount; k++) grouped[next[this.latencyCases[k]]++] = this.latencyValues[k];
    this.latencyValues = grouped;
    this.latencyCases = new Int32Array(0);
    this.latencyStart = start;
  }

  /** A view of the case's latencies in the grouped column (no copy). */
  latenciesOf(c: number): Float64Array {
    return this.latencyValues.subarray(this.latencyStart[c], this.latencyStart[c + 1]);
  }

  /** Every latency of the variant (answered calls with a known latency), ascending (a copy: numbers only, no NaN). */
  sortedLatencies(): Float64Array {
    return this.latencyValues.slice(0, this.latencyCount).sort();
  }

  anyCostUnknown(): boolean {
    for (let k = 0; k < this.size; k++) if (this.costUnknown[this.order[k]]) return true;
    return false;
  }
}

/** One case of one variant, read from the columns (the shape selection-figures.ts's CaseOutcome has). */
class ColumnCaseOutcome implements CaseOutcome {
  constructor(
    private readonly t: SelectionColumns,
    private readonly c: number,
  ) {}
  get pass(): number {
    const t = this.t;
    // The mean's value is one division of the counts, made when read (seal stores the others).
    return t.reducer?.name === 'mean' ? reducedPassValue(t.reducer, t.results[this.c], t.passed[this.c]) : t.pass[this.c];
  }
  get answered(): boolean {
    return this.t.answered[this.c] > 0;
  }
  get calls(): number {
    return this.t.answered[this.c];
  }
  get costUsd(): number | null {
    const n = this.t.answered[this.c];
    return n === 0 || this.t.costUnknown[this.c] ? null : this.t.cost[this.c] / n;
  }
  get judgeCostUsd(): number | null {
    const n = this.t.answered[this.c];
    if (n === 0) return null;
    // No column: the variant's checks reported no judge cost (0, as a column of zeros would say).
    if (this.c >= this.t.judge.length) return 0;
    return this.t.judgeUnknown[this.c] ? null : this.t.judge[this.c] / n;
  }
  get latenciesMs(): Float64Array {
    return this.t.latenciesOf(this.c);
  }
  get generated(): { outputTokens: number; latencyMs: number } {
    return { outputTokens: this.t.outputTokens[this.c], latencyMs: this.t.generationMs[this.c] };
  }
}

/** Case id → CaseOutcome over one variant's columns, iterating in the order the variant met its cases. */
export class SelectionCaseMap implements IndexedCaseMap<CaseOutcome> {
  constructor(
    private readonly t: SelectionColumns,
    private readonly ids: CaseIds,
  ) {}

  get size(): number {
    return this.t.size;
  }
  /** The case table this map indexes into (maps over one table can be walked by case index together). */
  get table(): CaseIds {
    return this.ids;
  }
  /** Each case of the variant with its index in the case table, in the variant's order (no outcome made). */
  forEachIndex(visit: (id: string, caseIndex: number) => void): void {
    for (let k = 0; k < this.t.size; k++) visit(this.ids.id(this.t.order[k]), this.t.order[k]);
  }
  /** The outcome of case index `i` (undefined when the variant has no result for it). */
  atIndex(i: number): CaseOutcome | undefined {
    return i < this.t.results.length && this.t.results[i] > 0 ? new ColumnCaseOutcome(this.t, i) : undefined;
  }
  private slot(id: string): number | undefined {
    const c = this.ids.get(id);
    return c !== undefined && c < this.t.results.length && this.t.results[c] > 0 ? c : undefined;
  }
  has(id: string): boolean {
    return this.slot(id) !== undefined;
  }
  get(id: string): CaseOutcome | undefined {
    const c = this.slot(id);
    return c === undefined ? undefined : new ColumnCaseOutcome(this.t, c);
  }
  *keys(): MapIterator<string> {
    for (let k = 0; k < this.t.size; k++) yield this.ids.id(this.t.order[k]);
  }
  *values(): MapIterator<CaseOutcome> {
    for (let k = 0; k < this.t.size; k++) yield new ColumnCaseOutcome(this.t, this.t.order[k]);
  }
  *entries(): MapIterator<[string, CaseOutcome]> {
    for (let k = 0; k < this.t.size; k++) yield [this.ids.id(this.t.order[k]), new ColumnCaseOutcome(this.t, this.t.order[k])];
  }
  [Symbol.iterator](): MapIterator<[string, CaseOutcome]> {
    return this.entries();
  }
  forEach(callback: (value: CaseOutcome, key: string, map: ReadonlyMap<string, CaseOutcome>) => void): void {
    for (const [id, outcome] of this.entries()) callback(outcome, id, this);
  }
}
