// The fake provider speaks tool calls on every wire: the real AI SDK runs a multi-step agent loop (generateText /
// streamText with tools and stopWhen) against it over loopback HTTP, driven by test/helpers/agent-script.ts.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptedAgent, stepOf, toolResult } from '../helpers/agent-script.js';
import { closeAll, KEY, start } from './helpers.js';
import type { FakeProvider, FakeRequest } from './server.js';

afterEach(closeAll);

interface WireCase {
  wire: FakeRequest['wire'];
  model: (p: FakeProvider) => LanguageModel;
  streams: boolean;
  /** Prefix of the ids the fake generates for calls it is not given one for. */
  idPrefix: string;
}
const WIRES: WireCase[] = [
  { wire: 'openai', model: (p) => createOpenAI({ baseURL: p.openaiBaseURL, apiKey: KEY }).chat('gpt-4o-mini'), streams: true, idPrefix: 'call_' },
  {
    wire: 'openai-responses',
    model: (p) => createOpenAI({ baseURL: p.openaiBaseURL, apiKey: KEY }).responses('gpt-4o-mini'),
    streams: false,
    idPrefix: 'call_',
  },
  { wire: 'anthropic', model: (p) => createAnthropic({ baseURL: p.anthropicBaseURL, apiKey: KEY })('claude-x'), streams: true, idPrefix: 'toolu_' },
  { wire: 'google', model: (p) => createGoogleGenerativeAI({ baseURL: p.googleBaseURL, apiKey: KEY })('gemini-2.0-flash'), streams: false, idPrefix: 'call_' },
];

const ORDERS: Record<string, { customer_id: string; total: number }> = { A1: { customer_id: 'C-77', total: 42 }, B2: { customer_id: 'C-9', total: 7 } };

/** Two tools, one with a zod input and one with a JSON Schema input; `executed` records what the SDK ran. */
function makeTools() {
  const executed: { name: string; args: unknown }[] = [];
  const tools = {
    lookup_order: tool({
      description: 'Look up an order',
      inputSchema: z.object({ order_id: z.string() }),
      execute: async (args) => {
        executed.push({ name: 'lookup_order', args });
        return ORDERS[args.order_id] ?? { error: 'not found' };
      },
    }),
    get_customer: tool({
      description: 'Get a customer',
      inputSchema: jsonSchema<{ customer_id: string }>({
        type: 'object',
        properties: { customer_id: { type: 'string' } },
        required: ['customer_id'],
        additionalProperties: false,
      }),
      execute: async (args) => {
        executed.push({ name: 'get_customer', args });
        return args.customer_id === 'C-77' ? 'Ada Lovelace' : 'unknown customer';
      },
    }),
  };
  return { tools, executed };
}

/** Call A -> its result -> call B with an argument taken from A's result -> final text. Tokens fixed per step. */
const threeSteps = () =>
  scriptedAgent([
    { toolCalls: [{ name: 'lookup_order', args: { order_id: 'A1' } }], inputTokens: 10, outputTokens: 3 },
    (req) => ({
      toolCalls: [{ name: 'get_customer', args: { customer_id: (toolResult(req, 'lookup_order') as { customer_id: string }).customer_id } }],
      inputTokens: 20,
      outputTokens: 4,
    }),
    { text: 'Order A1 belongs to Ada Lovelace.', inputTokens: 30, outputTokens: 5 },
  ]);

const parseJson = (s: string): unknown => JSON.parse(s);

describe.each(WIRES)('$wire wire: tool calls through the AI SDK', (w) => {
  const modes = w.streams ? (['generateText', 'streamText'] as const) : (['generateText'] as const);

  it.each(modes)('%s runs a 3-step loop: call A, call B with args from A result, final text', async (mode) => {
    const p = await start({ answer: threeSteps() });
    const { tools, executed } = makeTools();
    const opts = { model: w.model(p), tools, stopWhen: stepCountIs(5), prompt: 'Who placed order A1?', maxRetries: 0 };
    const r = mode === 'generateText' ? await generateText(opts) : streamText(opts);
    const steps = await r.steps;

    expect(steps).toHaveLength(3);
    expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'tool-calls', 'stop']);
    expect(steps[0].toolCalls.map((c) => [c.toolName, c.input])).toEqual([['lookup_order', { order_id: 'A1' }]]);
    expect(steps[1].toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_customer', { customer_id: 'C-77' }]]);
    expect(steps[2].toolCalls).toEqual([]);
    expect(await r.text).toBe('Order A1 belongs to Ada Lovelace.');
    expect(executed).toEqual([
      { name: 'lookup_order', args: { order_id: 'A1' } },
      { name: 'get_customer', args: { customer_id: 'C-77' } },
    ]);
    // Ids the fake generated (none given in the script): distinct, with the wire's prefix.
    const ids = steps.flatMap((s) => s.toolCalls.map((c) => c.toolCallId));
    for (const id of ids) expect(id.startsWith(w.idPrefix)).toBe(true);
    expect(new Set(ids).size).toBe(2);
    // Usage per step as scripted; the total is their sum: 10+20+30 = 60 in, 3+4+5 = 12 out.
    expect(steps.map((s) => [s.usage.inputTokens, s.usage.outputTokens])).toEqual([
      [10, 3],
      [20, 4],
      [30, 5],
    ]);
    expect(await r.totalUsage).toMatchObject({ inputTokens: 60, outputTokens: 12 });

    // What the fake received, normalised the same on every wire.
    expect(p.requests.map((q) => [q.wire, q.stream, q.status])).toEqual([0, 1, 2].map(() => [w.wire, mode === 'streamText', 200]));
    expect(p.requests.map((q) => stepOf(q))).toEqual([0, 1, 2]);
    const offered = p.requests[0].tools;
    expect(offered.map((t) => [t.name, t.description])).toEqual([
      ['lookup_order', 'Look up an order'],
      ['get_customer', 'Get a customer'],
    ]);
    expect(offered[1].parameters).toMatchObject({ type: 'object', properties: { customer_id: { type: 'string' } }, required: ['customer_id'] });
    const last = p.requests[2].messages;
    const lastUser = last.map((m) => m.role).lastIndexOf('user');
    expect(last[lastUser].content).toBe('Who placed order A1?');
    const turn = last.slice(lastUser + 1);
    expect(turn.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant', 'tool']);
    expect(turn[0].toolCalls).toEqual([{ id: ids[0], name: 'lookup_order', args: { order_id: 'A1' } }]);
    expect(turn[2].toolCalls).toEqual([{ id: ids[1], name: 'get_customer', args: { customer_id: 'C-77' } }]);
    expect(parseJson(turn[1].content)).toEqual({ customer_id: 'C-77', total: 42 });
    // A string result goes over the wire as the string itself (google inside functionResponse.response.content).
    expect(turn[3].content).toBe('Ada Lovelace');
    // Every wire sends the call id back (google too, since the fake's functionCall parts carry ids); google also the name.
    expect([turn[1].toolCallId, turn[3].toolCallId]).toEqual(ids);
    if (w.wire === 'google') expect([turn[1].name, turn[3].name]).toEqual(['lookup_order', 'get_customer']);
  });

  it.each(modes)('%s: parallel tool calls in one step, a given id kept, results of both sent back', async (mode) => {
    const p = await start({
      answer: scriptedAgent([
        {
          toolCalls: [
            { name: 'lookup_order', args: { order_id: 'A1' } },
            { id: 'my_call_2', name: 'lookup_order', args: { order_id: 'B2' } },
          ],
        },
        { text: 'A1 is 42, B2 is 7.' },
      ]),
    });
    const { tools, executed } = makeTools();
    const opts = { model: w.model(p), tools, stopWhen: stepCountIs(5), prompt: 'Totals of A1 and B2?', maxRetries: 0 };
    const r = mode === 'generateText' ? await generateText(opts) : streamText(opts);
    const steps = await r.steps;

    expect(steps).toHaveLength(2);
    expect(steps[0].finishReason).toBe('tool-calls');
    expect(steps[0].toolCalls.map((c) => c.input)).toEqual([{ order_id: 'A1' }, { order_id: 'B2' }]);
    expect(steps[0].toolCalls[1].toolCallId).toBe('my_call_2');
    expect(await r.text).toBe('A1 is 42, B2 is 7.');
    expect(executed.map((e) => e.args)).toEqual([{ order_id: 'A1' }, { order_id: 'B2' }]);

    const turn = p.requests[1].messages.slice(p.requests[1].messages.map((m) => m.role).lastIndexOf('user') + 1);
    // One assistant message holding both calls (one step), then one tool message per call.
    expect(turn.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool']);
    expect(turn[0].toolCalls?.map((c) => c.args)).toEqual([{ order_id: 'A1' }, { order_id: 'B2' }]);
    expect(turn.slice(1).map((m) => parseJson(m.content))).toEqual([ORDERS.A1, ORDERS.B2]);
    expect(turn[2].toolCallId).toBe('my_call_2');
  });
});

describe('scriptedAgent', () => {
  it('text accompanying tool calls reaches the SDK; past the script the last text step answers again', async () => {
    const p = await start({
      answer: scriptedAgent([{ text: 'Let me check.', toolCalls: [{ name: 'lookup_order', args: { order_id: 'A1' } }] }, { text: 'Done.' }]),
    });
    const { tools } = makeTools();
    const model = WIRES[2].model(p); // anthropic: a text block before the tool_use block
    const r = await generateText({ model, tools, stopWhen: stepCountIs(5), prompt: 'A1?', maxRetries: 0 });
    expect(r.steps.map((s) => s.text)).toEqual(['Let me check.', 'Done.']);
    // A second user turn in the same conversation starts the script again at step 0.
    const again = await generateText({
      model,
      tools,
      stopWhen: stepCountIs(5),
      messages: [...r.response.messages, { role: 'user', content: 'And again?' }],
      maxRetries: 0,
    });
    expect(again.steps).toHaveLength(2);
    // Step 2 of a turn (beyond the 2-step script) answers the last text step.
    const past = scriptedAgent([{ toolCalls: [{ name: 'x', args: {} }] }, { text: 'end' }]);
    const two = { id: 'c', name: 'x', args: {} };
    const req = {
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [two] },
        { role: 'tool', content: '1', toolCallId: 'c' },
        { role: 'assistant', content: '', toolCalls: [two] },
        { role: 'tool', content: '2', toolCallId: 'c' },
      ],
    } as FakeRequest;
    expect(stepOf(req)).toBe(2);
    expect(past(req)).toMatchObject({ text: 'end' });
    expect(toolResult(req, 'x')).toBe(2);
  });
});
