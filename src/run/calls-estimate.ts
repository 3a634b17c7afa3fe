// What `evalspec run --dry-run` estimates for one model (estimate.ts) or one judge (judge-estimate.ts): one type,
// so the two tables keep the same figures.
import type { PriceInfo } from '../pricing/index.js';

export interface CallsEstimate {
  /** The model's label, or the judge's name (as stored with results). */
  model: string;
  /** Calls this invocation would make (resumed runs: only those still to do). */
  calls: number;
  inputTokens: number;
  outputTokensPerCall: number;
  outputTokens: number;
  /** Where outputTokensPerCall comes from. */
  outputSource: string;
  /** Calls a paid provider (not a replay or a function; a function judge costs what it reports): --max-cost needs its price. */
  paidCalls: boolean;
  price: PriceInfo | null;
  /** null when the model or judge has no known price. */
  costUsd: number | null;
}
