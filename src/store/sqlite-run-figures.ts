// The run page's figures on SQLite in one pass over the run's results (issue #22): a JS aggregate folds each row
// into its variant × case tags group, collects the failed check names and the answered calls' timings. The shared
// SQL of run-figures.ts (PostgreSQL's path) needs four passes, a sort per GROUP BY and a b-tree per DISTINCT:
// 4 to 8 s at 1,000,000 results where this pass takes under 2 s. The figures are the same; the sums are added in
// the scan's case order, as the former in-memory index added them.
import type Database from 'better-sqlite3';
import { emptyResultGroup, TimingFold } from './run-figures.js';
import type { ResultGroup, RunFigureRows } from './types.js';

const FOLD = 'evalspec_run_figures';

/** The state of one fold: groups by variant, then by the case's tags as stored. */
class RunFigureFold {
  readonly groups = new Map<string, Map<string | null, ResultGroup & { lastCase: string | null; errorSet: Set<string> }>>();
  readonly failedChecks = new Set<string>();
  readonly timings = new TimingFold();

  /** The last group found: a case's rows come together, and each variant's share its tags. */
  private last: (ResultGroup & { lastCase: string | null; errorSet: Set<string> }) | undefined;

  private group(variantId: string, tagsJson: string | null) {
    if (this.last && this.last.variantId === variantId && this.last.tagsJson === tagsJson) return this.last;
    let byTags = this.groups.get(variantId);
    if (!byTags) this.groups.set(variantId, (byTags = new Map()));
    let g = byTags.get(tagsJson);
    if (!g) byTags.set(tagsJson, (g = { ...emptyResultGroup(variantId, tagsJson), lastCase: null, errorSet: new Set() }));
    return (this.last = g);
  }

  // The columns as the statement below selects them.
  add(
    caseId: string,
    variantId: string,
    tagsJson: string | null,
    pass: number | null,
    errorClass: string | null,
    cached: number,
    score: number | null,
    inputTokens: number | null,
    outputTokens: number | null,
    cost: number | null,
    latency: number | null,
    ttft: number | null,
    failedChecksJson: string | null,
  ): void {
    const g = this.group(variantId, tagsJson);
    g.results++;
    if (pass === 1) g.passed++;
    else if (pass === 0) g.failed++;
    if (cached === 1) g.cached++;
    if (score !== null) ((g.scoreSum += score), g.scored++);
    if (inputTokens !== null) ((g.inputTokens += inputTokens), (g.outputTokens += outputTokens ?? 0), g.tokensKnown++);
    if (cost !== null) g.costSum += cost;
    // Rows come in case id order (the statement orders by it): a case is new to the group when it differs from the last.
    if (g.lastCase !== caseId) ((g.lastCase = caseId), g.cases++);
    if (errorClass !== null) {
      g.errors++;
      g.errorSet.add(errorClass);
    } else {
      if (cached === 0 && cost === null) g.unpriced++;
      // Decoding time of a streamed call, as analysis StreamingTally folds it: only when latency, tokens and ttft are known.
      if (ttft !== null && latency !== null && outputTokens !== null && latency > ttft) ((g.decodeTokens += outputTokens), (g.decodeMs += latency - ttft));
      if (latency !== null || ttft !== null) this.timings.add(variantId, latency, ttft);
    }
    if (failedChecksJson !== null) {
      for (const c of JSON.parse(failedChecksJson) as { pass?: unknown; metric?: unknown; type?: unknown }[]) {
        // As the SQL's `pass = 0` and `COALESCE(NULLIF(metric, ''), type)`.
        if (c.pass !== false && c.pass !== 0) continue;
        const name = c.metric !== undefined && c.metric !== null && c.metric !== '' ? c.metric : c.type;
        if (name !== undefined && name !== null) this.failedChecks.add(String(name));
      }
    }
  }

  result(caseTags: RunFigureRows['caseTags']): RunFigureRows {
    const groups: ResultGroup[] = [];
    for (const byTags of this.groups.values()) {
      for (const { lastCase: _lastCase, errorSet, ...g } of byTags.values()) groups.push({ ...g, errorClasses: [...errorSet] });
    }
    return { groups, caseTags, failedChecks: [...this.failedChecks], timings: this.timings.result() };
  }
}

let active: RunFigureFold | undefined;

/** Registers the fold on a connection (once, when the store opens). */
export function registerRunFigureFold(db: Database.Database): void {
  db.aggregate(FOLD, {
    start: 0,
    // Thirteen named parameters (better-sqlite3 takes the arity from the function's length): no array per row.
    step: ((
      n: number,
      a: unknown,
      b: unknown,
      c: unknown,
      d: unknown,
      e: unknown,
      f: unknown,
      g: unknown,
      h: unknown,
      i: unknown,
      j: unknown,
      k: unknown,
      l: unknown,
      m: unknown,
    ) => {
      (active!.add as (...row: unknown[]) => void)(a, b, c, d, e, f, g, h, i, j, k, l, m);
      return n + 1;
    }) as unknown as (n: number) => number,
  });
}

/** The run page's figures in one pass of the run's results (and one of its cases for their tags). */
export function sqliteRunFigures(db: Database.Database, runId: string): RunFigureRows {
  const fold = new RunFigureFold();
  // The subquery's ORDER BY is the primary key's (no sort) and is kept, as the outer query is an aggregate: the fold
  // sees each case's rows together. The cheap `instr` test hands over only the checks of rows that may have failed one.
  const statement = db.prepare(`SELECT ${FOLD}(case_id, variant_id, tags_json, pass, error_class, cached, score, input_tokens,
  output_tokens, cost_usd, latency_ms, ttft_ms, failed_checks) FROM (
  SELECT r.case_id, r.variant_id, c.tags_json, r.pass, r.error_class, r.cached, r.score, r.input_tokens, r.output_tokens,
    r.cost_usd, r.latency_ms, r.ttft_ms, CASE WHEN instr(r.checks_json, '"pass":false') > 0 THEN r.checks_json END AS failed_checks
  FROM results r LEFT JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id
  WHERE r.run_id = ? ORDER BY r.case_id)`);
  active = fold;
  try {
    statement.pluck().get(runId);
  } finally {
    active = undefined;
  }
  const caseTags = (
    db.prepare('SELECT tags_json, COUNT(*) AS cases, COUNT(cluster) AS clustered FROM cases WHERE run_id = ? GROUP BY tags_json').all(runId) as Record<
      string,
      unknown
    >[]
  ).map((r) => ({ tagsJson: r.tags_json as string, cases: Number(r.cases), clustered: Number(r.clustered) }));
  return fold.result(caseTags);
}
