// fromOpenAIMessages: a logged OpenAI-format conversation becomes a Transcript as logged. Real records first
// (tau-bench's 200 GPT-4o airline transcripts, read from the shared data when present), their figures counted
// here straight from the JSON; then the edge cases a logger produces: arguments that are not JSON, a tool
// call nobody answered, a tool message answering nothing, content parts, and logs that are not conversations.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromOpenAIMessages, OpenAIMessagesError } from '../../src/run/openai-transcript.js';
import { finalAnswerOf, toolCallsOf } from '../../src/score/index.js';
import { REPO } from '../helpers/cli.js';

const TAU_FILE = process.env.TAU_BENCH_FILE ?? join(REPO, '../shared/data/real/tau_bench/historical_trajectories/gpt-4o-airline.json');

interface RawCall {
  id: string;
  function: { name: string; arguments: string };
}
interface RawMessage {
  role: string;
  content: string | null;
  tool_calls?: RawCall[];
  tool_call_id?: string;
}
interface TauRecord {
  task_id: number;
  trial: number;
  traj: RawMessage[];
}

describe.skipIf(!existsSync(TAU_FILE))('real tau-bench airline transcripts', () => {
  const records = existsSync(TAU_FILE) ? (JSON.parse(readFileSync(TAU_FILE, 'utf8')) as TauRecord[]) : [];

  it('every one of the 200 converts as logged: steps = assistant messages, calls in order with parsed arguments, each answered', () => {
    expect(records).toHaveLength(200);
    let calls = 0;
    for (const record of records) {
      const t = fromOpenAIMessages(record.traj, `task ${record.task_id} trial ${record.trial}`);
      const assistants = record.traj.filter((m) => m.role === 'assistant');
      const rawCalls = assistants.flatMap((m) => m.tool_calls ?? []);
      calls += rawCalls.length;
      expect(t.messages).toHaveLength(record.traj.length);
      expect(t.steps).toBe(assistants.length);
      expect(t.stop).toBe('logged');
      expect(t.maxSteps).toBeNull();
      const made = toolCallsOf(t);
      expect(made.map((c) => [c.call.id, c.call.name, c.call.args])).toEqual(rawCalls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]));
      // Every call in these logs is answered by the tool message with its id (no dangling call, no orphan).
      expect(made.every((c) => c.result?.toolCallId === c.call.id)).toBe(true);
      expect(t.problems).toBeUndefined();
      const lastAssistant = assistants[assistants.length - 1];
      expect(finalAnswerOf(t)).toBe(lastAssistant?.content ?? '');
    }
    // 1164 tool calls over the 200 logs (counted from the JSON above: 1164 tool messages answer them).
    expect(calls).toBe(1164);
  });

  it('task 0 trial 0: the booking is made at the step of the 5th assistant message, its result carries that step', () => {
    const record = records.find((r) => r.task_id === 0 && r.trial === 0)!;
    const t = fromOpenAIMessages(record.traj, 'task 0');
    const booking = toolCallsOf(t).find((c) => c.call.name === 'book_reservation')!;
    // Hand count from the log: position of the assistant message holding book_reservation among assistants.
    const assistants = record.traj.filter((m) => m.role === 'assistant');
    const expectedStep = assistants.findIndex((m) => m.tool_calls?.some((c) => c.function.name === 'book_reservation')) + 1;
    expect(booking.step).toBe(expectedStep);
    expect(booking.result?.step).toBe(expectedStep);
    expect(booking.call.args).toMatchObject({ user_id: 'mia_li_3668', origin: 'JFK', destination: 'SEA' });
  });
});

const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

describe('fromOpenAIMessages edge cases', () => {
  it('arguments that are not JSON stay as text and mark the call invalid-args; empty arguments are {}', () => {
    const t = fromOpenAIMessages(
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [call('a', 'search', '{"q": "x"'), call('b', 'ping', '')] },
        { role: 'tool', tool_call_id: 'a', content: 'error' },
        { role: 'tool', tool_call_id: 'b', content: 'pong' },
        { role: 'assistant', content: 'done' },
      ],
      'log.jsonl line 1',
    );
    const [bad, empty] = toolCallsOf(t);
    expect(bad.call).toMatchObject({ name: 'search', args: '{"q": "x"', invalid: { class: 'invalid-args' } });
    expect(empty.call).toEqual({ id: 'b', name: 'ping', args: {} });
    // The tool message's name comes from the call it answers when the log leaves it out.
    expect(bad.result).toMatchObject({ name: 'search', step: 1 });
    expect(t.steps).toBe(2);
    expect(finalAnswerOf(t)).toBe('done');
  });

  it('a tool call no tool message answers is a dangling-call problem at its step; no tool message is invented', () => {
    const t = fromOpenAIMessages(
      [
        { role: 'user', content: 'cancel it' },
        { role: 'assistant', content: 'Looking.', tool_calls: [call('c1', 'get_reservation', '{"id":"Z"}')] },
        { role: 'tool', tool_call_id: 'c1', content: '{}' },
        { role: 'assistant', content: null, tool_calls: [call('c2', 'cancel_reservation', '{"id":"Z"}')] },
      ],
      'w',
    );
    expect(t.messages.filter((m) => m.role === 'tool')).toHaveLength(1);
    expect(t.problems).toEqual([{ step: 2, class: 'dangling-call', message: 'step 2: tool call "cancel_reservation" (c2) has no tool message answering it' }]);
    expect(finalAnswerOf(t)).toBe('');
  });

  it('a tool message answering no call (unknown id, or one already answered) is kept and reported as orphan-result', () => {
    const t = fromOpenAIMessages(
      [
        { role: 'tool', tool_call_id: 'ghost', name: 'x', content: '1' },
        { role: 'assistant', content: '', tool_calls: [call('k', 'y', '{}')] },
        { role: 'tool', tool_call_id: 'k', content: '2' },
        { role: 'tool', tool_call_id: 'k', content: '3' },
      ],
      'w',
    );
    expect(t.messages).toHaveLength(4);
    expect(t.problems?.map((p) => [p.step, p.class])).toEqual([
      [null, 'orphan-result'],
      [1, 'orphan-result'],
    ]);
    expect(t.problems?.[1].message).toContain('already answered');
  });

  it('content parts are joined as text, developer is a system message, calls without ids get one per step', () => {
    const t = fromOpenAIMessages(
      [
        { role: 'developer', content: 'policy' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: { url: 'x' } },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: { already: 'parsed' } } }] },
      ],
      'w',
    );
    expect(t.messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'policy' },
      { role: 'user', content: 'ab' },
    ]);
    expect(toolCallsOf(t)[0].call).toEqual({ id: 'step1-call1', name: 'f', args: { already: 'parsed' } });
    expect(t.problems?.[0].class).toBe('dangling-call');
  });

  it('a log that is not a conversation throws naming where and which message', () => {
    const attempt = (messages: unknown) => {
      try {
        fromOpenAIMessages(messages, 'log.jsonl line 7');
      } catch (error) {
        expect(error).toBeInstanceOf(OpenAIMessagesError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(attempt({ role: 'user' })).toBe('log.jsonl line 7: "messages" is object, not an array of messages');
    expect(attempt([{ role: 'user', content: 'a' }, { content: 'b' }])).toBe('log.jsonl line 7, message 2: the message has no "role"');
    expect(attempt([{ role: 'robot', content: 'a' }])).toBe('log.jsonl line 7, message 1: unknown role "robot"');
    expect(attempt([{ role: 'assistant', content: '', tool_calls: [{ id: 'a', function: {} }] }])).toBe(
      'log.jsonl line 7, message 1: a tool call has no function.name',
    );
    expect(attempt([{ role: 'user', content: 5 }])).toBe('log.jsonl line 7, message 1: "content" is number, not text');
  });
});
