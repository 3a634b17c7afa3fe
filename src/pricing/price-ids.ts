// Which provider of the @pydantic/genai-prices database lists a provider type's model ids: the one fact about
// a provider type that pricing needs, kept here (not in run/providers/) so that reading costs back (show, diff,
// select, the viewer) loads the price database without the AI SDK (issue #22). Typed over every provider type:
// adding one to suite/provider-types.ts fails to compile until it has its line here (undefined: its model ids
// are not in the database; price_as: prices them).
import type { ProviderType } from '../suite/index.js';

const PRICE_DATABASE_IDS = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  'openai-compatible': undefined,
  function: undefined,
  replay: undefined,
} satisfies Record<ProviderType, string | undefined>;

/**
 * The price database's provider id for a name: an evalspec provider type's own id, or undefined when that
 * type's model ids are not in the database. A name that is no evalspec type (price_as: mistral:…) is undefined.
 */
export function priceProviderIdOf(name: string): string | undefined {
  return Object.hasOwn(PRICE_DATABASE_IDS, name) ? PRICE_DATABASE_IDS[name as ProviderType] : undefined;
}
