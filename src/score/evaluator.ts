// What every check implementation looks like: a factory that runs once per check spec (compiling and
// pre-computing what it can) and returns the hot-path function that judges one output.
import type { CheckContext, CheckOutcome } from './check-types.js';
import type { OutputView } from './output-view.js';

/** Where a check was written, for error messages. */
export interface CheckLocation {
  file?: string;
  line?: number;
  caseId?: string;
}

/** Judges one output. Must not throw for bad output; may return a promise (javascript checks). */
export type Evaluate = (view: OutputView, ctx: CheckContext) => CheckOutcome | Promise<CheckOutcome>;

export interface PrepareEnv<C = { type: string }> {
  /** Directory of the suite file: module paths resolve against it. */
  baseDir: string;
  where: CheckLocation;
  /** What the type's compile step made of the spec (a regex, a JSON schema validator, an inline function). */
  compiled: C;
  /** Run javascript checks isolated: no environment, no modules (docs/checks.md, "Where user code runs"). */
  isolated?: boolean;
}

export function pass(reason: string, score = 1): CheckOutcome {
  return { pass: true, score, reason };
}

export function fail(reason: string, score = 0): CheckOutcome {
  return { pass: false, score, reason };
}

/** The check could not judge: it fails with score 0 and `not` does not invert it. */
export function indeterminate(reason: string): CheckOutcome {
  return { pass: false, score: 0, reason, indeterminate: true };
}

/** The check does not apply to this output (e.g. latency of a replayed log): it is left out of the result. */
export function notApplicable(reason: string): CheckOutcome {
  return { pass: true, score: 1, reason, notApplicable: true };
}
