// How judge checks fit the run: a result whose judge answer was unusable becomes an error of class
// judge-error (output and checks kept, pass/score null, re-done by --resume); and pairwise checks against
// another variant are scored in a second phase, after every call finished, over the stored results (the
// other variant's output for the same case and repeat is then known). The second phase only scores what
// is missing, so a resumed run completes it without paying twice.
import { EvalspecError } from '../errors.js';
import type { Plan, PlannedCase } from '../plan/index.js';
import { combineChecks, prepareChecks, scoreOutput, type JudgeClient, type PreparedCheck, isDeferredCheck, isJudgeCheckType } from '../score/index.js';
import type { ResultRow, StoredCheck, Store } from '../store/index.js';

/**
 * Marks a result whose judge answer was unusable as a judge-error (pass and score null; output and checks
 * kept). Returns whether it did, and what the judges of this result cost in this run.
 */
export function applyJudgeOutcome(row: ResultRow): { judgeError: boolean; judgeCostUsd: number } {
  let judgeCostUsd = 0;
  let failed: StoredCheck | undefined;
  for (const c of row.checks) {
    if (typeof c.judgeCostUsd === 'number') judgeCostUsd += c.judgeCostUsd;
    if (c.error === 'judge-error' && failed === undefined) failed = c;
  }
  if (failed && row.errorClass === null) {
    row.errorClass = 'judge-error';
    row.errorMessage = `${failed.metric}: ${failed.reason}`;
    row.pass = null;
    row.score = null;
  }
  return { judgeError: failed !== undefined, judgeCostUsd };
}

/** Throws CHECK_INVALID when a pairwise check is `against` a variant this run does not have. */
export function validateDeferredChecks(plan: Plan): void {
  if (![...plan.checkTypes].some(isJudgeCheckType)) return; // deferred checks are judge checks: no pass over the cases
  const variants = new Set(plan.variants.map((v) => v.id));
  for (const planned of plan.cases) {
    for (const spec of planned.checks) {
      if (!isDeferredCheck(spec)) continue;
      const against = (spec as { against: string }).against;
      if (!variants.has(against)) {
        throw new EvalspecError('CHECK_INVALID', `pairwise check "${spec.metric}" is against "${against}", which is not a variant of this run`, {
          file: planned.case.source.file,
          line: planned.case.source.line,
          caseId: planned.case.id,
          hint: `use one of: ${[...variants].join(', ')} (a variant id is the model label, or label/prompt id with several prompts); with --model, include the variant compared against`,
        });
      }
    }
  }
}

/** A stored result of this deferred check that is complete (judged, not waiting for the other output). */
function completed(row: ResultRow, check: PreparedCheck, against: string): boolean {
  return row.checks.some((c) => c.type === 'pairwise' && c.metric === check.metric && c.judge?.against === against && !c.indeterminate);
}

/** A stored check that came from the second phase. */
function isDeferredResult(c: StoredCheck): boolean {
  return c.type === 'pairwise' && c.judge?.against !== undefined && c.judge.against !== 'reference';
}

export interface DeferredPhaseOptions {
  store: Store;
  judge?: JudgeClient;
  concurrency: number;
  signal?: AbortSignal;
}

export interface DeferredPhaseSummary {
  /** Results updated. */
  scored: number;
  /** Of those, results that became judge-errors. */
  errors: number;
  judgeCostUsd: number;
}

/** Scores pairwise-against-variant checks over the stored results of a run (the second phase). */
export async function scoreDeferredChecks(plan: Plan, runId: string, options: DeferredPhaseOptions): Promise<DeferredPhaseSummary> {
  const summary: DeferredPhaseSummary = { scored: 0, errors: 0, judgeCostUsd: 0 };
  const deferredCases = new Map<string, PlannedCase>();
  if (![...plan.checkTypes].some(isJudgeCheckType)) return summary;
  for (const planned of plan.cases) if (planned.checks.some(isDeferredCheck)) deferredCases.set(planned.case.id, planned);
  if (deferredCases.size === 0) return summary;

  // Stored results of those cases, grouped by (case, repeat): variant → result.
  const groups = new Map<string, Map<string, ResultRow>>();
  for await (const row of options.store.results.list(runId)) {
    if (!deferredCases.has(row.caseId)) continue;
    const key = `${row.caseId}\u0000${row.repeat}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    group.set(row.variantId, row);
  }

  const preparedByCase = new Map<string, Promise<PreparedCheck[]>>();
  const prepare = (planned: PlannedCase) => {
    let p = preparedByCase.get(planned.case.id);
    if (!p) {
      p = prepareChecks(
        planned.checks,
        plan.suite.dir,
        { file: planned.case.source.file, line: planned.case.source.line, caseId: planned.case.id },
        { deferred: true },
      );
      preparedByCase.set(planned.case.id, p);
    }
    return p;
  };

  const work: { row: ResultRow; group: Map<string, ResultRow>; planned: PlannedCase }[] = [];
  for (const group of groups.values()) {
    for (const row of group.values()) {
      if (row.errorClass !== null || row.output === null) continue; // errors are re-done by --resume, then scored here
      work.push({ row, group, planned: deferredCases.get(row.caseId)! });
    }
  }

  const updated: ResultRow[] = [];
  async function scoreRow({ row, group, planned }: (typeof work)[number]): Promise<void> {
    const checks = await prepare(planned);
    const kept = new Map<PreparedCheck, StoredCheck[]>();
    let changed = false;
    for (const check of checks) {
      const against = (check.spec as { against: string }).against;
      if (against === row.variantId) continue; // a variant is not compared with itself
      if (completed(row, check, against)) {
        kept.set(
          check,
          row.checks.filter((c) => c.type === 'pairwise' && c.metric === check.metric && c.judge?.against === against),
        );
        continue;
      }
      changed = true;
      const opponent = group.get(against);
      const scored = await scoreOutput([check], {
        output: row.output!,
        vars: planned.case.vars,
        caseId: row.caseId,
        latencyMs: row.latencyMs ?? undefined,
        costUsd: row.costUsd ?? undefined,
        baseDir: plan.suite.dir,
        judge: options.judge,
        messages: row.messages ?? undefined,
        opponent: opponent && opponent.output !== null ? { variantId: against, output: opponent.output } : undefined,
      });
      const results = scored.checks.map((c) => {
        const r = c as StoredCheck;
        // Mark every result of this phase (also "waiting for the other output") with what it compared against.
        r.judge = { models: [], ...r.judge, against };
        if (!opponent || opponent.output === null) {
          r.reason = `variant "${against}" has no output for this case${row.repeat > 0 ? ` (repeat ${row.repeat + 1})` : ''}${opponent?.errorClass ? ` (its call ended in ${opponent.errorClass})` : ''}: resume the run once it has one`;
        }
        return r;
      });
      kept.set(check, results);
    }
    if (!changed) return;
    row.checks = [...row.checks.filter((c) => !isDeferredResult(c)), ...[...kept.values()].flat()];
    const { pass, score } = combineChecks(row.checks, planned.case.threshold);
    row.pass = pass;
    row.score = score;
    const j = applyJudgeOutcome(row);
    summary.scored++;
    if (j.judgeError) summary.errors++;
    updated.push(row);
  }

  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, work.length)) }, async () => {
    while (next < work.length && !options.signal?.aborted) await scoreRow(work[next++]);
  });
  await Promise.all(workers);
  for (const row of updated) for (const c of row.checks) if (isDeferredResult(c) && typeof c.judgeCostUsd === 'number') summary.judgeCostUsd += c.judgeCostUsd;
  for (let i = 0; i < updated.length; i += 500) await options.store.results.putMany(updated.slice(i, i + 500));
  return summary;
}
