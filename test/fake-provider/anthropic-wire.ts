// Anthropic Messages wire: request normalisation, responses (JSON and SSE events), error bodies.
import type { ServerResponse } from 'node:http';
import type { ErrorInfo, ErrorKind, FakeMessage, FakeTool, ParsedBody, ResolvedAnswer, Wire, WireError } from './types.js';
import { finishFor, jsonObjectOf, maskKey, pieces, resultText, sendJson, startSse, textOf } from './util.js';

/** The tool a request forces (tool_choice {type:'tool', name}, or {type:'any'} with exactly one tool). */
function forcedTool(body: any): string | undefined {
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  const tc = body?.tool_choice;
  if (tc?.type === 'tool' && typeof tc.name === 'string') return tc.name;
  if (tc?.type === 'any' && tools.length === 1 && typeof tools[0]?.name === 'string') return tools[0].name;
  return undefined;
}

/**
 * One Messages-API message as FakeMessages: an assistant's tool_use blocks become its toolCalls; each tool_result
 * block of a user message becomes its own {role:'tool'} message (in order, before the user's remaining text, which
 * stays a user message only when there is any).
 */
function messagesOf(m: any): FakeMessage[] {
  const role = String(m?.role ?? '');
  const blocks: any[] = Array.isArray(m?.content) ? m.content : [];
  const results = blocks.filter((p) => p?.type === 'tool_result');
  const uses = blocks.filter((p) => p?.type === 'tool_use');
  const rest = Array.isArray(m?.content) ? blocks.filter((p) => p?.type !== 'tool_result' && p?.type !== 'tool_use') : m?.content;
  const out: FakeMessage[] = results.map((r) => ({ role: 'tool', content: resultText(r.content), toolCallId: String(r.tool_use_id ?? '') }));
  const msg: FakeMessage = { role, content: textOf(rest) };
  if (uses.length > 0) msg.toolCalls = uses.map((u) => ({ id: String(u.id ?? ''), name: String(u.name ?? ''), args: u.input ?? {} }));
  if (results.length === 0 || msg.content !== '' || msg.toolCalls) out.push(msg);
  return out;
}

function parse(body: unknown): ParsedBody {
  const b = body as any;
  const model = typeof b?.model === 'string' ? b.model : '';
  const raw: unknown[] = Array.isArray(b?.messages) ? b.messages : [];
  const messages = raw.flatMap(messagesOf);
  const tools: FakeTool[] = (Array.isArray(b?.tools) ? b.tools : [])
    .filter((t: any) => typeof t?.name === 'string')
    .map((t: any) => ({ name: t.name, description: t.description, parameters: t.input_schema }));
  if (b?.system !== undefined && b?.system !== null) messages.unshift({ role: 'system', content: textOf(b.system) });
  const stream = b?.stream === true;
  let invalid: string | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) invalid = 'There was an issue with your request body: expected an object';
  else if (!model) invalid = 'model: Field required';
  else if (!Array.isArray(b.messages)) invalid = 'messages: Field required';
  else if (typeof b.max_tokens !== 'number') invalid = 'max_tokens: Field required';
  else if (raw.length === 0) invalid = 'messages: at least one message is required';
  else {
    const bad = raw.findIndex((m: any) => m?.role !== 'user' && m?.role !== 'assistant');
    if (bad >= 0) invalid = `messages.${bad}.role: Input should be 'user' or 'assistant'`;
  }
  return { model, messages, tools, stream, invalid };
}

function error(kind: ErrorKind, info: ErrorInfo = {}): WireError {
  const e = (status: number, type: string, message: string): WireError => ({ status, body: { type: 'error', error: { type, message } } });
  switch (kind) {
    case 'authentication':
      return e(401, 'authentication_error', info.key ? `invalid x-api-key (${maskKey(info.key)})` : 'x-api-key header is required');
    case 'rate_limit':
      return e(
        429,
        'rate_limit_error',
        `This request would exceed the rate limit for your organization of 50 requests per minute for ${info.model || 'this model'}. Please retry after ${info.retryAfterS ?? 1} seconds.`,
      );
    case 'server':
      return e(500, 'api_error', info.message ?? 'Internal server error');
    case 'unavailable':
      return e(503, 'api_error', 'Service temporarily unavailable');
    case 'not_found':
      return e(404, 'not_found_error', `Not Found (${info.route ?? ''})`);
    case 'invalid_request':
      return e(400, 'invalid_request_error', info.message ?? 'Invalid request');
  }
}

/** The content blocks to render: text (when any) then the answer's tool_use blocks, else a judge's forced tool. */
function blocksOf(
  body: any,
  ans: ResolvedAnswer,
  id: string,
): ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown })[] {
  if (ans.toolCalls.length > 0)
    return [
      ...(ans.text ? [{ type: 'text' as const, text: ans.text }] : []),
      ...ans.toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.args })),
    ];
  const tool = forcedTool(body);
  const input = tool !== undefined ? jsonObjectOf(ans.text) : undefined;
  if (tool !== undefined && input) return [{ type: 'tool_use', id: `toolu_${id}`, name: tool, input }];
  return [{ type: 'text', text: ans.text }];
}

function sendAnswer(res: ServerResponse, body: any, model: string, ans: ResolvedAnswer, id: string): void {
  const content = blocksOf(body, ans, id);
  const stop = finishFor('anthropic', ans.finishReason, content.some((c) => c.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const headers = { 'request-id': `req_${id}` };

  if (!body.stream) {
    sendJson(
      res,
      200,
      {
        id: `msg_${id}`,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: ans.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: ans.outputTokens },
      },
      headers,
    );
    return;
  }

  startSse(res, headers);
  const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', {
    message: {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: ans.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    },
  });
  event('ping', {});
  content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      // Like Anthropic: the block opens with an empty input; the input's JSON text follows in input_json_delta pieces.
      event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const p of pieces(JSON.stringify(block.input))) event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } });
    } else {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const p of pieces(block.text)) event('content_block_delta', { index, delta: { type: 'text_delta', text: p } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: ans.outputTokens } });
  event('message_stop', {});
  res.end();
}

function malformed(stream: boolean): { contentType: string; text: string } {
  return stream
    ? { contentType: 'text/event-stream; charset=utf-8', text: 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_x","usa\n\n' }
    : { contentType: 'application/json', text: '{"id":"msg_x","type":"message","role":"assistant","content":[{"type":"text","text":"tru' };
}

export const anthropicWire: Wire = {
  name: 'anthropic',
  parse,
  credentials(headers) {
    const xKey = typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined;
    if (xKey !== undefined) return { raw: xKey, key: xKey };
    // createAnthropic({ authToken }) sends `Authorization: Bearer` instead of x-api-key.
    const raw = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    const m = raw ? /^Bearer\s+(.+)$/i.exec(raw) : null;
    return { raw, key: m ? m[1].trim() : undefined };
  },
  error,
  sendAnswer,
  malformed,
  models: (ids) => ({
    data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
  }),
};
