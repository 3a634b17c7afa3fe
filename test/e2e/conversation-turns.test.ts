// Scripted conversations end to end (issue #16, docs/agents.md "Conversations"): a case's `turns:` are played one
// user message at a time against the loopback fake provider through the built CLI. Turn 2 makes the agent call a
// tool (two model steps), turn 3's check fails. The stored transcript numbers turns and global steps, each request
// carries the conversation so far (tool calls and results included), the turns' checks are stored as
// `turn<N>:<metric>` and decide the result's pass, and a rerun replays every step from the cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeProvider, FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent, toolResult } from '../helpers/agent-script.js';

const KEY = 'sk-conversation-turns-key-0123456789';

const lastUser = (req: FakeRequest) => [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

const lookUp = scriptedAgent([
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }] },
  (req) => ({ text: `It is on flight ${(toolResult(req, 'get_reservation') as { flight: string }).flight}.` }),
]);

/** The agent: greets on turn 1, looks the reservation up on turn 2, and says "You are welcome." (not "Goodbye") on turn 3. */
function agent(req: FakeRequest) {
  const said = lastUser(req);
  if (said.startsWith('Hello')) return { text: 'Hi, how can I help?' };
  if (said.startsWith('Where')) return lookUp(req);
  if (said.startsWith('Question')) return { text: `You asked: ${said}` };
  return { text: 'You are welcome.' };
}

interface Wire {
  name: string;
  providers: (p: FakeProvider) => string;
  model: string;
  env: string;
}

// The conversation's history (tool calls and results of earlier turns) is sent in each wire's own shape.
const WIRES: Wire[] = [
  { name: 'OpenAI Chat', providers: (p) => `openai: { baseURL: "${p.openaiBaseURL}" }`, model: 'openai:gpt-4o-mini', env: 'OPENAI_API_KEY' },
  {
    name: 'Anthropic Messages',
    providers: (p) => `anthropic: { baseURL: "${p.anthropicBaseURL}" }`,
    model: 'anthropic:claude-3-5-haiku-latest',
    env: 'ANTHROPIC_API_KEY',
  },
];

function suiteYaml(wire: Wire, fake: FakeProvider, extra = ''): string {
  return `name: conversation-turns
providers:
  ${wire.providers(fake)}
models: [${wire.model}]
prompts:
  - id: v1
    messages:
      - { role: system, content: "You are an airline agent." }
tools:
  - name: get_reservation
    parameters: { type: object, properties: { reservation_id: { type: string } }, required: [reservation_id] }
    results:
      - args: { reservation_id: ZFA04Y }
        result: { status: confirmed, flight: HAT001 }
cases:
  - id: c1
    vars: { rid: ZFA04Y }
    turns:
      - Hello
      - user: "Where is my reservation {{rid}}?"
        checks: [{ type: contains, value: HAT001 }, { type: tool-called, tool: get_reservation }]
      - user: Thanks
        checks: [{ type: contains, value: Goodbye }]
    checks: [{ type: contains, value: welcome }]
${extra}`;
}

interface Row {
  run_id: string;
  output: string;
  pass: number;
  cached: number;
  checks_json: string;
  error_class: string | null;
  transcript_json: string;
}

const withoutTimes = (t: { messages: Record<string, unknown>[] }) => ({ ...t, messages: t.messages.map(({ latencyMs: _l, ...m }) => m) });

describe.each(WIRES)('scripted turns on $name', (wire) => {
  const fake = useFakeProvider({ apiKey: KEY, answer: agent });

  it('plays three turns, stores per-turn checks under turn<N>: and the failing turn decides the pass; a rerun is all cache', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire, fake.server) });
    fake.server.reset();
    const first = await runCli(['run', 'evalspec.yaml', '--json', 'report.json'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(first.exitCode, first.stderr).toBe(0); // a failing check is a failed case (no bar here), not an error
    expect(first.stderr).not.toContain('Warning');
    // One request for turn 1, two for turn 2 (the tool call, then the answer), one for turn 3.
    expect(fake.server.requests.map(lastUser)).toEqual(['Hello', 'Where is my reservation ZFA04Y?', 'Where is my reservation ZFA04Y?', 'Thanks']);
    // Turn 3's request carries the whole conversation: turn 2's tool call and result included.
    const last = fake.server.requests[3].messages;
    expect(last.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(last[4].toolCalls?.[0]).toMatchObject({ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } });
    expect(JSON.parse(last[5].content)).toEqual({ status: 'confirmed', flight: 'HAT001' });
    expect(last[6].content).toBe('It is on flight HAT001.');

    const [row] = queryDb<Row>(dir, 'SELECT * FROM results');
    expect(row.error_class).toBeNull();
    expect(row.output).toBe('You are welcome.'); // the last turn's answer
    const checks = JSON.parse(row.checks_json) as { metric: string; pass: boolean; reason: string }[];
    expect(checks.map((c) => [c.metric, c.pass])).toEqual([
      ['contains', true], // the case's own check, on the final answer
      ['turn2:contains', true],
      ['turn2:tool-called', true],
      ['turn3:contains', false],
    ]);
    expect(row.pass).toBe(0);

    const transcript = JSON.parse(row.transcript_json);
    expect(transcript).toMatchObject({ steps: 4, stop: 'max-turns', maxSteps: 10 });
    const shape = transcript.messages.map((m: { role: string; turn?: number; step?: number }) => [m.role, m.turn ?? null, m.step ?? null]);
    expect(shape).toEqual([
      ['system', null, null],
      ['user', 1, null],
      ['assistant', 1, 1],
      ['user', 2, null],
      ['assistant', 2, 2],
      ['tool', null, 2],
      ['assistant', 2, 3],
      ['user', 3, null],
      ['assistant', 3, 4],
    ]);

    // Reported: the JSON report's failing metric names the turn.
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toContain('turn3:contains');
    expect(first.stdout).toContain('turn3:contains');

    // A rerun: every model step from the cache, the same transcript.
    fake.server.reset();
    const second = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(0);
    const again = queryDb<Row>(dir, 'SELECT * FROM results').find((r) => r.run_id !== row.run_id)!;
    expect(again.cached).toBe(1);
    expect(withoutTimes(JSON.parse(again.transcript_json))).toEqual(withoutTimes(transcript));
    expect(JSON.parse(again.checks_json).map((c: { pass: boolean }) => c.pass)).toEqual([true, true, true, false]);
  });

  it('a turn that hits max_steps ends the conversation: later turns are not played and their checks fail as not reached', async () => {
    const dir = tempDir();
    // max_steps 1: turn 2's tool call uses the turn's only step, so the agent never answers it.
    writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire, fake.server, 'max_steps: 1\n') });
    fake.server.reset();
    const run = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fake.server.requests.map(lastUser)).toEqual(['Hello', 'Where is my reservation ZFA04Y?']);
    const [row] = queryDb<Row>(dir, 'SELECT * FROM results');
    const transcript = JSON.parse(row.transcript_json);
    expect(transcript).toMatchObject({ steps: 2, stop: 'max-steps', maxSteps: 1 });
    expect(transcript.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'tool']);
    const checks = JSON.parse(row.checks_json) as { metric: string; pass: boolean; reason: string; indeterminate?: boolean }[];
    expect(checks.map((c) => [c.metric, c.pass])).toEqual([
      ['contains', false], // the final answer is '' (the loop ended on a tool call)
      ['turn2:contains', false],
      ['turn2:tool-called', true],
      ['turn3:contains', false],
    ]);
    expect(checks[3]).toMatchObject({ indeterminate: true, reason: 'turn 3 was not reached: the conversation stopped before it (max-steps)' });
  });
});
