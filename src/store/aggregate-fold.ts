// The per-variant sums of results.aggregate() folded from rows a caller already scans (issue #22: the run report
// reads every slim result once for its per-case table; a second pass in SQL to group a million rows by variant
// cost ~0.6 s of sorting). The figures are the SQL's: counts are exact, and floating-point sums use SQLite's
// SUM algorithm (Kahan-Babuska-Neumaier compensated summation, sqlite func.c sumStep/sumFinalize), which gives
// the same double as SQLite's SUM over the same values: its compensation makes the result independent of the
// order the rows are met in all but pathological inputs (test/store/aggregate-fold.test.ts checks it against
// the SQL on both dialects; PostgreSQL's own SUM is a plain running sum, so there the fold is the more exact).
import type { ResultRow, VariantAggregate } from './types.js';
import type { SnapshotClass } from '../fold-snapshot.js';

/** SQLite's SUM() over REAL values: a compensated running sum (null when no value was added). */
export class CompensatedSum {
  private sum = 0;
  private error = 0;
  private count = 0;

  add(x: number): void {
    const s = this.sum;
    const t = s + x;
    if (Math.abs(s) > Math.abs(x)) this.error += s - t + x;
    else this.error += x - t + s;
    this.sum = t;
    this.count++;
  }

  /** The sum as SQLite's sumFinalize returns it; null when nothing was added. */
  value(): number | null {
    if (this.count === 0) return null;
    return Number.isFinite(this.error) ? this.sum + this.error : this.sum;
  }
}

/** One variant's aggregate, folded a result at a time. */
class VariantFold {
  results = 0;
  passed = 0;
  failed = 0;
  errors = 0;
  cached = 0;
  scored = 0;
  tokensKnown = 0;
  inputTokens = 0;
  outputTokens = 0;
  unpriced = 0;
  readonly score = new CompensatedSum();
  readonly cost = new CompensatedSum();

  add(r: ResultRow): void {
    this.results++;
    if (r.pass === true) this.passed++;
    else if (r.pass === false) this.failed++;
    if (r.errorClass !== null) this.errors++;
    if (r.cached) this.cached++;
    if (r.score !== null) {
      this.score.add(r.score);
      this.scored++;
    }
    // Token counts are integers: a double holds their sum exactly (to 2^53), as SQLite's integer SUM does.
    if (r.inputTokens !== null) {
      this.tokensKnown++;
      this.inputTokens += r.inputTokens;
    }
    if (r.outputTokens !== null) this.outputTokens += r.outputTokens;
    if (r.costUsd !== null) this.cost.add(r.costUsd);
    if (r.errorClass === null && !r.cached && r.costUsd === null) this.unpriced++;
  }

  aggregate(variantId: string): VariantAggregate {
    return {
      variantId,
      results: this.results,
      passed: this.passed,
      failed: this.failed,
      errors: this.errors,
      cached: this.cached,
      scoreSum: this.score.value() ?? 0,
      scored: this.scored,
      inputTokens: this.tokensKnown > 0 ? this.inputTokens : null,
      outputTokens: this.tokensKnown > 0 ? this.outputTokens : null,
      costUsd: this.unpriced > 0 ? null : (this.cost.value() ?? 0),
      unpriced: this.unpriced,
    };
  }
}

/**
 * What `store.results.aggregate(runId)` returns, folded from the run's results as a scan meets them: `add` every
 * result, then `aggregates()` (variants in the order of their first result, as the SQL orders them).
 */
export class AggregateFold {
  private readonly variants = new Map<string, VariantFold>();

  add(r: ResultRow): void {
    let fold = this.variants.get(r.variantId);
    if (!fold) this.variants.set(r.variantId, (fold = new VariantFold()));
    fold.add(r);
  }

  aggregates(): VariantAggregate[] {
    return [...this.variants].map(([id, fold]) => fold.aggregate(id));
  }
}

/** The classes an AggregateFold is made of, for a fold kept with its run (analysis/stored-fold.ts). */
export const AGGREGATE_FOLD_CLASSES = [
  { name: 'AggregateFold', type: AggregateFold },
  { name: 'VariantFold', type: VariantFold },
  { name: 'CompensatedSum', type: CompensatedSum },
] satisfies SnapshotClass[];
