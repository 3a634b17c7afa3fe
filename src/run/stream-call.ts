// A network call streamed (RunOptions.stream, suite `stream: true`; issue #20): the same request as the
// non-streamed call (network-target.ts), read as it arrives. Each piece of text goes to CallRequest.onDelta, the
// time from the attempt's start to the first text is the call's TTFT, and the finish part gives usage and finish
// reason. A stream that reports an error or breaks mid-way throws an error that run/errors.ts classifies as it
// would the non-streamed call's (a malformed chunk: malformed-response; a connection lost mid-answer: network,
// retried), so a streamed run retries exactly what a non-streamed one would.
import { APICallError, type LanguageModelV3, type LanguageModelV3CallOptions, type LanguageModelV3StreamPart, type SharedV3Warning } from '@ai-sdk/provider';
import type { LanguageModel } from 'ai';
import type { CallRequest, CallResponse } from './call-target.js';
import { CallFailure } from './errors.js';

/** What a stream gave: its text, usage and finish reason, and when the first text came. */
interface StreamTally {
  text: string;
  ttftMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  finishReason?: string;
}

/** An error part or a failed read, as the error the non-streamed call would have thrown (see the file comment). */
function streamError(error: unknown, received: number, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof CallFailure) return error; // a timeout or cancel: classified from the call's state
  const name = (error as { name?: string } | null)?.name ?? '';
  if (APICallError.isInstance(error) || name.startsWith('AI_') || name === 'AbortError' || name === 'TimeoutError') return error;
  if (error instanceof Error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return new CallFailure('network', `the stream broke after ${received} characters: ${error.message}${cause ? ` (${cause})` : ''}`, true);
  }
  // A provider's in-stream error event (e.g. {"type":"error","error":{…}}): the server failed mid-answer.
  return new CallFailure('server', `the provider's stream reported an error: ${JSON.stringify(error)}`, true);
}

/** Reads a V3 model's stream to its end; `started` is the attempt's start (performance.now()). */
async function readStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  req: CallRequest,
  started: number,
  onWarnings: (warnings: SharedV3Warning[]) => void,
): Promise<StreamTally> {
  const tally: StreamTally = { text: '' };
  const reader = stream.getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw streamError(error, tally.text.length, req.signal);
      }
      if (next.done) break;
      const part = next.value;
      if (part.type === 'text-delta') {
        if (part.delta === '') continue;
        tally.ttftMs ??= performance.now() - started;
        tally.text += part.delta;
        req.onDelta?.(part.delta);
      } else if (part.type === 'finish') {
        tally.inputTokens = part.usage.inputTokens.total;
        tally.outputTokens = part.usage.outputTokens.total;
        tally.cachedInputTokens = part.usage.inputTokens.cacheRead;
        tally.finishReason = part.finishReason.unified;
      } else if (part.type === 'stream-start') {
        onWarnings(part.warnings); // what doGenerate returns as result.warnings
      } else if (part.type === 'error') {
        throw streamError(part.error, tally.text.length, req.signal);
      }
    }
  } finally {
    reader.releaseLock();
  }
  return tally;
}

const response = (t: StreamTally): CallResponse => ({
  text: t.text,
  inputTokens: t.inputTokens,
  outputTokens: t.outputTokens,
  cachedInputTokens: t.cachedInputTokens,
  finishReason: t.finishReason,
  ttftMs: t.ttftMs,
});

/**
 * A V3 model's doStream with the options doGenerate gets (`options`, built by the caller). `ttftMs` is absent when
 * no text came (an empty answer has no first token).
 */
export async function streamModelDirect(
  lm: LanguageModelV3,
  options: LanguageModelV3CallOptions,
  req: CallRequest,
  onWarnings: (warnings: SharedV3Warning[]) => void,
): Promise<CallResponse> {
  const started = performance.now();
  const result = await lm.doStream(options);
  return response(await readStream(result.stream, req, started, onWarnings));
}

/** What generateText / streamText are given for a model older than the V3 interface (one request, both ways). */
export function legacyCallOptions(lm: LanguageModel, req: CallRequest) {
  return {
    model: lm,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: req.params.temperature,
    maxOutputTokens: req.params.max_tokens,
    topP: req.params.top_p,
    seed: req.params.seed,
    stopSequences: req.params.stop,
    maxRetries: 0, // retries live in run/ only
    abortSignal: req.signal,
  };
}

/** Models older than the V3 interface: the AI SDK's streamText, read the same way. */
export async function streamLegacyModel(lm: LanguageModel, req: CallRequest): Promise<CallResponse> {
  const { streamText } = await import('ai');
  const started = performance.now();
  const tally: StreamTally = { text: '' };
  const result = streamText(legacyCallOptions(lm, req));
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta' && part.text !== '') {
        tally.ttftMs ??= performance.now() - started;
        tally.text += part.text;
        req.onDelta?.(part.text);
      } else if (part.type === 'finish') {
        tally.inputTokens = part.totalUsage.inputTokens;
        tally.outputTokens = part.totalUsage.outputTokens;
        tally.cachedInputTokens = part.totalUsage.inputTokenDetails?.cacheReadTokens;
        tally.finishReason = part.finishReason;
      } else if (part.type === 'error') throw part.error;
    }
  } catch (error) {
    throw streamError(error, tally.text.length, req.signal);
  }
  return response(tally);
}
