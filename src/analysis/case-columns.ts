// The per-case × variant table of a run in columns: one typed-array slot per case for each count and sum, so
// a million case × variant records take tens of megabytes, not a JavaScript object (and three Maps) each
// (issue #22). `ColumnOutcome` is a view of one slot with the shape stats' CaseOutcome has; its metrics and
// checks are built on access from the columns.
import type { CaseOutcome, CheckFilter, OutcomeList } from '../stats/index.js';

type Severity = 'normal' | 'critical';

/**
 * Per-case counts (results, passes, judged checks): a byte each while no count can pass 255, which holds when the
 * run's repeats are fewer (a count is at most the number of distinct repeat indices), else four bytes. At 1M
 * case × variant slots the seven count columns take 7 MB instead of 28.
 */
export type Counts = Uint8Array | Int32Array;

/** The count column type for a run of `repeat` repeats. */
export function countsFor(repeat: number): new (n: number) => Counts {
  return repeat < 255 ? Uint8Array : Int32Array;
}

/** A copy of `counts` in four-byte slots (a result with a repeat index past the run's repeats was met). */
export function widened(counts: Counts): Int32Array {
  return counts instanceof Int32Array ? counts : Int32Array.from(counts);
}

/** Doubles a typed array's capacity until it holds `size` slots, keeping its values. */
function grown<T extends Counts | Float64Array>(array: T, size: number): T {
  if (array.length >= size) return array;
  let capacity = Math.max(16, array.length);
  while (capacity < size) capacity *= 2;
  const out = new (array.constructor as new (n: number) => T)(capacity);
  out.set(array);
  return out;
}

interface MetricColumn {
  sum: Float64Array;
  n: Counts;
}
interface CheckColumn {
  judged: Counts;
  failed: Counts;
}

/** One variant's columns, indexed by case index. */
export class VariantColumns {
  results: Counts;
  passed: Counts;
  errored: Counts;
  scoreSum: Float64Array;
  scored: Counts;
  /** The repeat reducer's pass value per case, when it is not the pass share (see finish()). */
  passValue: Float64Array | null = null;
  readonly metrics = new Map<string, MetricColumn>();
  readonly checks: Record<Severity, Map<string, CheckColumn>> = { normal: new Map(), critical: new Map() };
  private capacity: number;
  private Counts: new (n: number) => Counts;

  /** `repeat`: the run's repeats (count columns are bytes below 255, see Counts). */
  constructor(capacity: number, repeat = Infinity) {
    this.capacity = Math.max(16, capacity);
    this.Counts = countsFor(repeat);
    this.results = new this.Counts(this.capacity);
    this.passed = new this.Counts(this.capacity);
    this.errored = new this.Counts(this.capacity);
    this.scoreSum = new Float64Array(this.capacity);
    this.scored = new this.Counts(this.capacity);
  }

  /** Four-byte counts from now on: a result's repeat index is past the run's repeats, so a byte may not hold. */
  widen(): void {
    if (this.Counts === Int32Array) return;
    this.Counts = Int32Array;
    this.results = widened(this.results);
    this.passed = widened(this.passed);
    this.errored = widened(this.errored);
    this.scored = widened(this.scored);
    for (const m of this.metrics.values()) m.n = widened(m.n);
    for (const severity of ['normal', 'critical'] as const) {
      for (const c of this.checks[severity].values()) {
        c.judged = widened(c.judged);
        c.failed = widened(c.failed);
      }
    }
  }

  /** Make room for case index `index` (cases met in results but not stored with the run). */
  ensure(index: number): void {
    if (index < this.capacity) return;
    const size = index + 1;
    this.results = grown(this.results, size);
    this.passed = grown(this.passed, size);
    this.errored = grown(this.errored, size);
    this.scoreSum = grown(this.scoreSum, size);
    this.scored = grown(this.scored, size);
    for (const m of this.metrics.values()) {
      m.sum = grown(m.sum, size);
      m.n = grown(m.n, size);
    }
    for (const severity of ['normal', 'critical'] as const) {
      for (const c of this.checks[severity].values()) {
        c.judged = grown(c.judged, size);
        c.failed = grown(c.failed, size);
      }
    }
    this.capacity = this.results.length;
  }

  metric(name: string): MetricColumn {
    let m = this.metrics.get(name);
    if (!m) this.metrics.set(name, (m = { sum: new Float64Array(this.capacity), n: new this.Counts(this.capacity) }));
    return m;
  }

  check(severity: Severity, name: string): CheckColumn {
    let c = this.checks[severity].get(name);
    if (!c) this.checks[severity].set(name, (c = { judged: new this.Counts(this.capacity), failed: new this.Counts(this.capacity) }));
    return c;
  }
}

/**
 * A view of one case × variant slot, shaped as stats' CaseOutcome, made when a list is read (ColumnOutcomeList.at)
 * and dropped after: it holds only its index, the columns come from the per-variant subclass made by outcomeView().
 */
abstract class ColumnOutcome implements CaseOutcome {
  constructor(private readonly index: number) {}
  protected abstract get columns(): VariantColumns;

  get results(): number {
    return this.columns.results[this.index];
  }
  get passed(): number {
    return this.columns.passed[this.index];
  }
  get errored(): number {
    return this.columns.errored[this.index];
  }
  get passValue(): number | undefined {
    return this.columns.passValue ? this.columns.passValue[this.index] : undefined;
  }
  get score(): number | null {
    const scored = this.columns.scored[this.index];
    return scored ? this.columns.scoreSum[this.index] / scored : null;
  }
  get metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, m] of this.columns.metrics) if (m.n[this.index] > 0) out[name] = m.sum[this.index] / m.n[this.index];
    return out;
  }
  get checks(): CaseOutcome['checks'] {
    const out: CaseOutcome['checks'] = {};
    for (const severity of ['normal', 'critical'] as const) {
      let bySeverity: Record<string, { judged: number; failed: number }> | undefined;
      for (const [name, c] of this.columns.checks[severity]) {
        if (c.judged[this.index] === 0) continue;
        (bySeverity ??= {})[name] = { judged: c.judged[this.index], failed: c.failed[this.index] };
      }
      if (bySeverity) out[severity] = bySeverity;
    }
    return out;
  }
  metricValue(name: string): number | undefined {
    const m = this.columns.metrics.get(name);
    const n = m ? m.n[this.index] : 0;
    return n > 0 ? m!.sum[this.index] / n : undefined;
  }
  checkCounts(filter: CheckFilter): { judged: number; failed: number } {
    let judged = 0;
    let failed = 0;
    for (const severity of ['normal', 'critical'] as const) {
      if (filter.severity && filter.severity !== severity) continue;
      for (const [name, c] of this.columns.checks[severity]) {
        if (filter.metric !== undefined && filter.metric !== name) continue;
        judged += c.judged[this.index];
        failed += c.failed[this.index];
      }
    }
    return { judged, failed };
  }
  toJSON(): CaseOutcome {
    const out: CaseOutcome = {
      results: this.results,
      passed: this.passed,
      errored: this.errored,
      score: this.score,
      metrics: this.metrics,
      checks: this.checks,
    };
    if (this.passValue !== undefined) out.passValue = this.passValue;
    return out;
  }
}

/** The view class of one variant's columns: `new (outcomeView(columns))(caseIndex)`. */
export function outcomeView(columns: VariantColumns): new (index: number) => CaseOutcome {
  return class extends ColumnOutcome {
    protected get columns(): VariantColumns {
      return columns;
    }
  };
}

/**
 * A variant's outcomes over its columns, by case index: each outcome is made when asked for (a small object that
 * dies young), so a run of a million case × variant slots holds no million objects (issue #22).
 */
export class ColumnOutcomeList implements OutcomeList {
  private readonly View: new (index: number) => CaseOutcome;

  constructor(
    private readonly columns: VariantColumns,
    readonly length: number,
  ) {
    this.View = outcomeView(columns);
  }

  at(index: number): CaseOutcome | undefined {
    const t = this.columns;
    return index >= 0 && index < this.length && index < t.results.length && t.results[index] > 0 ? new this.View(index) : undefined;
  }

  forEach(visit: (outcome: CaseOutcome | undefined, index: number) => void): void {
    for (let i = 0; i < this.length; i++) visit(this.at(i), i);
  }

  *[Symbol.iterator](): Iterator<CaseOutcome | undefined> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}
