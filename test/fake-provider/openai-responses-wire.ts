// OpenAI Responses wire (POST /v1/responses): request normalisation, the JSON response and error bodies.
// What @ai-sdk/openai's responses() model sends: { model, input: [{role:'system'|'developer', content:
// string}, {role:'user', content:[{type:'input_text', text}]}, {role:'assistant', content:[{type:
// 'output_text', text}]}], temperature, top_p, max_output_tokens }; what it parses: output[] items of
// type 'message' with output_text parts, output items of type 'function_call' (tool calls; the finish reason is
// then 'tool-calls'), usage.{input,output}_tokens with their _details, and
// incomplete_details.reason ('max_output_tokens' -> finish 'length'). Errors share Chat Completions' body.
// Streaming (SSE response.* events) is not implemented: evalspec's calls are not streamed; stream:true
// gets a 400 saying so, so a test cannot silently rely on it.
import type { ServerResponse } from 'node:http';
import { openaiWire } from './openai-wire.js';
import type { FakeMessage, FakeTool, ParsedBody, ResolvedAnswer, Wire } from './types.js';
import { argsOf, argsText, resultText, sendJson, textOf } from './util.js';

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
  } else if (stream) invalid = 'fake provider: streaming is not implemented on the Responses wire';
  return { model, messages, tools, stream, invalid };
}

function sendAnswer(res: ServerResponse, body: any, model: string, ans: ResolvedAnswer, id: string): void {
  // The Responses API has no finish_reason: a cut-off answer is status 'incomplete' with a reason.
  const cut = ans.finishReason === 'length' || ans.finishReason === 'max_tokens' || ans.finishReason === 'max_output_tokens';
  sendJson(
    res,
    200,
    {
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
    },
    { 'x-request-id': `req_${id}`, 'openai-processing-ms': '1' },
  );
}

export const openaiResponsesWire: Wire = {
  name: 'openai-responses',
  parse,
  credentials: openaiWire.credentials,
  error: openaiWire.error, // the same { error: { message, type, param, code } } bodies as Chat Completions
  sendAnswer,
  malformed: () => ({
    contentType: 'application/json',
    text: '{"id":"resp_x","object":"response","output":[{"type":"message","content":[{"type":"output_text","text":"tru',
  }),
  models: openaiWire.models,
};
