// What one provider type is to the run: a network provider creates an AI SDK LanguageModel (the seam the
// whole run calls through); a local one (function:, replay:) builds its call target itself. One file per type
// in this folder exports one definition; registry.ts lists them.
import type { LanguageModel } from 'ai';
import type { ModelRef, Suite } from '../../suite/index.js';
import type { CallTarget, JudgeTarget } from '../call-target.js';
import type { ChainProvider } from '../chain-steps.js';

/** A providers.<id> entry as the AI SDK provider gets it: ${ENV} resolved, secrets registered for scrubbing. */
export interface ProviderSettings {
  /** The provider's id in the suite (openai-compatible servers are named by it). */
  id: string;
  apiKey?: string;
  /** Undefined: the provider package's own default endpoint. */
  baseURL?: string;
  headers?: Record<string, string>;
  /** providers.<id>.api: which endpoint, for providers that have more than one. */
  api?: string;
  /** Every request goes through this fetch (run/http-fetch.ts); the SDK's own retries stay off. */
  fetch: typeof globalThis.fetch;
}

export interface NetworkProviderDefinition {
  kind: 'network';
  /** The variable read for the API key when providers.<id>.apiKey is not set; none: the server may need no key. */
  apiKeyEnv?: string;
  /** True when the provider cannot be asked to enforce a JSON schema: judge prompts then carry the answer's schema. */
  judgeSchemaInPrompt?: boolean;
  languageModel(modelId: string, settings: ProviderSettings): LanguageModel;
}

/** What the run hands a local target besides the suite. */
export interface LocalTargetContext {
  /** The suite's network providers as a `function:` model's `input.providers` (run/chain-targets.ts). */
  chainProviders: Record<string, ChainProvider>;
}

/** A provider that makes no HTTP call: the user's own code, or a log of outputs. */
export interface LocalProviderDefinition {
  kind: 'function' | 'replay';
  /** Built before the first call, so a missing file or export fails the run up front. */
  createTarget(suite: Suite, model: ModelRef, warnings: string[], context: LocalTargetContext): CallTarget | Promise<CallTarget>;
  /** Absent: the type cannot be a judge. */
  createJudge?(suite: Suite, ref: ModelRef): Promise<JudgeTarget>;
}

export type ProviderDefinition = NetworkProviderDefinition | LocalProviderDefinition;
