// Tools answered by replay from a logged conversation (issue #16 item 1, docs/agents.md "Tools and the agent loop"):
// the built CLI runs a live agent (a scripted model on the loopback fake provider, OpenAI Chat) whose tools carry
// `replay: ./logs.jsonl`. A call is answered by the logged answer to the first not-yet-used logged call of the same
// name with deep-equal arguments in that case's conversation; a call the log does not hold falls through to the tool's
// default result, or is a `no-result` naming the closest logged call. A bad log stops the run (exit 2, file:line), and
// the log's content is part of the suite hash.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent, toolResultsOf } from '../helpers/agent-script.js';
import { loadSuite } from '../../src/suite/index.js';

const KEY = 'sk-agent-tool-replay-key-0123456789';

// The live agent: two calls the log holds, the first of them again (the log holds it twice, with another answer), a
// reservation the log does not hold (→ the tool's default result), a flight the log does not hold (→ no-result).
const agent = scriptedAgent([
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }] },
  { toolCalls: [{ name: 'get_flight', args: { flight: 'HAT001', date: '2024-05-01' } }] },
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }] },
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'NOPE00' } }] },
  { toolCalls: [{ name: 'get_flight', args: { flight: 'XYZ999', date: '2024-05-01' } }] },
  { text: 'Your flight HAT001 was cancelled.' },
]);

// The logged conversation of case c1 (OpenAI chat format, arguments as JSON text in another key order).
const LOGGED = [
  { role: 'user', content: 'What about ZFA04Y?' },
  { role: 'assistant', content: null, tool_calls: [call('a1', 'get_reservation', '{"reservation_id":"ZFA04Y"}')] },
  { role: 'tool', tool_call_id: 'a1', content: '{"status":"confirmed","flight":"HAT001"}' },
  { role: 'assistant', content: null, tool_calls: [call('a2', 'get_flight', '{"date":"2024-05-01","flight":"HAT001"}')] },
  { role: 'tool', tool_call_id: 'a2', content: 'HAT001 departs 10:00 from gate B7' },
  { role: 'assistant', content: null, tool_calls: [call('a3', 'get_reservation', '{"reservation_id":"ZFA04Y"}')] },
  { role: 'tool', tool_call_id: 'a3', content: '{"status":"cancelled","flight":"HAT001"}' },
  // Two other flights at step 4: the agent's XYZ999 on 2024-05-01 shares its date with BBB222 only (the closest).
  {
    role: 'assistant',
    content: null,
    tool_calls: [call('a4', 'get_flight', '{"flight":"AAA111","date":"2024-06-09"}'), call('a5', 'get_flight', '{"flight":"BBB222","date":"2024-05-01"}')],
  },
  { role: 'tool', tool_call_id: 'a4', content: 'AAA111 on time' },
  { role: 'tool', tool_call_id: 'a5', content: 'BBB222 on time' },
  { role: 'assistant', content: 'It was cancelled.' },
];

function call(id: string, name: string, args: string) {
  return { id, type: 'function', function: { name, arguments: args } };
}

function suiteYaml(baseURL: string): string {
  return `name: agent-tool-replay
providers:
  openai: { baseURL: "${baseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "What about {{rid}}?" }]
tools:
  - name: get_reservation
    parameters: { type: object, properties: { reservation_id: { type: string } }, required: [reservation_id] }
    replay: ./logs.jsonl
    result: { error: not found }
  - name: get_flight
    parameters: { type: object, properties: { flight: { type: string }, date: { type: string } }, required: [flight] }
    replay: ./logs.jsonl
cases: cases.jsonl
checks: [{ type: contains, value: cancelled }]
`;
}

describe('tools answered from a logged conversation', () => {
  const fake = useFakeProvider({ apiKey: KEY, answer: agent });

  it('answers logged calls in order, falls through to the default result, and names the closest call when nothing answers', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml(fake.server.openaiBaseURL),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { rid: 'ZFA04Y' } }]),
      'logs.jsonl': jsonl([{ id: 'c1', messages: LOGGED }]),
    });
    fake.server.reset();
    const run = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(6);
    // What the provider saw as the latest tool result before each step: the logged texts verbatim.
    const lastResult = (i: number) => toolResultsOf(fake.server.requests[i]).at(-1)!.content;
    expect(lastResult(1)).toBe('{"status":"confirmed","flight":"HAT001"}');
    expect(lastResult(2)).toBe('HAT001 departs 10:00 from gate B7'); // same arguments, other key order
    expect(lastResult(3)).toBe('{"status":"cancelled","flight":"HAT001"}'); // the second identical call: the next logged answer
    expect(JSON.parse(lastResult(4))).toEqual({ error: 'not found' }); // not logged: the tool's default result

    const [row] = queryDb<{ output: string; error_class: string | null; transcript_json: string }>(dir, 'SELECT * FROM results');
    expect(row.error_class).toBeNull();
    expect(row.output).toBe('Your flight HAT001 was cancelled.');
    const tools = JSON.parse(row.transcript_json).messages.filter((m: { role: string }) => m.role === 'tool');
    expect(tools).toHaveLength(5);
    expect(tools.slice(0, 4).map((t: { error?: unknown }) => t.error)).toEqual([undefined, undefined, undefined, undefined]);
    // get_flight has no other source: a no-result naming the unused logged call sharing most argument values.
    expect(tools[4].error.class).toBe('no-result');
    expect(tools[4].error.message).toContain('no logged call matched');
    expect(tools[4].error.message).toContain('closest: get_flight({"date":"2024-05-01","flight":"BBB222"}) at step 4');
  });

  it('stops on a bad log line with its file and line, and a changed log changes the suite hash', async () => {
    const dir = tempDir();
    const good = jsonl([{ id: 'c1', messages: LOGGED }]);
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml(fake.server.openaiBaseURL),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { rid: 'ZFA04Y' } }]),
      'logs.jsonl': good,
    });
    const before = loadSuite(join(dir, 'evalspec.yaml')).hash;
    writeFiles(dir, { 'logs.jsonl': `${good}{"id": "c2", "messages": [\n` });
    expect(loadSuite(join(dir, 'evalspec.yaml')).hash).not.toBe(before);

    fake.server.reset();
    const bad = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('logs.jsonl:2');
    expect(fake.server.requests).toHaveLength(0);

    writeFiles(dir, { 'logs.jsonl': good });
    const missing = suiteYaml(fake.server.openaiBaseURL).replace('replay: ./logs.jsonl\n    result', 'replay: ./nolog.jsonl\n    result');
    writeFiles(dir, { 'evalspec.yaml': missing });
    const gone = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(gone.exitCode).toBe(2);
    const line = missing.split('\n').findIndex((l) => l.includes('nolog.jsonl')) + 1;
    expect(gone.stderr).toContain(`evalspec.yaml:${line}: tool replay log not found`);
  });
});
