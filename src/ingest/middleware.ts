// AI SDK middleware (`wrapLanguageModel`) that records each model call without OpenTelemetry: after the call (for
// streams, after the last chunk) it posts one record in the JSONL line format to the collector's /v1/records. The
// post runs beside the user's call and its failures go to `onError`: recording never fails or delays the call.
import { randomBytes } from 'node:crypto';
import type { LanguageModelV3CallOptions, LanguageModelV3Middleware, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { JsonlRecord } from './jsonl.js';

export interface EvalspecMiddlewareOptions {
  /** The collector's base URL (http://127.0.0.1:4318) or its /v1/records URL. */
  endpoint: string;
  token?: string;
  /** Attributes for every record (segment tags come from them through the suite's `production.attributes`). */
  attributes?: Record<string, string | number | boolean>;
  /** Told about a record that could not be sent (default: ignored; the user's call is never affected). */
  onError?: (error: unknown) => void;
}

export type EvalspecMiddleware = LanguageModelV3Middleware & {
  /** Resolves when every record posted so far was answered (for tests and for a clean shutdown). */
  flush(): Promise<void>;
};

/** The prompt as role/content text messages (tool results as JSON). */
function promptMessages(prompt: LanguageModelV3CallOptions['prompt']): { role: string; content: string }[] {
  return prompt.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.content.map((part) => (part.type === 'text' ? part.text : part.type === 'tool-result' ? JSON.stringify(part.output) : '')).join(''),
  }));
}

const tokens = (usage: LanguageModelV3Usage | undefined) => ({
  input_tokens: usage?.inputTokens.total ?? null,
  output_tokens: usage?.outputTokens.total ?? null,
  cached_input_tokens: usage?.inputTokens.cacheRead ?? null,
});

export function evalspecMiddleware(options: EvalspecMiddlewareOptions): EvalspecMiddleware {
  const url = /\/v1\/records\/?$/.test(options.endpoint) ? options.endpoint : `${options.endpoint.replace(/\/$/, '')}/v1/records`;
  const pending = new Set<Promise<void>>();

  function report(err: unknown): void {
    try {
      options.onError?.(err);
    } catch {
      // onError itself failed: still nothing reaches the user's call.
    }
  }

  function post(record: JsonlRecord): void {
    const sending = (async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-evalspec-source': 'middleware',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify([record]),
      });
      if (!res.ok) throw new Error(`the collector answered ${res.status}: ${await res.text()}`);
    })().catch(report);
    const tracked = sending.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  function base(params: LanguageModelV3CallOptions, model: { provider: string; modelId: string }, startMs: number) {
    return {
      // Random ids: two identical calls are two records (the JSONL content-derived id would merge them).
      trace_id: randomBytes(16).toString('hex'),
      span_id: randomBytes(8).toString('hex'),
      timestamp: new Date(startMs).toISOString(),
      model: model.modelId,
      provider: model.provider,
      input: promptMessages(params.prompt),
      attributes: options.attributes,
    };
  }

  function safely(build: () => JsonlRecord): void {
    try {
      post(build());
    } catch (err) {
      report(err);
    }
  }

  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const startMs = Date.now();
      const result = await doGenerate();
      const endMs = Date.now();
      safely(() => ({
        ...base(params, model, startMs),
        response_model: result.response?.modelId,
        output: result.content.map((c) => (c.type === 'text' ? c.text : '')).join(''),
        tool_calls: result.content.flatMap((c) => (c.type === 'tool-call' ? [{ name: c.toolName, arguments: c.input }] : [])),
        usage: tokens(result.usage),
        latency_ms: endMs - startMs,
        finish_reason: result.finishReason.unified,
      }));
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const startMs = Date.now();
      const result = await doStream();
      let firstChunkMs: number | null = null;
      let text = '';
      let usage: LanguageModelV3Usage | undefined;
      let finishReason: string | null = null;
      let responseModel: string | undefined;
      const toolCalls: { name: string; arguments: string }[] = [];
      const recorder = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          // Time to first token: the first chunk that carries content (not the stream's start or metadata).
          if (firstChunkMs === null && part.type !== 'stream-start' && part.type !== 'response-metadata') firstChunkMs = Date.now();
          if (part.type === 'text-delta') text += part.delta;
          else if (part.type === 'tool-call') toolCalls.push({ name: part.toolName, arguments: part.input });
          else if (part.type === 'response-metadata') responseModel = part.modelId ?? responseModel;
          else if (part.type === 'finish') {
            usage = part.usage;
            finishReason = part.finishReason.unified;
          }
          controller.enqueue(part);
        },
        flush() {
          const endMs = Date.now();
          safely(() => ({
            ...base(params, model, startMs),
            response_model: responseModel,
            output: text,
            tool_calls: toolCalls,
            usage: tokens(usage),
            latency_ms: endMs - startMs,
            ttft_ms: firstChunkMs === null ? null : firstChunkMs - startMs,
            finish_reason: finishReason,
          }));
        },
      });
      return { ...result, stream: result.stream.pipeThrough(recorder) };
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}
