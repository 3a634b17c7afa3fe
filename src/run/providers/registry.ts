// The provider registry: every provider type a suite may name, one definition each (one file per type in
// this folder). Every per-type decision of the run (key variable, model factory, judge support, whether a call
// is paid) is read from here; the price id is pricing/price-ids.ts's. Its keys must be exactly
// suite/provider-types.ts's types.
import type { ProviderType } from '../../suite/index.js';
import type { LanguageModel } from 'ai';
import type { ProviderDefinition, ProviderSettings } from './definition.js';
import { openai } from './openai.js';
import { anthropic } from './anthropic.js';
import { google } from './google.js';
import { openaiCompatible } from './openai-compatible.js';
import { functionProvider } from './function.js';
import { replay } from './replay.js';

export const PROVIDERS = {
  openai,
  anthropic,
  google,
  'openai-compatible': openaiCompatible,
  function: functionProvider,
  replay,
} satisfies Record<ProviderType, ProviderDefinition>;

export function providerDefinition(type: ProviderType): ProviderDefinition {
  return PROVIDERS[type];
}

/** Whether calls of this type go over the network to a model (and so cost money and time). */
export function isNetworkProvider(type: ProviderType): boolean {
  return PROVIDERS[type].kind === 'network';
}

/** Whether a model of this type can be a judge. */
export function canJudge(type: ProviderType): boolean {
  const definition = providerDefinition(type);
  return definition.kind === 'network' || definition.createJudge !== undefined;
}

/** The variable a network type reads its API key from when the suite names none (undefined: none, or not network). */
export function apiKeyEnvOf(type: ProviderType): string | undefined {
  const definition: ProviderDefinition = PROVIDERS[type];
  return definition.kind === 'network' ? definition.apiKeyEnv : undefined;
}

/**
 * A network type's AI SDK model built outside a run, by the same factory the run uses: what `evalspec/chain`'s
 * steps call (src/chain.ts). Undefined for function and replay, which are no model to call.
 */
export function networkLanguageModel(type: ProviderType, modelId: string, settings: ProviderSettings): LanguageModel | undefined {
  const definition: ProviderDefinition = PROVIDERS[type];
  return definition.kind === 'network' ? definition.languageModel(modelId, settings) : undefined;
}
