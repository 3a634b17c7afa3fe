// The rate controller's shapes: what a call brings to the gate, what an admitted attempt holds, what a response's
// request left with, and the figures reported per model.
import type { Dimension } from './headers.js';

/** A call's size for the token limits: the prompt's tokens (estimated) and the output expected. */
export interface CallSize {
  input: number;
  output: number;
}

/** How to size a call when a token limit is known (asked at admission, the prompt tokenized once per call). */
export interface CallSizer {
  promptTokens: () => number;
  maxOutputTokens?: number;
  /** The tokenizer's count, once asked. */
  rawInput?: number;
}

/** What one admitted attempt holds until it is released. */
export interface Ticket {
  /** What was taken from each bucket (to correct with the reported usage). */
  taken: Partial<Record<Dimension, number>>;
  /** The tokenizer's estimate of the prompt, before correction (to learn the correction). */
  rawInput?: number;
}

/** Where a response's headers were read: how much this model and its whole key had taken when its request left. */
export interface SendMark {
  at: number;
  taken: Record<Dimension, number>;
  groupTaken: Record<Dimension, number>;
}

export const zeroTaken = (): Record<Dimension, number> => ({ requests: 0, tokens: 0, 'input-tokens': 0, 'output-tokens': 0 });

export interface DeclaredLimits {
  rpm?: number;
  tpm?: number;
}

// The controller's figures (report's `rateLimits`, progress line) are stored with the run: one shape, in the store's types.
export type { RateLimitFigures } from '../../store/index.js';
