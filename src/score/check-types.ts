// The contract between the score stage and whoever runs checks: what a check sees, what it returns.
import type { CheckSpec } from '../suite/check-specs.js';

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
}

/** A check's outcome plus the identity fields reports group by. */
export interface CheckResult extends CheckOutcome {
  type: string;
  metric: string;
  severity: 'normal' | 'critical';
  weight: number;
}

export type { CheckSpec };
