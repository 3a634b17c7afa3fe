// OpenAI Responses wire (POST /v1/responses): request normalisation, the JSON response and error bodies.
// What @ai-sdk/openai's responses() model sends: { model, input: [{role:'system'|'developer', content:
// string}, {role:'user', content:[{type:'input_text', text}]}, {role:'assistant', content:[{type:
// 'output_text', text}]}], temperature, top_p, max_output_tokens }; what it parses: output[] items of
// type 'message' with output_text parts, output items of type 'function_call' (tool calls; the finish reason is
// then 'tool-calls'), usage.{input,output}_tokens with their _details, and
// incomplete_details.reason ('max_output_tokens' -> finish 'length'). Errors share Chat Completions' body.
// Streamed (stream: true): SSE `response.*` events as OpenAI sends them: response.created, per output item
// output_item.added, its text in output_text.delta pieces (or a function call's arguments), output_item.done, then
// response.completed (or response.incomplete) carrying the whole response with its usage.
import type { ServerResponse } from 'node:http';
import { openaiWire } from './openai-wire.js';
import type { FakeMessage, FakeTool, ParsedBody, ResolvedAnswer, Wire } from './types.js';
import { argsOf, argsText, pieces, resultText, sendJson, startSse, textOf } from './util.js';

/**
 * The `input` items as messages. A function_call item is an assistant message with toolCalls (consecutive
 * assistant items, i.e. one step's text and parallel calls, merge into one); a function_call_output item is a
 * {role:'tool'} message. Other items that are not messages (item_reference, reasoning…) keep their type as role.
 */
function messagesOf(items: unknown[]): FakeMessage[] {
  const out: FakeMessage[] = [];
  for (const item of items as any[]) {
    const prev = out.at(-1);
    if (typeof item === 'string') out.push({ role: 'user', content: item });
    else if (item?.type === 'function_call') {
      const call = { id: String(item.call_id ?? ''), name: String(item.name ?? ''), args: argsOf(item.arguments) };
      if (prev?.role === 'assistant') prev.toolCalls = [...(prev.toolCalls ?? []), call];
      else out.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else if (item?.type === 'function_call_output') out.push({ role: 'tool', content: resultText(item.output), toolCallId: String(item.call_id ?? '') });
    else out.push({ role: typeof item?.role === 'string' ? item.role : String(item?.type ?? ''), content: textOf(item?.content ?? item?.output) });
  }
  return out;
}

const ITEM_KINDS = ['system', 'developer', 'user', 'assistant', 'function_call', 'function_call_output', 'reasoning', 'item_reference'];

function parse(body: unknown): ParsedBody {
  const b = body as any;
  const model = typeof b?.model === 'string' ? b.model : '';
  // `input` is a string (one user message) or a list of items.
  const items: unknown[] = typeof b?.input === 'string' ? [b.input] : Array.isArray(b?.input) ? b.input : [];
  const messages = messagesOf(items);
  if (typeof b?.instructions === 'string') messages.unshift({ role: 'system', content: b.instructions });
  const tools: FakeTool[] = (Array.isArray(b?.tools) ? b.tools : [])
    .filter((t: any) => t?.type === 'function' && typeof t.name === 'string')
    .map((t: any) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const stream = b?.stream === true;
  let invalid: string | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    invalid =
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";
  else if (!model) invalid = "Missing required parameter: 'model'.";
  else if (b.input === undefined) invalid = "Missing required parameter: 'input'.";
  else if (items.length === 0) invalid = "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  else if (items.some((i: any) => typeof i !== 'string' && !ITEM_KINDS.includes(typeof i?.role === 'string' ? i.role : String(i?.type ?? '')))) {
    invalid = "Invalid value for 'input[].role': expected one of 'system', 'developer', 'user', 'assistant'.";
  }
  return { model, messages, tools, stream, invalid };
}

/** The whole response object (the JSON answer, and what a stream's last event carries). */
function responseOf(body: any, model: string, ans: ResolvedAnswer, id: string): Record<string, any> {
  // The Responses API has no finish_reason: a cut-off answer is status 'incomplete' with a reason.
  const cut = ans.finishReason === 'length' || ans.finishReason === 'max_tokens' || ans.finishReason === 'max_output_tokens';
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: cut ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: cut ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output: [
      // A step that only calls tools has no message item (as OpenAI answers it).
      ...(ans.text !== '' || ans.toolCalls.length === 0
        ? [
            {
              type: 'message',
              id: `msg_${id}`,
              status: cut ? 'incomplete' : 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text: ans.text, annotations: [] }],
            },
          ]
        : []),
      ...ans.toolCalls.map((c, i) => ({
        type: 'function_call',
        id: `fc_${id}_${i}`,
        call_id: c.id,
        name: c.name,
        arguments: argsText(c.args),
        status: 'completed',
      })),
    ],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: {
      input_tokens: ans.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: ans.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: ans.inputTokens + ans.outputTokens,
    },
    user: null,
    metadata: {},
  };
}

function sendAnswer(res: ServerResponse, body: any, model: string, ans: ResolvedAnswer, id: string): void {
  const headers = { 'x-request-id': `req_${id}`, 'openai-processing-ms': '1' };
  const response = responseOf(body, model, ans, id);
  if (!body.stream) return sendJson(res, 200, response, headers);
  startSse(res, headers);
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  event('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  (response.output as any[]).forEach((item, output_index) => {
    if (item.type === 'message') {
      event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      for (const delta of pieces(item.content[0].text))
        event('response.output_text.delta', { item_id: item.id, output_index, content_index: 0, delta, logprobs: [] });
    } else {
      event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of pieces(item.arguments)) event('response.function_call_arguments.delta', { item_id: item.id, output_index, delta });
    }
    event('response.output_item.done', { output_index, item });
  });
  event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  res.end();
}

export const openaiResponsesWire: Wire = {
  name: 'openai-responses',
  parse,
  credentials: openaiWire.credentials,
  error: openaiWire.error, // the same { error: { message, type, param, code } } bodies as Chat Completions
  sendAnswer,
  malformed: (stream) =>
    stream
      ? { contentType: 'text/event-stream; charset=utf-8', text: 'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_x\n\n' }
      : {
          contentType: 'application/json',
          text: '{"id":"resp_x","object":"response","output":[{"type":"message","content":[{"type":"output_text","text":"tru',
        },
  models: openaiWire.models,
};
