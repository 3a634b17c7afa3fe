// What a budget reservation is and what judge-client.ts asks of the budget: in their own file so that budget.ts
// (which reads the judges' models from judge-client.ts) and judge-client.ts do not import each other.
import type { ModelRef } from '../suite/index.js';

export interface Reservation {
  /** The variant id of a model call, or the judge's name (prefixed "judge:"). */
  variantId: string;
  amountUsd: number;
  /** Held for the judging of this call's output; returned (releaseJudgeHold) when the judges reserve their own. */
  judgeHoldUsd?: number;
}

/** What judge-client.ts asks before each judge call (null: over the budget, the call is not made). */
export interface JudgeBudget {
  reserveJudge(ref: ModelRef, name: string, request: { system: string; prompt: string }): Reservation | null;
  settleJudge(reservation: Reservation, costUsd: number | null | undefined, outputTokens?: number | null): void;
}
