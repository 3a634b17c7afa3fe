// The suite's `redteam:` block (issue #18, docs/safety.md): what the app is for, which attacks to generate
// (plugins × strategies) and where the generated cases go. The block defines generation only: `evalspec redteam
// generate` writes the cases to a reviewable JSONL file, and `--suite-part redteam` runs that file like any cases
// file, so the block stays out of the suite hash (the cases are in it). The plugin and strategy ids live here,
// where the suite is validated; src/redteam/'s registries are typed by them (`satisfies Record<RedteamPluginId, …>`),
// so an id cannot be valid here and missing there.
import { z } from 'zod';

/** Each maps to OWASP Top 10 for LLM Applications (2025) ids in its plugin file (src/redteam/plugins/). */
export const REDTEAM_PLUGIN_IDS = [
  'prompt-injection',
  'indirect-injection',
  'system-prompt-extraction',
  'secret-leak',
  'pii-leak',
  'jailbreak',
  'excessive-agency',
  'overconfidence',
  'off-topic',
  'harmful-content',
] as const;
export type RedteamPluginId = (typeof REDTEAM_PLUGIN_IDS)[number];

export const REDTEAM_STRATEGY_IDS = [
  'base64',
  'rot13',
  'leetspeak',
  'homoglyph',
  'zero-width',
  'role-play',
  'hypothetical',
  'payload-splitting',
  'translation',
  'multi-turn',
] as const;
export type RedteamStrategyId = (typeof REDTEAM_STRATEGY_IDS)[number];

const pluginEntrySchema = z.union(
  [
    z.enum(REDTEAM_PLUGIN_IDS),
    z.strictObject({
      id: z.enum(REDTEAM_PLUGIN_IDS),
      /** Base attacks of this plugin (over the block's `attempts`). */
      attempts: z.number().int().min(1).max(1000).optional(),
      /** Plugin settings (e.g. excessive-agency's `tools`, harmful-content's `categories`): see docs/safety.md. */
      config: z.record(z.string(), z.unknown()).optional(),
    }),
  ],
  { error: `unknown plugin: write one of ${REDTEAM_PLUGIN_IDS.join(', ')} (or { id, attempts, config })` },
);

const strategyEntrySchema = z.union(
  [
    z.enum(REDTEAM_STRATEGY_IDS),
    z.strictObject({
      id: z.enum(REDTEAM_STRATEGY_IDS),
      /** Strategy settings (e.g. translation's `languages`, multi-turn's `turns`): see docs/safety.md. */
      config: z.record(z.string(), z.unknown()).optional(),
    }),
  ],
  { error: `unknown strategy: write one of ${REDTEAM_STRATEGY_IDS.join(', ')} (or { id, config })` },
);

export const redteamSchema = z.strictObject({
  /** What the app is for and must not do, in words: plugins derive attacks (and forbidden topics) from it. */
  purpose: z.string({ error: 'redteam: needs a purpose: (what the app is for, in a sentence or two)' }).min(1),
  /** Topics the app must refuse (jailbreak and harmful-content targets); default: none beyond the plugins' own. */
  forbidden_topics: z.array(z.string().min(1)).optional(),
  /** The case var that carries the user's message (the attack goes there); default: the only var of the last user message. */
  input_var: z.string().min(1).optional(),
  /** A var holding a document, retrieved chunk or account notes the prompt shows: indirect injection and leak canaries go there. */
  context_var: z.string().min(1).optional(),
  /** A var the system prompt shows (e.g. an internal code): system-prompt extraction plants its canary there. */
  canary_var: z.string().min(1).optional(),
  /** Values of the prompt's other vars in generated cases. */
  vars: z.record(z.string(), z.unknown()).optional(),
  plugins: z.array(pluginEntrySchema).min(1),
  strategies: z.array(strategyEntrySchema).default([]),
  /** Base attacks per plugin (each strategy adds one variant per base attack). */
  attempts: z.number().int().min(1).max(1000).default(5),
  /** provider:model that writes model-generated variants (translation, paraphrase); seeded and cached. */
  attacker: z.string().min(1).optional(),
  /** provider:model of the judge for graders that need one (harmful-content). */
  grader: z.string().min(1).optional(),
  seed: z.number().int().default(0),
  /** Where `redteam generate` writes the cases, relative to the suite file. */
  cases: z.string().min(1).default('redteam-cases.jsonl'),
  /** USD cap of generation's model calls (the CLI's --max-cost wins). */
  max_cost: z.number().positive().optional(),
});
export type RedteamSpec = z.output<typeof redteamSchema>;

export const VALID_REDTEAM_KEYS = Object.keys(redteamSchema.shape);

/** Which cases a run takes: the suite's `cases:`, the generated red-team cases, or both (`--suite-part`). */
export const SUITE_PARTS = ['cases', 'redteam', 'all'] as const;
export type SuitePart = (typeof SUITE_PARTS)[number];

/** The normalised block on a loaded Suite. */
export interface SuiteRedteam {
  spec: RedteamSpec;
  /** Absolute path of the generated cases file. */
  casesFile: string;
  /** Line of the `redteam:` key in the suite file. */
  line?: number;
}

/** A plugin or strategy entry as { id, attempts?, config }. */
export function redteamEntry<Id extends string>(
  entry: Id | { id: Id; attempts?: number; config?: Record<string, unknown> },
): {
  id: Id;
  attempts?: number;
  config: Record<string, unknown>;
} {
  return typeof entry === 'string' ? { id: entry, config: {} } : { id: entry.id, attempts: entry.attempts, config: entry.config ?? {} };
}
