// Network call targets: a suite model of a network provider type (run/providers/) resolved to an AI SDK
// LanguageModel and called through its provider-level interface, the same request generateText would send.
import { createRequire } from 'node:module';
import type { LanguageModel } from 'ai';
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Prompt, SharedV3Warning } from '@ai-sdk/provider';
import { EvalspecError } from '../errors.js';
import { resolveEnv, type Suite, type ModelRef, type Message } from '../suite/index.js';
import type { CallRequest, CallResponse, CallTarget } from './call-target.js';
import { providerFetch } from './http-fetch.js';
import type { NetworkProviderDefinition } from './providers/definition.js';
import type { SecretScrubber } from './secrets.js';
import { observingFetch, type RateLimits } from './rate-limit/registry.js';
import type { RateController } from './rate-limit/controller.js';
import { legacyCallOptions, streamLegacyModel, streamModelDirect } from './stream-call.js';

function resolveApiKey(suite: Suite, model: ModelRef, definition: NetworkProviderDefinition, scrubber: SecretScrubber): string | undefined {
  const cfg = suite.providers[model.providerId];
  const envName = definition.apiKeyEnv;
  const raw = cfg.apiKey ?? (envName ? `\${${envName}}` : undefined);
  if (raw === undefined) return undefined; // openai-compatible servers often need none
  const { value, missing } = resolveEnv(raw);
  if (value === undefined || missing.length > 0) {
    const variable = missing[0] ?? envName ?? 'the API key variable';
    throw new EvalspecError('API_KEY_MISSING', `provider "${model.providerId}" (model ${model.ref}) needs an API key, and ${variable} is not set`, {
      file: suite.file,
      line: model.line,
      hint: `export ${variable}=… (or set providers.${model.providerId}.apiKey: "\${MY_VAR}" in the suite); for a demo with no key use replay: or function: models`,
    });
  }
  scrubber.add(value);
  return value;
}

function resolveBaseURL(suite: Suite, model: ModelRef, warnings: string[]): string | undefined {
  const raw = suite.providers[model.providerId].baseURL;
  if (raw === undefined) return undefined;
  const { value, missing } = resolveEnv(raw);
  if (missing.length > 0)
    warnings.push(`providers.${model.providerId}.baseURL reads ${missing.join(', ')}, which is not set: using the provider's default URL`);
  return value;
}

function resolveHeaders(suite: Suite, model: ModelRef, scrubber: SecretScrubber): Record<string, string> | undefined {
  const raw = suite.providers[model.providerId].headers;
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const value = resolveEnv(v).value ?? '';
    scrubber.add(value);
    out[k] = value;
  }
  return out;
}

/** A network model, connected: its AI SDK model and what identifies its endpoint. */
export interface NetworkConnection {
  languageModel: LanguageModel;
  /** Calls sharing it share the provider's concurrency limit. */
  connectionKey: string;
  /** The endpoint's part of the cache key (never the API key): type, API flavour, base URL, model. */
  cacheIdentity: Record<string, unknown>;
  /** The model's rate controller (shared with judges on the same key and model). */
  rateController: RateController;
}

/** Resolves the provider's settings (key, base URL, headers) and creates the model; a missing key fails here. */
export function connectNetworkModel(
  suite: Suite,
  model: ModelRef,
  definition: NetworkProviderDefinition,
  scrubber: SecretScrubber,
  warnings: string[],
  rateLimits: RateLimits,
): NetworkConnection {
  const cfg = suite.providers[model.providerId];
  const apiKey = resolveApiKey(suite, model, definition, scrubber);
  const baseURL = resolveBaseURL(suite, model, warnings);
  const headers = resolveHeaders(suite, model, scrubber);
  const connectionKey = `${cfg.type}|${baseURL ?? 'default'}`;
  // Limits are per account (key) and model: the key is hashed into the controller's identity, never kept.
  const rateController = rateLimits.controllerFor(
    connectionKey,
    JSON.stringify([apiKey ?? null, headers ?? null]),
    model.modelId,
    `${model.providerId}:${model.modelId}`,
    model.rateLimit ?? cfg.rate_limit,
    !cfg.concurrency, // a declared concurrency is the burst the provider takes: no probe
  );
  const fetch = observingFetch(providerFetch as Parameters<typeof observingFetch>[0], rateController) as typeof providerFetch;
  return {
    languageModel: definition.languageModel(model.modelId, { id: model.providerId, apiKey, baseURL, headers, api: cfg.api, fetch }),
    connectionKey,
    cacheIdentity: { type: cfg.type, api: cfg.api ?? null, baseURL: baseURL ?? null, model: model.modelId },
    rateController,
  };
}

export function networkTarget(
  suite: Suite,
  model: ModelRef,
  definition: NetworkProviderDefinition,
  scrubber: SecretScrubber,
  warnings: string[],
  rateLimits: RateLimits,
): CallTarget {
  const cfg = suite.providers[model.providerId];
  const { languageModel: lm, connectionKey, cacheIdentity, rateController } = connectNetworkModel(suite, model, definition, scrubber, warnings, rateLimits);
  return {
    kind: 'network',
    measuresLatency: true,
    connectionKey,
    rateController,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout_ms,
    cacheIdentity,
    languageModel: isV3(lm) ? lm : undefined,
    async call(req) {
      if (isV3(lm)) return callModelDirect(lm, req);
      if (req.stream) return streamLegacyModel(lm, req);
      const { generateText } = await import('ai'); // only for models older than the V3 interface
      const result = await generateText(legacyCallOptions(lm, req));
      return {
        text: result.text,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        cachedInputTokens: result.usage.inputTokenDetails?.cacheReadTokens,
        finishReason: result.finishReason,
      };
    },
  };
}

// The hot path. For one text-only step with no tools, generateText is a wrapper around the provider's
// doGenerate that validates the prompt with zod, builds telemetry spans, step results and a
// structuredClone of the response messages, and retries (we pass maxRetries: 0): about half of the CPU
// of a call on a fast endpoint. Calling doGenerate with the options generateText would pass sends the
// same request (same body, same user-agent) and gets the same provider errors (APICallError), at about
// half the CPU per call. Models that are not LanguageModelV3 still go through generateText.
const AI_USER_AGENT = `ai/${(createRequire(import.meta.url)('ai/package.json') as { version: string }).version}`;

export function isV3(lm: LanguageModel): lm is LanguageModelV3 {
  return typeof lm === 'object' && lm !== null && (lm as { specificationVersion?: string }).specificationVersion === 'v3';
}

/** Our messages in the provider-level prompt format, exactly as generateText converts string contents. */
function toProviderPrompt(messages: Message[]): LanguageModelV3Prompt {
  return messages.map((m) =>
    m.role === 'system' ? { role: 'system' as const, content: m.content } : { role: m.role, content: [{ type: 'text' as const, text: m.content }] },
  );
}

/** The AI SDK's warning output (what generateText prints), honouring globalThis.AI_SDK_LOG_WARNINGS. */
let loggedSdkWarning = false;
function logSdkWarnings(warnings: SharedV3Warning[], provider: string, model: string): void {
  if (warnings.length === 0) return;
  const logger = (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS;
  if (logger === false) return;
  if (typeof logger === 'function') return void logger({ warnings, provider, model });
  if (!loggedSdkWarning) {
    loggedSdkWarning = true;
    console.info('AI SDK Warning System: To turn off warning logging, set the AI_SDK_LOG_WARNINGS global to false.');
  }
  const prefix = `AI SDK Warning (${provider} / ${model}):`;
  for (const w of warnings) {
    if (w.type === 'unsupported') console.warn(`${prefix} The feature "${w.feature}" is not supported.${w.details ? ` ${w.details}` : ''}`);
    else if (w.type === 'compatibility')
      console.warn(`${prefix} The feature "${w.feature}" is used in a compatibility mode.${w.details ? ` ${w.details}` : ''}`);
    else if (w.type === 'other') console.warn(`${prefix} ${w.message}`);
    else console.warn(`${prefix} ${JSON.stringify(w, null, 2)}`);
  }
}

async function callModelDirect(lm: LanguageModelV3, req: CallRequest): Promise<CallResponse> {
  const options: LanguageModelV3CallOptions = {
    prompt: toProviderPrompt(req.messages),
    maxOutputTokens: req.params.max_tokens,
    temperature: req.params.temperature,
    topP: req.params.top_p,
    seed: req.params.seed,
    stopSequences: req.params.stop,
    abortSignal: req.signal,
    headers: { 'user-agent': AI_USER_AGENT },
  };
  // Streamed: the same options through doStream (stream-call.ts); the provider asks for usage in the stream itself
  // (OpenAI's stream_options.include_usage), as it does under streamText.
  if (req.stream) return streamModelDirect(lm, { ...options, includeRawChunks: false }, req, (w) => logSdkWarnings(w, lm.provider, lm.modelId));
  const result = await lm.doGenerate(options);
  logSdkWarnings(result.warnings ?? [], lm.provider, lm.modelId);
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return {
    text,
    inputTokens: result.usage.inputTokens.total,
    outputTokens: result.usage.outputTokens.total,
    cachedInputTokens: result.usage.inputTokens.cacheRead,
    finishReason: result.finishReason.unified,
  };
}
