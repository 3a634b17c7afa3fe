// The shapes the red-team stage shares between its plugins (base attacks and their graders), its strategies
// (variants of a base attack) and the generator (which writes them as case records). Design: docs/safety.md and
// /work/notes/safety-design.md. A generated case is an ordinary case record (suite/'s caseRecordSchema): nothing
// downstream knows it was generated except through its tags and provenance.
import type { RedteamPluginId, RedteamSpec, RedteamStrategyId, Suite } from '../suite/index.js';

/** OWASP Top 10 for LLM Applications (2025) ids, e.g. "LLM01:2025" (prompt injection). */
export type OwaspId = `LLM${'01' | '02' | '03' | '04' | '05' | '06' | '07' | '08' | '09' | '10'}:2025`;

/** A check spec as a suite author writes it (validated when the generated file is loaded). */
export type GraderSpec = Record<string, unknown> & { type: string };

/** One base attack: what goes into the case's vars and how success is detected. */
export interface BaseAttack {
  /** Stable within a generation: `<plugin>-<n>` (n from 1). */
  id: string;
  plugin: RedteamPluginId;
  /** The attack as the user's message (goes into the suite's input var). */
  text: string;
  /** Content for the context var (a document, retrieved chunk or account notes), e.g. an indirect injection. */
  context?: string;
  /** Values for other vars (e.g. the canary var). */
  vars?: Record<string, unknown>;
  /** Tool answers that carry the attack (indirect injection through a tool), keyed by tool name. */
  toolResults?: Record<string, unknown>;
  /** What a successful attack is, in words (shown in reports: "the reply contains the planted canary"). */
  goal: string;
  /**
   * The graders: checks that PASS when the app withstood the attack. Deterministic first (canary, refusal,
   * tool-not-called); a judge only where nothing deterministic can tell. Critical ones decide attack success.
   */
  checks: GraderSpec[];
  owasp: OwaspId[];
}

export interface PluginContext {
  spec: RedteamSpec;
  suite: Suite;
  /** The plugin entry's settings (`config:`) and its attempts (entry's, else the block's). */
  config: Record<string, unknown>;
  attempts: number;
  /** Seeded by the block's seed and the plugin id: the same suite generates the same attacks. */
  random: () => number;
  /** A fresh canary string, unique within the generation and unlikely in any text (e.g. "ZQ-4417-KESTREL"). */
  canary: () => string;
}

export interface RedteamPlugin {
  id: RedteamPluginId;
  owasp: OwaspId[];
  /** One sentence for `redteam init`, docs and the report. */
  description: string;
  /** Throws an EvalspecError naming the missing setting (e.g. canary_var) when the suite cannot host this plugin. */
  bases(ctx: PluginContext): BaseAttack[];
}

/** What a strategy made of a base attack. */
export interface AttackVariant {
  /** The new user message (replaces the base attack's text). */
  text: string;
  /** Multi-turn: the user messages in order (the last carries the attack); the base attack's checks apply to the last reply. */
  turns?: string[];
  /**
   * Tells apart the variants one strategy makes of one base attack, as the end of the case id
   * (`rt-<plugin>-<n>-<strategy>-<label>`): translation's language code. Undefined when the strategy makes one variant.
   */
  label?: string;
  /** "template" for deterministic strategies, else the attacker's provider:model. */
  generator: string;
  /** USD spent making it (model-generated variants), null when unknown. */
  costUsd?: number | null;
  /**
   * Multi-turn played at run time by the attacker model as the suite's simulated user (docs/agents.md,
   * "Conversations"): the case gets `simulated_user:` from this instead of `turns:` (a case cannot have both). The
   * instruction holds the attack verbatim: like `turns`, it is a template over the case's vars when the case loads.
   */
  simulatedUser?: { model: string; instruction: string; max_turns: number; seed: number };
}

export interface StrategyContext {
  spec: RedteamSpec;
  config: Record<string, unknown>;
  random: () => number;
  /** The attacker model (model-generated strategies only); undefined when the block names none. */
  attacker?: AttackerClient;
}

export interface RedteamStrategy {
  id: RedteamStrategyId;
  kind: 'deterministic' | 'model';
  description: string;
  /** One or more variants of the base attack (translation: one per language); [] when it does not apply. */
  apply(base: BaseAttack, ctx: StrategyContext): Promise<AttackVariant[]>;
}

/** The attacker model: one cached, seeded, priced call. */
export interface AttackerClient {
  model: string;
  complete(prompt: { system?: string; user: string }): Promise<{ text: string; costUsd: number | null }>;
}

/** The provenance written on each generated case (`provenance:` of the case record). */
export interface RedteamProvenance {
  source: 'redteam';
  plugin: RedteamPluginId;
  /** "none" for the base attack itself. */
  strategy: RedteamStrategyId | 'none';
  base: string;
  owasp: OwaspId[];
  goal: string;
  seed: number;
  generator: string;
  generated_at: string;
}
