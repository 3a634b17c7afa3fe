// The contract between the score stage and whoever runs checks: what a check sees, what it returns.
import type { JudgeClient, JudgeDetail } from './judge-types.js';
import type { Transcript } from './transcript.js';

/** Everything a check may look at for one call. Unknown values are undefined, never 0. */
export interface CheckContext {
  /** The model's output text. */
  output: string;
  /** The case's variables (already merged with defaults). */
  vars: Record<string, unknown>;
  caseId: string;
  /** Wall time of the provider call in ms (for a cached result: the original call's latency). */
  latencyMs: number | undefined;
  /** What the call costs (or cost when it was first made, for a cached result); undefined when unpriced. */
  costUsd: number | undefined;
  /** Directory of the suite file: module paths in checks resolve against it. */
  baseDir: string;
  /** Asks judge models (judge checks only); injected by the run stage. Without it judge checks are indeterminate. */
  judge?: JudgeClient;
  /** The messages the model was sent (judge checks show them to the judge as the input). */
  messages?: { role: string; content: string }[];
  /** The other variant's output for the same case and repeat (pairwise checks against a variant; second phase). */
  opponent?: { variantId: string; output: string };
  /**
   * What the agent did (issue #16): steps, tool calls and results, stop reason, retrieved context, a replayed log's
   * metadata. Undefined for a plain single call: behaviour checks read that as a conversation without tool calls.
   */
  transcript?: Transcript;
}

export interface CheckOutcome {
  pass: boolean;
  /** In [0, 1]. */
  score: number;
  reason: string;
  /**
   * Set when the check could not judge at all (latency or cost unknown, user code threw or returned
   * something unusable). It then fails with score 0, and `not` does not invert it.
   */
  indeterminate?: boolean;
  /**
   * Set when the check does not apply to this output (a latency check on a replayed log without latency):
   * the check is left out of the result's checks, pass and score, as if the output had not been given it.
   */
  notApplicable?: boolean;
  /**
   * 'judge-error': the judge's answer was unusable after a retry; 'check-error': the check's own code did not
   * finish (timed out, hung, its worker crashed). The result becomes an error of that class (run incomplete).
   */
  error?: 'judge-error' | 'check-error';
  /** Judge checks: models, reasoning, raw score, votes, pairwise orders. */
  judge?: JudgeDetail;
  /** Judge checks: what this run paid the judge (0 when cached; null when the judge model is unpriced). */
  judgeCostUsd?: number | null;
  /** Several results from one check (a rubric's dimensions): each becomes its own result and metric. */
  parts?: CheckOutcomePart[];
}

/** One of several results a check produces; `weightShare` of the check's weight (shares sum to 1). */
export interface CheckOutcomePart extends CheckOutcome {
  metric: string;
  weightShare: number;
}

/** A check's outcome plus the identity fields reports group by. */
export interface CheckResult extends Omit<CheckOutcome, 'parts'> {
  type: string;
  metric: string;
  severity: 'normal' | 'critical';
  weight: number;
}
