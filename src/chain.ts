// `evalspec/chain` (issue #20, docs/playground.md "Chains"): what a `function:` model imports to write a prompt
// chain whose steps evalspec records. Each step calls a model of the suite's providers through the AI SDK, by the
// factory the run uses (run/providers/), with the settings the run hands the function as `input.providers`:
// type, base URL, headers as written and the NAME of the key's variable, which is read here, in the function's
// worker, so no key ever travels in a message. The function returns `chain.result(output)`: `{ output, steps }`,
// which run/ stores as the result's `transcript.chain`, pricing each step from its model and tokens.
import { generateText } from 'ai';
import { networkLanguageModel, type ChainProvider } from './run/index.js';
import type { ChainStep } from './score/index.js';
import { resolveEnv, type GenerationParams, type ProviderType } from './suite/index.js';

export type { ChainStep } from './score/index.js';
export type { ChainProvider } from './run/index.js';

/** What a `function:` model receives (the fields the chain reads; the rest is the function's). */
export interface ChainInput {
  /** The suite's network providers, by provider id. */
  providers?: Record<string, ChainProvider>;
  /** The model entry's `config:` over its provider's, e.g. `{ classify: 'openai:gpt-4o-mini' }`. */
  config?: Record<string, unknown>;
  /** Aborted when the call times out or the run is cancelled: every step's request stops with it. */
  signal?: AbortSignal;
}

export interface StepSpec {
  /** provider:model, the provider one of the suite's (`input.providers`). */
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** The suite's generation params (temperature, max_tokens, top_p, seed, stop). */
  params?: GenerationParams;
}

/** The `{ output, steps }` a chain function returns. */
export interface ChainResult {
  output: string;
  steps: ChainStep[];
}

export interface Chain {
  /**
   * Calls `spec.model` with `spec.messages` and records the step; resolves with its text. A step that fails (after
   * the AI SDK's own two retries of a rate limit or server error) is recorded with its error and rethrown, naming
   * the step: catch it to go on (a fallback), or let it end the call (a function-error result).
   */
  step(name: string, spec: StepSpec): Promise<string>;
  /** Records a step that called no model (a lookup, a parse), with its output and how long it took. */
  record(name: string, output: unknown, latencyMs?: number | null): void;
  /** The value to return from the function: the final output with every step recorded so far. */
  result(output: unknown): ChainResult;
  readonly steps: readonly ChainStep[];
}

/** The step's model connected with the suite's settings, or the reason it cannot be (thrown, naming the fix). */
function connect(input: ChainInput, ref: string) {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) throw new Error(`model "${ref}" is not of the form provider:model (e.g. openai:gpt-4o-mini)`);
  const providerId = ref.slice(0, colon);
  const provider = input.providers?.[providerId];
  if (!provider) {
    const known = Object.keys(input.providers ?? {});
    throw new Error(
      `the suite has no network provider "${providerId}" (${known.length ? `its providers: ${known.join(', ')}` : 'none was handed to this function'}); declare it under providers: in the suite`,
    );
  }
  if (provider.apiKeyWrittenOut) throw new Error(`providers.${providerId}.apiKey is written out in the suite; write apiKey: "\${SOME_VARIABLE}" and export it`);
  const apiKey = provider.apiKeyEnv ? process.env[provider.apiKeyEnv] || undefined : undefined;
  if (provider.apiKeyEnv && !apiKey) throw new Error(`provider "${providerId}" reads its API key from ${provider.apiKeyEnv}, which is not set: export it`);
  const headers = provider.headers && Object.fromEntries(Object.entries(provider.headers).map(([k, v]) => [k, resolveEnv(v).value ?? '']));
  const settings = { id: providerId, apiKey, baseURL: provider.baseURL, headers, api: provider.api, fetch: globalThis.fetch };
  const model = networkLanguageModel(provider.type as ProviderType, ref.slice(colon + 1), settings);
  if (!model) throw new Error(`provider "${providerId}" is of type ${provider.type}, which is no model a step can call`);
  return model;
}

const text = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createChain(input: ChainInput): Chain {
  const steps: ChainStep[] = [];
  return {
    steps,
    async step(name, spec) {
      const started = performance.now();
      const base = { name, model: spec.model, messages: spec.messages.map((m) => ({ role: m.role, content: m.content })) };
      try {
        const p = spec.params ?? {};
        const answer = await generateText({
          model: connect(input, spec.model),
          messages: spec.messages,
          // The chain's author writes every message, system ones included, on purpose: the SDK's warning about system
          // messages in `messages` (against injected ones) would print on every step of every case.
          allowSystemInMessages: true,
          temperature: p.temperature,
          maxOutputTokens: p.max_tokens,
          topP: p.top_p,
          seed: p.seed,
          stopSequences: p.stop,
          maxRetries: 2,
          abortSignal: input.signal,
        });
        steps.push({
          ...base,
          output: answer.text,
          latencyMs: Math.round(performance.now() - started),
          inputTokens: answer.usage.inputTokens ?? null,
          outputTokens: answer.usage.outputTokens ?? null,
          costUsd: null, // priced by the run from the model and tokens (run/chain-targets.ts)
        });
        return answer.text;
      } catch (error) {
        const why = message(error);
        steps.push({
          ...base,
          output: '',
          latencyMs: Math.round(performance.now() - started),
          inputTokens: null,
          outputTokens: null,
          costUsd: null,
          error: why,
        });
        throw new Error(`chain step "${name}" (${spec.model}) failed: ${why}`, { cause: error });
      }
    },
    record(name, output, latencyMs = null) {
      steps.push({ name, model: null, output: text(output), latencyMs, inputTokens: null, outputTokens: null, costUsd: null });
    },
    result(output) {
      return { output: text(output), steps: [...steps] };
    },
  };
}
