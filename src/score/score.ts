// The score stage: prepare a case's checks once (compile, import modules), then judge outputs fast.
import { EvalspecError } from '../errors.js';
import type { CheckContext, CheckOutcome, CheckOutcomePart, CheckResult } from './check-types.js';
import type { CheckLocation } from './checks/definition.js';
import type { Evaluate } from './evaluator.js';
import { OutputView } from './output-view.js';
import { CHECK_TYPES, compileCheck, evaluatorOf, isDeferredCheck, type CheckSpec, type CheckType } from './registry.js';

/** A check ready for the hot path: identity fields resolved, everything compiled. */
export interface PreparedCheck {
  readonly spec: CheckSpec;
  readonly type: CheckType;
  readonly metric: string;
  readonly severity: 'normal' | 'critical';
  readonly weight: number;
  readonly not: boolean;
  readonly evaluate: Evaluate;
}

export interface ScoredOutput {
  /** True when every check passes (and when there are no checks). */
  pass: boolean;
  /** Weighted mean of check scores (plain mean when all weights are 0; 1 when there are no checks). */
  score: number;
  checks: CheckResult[];
}

/**
 * Prepares checks for scoring: compiles regexes, JSON schemas and inline expressions, and imports
 * javascript modules (cached by absolute path). Call after templates are rendered. Throws EvalspecError:
 * CHECK_UNKNOWN, CHECK_INVALID (does not compile), MODULE_LOAD (module missing, broken, or no such export).
 * Deferred checks (pairwise `against` another variant) need every call finished: they are left out unless
 * `options.deferred` is true, which prepares only them (the run stage scores them in a second phase).
 * `options.isolated` runs javascript checks isolated (CHECK_ISOLATED for module checks).
 */
export async function prepareChecks(
  specs: CheckSpec[],
  baseDir: string,
  where: CheckLocation = {},
  options: { deferred?: boolean; isolated?: boolean } = {},
): Promise<PreparedCheck[]> {
  const wanted = options.deferred ?? false;
  return Promise.all(
    specs
      .filter((spec) => isDeferredCheck(spec) === wanted)
      .map(async (spec) => {
        const factory = evaluatorOf(spec.type);
        if (factory === undefined) {
          throw new EvalspecError('CHECK_UNKNOWN', `unknown check type "${String(spec.type)}"; valid types: ${CHECK_TYPES.join(', ')}`, where);
        }
        const compiled = compileCheck(spec, where);
        const evaluate = await factory(spec, { baseDir, where, compiled, isolated: options.isolated });
        return {
          spec,
          type: spec.type,
          metric: spec.metric ?? spec.type,
          severity: spec.severity ?? 'normal',
          weight: spec.weight ?? 1,
          not: spec.not ?? false,
          evaluate,
        } satisfies PreparedCheck;
      }),
  );
}

function toResult(check: PreparedCheck, outcome: CheckOutcome, part?: CheckOutcomePart): CheckResult {
  let { pass, score, reason } = outcome;
  if (outcome.indeterminate) {
    pass = false;
    score = 0;
  } else if (check.not) {
    pass = !pass;
    score = 1 - score;
    reason = `negated (not): ${reason}`;
  }
  const weight = part ? check.weight * part.weightShare : check.weight;
  const result: CheckResult = { type: check.type, metric: part?.metric ?? check.metric, severity: check.severity, weight, pass, score, reason };
  if (outcome.indeterminate) result.indeterminate = true;
  if (outcome.error) result.error = outcome.error;
  if (outcome.judge) result.judge = outcome.judge;
  if (outcome.judgeCostUsd !== undefined) result.judgeCostUsd = outcome.judgeCostUsd;
  return result;
}

function crashed(err: unknown): CheckOutcome {
  return { pass: false, score: 0, reason: `check crashed: ${err instanceof Error ? err.message : String(err)}`, indeterminate: true };
}

/**
 * Judges one output against prepared checks. The output passes when every check passes; its score is the
 * weight-averaged mean of the check scores. Async checks run concurrently; results keep the checks' order.
 */
export async function scoreOutput(prepared: PreparedCheck[], ctx: CheckContext, options: { threshold?: number } = {}): Promise<ScoredOutput> {
  const n = prepared.length;
  if (n === 0) return { pass: true, score: 1, checks: [] };
  const view = new OutputView(ctx.output);
  const outcomes: (CheckOutcome | Promise<CheckOutcome>)[] = new Array(n);
  let pending = false;
  for (let i = 0; i < n; i++) {
    try {
      const o = prepared[i].evaluate(view, ctx);
      if (o instanceof Promise) {
        pending = true;
        outcomes[i] = o.catch(crashed);
      } else outcomes[i] = o;
    } catch (err) {
      outcomes[i] = crashed(err);
    }
  }
  const settled = pending ? await Promise.all(outcomes) : (outcomes as CheckOutcome[]);

  const checks: CheckResult[] = [];
  for (let i = 0; i < n; i++) {
    const outcome = settled[i];
    if (outcome.notApplicable) continue; // not a pass and not a failure: no result at all
    // A check with parts (a rubric's dimensions) becomes one result per part.
    if (outcome.parts && !outcome.indeterminate) for (const part of outcome.parts) checks.push(toResult(prepared[i], part, part));
    else checks.push(toResult(prepared[i], outcome));
  }
  return { ...combineChecks(checks, options.threshold), checks };
}

/**
 * A call passes when every check passes; its score is the weight-averaged mean (plain mean when all weights are 0).
 * With a case `threshold` (promptfoo's test threshold) it passes when that score reaches the threshold and no
 * critical check failed: a failed normal check only lowers the score.
 */
export function combineChecks(
  checks: readonly (Pick<CheckResult, 'pass' | 'score' | 'weight'> & { severity?: CheckResult['severity'] })[],
  threshold?: number,
): { pass: boolean; score: number } {
  const n = checks.length;
  if (n === 0) return { pass: true, score: 1 };
  let pass = true;
  let criticalFailed = false;
  let weighted = 0;
  let totalWeight = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = checks[i];
    if (!r.pass) {
      pass = false;
      if (r.severity === 'critical') criticalFailed = true;
    }
    weighted += r.weight * r.score;
    totalWeight += r.weight;
    sum += r.score;
  }
  const score = totalWeight > 0 ? weighted / totalWeight : sum / n;
  if (threshold === undefined) return { pass, score };
  // A tolerance on the comparison: 0.1 + 0.2 must reach a threshold of 0.3.
  return { pass: !criticalFailed && score >= threshold - 1e-12, score };
}
