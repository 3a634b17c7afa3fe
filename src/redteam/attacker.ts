// The attacker model of model-generated strategies: one seeded, cached, priced call per request, counted against
// the generation's spend cap. FOUNDATION PLACEHOLDER: helper rts builds it (see /work/notes/safety-design.md).
import type { RedteamSpec, Suite } from '../suite/index.js';
import type { Store } from '../store/index.js';
import type { AttackerClient } from './types.js';

export interface AttackerOptions {
  store?: Store;
  /** USD cap over every attacker call of the generation; a call that would pass it throws AttackerBudgetExceeded. */
  maxCostUsd?: number;
  signal?: AbortSignal;
}

/** Thrown when the next call would pass the cap: generation stops cleanly and keeps what it wrote. */
export class AttackerBudgetExceeded extends Error {
  constructor(
    readonly spentUsd: number,
    readonly maxCostUsd: number,
  ) {
    super(`the attacker's spend would pass --max-cost ${maxCostUsd} (spent ${spentUsd.toFixed(4)} USD)`);
  }
}

export function createAttacker(_suite: Suite, spec: RedteamSpec, _options: AttackerOptions = {}): AttackerClient | undefined {
  if (!spec.attacker) return undefined;
  throw new Error('the attacker client is not built yet');
}
