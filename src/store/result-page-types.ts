// The viewer's result pages and run-page figures as the store reads them (issue #22): a page of a run's results,
// the per-tag sums and per-case tallies of the run page, and the paired tallies of a comparison, so the viewer
// never holds a run's rows. Part of the Store interface (types.ts re-exports them).
import type { ResultCounts, ResultRow } from './types.js';

/** A page of a run's results: filters, the run's variant order, offset and limit (result-pages.ts). */
export interface ResultPageQuery {
  /** The run's variant ids in suite order: results sort by case, then this order, then repeat. */
  variantOrder: string[];
  variantId?: string;
  outcome?: 'pass' | 'fail' | 'error';
  /** A case tag the result's case must carry. */
  segment?: string;
  /** The name (metric, else type) of a check the result failed. */
  failedCheck?: string;
  /** critical: a failed check is critical; normal: checks failed, none critical. */
  severity?: 'critical' | 'normal';
  /** yes: some labeller labelled the result; no: none did. */
  labelled?: 'yes' | 'no';
  /**
   * Text the result's output, error message or a check's reason contains, or its stored case's id, ignoring case
   * (JavaScript's toLowerCase on SQLite; PostgreSQL's lower()). Give it already lower-cased.
   */
  text?: string;
  offset: number;
  limit: number;
}

/** Rows without messages, each with its case's tags (empty when the case is not stored), and how many match in all. */
export interface ResultPage {
  total: number;
  rows: (ResultRow & { tags: string[] })[];
}

/** The sums of a run's results of one variant whose cases carry the same tags (run-figures.ts). */
export interface ResultGroup extends ResultCounts {
  /** The case's tags as stored (a JSON array); null for results whose case is not stored. */
  tagsJson: string | null;
  /** Sums over results with known input tokens (output tokens of those results, unknown as 0). */
  inputTokens: number;
  outputTokens: number;
  tokensKnown: number;
  /** The sum of the known costs (see unpriced). */
  costSum: number;
  /** Distinct cases. */
  cases: number;
  errorClasses: string[];
  /** Streamed answered calls with latency, tokens and ttft known: output tokens and ms after the first token. */
  decodeTokens: number;
  decodeMs: number;
}

/** The run page's figures from the store (results.figures): no row per result. */
export interface RunFigureRows {
  groups: ResultGroup[];
  /** The stored cases grouped by their tags (JSON array as stored): how many, how many with a cluster. */
  caseTags: { tagsJson: string; cases: number; clustered: number }[];
  /** Names (metric, else type) of every check some result failed. */
  failedChecks: string[];
  /** Per variant, sorted ascending: latencies and times to first token of answered calls. */
  timings: { variantId: string; latencies: Float64Array; ttfts: Float64Array }[];
}

/** One case × variant of a run: its results and passes, its case's tags and cluster (results.caseTallies). */
export interface CaseTally {
  caseId: string;
  variantId: string;
  total: number;
  passed: number;
  /** Whether the case is stored (a result can outlive its case row). */
  stored: boolean;
  tags: string[];
  cluster: string | null;
}
/** Two sides of a paired comparison: a variant of run A, a variant of run B (the same run or another). */
export interface PairedSides {
  runA: string;
  variantA: string;
  runB: string;
  variantB: string;
}

/** One case both sides have (results.pairedTallies): each side's results, passes and score sum, run A's case. */
export interface PairedTally {
  caseId: string;
  a: { total: number; passed: number; scoreSum: number; scored: number };
  b: { total: number; passed: number; scoreSum: number; scored: number };
  /** Run A's case, null when it is not stored. */
  tagsJson: string | null;
  cluster: string | null;
  contentHashA: string | null;
  /** Run B's case's content hash, null when it is not stored. */
  contentHashB: string | null;
  /** Where run A's case was written (its cases order: rowid, seq); null when it is not stored. */
  caseOrder: number | null;
}
