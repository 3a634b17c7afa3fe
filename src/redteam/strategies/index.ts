// The strategy registry: one line per strategy, typed by suite/'s ids so an id cannot be valid in the suite and
// missing here. FOUNDATION PLACEHOLDER: helper rts replaces each entry with its file under strategies/.
import { REDTEAM_STRATEGY_IDS, type RedteamStrategyId } from '../../suite/index.js';
import type { RedteamStrategy } from '../types.js';

function notBuilt(id: RedteamStrategyId): RedteamStrategy {
  return {
    id,
    kind: 'deterministic',
    description: `${id} (not built yet)`,
    apply: () => Promise.reject(new Error(`strategy ${id} is not built yet`)),
  };
}

export const STRATEGIES = Object.fromEntries(REDTEAM_STRATEGY_IDS.map((id) => [id, notBuilt(id)])) as Record<RedteamStrategyId, RedteamStrategy>;
