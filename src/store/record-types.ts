// The store's records of people and limits: human labels, judge calibrations, the shared viewer's access tokens,
// and the rate-limit figures a run keeps. Standalone shapes, part of the Store interface (types.ts re-exports them).

/** A human label on one result (review in the viewer, judge calibration). */
export interface LabelRow {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
  /** 'pass' or 'fail'; null when the labeller gave none (only scores, a preference, a tag or a comment). */
  label: string | null;
  /** Per-dimension scores (judge calibration), or null. */
  scores: Record<string, number> | null;
  /**
   * Pairwise: 'win' / 'loss' / 'tie' for this result's variant against the other output. Stored apart from
   * `label`, so one labeller's pass/fail, scores and preference on a result never replace each other.
   * Writing a row with `preference` undefined keeps the stored one (the viewer does not edit it).
   */
  preference?: string | null;
  /** An error tag from the suite's taxonomy. */
  tag: string | null;
  comment: string | null;
  labeller: string;
  createdAt: string;
}

export interface LabelQuery {
  caseId?: string;
  variantId?: string;
  labeller?: string;
}

/** How far a judge agrees with human labels on one metric of one run (`evalspec calibrate`). */
export interface CalibrationRecord {
  /** run \u0000 judge \u0000 metric: calibrating the same run again replaces the row. */
  id: string;
  runId: string;
  suiteName: string;
  /** The judge's name, or "ensemble(a, b)" for an ensemble's combined verdict. */
  judge: string;
  /** The check's metric (a rubric dimension's name). */
  metric: string;
  checkType: string;
  /** Results compared with a human label. */
  labels: number;
  agreement: number | null;
  kappa: number | null;
  /** 'none' | 'linear' | 'quadratic'. */
  kappaWeights: string | null;
  /** The whole calibration (confusion matrix, false-pass / false-fail rates, threshold, …). */
  figures: Record<string, unknown>;
  createdAt: string;
}

export interface CalibrationQuery {
  runId?: string;
  judge?: string;
  metric?: string;
  suiteName?: string;
  limit?: number;
}

/**
 * A named access token of the shared viewer (`evalspec tokens create --name alice`). Only the token's SHA-256 is
 * stored: the token itself is 256 random bits, shown once at creation and never kept.
 */
export interface AccessTokenRecord {
  /** Who holds it; labels written with it record this name as the labeller. */
  name: string;
  /** SHA-256 of the token, lowercase hex. */
  hash: string;
  createdAt: string;
  /** When the viewer last accepted it (updated at most once a minute); null when never used. */
  lastUsedAt: string | null;
  /** When it was revoked; null while active. A revoked token stays listed (audit) and is refused with 403. */
  revokedAt: string | null;
}

/**
 * A provider:model's rate-limit figures in one process (run/rate-limit/ controller), stored with the run per process
 * (`store.rateLimits`) and summed over the processes (a resume, a distributed run's workers) for the report's
 * `rateLimits`: the limits declared in the suite and learned from the provider's headers (per minute; null when
 * unknown), the attempts the provider rejected (429) and the time calls spent waiting for the limit.
 */
export interface RateLimitFigures {
  /** provider:model as the suite names it. */
  model: string;
  declared: { rpm: number | null; tpm: number | null };
  /** Per minute, from the provider's headers; null when it sent none. */
  learned: { rpm: number | null; tpm: number | null; inputTpm: number | null; outputTpm: number | null };
  attempts: number;
  rejected: number;
  /** Summed over calls: time spent waiting for the limit (paced, or after a 429). */
  waitedS: number;
  /** The window of attempts in flight AIMD settled on (summed over processes); null when it never had to limit it. */
  concurrencyWindow: number | null;
}
