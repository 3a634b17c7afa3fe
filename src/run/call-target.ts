// What the run calls: one CallTarget per suite model and one JudgeTarget per judge model, whatever the provider
// (run/providers/ builds them). The executor (execute.ts) and the judge client (judge-client.ts) see only these.
import type { JudgeRequest, Transcript } from '../score/index.js';
import type { Message, GenerationParams, ModelRef } from '../suite/index.js';
import type { RateController } from './rate-limit/controller.js';
import type { LanguageModelV3 } from '@ai-sdk/provider';

export interface CallRequest {
  caseId: string;
  repeat: number;
  vars: Record<string, unknown>;
  messages: Message[];
  params: GenerationParams;
  signal: AbortSignal;
  /** Set when the call is streamed (RunOptions.stream): called with each new piece of text as it arrives. */
  onDelta?: (text: string) => void;
  /** Stream the call (RunOptions.stream); targets that cannot stream ignore it. */
  stream?: boolean;
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
  /** What an agent did (issue #16): set by agent targets, replayed conversations, function targets with context. */
  transcript?: Transcript;
  /** An agent whose every model step came from the cache: the result is a cached one (this run paid nothing). */
  cached?: boolean;
  /** What this run paid, when it differs from costUsd (an agent's cached steps cost nothing now); null: unpriced. */
  paidCostUsd?: number | null;
  /** A streamed call's time from the request to its first text, in ms (issue #20). */
  ttftMs?: number;
}

export interface CallTarget {
  kind: 'network' | 'function' | 'replay';
  /** False for replayed logs: our wall time says nothing about the model; only a logged latency counts. */
  measuresLatency: boolean;
  /** Calls sharing a connection key share its concurrency limit. */
  connectionKey: string;
  concurrency?: number;
  timeoutMs?: number;
  /** Network models: the rate controller every attempt passes (rate-limit/). */
  rateController?: RateController;
  /** Network models: the AI SDK model an agent loop drives (run/agent/), when the suite declares tools. */
  languageModel?: LanguageModelV3;
  /** What identifies the endpoint in the cache key (never the API key); null: not cached. */
  cacheIdentity: Record<string, unknown> | null;
  call(request: CallRequest): Promise<CallResponse>;
}

/** A judge's answer before the judge client checks it. */
export interface RawAnswer {
  object: unknown;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

export interface JudgeTarget {
  name: string;
  ref: ModelRef;
  connectionKey: string;
  concurrency?: number;
  timeoutMs?: number;
  rateController?: RateController;
  cacheIdentity: Record<string, unknown> | null;
  call(request: JudgeRequest<unknown>, signal: AbortSignal, timeoutMs: number): Promise<RawAnswer>;
}
