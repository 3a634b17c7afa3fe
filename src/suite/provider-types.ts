// The provider types a suite may name, and the little that loading a suite needs to know of each. Everything
// else about a type (its AI SDK factory, API key variable, judge support) is its one file in run/providers/,
// whose registry is typed `satisfies { [T in ProviderType]: … }`: it can neither miss a type listed here nor
// add one; its price-database id is one line of pricing/price-ids.ts, typed the same way. The list lives here,
// not there, because suite/ comes before run/ and pricing/.

export interface ProviderTypeFacts {
  /** What the model part of "provider:model" names: a model, or a suite-relative file (labelled by its base name). */
  model: 'name' | 'file';
  /** There is no default endpoint: providers.<id>.baseURL is required, so the type is never usable undeclared. */
  needsBaseURL?: { example: string };
}

const FACTS = {
  openai: { model: 'name' },
  anthropic: { model: 'name' },
  google: { model: 'name' },
  'openai-compatible': { model: 'name', needsBaseURL: { example: 'baseURL: http://localhost:11434/v1 for Ollama' } },
  function: { model: 'file' },
  replay: { model: 'file' },
} satisfies Record<string, ProviderTypeFacts>;

export type ProviderType = keyof typeof FACTS;
export const PROVIDER_TYPE_FACTS: Readonly<Record<ProviderType, ProviderTypeFacts>> = FACTS;
/** Every type, in the order messages list them. */
export const PROVIDER_TYPES = Object.keys(FACTS) as [ProviderType, ...ProviderType[]];
/** Types a model id may use with no providers: entry (openai:gpt-4o-mini, replay:out.jsonl). */
export const BUILT_IN_PROVIDER_TYPES: readonly ProviderType[] = PROVIDER_TYPES.filter((t) => !PROVIDER_TYPE_FACTS[t].needsBaseURL);

export function isProviderType(name: string): name is ProviderType {
  return Object.hasOwn(FACTS, name);
}
