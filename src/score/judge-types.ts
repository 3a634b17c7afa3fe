// The judge capability the score stage is given (it never imports run/): a client that asks a judge model
// one structured question. run/judge-client.ts implements it over the AI SDK (cached, retried, priced);
// tests may inject their own.

/** A judge model as a suite names it: "provider:model", or an entry with params / price like a suite model. */
export type JudgeModelSpec =
  | string
  | {
      id: string;
      label?: string;
      params?: { temperature?: number; max_tokens?: number; top_p?: number; seed?: number; stop?: string[] };
      price?: { input_per_mtok: number; output_per_mtok: number; cached_input_per_mtok?: number };
      price_as?: string;
    };

/** The name a judge is shown and stored under: its label, else its "provider:model" id. */
export function judgeModelName(model: JudgeModelSpec): string {
  return typeof model === 'string' ? model : (model.label ?? model.id);
}

export interface JudgeRequest<T = unknown> {
  model: JudgeModelSpec;
  /** Instructions (trusted: written by evalspec and the suite author). */
  system: string;
  /** The question, with every untrusted text fenced (see judges/fence.ts). */
  prompt: string;
  /** JSON schema the answer must match (sent as structured output). */
  schema: Record<string, unknown>;
  /** Name of the schema (some providers show it to the model). */
  schemaName?: string;
  /**
   * Turns the raw answer object into T. Throws JudgeAnswerError when the answer is unusable or contradicts
   * itself; the client then asks once more, and fails with a judge-error if the second answer is bad too.
   */
  parse: (object: unknown) => T;
  /** For function judges and messages. */
  caseId?: string;
  signal?: AbortSignal;
}

export interface JudgeAnswer<T = unknown> {
  object: T;
  /** The judge's name (judgeModelName). */
  model: string;
  /** What this run paid for the answer: 0 for a cache hit, null when the judge model is unpriced. */
  costUsd: number | null;
  cached: boolean;
  latencyMs: number | null;
  /** Calls made for this answer (1, or 2 when the first answer was unusable). */
  attempts: number;
}

export interface JudgeClient {
  ask<T>(request: JudgeRequest<T>): Promise<JudgeAnswer<T>>;
}

/** A judge answer that cannot be used: not the requested shape, out of range, or contradicting itself. */
export class JudgeAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JudgeAnswerError';
  }
}

/** Thrown by a JudgeClient when it cannot get a usable answer (after its retries). */
export class JudgeCallError extends Error {
  constructor(
    message: string,
    /** 'judge-error' for unusable answers; the transport class (rate-limit, auth, …) otherwise. */
    readonly errorClass: string,
  ) {
    super(message);
    this.name = 'JudgeCallError';
  }
}

/** One judge's vote inside an ensemble (or the single judge's answer). */
export interface JudgeVote {
  model: string;
  pass?: boolean;
  /** The judge's own number: a 0–1 score, a rubric level, a pairwise outcome score (1 / 0.5 / 0). */
  raw?: number;
  /** Category answers: a factuality relation, a pairwise outcome (win / tie / loss). */
  label?: string;
  reasoning?: string;
}

/** One order of a pairwise comparison, as one judge answered it. */
export interface PairwiseOrder {
  model: string;
  /** Where this variant's output was shown: A (first) or B (second). */
  thisAt: 'A' | 'B';
  /** What the judge picked, from this variant's side. */
  picked: 'this' | 'other' | 'tie';
}

/** What a judge check stores next to its pass/score (JSON, in the result's checks). */
export interface JudgeDetail {
  /** Judge names, in the order the suite lists them. */
  models: string[];
  ensemble?: 'majority' | 'mean';
  /** The judge's reasoning (the first judge's, for an ensemble; every vote keeps its own). */
  reasoning?: string;
  /** The verdict's own number: judge score (0–1) or rubric level (on `scale`). */
  raw?: number;
  scale?: [number, number];
  /** The pass threshold, on the same scale as `raw`. */
  threshold?: number;
  votes?: JudgeVote[];
  /** Pairwise only. */
  against?: string;
  outcome?: 'win' | 'tie' | 'loss';
  orders?: PairwiseOrder[];
  /** Every answer came from the cache. */
  cached?: boolean;
}
