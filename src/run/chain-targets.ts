// What a run adds to a `function:` chain (issue #20, docs/playground.md "Chains"): the suite's network providers
// as the function's `input.providers` (never a key, only the variable to read it from: `evalspec/chain` reads it
// in the worker), and, once it answered, each model step priced from its model and tokens when it reported no
// cost, and the result's tokens and cost summed from the steps when the function gave none of its own. Kept out
// of providers/function.ts because prices and the provider registry import that file (no import cycles).
import type { ChainStep } from '../score/index.js';
import { envVariablesIn, resolveEnv, type Suite } from '../suite/index.js';
import type { CallResponse } from './call-target.js';
import { chainTotal, type ChainProvider } from './chain-steps.js';
import type { Pricer } from '../pricing/index.js';
import { apiKeyEnvOf, isNetworkProvider } from './providers/registry.js';

/** The suite's network providers, keyed by provider id, as a `function:` model gets them (no key values). */
export function chainProviders(suite: Suite): Record<string, ChainProvider> {
  const out: Record<string, ChainProvider> = {};
  for (const [id, cfg] of Object.entries(suite.providers)) {
    if (!isNetworkProvider(cfg.type)) continue;
    const provider: ChainProvider = { type: cfg.type };
    if (cfg.baseURL !== undefined) {
      const baseURL = resolveEnv(cfg.baseURL).value;
      if (baseURL !== undefined) provider.baseURL = baseURL;
    }
    if (cfg.api !== undefined) provider.api = cfg.api;
    if (cfg.headers) provider.headers = { ...cfg.headers };
    if (cfg.apiKey === undefined) {
      const env = apiKeyEnvOf(cfg.type);
      if (env) provider.apiKeyEnv = env;
    } else {
      const variables = envVariablesIn(cfg.apiKey);
      if (variables.length === 1 && cfg.apiKey.trim() === `\${${variables[0]}}`) provider.apiKeyEnv = variables[0];
      else provider.apiKeyWrittenOut = true;
    }
    out[id] = provider;
  }
  return out;
}

/**
 * A function's answer with its chain priced: each model step without a reported cost at its model's price (the
 * suite's `price:` / `price_as:` of the model entry with that ref, else the price database; unpriced stays
 * null), then the answer's tokens and cost from the steps where the function reported none (chainTotal: unknown
 * when a model step that answered lacks one). An answer with no chain is returned as it is.
 */
export function priceChain(response: CallResponse, suite: Suite, pricer: Pricer): CallResponse {
  const chain = response.transcript?.chain;
  if (!chain) return response;
  for (const step of chain) if (step.costUsd === null && step.model !== null) step.costUsd = priceStep(suite, pricer, step.model, step) ?? null;
  return {
    ...response,
    inputTokens: response.inputTokens ?? chainTotal(chain, 'inputTokens'),
    outputTokens: response.outputTokens ?? chainTotal(chain, 'outputTokens'),
    costUsd: response.costUsd ?? chainTotal(chain, 'costUsd'),
  };
}

function priceStep(suite: Suite, pricer: Pricer, ref: string, step: ChainStep): number | undefined {
  const colon = ref.indexOf(':');
  const providerType = suite.providers[ref.slice(0, colon)]?.type;
  if (!providerType) return undefined; // a provider the suite does not know: unpriced, never 0
  const entry = suite.models.find((m) => m.ref === ref);
  const model = { providerType, modelId: ref.slice(colon + 1), price: entry?.price, priceAs: entry?.priceAs };
  return pricer.cost(model, step.inputTokens ?? undefined, step.outputTokens ?? undefined);
}
