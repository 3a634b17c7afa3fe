// OpenAI Chat Completions wire: request normalisation, responses (JSON and SSE), error bodies.
import type { ServerResponse } from 'node:http';
import type { ErrorInfo, ErrorKind, FakeMessage, FakeTool, ParsedBody, ResolvedAnswer, Wire, WireError } from './types.js';
import { argsOf, argsText, finishFor, jsonObjectOf, maskKey, pieces, resultText, sendJson, startSse, textOf } from './util.js';

/** The function name a request forces (tool_choice names it, or 'required' with exactly one tool). */
function forcedTool(body: any): string | undefined {
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  const tc = body?.tool_choice;
  if (tc && typeof tc === 'object' && tc.type === 'function' && typeof tc.function?.name === 'string') return tc.function.name;
  if (tc === 'required' && tools.length === 1 && typeof tools[0]?.function?.name === 'string') return tools[0].function.name;
  return undefined;
}

/** One chat message normalised: an assistant's tool_calls become toolCalls; a role:'tool' message keeps its call id. */
function messageOf(m: any): FakeMessage {
  const msg: FakeMessage = { role: String(m?.role ?? ''), content: m?.role === 'tool' ? resultText(m?.content) : textOf(m?.content) };
  if (Array.isArray(m?.tool_calls) && m.tool_calls.length > 0)
    msg.toolCalls = m.tool_calls.map((c: any) => ({ id: String(c?.id ?? ''), name: String(c?.function?.name ?? ''), args: argsOf(c?.function?.arguments) }));
  if (typeof m?.tool_call_id === 'string') msg.toolCallId = m.tool_call_id;
  if (m?.role === 'tool' && typeof m?.name === 'string') msg.name = m.name;
  return msg;
}

function parse(body: unknown): ParsedBody {
  const b = body as any;
  const model = typeof b?.model === 'string' ? b.model : '';
  const raw: unknown[] = Array.isArray(b?.messages) ? b.messages : [];
  const messages = raw.map(messageOf);
  const tools: FakeTool[] = (Array.isArray(b?.tools) ? b.tools : [])
    .filter((t: any) => t?.type === 'function' && typeof t.function?.name === 'string')
    .map((t: any) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters }));
  const stream = b?.stream === true;
  let invalid: string | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    invalid =
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";
  else if (!model) invalid = 'you must provide a model parameter';
  else if (!Array.isArray(b.messages)) invalid = "Missing required parameter: 'messages'.";
  else if (raw.length === 0) invalid = "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  else if (messages.some((m) => !['system', 'developer', 'user', 'assistant', 'tool', 'function'].includes(m.role))) {
    invalid = "Invalid value for 'messages[].role': expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'.";
  }
  return { model, messages, tools, stream, invalid };
}

function error(kind: ErrorKind, info: ErrorInfo = {}): WireError {
  const e = (status: number, message: string, type: string, code: string | null, param: string | null = null): WireError => ({
    status,
    body: { error: { message, type, param, code } },
  });
  switch (kind) {
    case 'authentication':
      return info.key
        ? e(
            401,
            `Incorrect API key provided: ${maskKey(info.key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          )
        : e(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
            null,
          );
    case 'rate_limit':
      return e(
        429,
        `Rate limit reached for ${info.model || 'model'} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${info.retryAfterS ?? 1}s.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 'server':
      return e(500, info.message ?? 'The server had an error while processing your request. Sorry about that!', 'server_error', null);
    case 'unavailable':
      return e(503, 'The engine is currently overloaded, please try again later', 'server_error', null);
    case 'not_found':
      return e(404, `Invalid URL (${info.route ?? ''})`, 'invalid_request_error', null);
    case 'invalid_request':
      return e(400, info.message ?? 'Invalid request.', 'invalid_request_error', null);
  }
}

/** The calls to render: the answer's toolCalls, else a judge's forced tool whose arguments are the answer's JSON text. */
function callsOf(body: any, ans: ResolvedAnswer, id: string): { calls: { id: string; name: string; arguments: string }[]; text: string | null } {
  if (ans.toolCalls.length > 0) return { calls: ans.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: argsText(c.args) })), text: ans.text || null };
  const tool = forcedTool(body);
  if (tool !== undefined && jsonObjectOf(ans.text)) return { calls: [{ id: `call_${id}`, name: tool, arguments: ans.text }], text: null };
  return { calls: [], text: ans.text };
}

function sendAnswer(res: ServerResponse, body: any, model: string, ans: ResolvedAnswer, id: string): void {
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: ans.inputTokens, completion_tokens: ans.outputTokens, total_tokens: ans.inputTokens + ans.outputTokens };
  const { calls, text } = callsOf(body, ans, id);
  const finish = finishFor('openai', ans.finishReason, calls.length > 0 ? 'tool_calls' : 'stop');
  const headers = { 'x-request-id': `req_${id}`, 'openai-processing-ms': '1' };

  if (!body.stream) {
    const message =
      calls.length > 0
        ? {
            role: 'assistant',
            content: text,
            refusal: null,
            tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
          }
        : { role: 'assistant', content: text, refusal: null };
    sendJson(
      res,
      200,
      {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage,
        system_fingerprint: 'fp_fake',
      },
      headers,
    );
    return;
  }

  startSse(res, headers);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(
      `data: ${JSON.stringify({
        id: `chatcmpl-${id}`,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices,
        ...extra,
      })}\n\n`,
    );
  const withUsage = body.stream_options?.include_usage === true;
  const nullUsage = withUsage ? { usage: null } : {};
  const delta = (d: Record<string, unknown>) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: null }], nullUsage);
  delta({ role: 'assistant', content: calls.length > 0 && !text ? null : '', refusal: null });
  for (const p of pieces(text ?? '')) delta({ content: p });
  // Like OpenAI: each call opens with its id and name (empty arguments), then its arguments arrive in pieces.
  calls.forEach((c, index) => {
    delta({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    for (const p of pieces(c.arguments)) delta({ tool_calls: [{ index, function: { arguments: p } }] });
  });
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }], nullUsage);
  if (withUsage) chunk([], { usage });
  res.end('data: [DONE]\n\n');
}

function malformed(stream: boolean): { contentType: string; text: string } {
  return stream
    ? {
        contentType: 'text/event-stream; charset=utf-8',
        text: 'data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tru\n\ndata: [DONE]\n\n',
      }
    : {
        contentType: 'application/json',
        text: '{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"tru',
      };
}

export const openaiWire: Wire = {
  name: 'openai',
  parse,
  credentials(headers) {
    const raw = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    const m = raw ? /^Bearer\s+(.+)$/i.exec(raw) : null;
    return { raw, key: m ? m[1].trim() : undefined };
  },
  error,
  sendAnswer,
  malformed,
  models: (ids) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake-provider' })) }),
};
