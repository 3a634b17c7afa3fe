// Call targets: one per model of the suite, built by its provider type's definition (run/providers/): network
// models go through the Vercel AI SDK (real HTTP, the provider's own wire format, network-target.ts);
// `function:` calls the user's own code; `replay:` reads logged outputs.
import type { Suite, ModelRef } from '../suite/index.js';
import type { CallTarget } from './call-target.js';
import { chainProviders, priceChain } from './chain-targets.js';
import { networkTarget } from './network-target.js';
import { createPricer } from '../pricing/index.js';
import { providerDefinition } from './providers/registry.js';
import type { SecretScrubber } from './secrets.js';
import type { RateLimits } from './rate-limit/registry.js';

export type { CallRequest, CallResponse, CallTarget } from './call-target.js';

/** Build every model's target before the first call, so a missing key or module fails the run up front. */
export async function buildTargets(
  suite: Suite,
  models: ModelRef[],
  scrubber: SecretScrubber,
  warnings: string[],
  rateLimits: RateLimits,
): Promise<Map<string, CallTarget>> {
  const targets = new Map<string, CallTarget>();
  const context = { chainProviders: chainProviders(suite) };
  const pricer = createPricer();
  for (const model of models) {
    const definition = providerDefinition(suite.providers[model.providerId].type);
    const target =
      definition.kind === 'network'
        ? networkTarget(suite, model, definition, scrubber, warnings, rateLimits)
        : await definition.createTarget(suite, model, warnings, context);
    // A `function:` chain's steps are priced, and its totals summed, once it answered (chain-targets.ts).
    targets.set(model.label, target.kind === 'function' ? { ...target, call: async (req) => priceChain(await target.call(req), suite, pricer) } : target);
  }
  return targets;
}
