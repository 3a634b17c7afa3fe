// Call targets: one per model of the suite. Network models go through the Vercel AI SDK (real HTTP, the
// provider's own wire format); `function:` calls the user's own code; `replay:` reads logged outputs.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LanguageModel } from 'ai';
import type { LanguageModelV3, LanguageModelV3Prompt, SharedV3Warning } from '@ai-sdk/provider';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { EvalspecError } from '../errors.js';
import { resolveEnv, readTextFile, type Suite, type ModelRef, type Message, type GenerationParams } from '../suite/index.js';
import { CallFailure } from './errors.js';
import { loadUserFunction } from './user-function.js';
import { providerFetch } from './http-fetch.js';
import type { SecretScrubber } from './secrets.js';
import { countTokens, countMessageTokens, TOKENIZER_NAME } from './tokens.js';

export interface CallRequest {
  caseId: string;
  repeat: number;
  vars: Record<string, unknown>;
  messages: Message[];
  params: GenerationParams;
  signal: AbortSignal;
}

export interface CallResponse {
  text: string;
  inputTokens?: number;
  outputTokens?: number;
  /** How many of inputTokens were read from the provider's prompt cache (priced at the cached rate). */
  cachedInputTokens?: number;
  finishReason?: string;
  /** Set by targets that know their own cost (replayed logs, user functions). */
  costUsd?: number;
  /** Set by replay targets: the logged latency instead of our wall time. */
  latencyMs?: number;
}

export interface CallTarget {
  kind: 'network' | 'function' | 'replay';
  /** False for replayed logs: our wall time says nothing about the model; only a logged latency counts. */
  measuresLatency: boolean;
  /** Calls sharing a connection key share its concurrency limit. */
  connectionKey: string;
  concurrency?: number;
  timeoutMs?: number;
  /** What identifies the endpoint in the cache key (never the API key); null: not cached. */
  cacheIdentity: Record<string, unknown> | null;
  call(request: CallRequest): Promise<CallResponse>;
}

const DEFAULT_KEY_ENV: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
};

export function resolveApiKey(suite: Suite, model: ModelRef, scrubber: SecretScrubber): string | undefined {
  const cfg = suite.providers[model.providerId];
  const envName = DEFAULT_KEY_ENV[cfg.type];
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

export function resolveBaseURL(suite: Suite, model: ModelRef, warnings: string[]): string | undefined {
  const raw = suite.providers[model.providerId].baseURL;
  if (raw === undefined) return undefined;
  const { value, missing } = resolveEnv(raw);
  if (missing.length > 0) warnings.push(`providers.${model.providerId}.baseURL reads ${missing.join(', ')}, which is not set: using the provider's default URL`);
  return value;
}

export function resolveHeaders(suite: Suite, model: ModelRef, scrubber: SecretScrubber): Record<string, string> | undefined {
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

export function languageModel(suite: Suite, model: ModelRef, apiKey: string | undefined, baseURL: string | undefined, headers: Record<string, string> | undefined): LanguageModel {
  const cfg = suite.providers[model.providerId];
  switch (cfg.type) {
    case 'openai': {
      const provider = createOpenAI({ apiKey, baseURL, headers, fetch: providerFetch });
      return cfg.api === 'responses' ? provider.responses(model.modelId) : provider.chat(model.modelId);
    }
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL, headers, fetch: providerFetch })(model.modelId);
    case 'google':
      return createGoogleGenerativeAI({ apiKey, baseURL, headers, fetch: providerFetch })(model.modelId);
    case 'openai-compatible':
      return createOpenAICompatible({ name: model.providerId, apiKey, baseURL: baseURL!, headers, includeUsage: true, fetch: providerFetch }).chatModel(model.modelId);
    default:
      throw new Error(`not a network provider: ${cfg.type}`);
  }
}

function networkTarget(suite: Suite, model: ModelRef, scrubber: SecretScrubber, warnings: string[]): CallTarget {
  const cfg = suite.providers[model.providerId];
  const apiKey = resolveApiKey(suite, model, scrubber);
  const baseURL = resolveBaseURL(suite, model, warnings);
  const headers = resolveHeaders(suite, model, scrubber);
  const lm = languageModel(suite, model, apiKey, baseURL, headers);
  return {
    kind: 'network',
    measuresLatency: true,
    connectionKey: `${cfg.type}|${baseURL ?? 'default'}`,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout_ms,
    cacheIdentity: { type: cfg.type, api: cfg.api ?? null, baseURL: baseURL ?? null, model: model.modelId },
    async call(req) {
      if (isV3(lm)) return callModelDirect(lm, req);
      const { generateText } = await import('ai'); // only for models older than the V3 interface
      const result = await generateText({
        model: lm,
        messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: req.params.temperature,
        maxOutputTokens: req.params.max_tokens,
        topP: req.params.top_p,
        seed: req.params.seed,
        stopSequences: req.params.stop,
        maxRetries: 0, // retries live in run/ only
        abortSignal: req.signal,
      });
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

function isV3(lm: LanguageModel): lm is LanguageModelV3 {
  return typeof lm === 'object' && lm !== null && (lm as { specificationVersion?: string }).specificationVersion === 'v3';
}

/** Our messages in the provider-level prompt format, exactly as generateText converts string contents. */
function toProviderPrompt(messages: Message[]): LanguageModelV3Prompt {
  return messages.map((m) =>
    m.role === 'system'
      ? { role: 'system' as const, content: m.content }
      : { role: m.role, content: [{ type: 'text' as const, text: m.content }] },
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
    else if (w.type === 'compatibility') console.warn(`${prefix} The feature "${w.feature}" is used in a compatibility mode.${w.details ? ` ${w.details}` : ''}`);
    else if (w.type === 'other') console.warn(`${prefix} ${w.message}`);
    else console.warn(`${prefix} ${JSON.stringify(w, null, 2)}`);
  }
}

async function callModelDirect(lm: LanguageModelV3, req: CallRequest): Promise<CallResponse> {
  const result = await lm.doGenerate({
    prompt: toProviderPrompt(req.messages),
    maxOutputTokens: req.params.max_tokens,
    temperature: req.params.temperature,
    topP: req.params.top_p,
    seed: req.params.seed,
    stopSequences: req.params.stop,
    abortSignal: req.signal,
    headers: { 'user-agent': AI_USER_AGENT },
  });
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

// `function:` targets: the function gets `signal`, aborted when the call times out or the run is cancelled.
async function functionTarget(suite: Suite, model: ModelRef): Promise<CallTarget> {
  const fn = await loadUserFunction(suite, model, {
    role: 'provider',
    entry: 'model',
    signature: '(input) => string | { output, inputTokens?, outputTokens?, costUsd? }',
  });
  const cfg = suite.providers[model.providerId];
  return {
    kind: 'function',
    measuresLatency: true,
    connectionKey: `function|${fn.file}`,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout_ms,
    cacheIdentity: null, // the user's code may change between runs; never serve it from cache
    async call(req) {
      const input = { vars: req.vars, messages: req.messages, caseId: req.caseId, repeat: req.repeat };
      const out = await fn.call(input, req.signal, cfg.timeout_ms ?? suite.timeoutMs);
      if (typeof out === 'string') return { text: out };
      if (out && typeof out === 'object' && 'output' in out) {
        const o = out as { output: unknown; inputTokens?: number; outputTokens?: number; costUsd?: number };
        return { text: typeof o.output === 'string' ? o.output : JSON.stringify(o.output), inputTokens: o.inputTokens, outputTokens: o.outputTokens, costUsd: o.costUsd };
      }
      throw new CallFailure('function-error', `${model.ref} returned ${out === undefined ? 'nothing' : typeof out}; return a string or { output }`);
    },
  };
}

interface ReplayRecord {
  /** null when the logged "output" is not text (null, a number, an object): served as a missing-output error. */
  text: string | null;
  /** 1-based line of the record in the replay file, for error messages. */
  line: number;
  /** What the logged output was when it is not text. */
  notText?: string;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

function describeNotText(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function readReplayFile(file: string): Map<string, ReplayRecord[]> {
  if (!existsSync(file)) {
    throw new EvalspecError('REPLAY_FILE', `replay file not found: ${file}`, { file, hint: 'the replay: path is relative to the suite file' });
  }
  const byCase = new Map<string, ReplayRecord[]>();
  const lines = readTextFile(file, 'REPLAY_FILE').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(lines[i]);
    } catch (error) {
      throw new EvalspecError('REPLAY_FILE', `invalid JSON: ${(error as Error).message}`, { file, line: i + 1, hint: 'one JSON object per line: {"id":"c1","output":"…"}' });
    }
    const id = rec.id ?? rec.case_id;
    if (id === undefined || !('output' in rec)) {
      throw new EvalspecError('REPLAY_FILE', 'a replay record needs "id" (or "case_id") and "output"', { file, line: i + 1, hint: '{"id":"c1","output":"…","latency_ms":812,"input_tokens":120,"output_tokens":80}' });
    }
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    // Only text is an output. A null (the model gave nothing, or the logger failed) or a number/object is
    // not scored as the text "null" or "42": the call is stored as a missing-output error naming this line.
    const text = typeof rec.output === 'string' ? rec.output : null;
    const record: ReplayRecord = {
      text,
      line: i + 1,
      notText: text === null ? describeNotText(rec.output) : undefined,
      latencyMs: num(rec.latency_ms),
      inputTokens: num(rec.input_tokens),
      outputTokens: num(rec.output_tokens),
      costUsd: num(rec.cost_usd),
    };
    const list = byCase.get(String(id)) ?? [];
    const repeat = num(rec.repeat);
    if (repeat !== undefined) list[repeat] = record;
    else list.push(record);
    byCase.set(String(id), list);
  }
  return byCase;
}

/** Whether any check of the suite (default or per case) is a latency check. */
function hasLatencyCheck(suite: Suite): boolean {
  return [suite.checks, ...suite.cases.map((c) => c.checks)].some((checks) => checks.some((c) => c.type === 'max-latency-ms'));
}

function replayTarget(suite: Suite, model: ModelRef, warnings: string[]): CallTarget {
  const file = resolve(suite.dir, model.modelId);
  if (!existsSync(file)) {
    throw new EvalspecError('REPLAY_FILE', `replay file not found: ${file}`, {
      file: suite.file,
      line: model.line,
      hint: `model "${model.ref}": the replay: path is relative to the suite file`,
    });
  }
  const records = readReplayFile(file);
  // A replay has no latency of its own (our read time says nothing about the model): a logged latency_ms
  // is used; without one a max-latency-ms check is not applicable (left out of the result), said once here.
  const logged = [...records.values()].flat(); // flat() skips the holes of sparsely logged repeats
  const withoutLatency = logged.filter((rec) => rec.latencyMs === undefined).length;
  if (withoutLatency > 0 && hasLatencyCheck(suite)) {
    warnings.push(
      `${model.ref}: ${withoutLatency} of ${logged.length} replayed outputs have no latency_ms, so max-latency-ms is not applicable to them (left out of their pass and score); log latency_ms in the replay file to check latency`,
    );
  }
  const priced = Boolean(model.price || model.priceAs);
  let estimated = false;
  return {
    kind: 'replay',
    measuresLatency: false,
    connectionKey: `replay|${file}`,
    cacheIdentity: null,
    async call(req) {
      const list = records.get(req.caseId);
      // A log with one output per case serves every repeat; with repeats logged, each repeat its own.
      const rec = list?.[list.length === 1 ? 0 : req.repeat];
      if (!rec) throw new CallFailure('missing-output', `${model.ref} has no logged output for case ${req.caseId}${list ? ` repeat ${req.repeat}` : ''}`);
      if (rec.text === null) {
        throw new CallFailure('missing-output', `${model.ref} line ${rec.line} (case ${req.caseId}): "output" is ${rec.notText}, not text; log the model's answer as a string ("" for an empty answer)`);
      }
      const text = rec.text;
      let { inputTokens, outputTokens } = rec;
      // A priced log without token counts: count them, so cost at list price can be shown (and say so).
      if (priced && (inputTokens === undefined || outputTokens === undefined)) {
        inputTokens ??= countMessageTokens(req.messages);
        outputTokens ??= countTokens(text);
        if (!estimated) {
          estimated = true;
          const note = `replayed logs without token counts were priced on tokens counted with the ${TOKENIZER_NAME} tokenizer (exact for GPT-3.5/4, an estimate for other models)`;
          if (!warnings.includes(note)) warnings.push(note);
        }
      }
      return { text, inputTokens, outputTokens, costUsd: rec.costUsd, latencyMs: rec.latencyMs };
    },
  };
}

/** Build every model's target before the first call, so a missing key or module fails the run up front. */
export async function buildTargets(suite: Suite, models: ModelRef[], scrubber: SecretScrubber, warnings: string[]): Promise<Map<string, CallTarget>> {
  const targets = new Map<string, CallTarget>();
  for (const model of models) {
    const type = suite.providers[model.providerId].type;
    if (type === 'function') targets.set(model.label, await functionTarget(suite, model));
    else if (type === 'replay') targets.set(model.label, replayTarget(suite, model, warnings));
    else targets.set(model.label, networkTarget(suite, model, scrubber, warnings));
  }
  return targets;
}
