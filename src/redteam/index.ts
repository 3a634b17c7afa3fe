// The red-team stage (issue #18): generates adversarial cases from the suite's `redteam:` block — plugins (base
// attacks with deterministic graders) × strategies (encodings, framings, translation, multi-turn) — into a
// reviewable JSONL file of ordinary case records. The only import surface of redteam/.
export type {
  AttackVariant,
  AttackerClient,
  BaseAttack,
  GraderSpec,
  OwaspId,
  PluginContext,
  RedteamPlugin,
  RedteamProvenance,
  RedteamStrategy,
  StrategyContext,
} from './types.js';
export { generateRedteam, type GenerateOptions, type GenerateSummary } from './generate.js';
export { initRedteam, type InitRedteamOptions, type InitRedteamResult } from './init.js';
export { PLUGINS } from './plugins/index.js';
export { STRATEGIES } from './strategies/index.js';
