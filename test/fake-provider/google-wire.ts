// Google Gemini wire (POST /v1beta/models/{model}:generateContent): request normalisation, the JSON
// response and error bodies, as @ai-sdk/google sends and parses them (tool calls: functionCall parts out,
// functionResponse parts in). The model is in the path; the key
// in the x-goog-api-key header. Request: { contents: [{role:'user'|'model', parts:[{text}]}],
// systemInstruction: {parts:[{text}]}, generationConfig: {temperature, maxOutputTokens, topP, seed,
// stopSequences} }. Response: candidates[0].content.parts[].text, finishReason (STOP, MAX_TOKENS…),
// usageMetadata.{promptTokenCount, candidatesTokenCount, totalTokenCount}. Errors: { error: { code,
// message, status, details? } }; a 429 carries google.rpc.RetryInfo { retryDelay: "Ns" } in details and,
// like Gemini, no Retry-After header.
// Streamed (POST …:streamGenerateContent?alt=sse): SSE `data:` chunks as Gemini sends them, each a
// GenerateContentResponse with the next piece of text (a function call whole, in its own chunk), the last one with the
// finishReason and usageMetadata.
import type { ServerResponse } from 'node:http';
import type { ErrorInfo, ErrorKind, FakeMessage, FakeTool, ParsedBody, ResolvedAnswer, Wire, WireError } from './types.js';
import { maskKey, pieces, resultText, sendJson, startSse, textOf } from './util.js';

/** `/v1beta/models/gemini-2.0-flash:generateContent` (or `:streamGenerateContent`) -> `gemini-2.0-flash`. */
export const GOOGLE_ROUTE = /^\/v1beta\/models\/([^/:]+):(?:stream)?[gG]enerateContent$/;

const TO_GOOGLE: Record<string, string> = {
  stop: 'STOP',
  end_turn: 'STOP',
  stop_sequence: 'STOP',
  length: 'MAX_TOKENS',
  max_tokens: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

/**
 * One `contents` entry as FakeMessages: a model turn's functionCall parts become its toolCalls; each
 * functionResponse part (sent in a user turn) becomes a {role:'tool'} message, before any remaining user text.
 */
function messagesOf(c: any): FakeMessage[] {
  const parts: any[] = Array.isArray(c?.parts) ? c.parts : [];
  const calls = parts.filter((p) => p?.functionCall);
  const responses = parts.filter((p) => p?.functionResponse);
  const out: FakeMessage[] = responses.map(({ functionResponse: r }) => ({
    role: 'tool',
    content: resultText(r.response?.content ?? r.response),
    name: String(r.name ?? ''),
    ...(typeof r.id === 'string' ? { toolCallId: r.id } : {}),
  }));
  const msg: FakeMessage = { role: c?.role === 'model' ? 'assistant' : String(c?.role ?? ''), content: textOf(parts) };
  if (calls.length > 0)
    msg.toolCalls = calls.map(({ functionCall: f }) => ({ id: typeof f.id === 'string' ? f.id : '', name: String(f.name ?? ''), args: f.args ?? {} }));
  if (responses.length === 0 || msg.content !== '' || msg.toolCalls) out.push(msg);
  return out;
}

function parse(body: unknown, path: string): ParsedBody {
  const b = body as any;
  const model = GOOGLE_ROUTE.exec(path)?.[1] ?? '';
  const contents: unknown[] = Array.isArray(b?.contents) ? b.contents : [];
  // Normalised like the other wires: Gemini's 'model' role is 'assistant', systemInstruction a leading system message.
  const messages: FakeMessage[] = contents.flatMap(messagesOf);
  const tools: FakeTool[] = (Array.isArray(b?.tools) ? b.tools : [])
    .flatMap((t: any) => (Array.isArray(t?.functionDeclarations) ? t.functionDeclarations : []))
    .filter((d: any) => typeof d?.name === 'string')
    .map((d: any) => ({ name: d.name, description: d.description, parameters: d.parameters ?? d.parametersJsonSchema }));
  if (b?.systemInstruction) messages.unshift({ role: 'system', content: textOf(b.systemInstruction.parts) });
  let invalid: string | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) invalid = 'Invalid JSON payload received. Expected an object.';
  else if (contents.length === 0) invalid = '* GenerateContentRequest.contents: contents is not specified\n';
  else if (contents.some((c: any) => c?.role !== undefined && c.role !== 'user' && c.role !== 'model')) {
    invalid = 'Please use a valid role: user, model.';
  }
  return { model, messages, tools, stream: path.endsWith(':streamGenerateContent'), invalid };
}

function error(kind: ErrorKind, info: ErrorInfo = {}): WireError {
  const e = (code: number, status: string, message: string, details?: unknown[]): WireError => ({
    status: code,
    body: { error: { code, message, status, ...(details ? { details } : {}) } },
  });
  switch (kind) {
    case 'authentication':
      // Gemini answers a wrong key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), a missing one with 403.
      return info.key
        ? e(400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. (${maskKey(info.key)})`, [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ])
        : e(
            403,
            'PERMISSION_DENIED',
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          );
    case 'rate_limit':
      return e(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                quotaDimensions: { model: info.model ?? '', location: 'global' },
                quotaValue: '15',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${info.retryAfterS ?? 1}s` },
        ],
      );
    case 'server':
      return e(
        500,
        'INTERNAL',
        info.message ?? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 'unavailable':
      return e(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'not_found':
      return e(404, 'NOT_FOUND', `Not found (${info.route ?? ''})`);
    case 'invalid_request':
      return e(400, 'INVALID_ARGUMENT', info.message ?? 'Request contains an invalid argument.');
  }
}

/** Text part (when any, or when there is nothing else) then one functionCall part per call (Gemini 3 carries ids). */
const partsOf = (ans: ResolvedAnswer): unknown[] => [
  ...(ans.text !== '' || ans.toolCalls.length === 0 ? [{ text: ans.text }] : []),
  ...ans.toolCalls.map((c) => ({ functionCall: { id: c.id, name: c.name, args: c.args } })),
];

function sendAnswer(res: ServerResponse, _body: any, model: string, ans: ResolvedAnswer, id: string, stream: boolean): void {
  const finishReason = ans.finishReason ? (TO_GOOGLE[ans.finishReason] ?? ans.finishReason) : 'STOP';
  const usageMetadata = {
    promptTokenCount: ans.inputTokens,
    candidatesTokenCount: ans.outputTokens,
    totalTokenCount: ans.inputTokens + ans.outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: ans.inputTokens }],
  };
  if (!stream) {
    sendJson(res, 200, {
      candidates: [{ content: { parts: partsOf(ans), role: 'model' }, finishReason, index: 0 }],
      usageMetadata,
      modelVersion: model,
      responseId: `resp_${id}`,
    });
    return;
  }
  startSse(res);
  const chunk = (parts: unknown[], last: boolean) =>
    res.write(
      `data: ${JSON.stringify({
        candidates: [{ content: { parts, role: 'model' }, ...(last ? { finishReason } : {}), index: 0 }],
        // Like Gemini: every chunk carries the usage so far; the last one the whole.
        usageMetadata: last ? usageMetadata : { promptTokenCount: ans.inputTokens, totalTokenCount: ans.inputTokens },
        modelVersion: model,
        responseId: `resp_${id}`,
      })}\r\n\r\n`,
    );
  const texts = pieces(ans.text).map((text) => [{ text }]);
  const calls = ans.toolCalls.map((c) => [{ functionCall: { id: c.id, name: c.name, args: c.args } }]);
  const all = [...texts, ...calls];
  if (all.length === 0) all.push([{ text: '' }]);
  all.forEach((parts, i) => chunk(parts, i === all.length - 1));
  res.end();
}

export const googleWire: Wire = {
  name: 'google',
  retryDelayInBodyOnly: true, // Gemini sends no Retry-After header: the delay is RetryInfo.retryDelay in the body

  parse,
  credentials(headers) {
    const raw = typeof headers['x-goog-api-key'] === 'string' ? headers['x-goog-api-key'] : undefined;
    return { raw, key: raw };
  },
  error,
  sendAnswer,
  malformed: (stream) =>
    stream
      ? { contentType: 'text/event-stream; charset=utf-8', text: 'data: {"candidates":[{"content":{"parts":[{"text":"tru\r\n\r\n' }
      : { contentType: 'application/json', text: '{"candidates":[{"content":{"parts":[{"text":"tru' },
  models: (ids) => ({
    models: ids.map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id,
      inputTokenLimit: 1048576,
      outputTokenLimit: 8192,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    })),
  }),
};
