// Each model step of an agent is one provider call, and it goes where a single call goes: through the run's retry
// loop, the model's rate controller and the provider's concurrency slot (call-with-retries.ts), and through the
// cache, keyed on the step's whole prompt (tool results included). The AI SDK's generateText runs the loop over a
// model wrapped with this middleware, so a rerun replays every model step from the cache and runs only the tools.
import { createHash } from 'node:crypto';
import { wrapLanguageModel, type LanguageModelMiddleware } from 'ai';
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { stableStringify } from '../../stable-json.js';
import type { CachedResponse } from '../../store/index.js';
import { callWithRetries, type RetryOptions } from '../call-with-retries.js';
import type { ClassifiedError } from '../errors.js';
import type { RateController } from '../rate-limit/controller.js';
import { countTokens } from '../tokens.js';

/** What one model step cost and took, as the transcript and the result's figures need it. */
export interface StepRecord {
  step: number;
  /** Served from the cache: this run paid nothing for it. */
  cached: boolean;
  /** Of the successful attempt (from its slot being taken); a cached step keeps its recorded latency. */
  latencyMs: number | null;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  attempts: number;
}

/** A step the retries could not bring through: the item's result error, naming the step. */
export class StepFailure extends Error {
  constructor(
    readonly step: number,
    readonly error: ClassifiedError,
    readonly attempts: number,
  ) {
    super(`step ${step}: ${error.message}`);
    this.name = 'StepFailure';
  }
}

export interface StepModelOptions {
  /** The run's retry settings for this target (no rate gate: the controller is below). */
  retry: Omit<RetryOptions<LanguageModelV3GenerateResult>, 'rate'>;
  rateController?: RateController;
  maxOutputTokens?: number;
  /** The cache of model steps (absent with --no-cache or for a target that is not cached). */
  cache?: {
    identity: Record<string, unknown>;
    repeat: number;
    get(key: string): Promise<CachedResponse | undefined>;
    put(key: string, response: CachedResponse): void;
  };
  /** --max-cost: each fresh step admitted on its prompt before it is sent, and its usage reported (budget.ts). */
  gate?: {
    admit(promptTokens: number): boolean;
    paid(inputTokens: number | undefined, outputTokens: number | undefined, cachedInputTokens: number | undefined): void;
  };
}

/** A step's cache key: endpoint identity, the step's full prompt, its tools and settings, the repeat index. */
export function stepCacheKey(identity: Record<string, unknown>, params: LanguageModelV3CallOptions, repeat: number): string {
  const { abortSignal: _signal, headers: _headers, ...request } = params;
  return createHash('sha256')
    .update(stableStringify({ v: 'agent-step-1', ...identity, request, repeat }))
    .digest('hex');
}

/** The prompt's tokens for the rate controller (asked only when a token limit is known). */
function promptTokens(prompt: LanguageModelV3Prompt): number {
  let n = 3;
  for (const message of prompt) {
    n += 3;
    if (typeof message.content === 'string') n += countTokens(message.content);
    else for (const part of message.content) n += countTokens(part.type === 'text' ? part.text : JSON.stringify(part));
  }
  return n;
}

/** The model wrapped for one conversation, and the record of its steps (filled as they run). */
export function stepModel(model: LanguageModelV3, options: StepModelOptions): { model: LanguageModelV3; steps: StepRecord[] } {
  const steps: StepRecord[] = [];
  const middleware: LanguageModelMiddleware = {
    specificationVersion: 'v3',
    async wrapGenerate({ params, model: inner }): Promise<LanguageModelV3GenerateResult> {
      const step = steps.length + 1;
      const cache = options.cache;
      const key = cache ? stepCacheKey(cache.identity, params, cache.repeat) : undefined;
      const hit = key ? await cache!.get(key) : undefined;
      if (hit?.step) {
        const replayed = hit.step as Pick<LanguageModelV3GenerateResult, 'content' | 'finishReason' | 'usage'>;
        steps.push({
          step,
          cached: true,
          latencyMs: hit.latencyMs,
          inputTokens: hit.inputTokens ?? undefined,
          outputTokens: hit.outputTokens ?? undefined,
          cachedInputTokens: replayed.usage?.inputTokens?.cacheRead,
          attempts: 0,
        });
        return { ...replayed, warnings: [] };
      }
      // Over the budget: the step is not sent; the item ends as cancelled (not stored: --resume runs it again).
      if (options.gate && !options.gate.admit(promptTokens(params.prompt))) {
        throw new StepFailure(step, { errorClass: 'cancelled', message: `step ${step} not sent: it would pass --max-cost`, retryable: false }, 0);
      }
      const outcome = await callWithRetries<LanguageModelV3GenerateResult>(
        ({ signal }) => Promise.resolve(inner.doGenerate({ ...params, abortSignal: signal })),
        {
          ...options.retry,
          rate: options.rateController && {
            controller: options.rateController,
            promptTokens: () => promptTokens(params.prompt),
            maxOutputTokens: options.maxOutputTokens,
            usage: (r) => ({ input: r.usage.inputTokens.total, output: r.usage.outputTokens.total }),
          },
        },
      );
      if (!outcome.ok) throw new StepFailure(step, outcome.error, outcome.attempts);
      const result = outcome.value;
      const record: StepRecord = {
        step,
        cached: false,
        latencyMs: outcome.latencyMs,
        inputTokens: result.usage.inputTokens.total,
        outputTokens: result.usage.outputTokens.total,
        cachedInputTokens: result.usage.inputTokens.cacheRead,
        attempts: outcome.attempts,
      };
      steps.push(record);
      options.gate?.paid(record.inputTokens, record.outputTokens, record.cachedInputTokens);
      if (key) {
        let text = '';
        for (const part of result.content) if (part.type === 'text') text += part.text;
        cache!.put(key, {
          text,
          inputTokens: record.inputTokens ?? null,
          outputTokens: record.outputTokens ?? null,
          latencyMs: record.latencyMs,
          costUsd: null,
          finishReason: result.finishReason.unified,
          // What generateText needs to go on from this step (JSON: tool-call inputs are strings already).
          step: { content: result.content, finishReason: result.finishReason, usage: result.usage },
        });
      }
      return result;
    },
  };
  return { model: wrapLanguageModel({ model, middleware }), steps };
}
