// The strategy registry: one line per strategy, typed by suite/'s ids so an id cannot be valid in the suite and
// missing here. Each strategy makes variants of a base attack (types.ts RedteamStrategy); the files group them by
// family: encodings.ts, framings.ts (role-play, hypothetical, payload splitting), translation.ts, multi-turn.ts.
import type { RedteamStrategyId } from '../../suite/index.js';
import type { RedteamStrategy } from '../types.js';
import { base64Strategy, homoglyphStrategy, leetspeakStrategy, rot13Strategy, zeroWidthStrategy } from './encodings.js';
import { hypotheticalStrategy, payloadSplittingStrategy, rolePlayStrategy } from './framings.js';
import { multiTurnStrategy } from './multi-turn.js';
import { translationStrategy } from './translation.js';

export const STRATEGIES = {
  base64: base64Strategy,
  rot13: rot13Strategy,
  leetspeak: leetspeakStrategy,
  homoglyph: homoglyphStrategy,
  'zero-width': zeroWidthStrategy,
  'role-play': rolePlayStrategy,
  hypothetical: hypotheticalStrategy,
  'payload-splitting': payloadSplittingStrategy,
  translation: translationStrategy,
  'multi-turn': multiTurnStrategy,
} satisfies Record<RedteamStrategyId, RedteamStrategy>;
