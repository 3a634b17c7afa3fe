// The agent loop end to end (issue #16): the built CLI runs a suite whose model has tools against the loopback fake
// provider speaking OpenAI Chat, OpenAI Responses, Anthropic Messages and Google Gemini. A scripted model looks a reservation up
// (a fixed result of the suite), then its flight (a function tool), then answers from both results: three real
// provider calls through the AI SDK. The stored result carries the transcript (steps, arguments, results) and the
// tokens summed over the steps; a rerun replays the three model steps from the cache (no request reaches the
// provider), runs the tools again and stores the same transcript; it paid nothing, and its checks see the
// conversation's cost. A changed tool misses the cache.
import { describe, expect, it } from 'vitest';
import type { FakeProvider } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent, toolResult } from '../helpers/agent-script.js';

const KEY = 'sk-agent-loop-test-key-0123456789';

// Usage per step, so the expected totals come from the script, not from anything evalspec counts:
// input 10 + 20 + 30 = 60, output 5 + 6 + 7 = 18.
const agent = scriptedAgent([
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }], inputTokens: 10, outputTokens: 5 },
  (req) => ({
    toolCalls: [{ name: 'get_flight', args: { flight: (toolResult(req, 'get_reservation') as { flight: string }).flight } }],
    inputTokens: 20,
    outputTokens: 6,
  }),
  (req) => ({ text: `Flight HAT001 departs at ${(toolResult(req, 'get_flight') as { departs: string }).departs}.`, inputTokens: 30, outputTokens: 7 }),
]);

const TOOLS_MODULE = `export function getFlight(args, ctx) {
  ctx.state.lookups = (ctx.state.lookups ?? 0) + 1;
  return { flight: args.flight, departs: '10:00', case: ctx.caseId };
}
`;

function suiteYaml(providers: string, model: string): string {
  return `name: agent-loop
${providers}
models: [{ id: ${model}, price: { input_per_mtok: 1000, output_per_mtok: 2000 } }]
prompts:
  - id: v1
    messages:
      - { role: system, content: "You are an airline agent." }
      - { role: user, content: "When does the flight of reservation {{rid}} leave?" }
tools:
  - name: get_reservation
    description: Look up a reservation
    parameters: { type: object, properties: { reservation_id: { type: string } }, required: [reservation_id] }
    results:
      - args: { reservation_id: ZFA04Y }
        result: { status: confirmed, flight: HAT001 }
    result: { error: not found }
  - name: get_flight
    description: Look up a flight
    parameters: { type: object, properties: { flight: { type: string } }, required: [flight] }
    function: ./tools.mjs#getFlight
cases: cases.jsonl
checks: [{ type: contains, value: "departs at 10:00" }, { type: max-cost, value: 0.09 }]
`;
}

interface Wire {
  name: string;
  providers: (p: FakeProvider) => string;
  model: string;
  env: string;
}

const WIRES: Wire[] = [
  { name: 'OpenAI Chat', providers: (p) => `providers:\n  openai: { baseURL: "${p.openaiBaseURL}" }`, model: 'openai:gpt-4o-mini', env: 'OPENAI_API_KEY' },
  {
    name: 'OpenAI Responses',
    providers: (p) => `providers:\n  openai: { baseURL: "${p.openaiBaseURL}", api: responses }`,
    model: 'openai:gpt-4o-mini',
    env: 'OPENAI_API_KEY',
  },
  {
    name: 'Anthropic Messages',
    providers: (p) => `providers:\n  anthropic: { baseURL: "${p.anthropicBaseURL}" }`,
    model: 'anthropic:claude-3-5-haiku-latest',
    env: 'ANTHROPIC_API_KEY',
  },
  {
    name: 'Google Gemini',
    providers: (p) => `providers:\n  google: { baseURL: "${p.googleBaseURL}" }`,
    model: 'google:gemini-2.0-flash',
    env: 'GOOGLE_GENERATIVE_AI_API_KEY',
  },
];

interface Row {
  run_id: string;
  output: string;
  pass: number;
  cached: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number | null;
  cost_usd: number | null;
  checks_json: string;
  error_class: string | null;
  transcript_json: string;
}

/** The transcript without measured times (a rerun measures its tools again). */
function withoutTimes(transcript: { messages: Record<string, unknown>[] }): unknown {
  return { ...transcript, messages: transcript.messages.map(({ latencyMs: _l, ...m }) => m) };
}

describe.each(WIRES)('a three-step agent on $name', (wire) => {
  const fake = useFakeProvider({ apiKey: KEY, answer: agent });

  it('runs the loop, stores the transcript with tokens summed, and a rerun replays the steps from the cache', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml(wire.providers(fake.server), wire.model),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { rid: 'ZFA04Y' } }]),
      'tools.mjs': TOOLS_MODULE,
    });
    fake.server.reset();
    const first = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(3); // one provider call per model step

    // Every step offered both tools; the second step's request carried the first tool's result as JSON text.
    for (const r of fake.server.requests) expect(r.tools.map((t) => t.name).sort()).toEqual(['get_flight', 'get_reservation']);
    const sentResult = fake.server.requests[1].messages.find((m) => m.role === 'tool');
    expect(JSON.parse(sentResult!.content)).toEqual({ status: 'confirmed', flight: 'HAT001' });

    const [row] = queryDb<Row>(dir, 'SELECT * FROM results');
    expect(row.error_class).toBeNull();
    expect(row.output).toBe('Flight HAT001 departs at 10:00.');
    // The conversation's cost at the suite's price: 60 input tokens × $1000/Mtok + 18 output × $2000/Mtok = $0.096,
    // over the max-cost bar of $0.09; the answer check passes.
    expect(row.pass).toBe(0);
    expect(row.cost_usd).toBeCloseTo(0.096, 9);
    const verdicts = (r: Row) => JSON.parse(r.checks_json).map((c: { pass: boolean | null }) => c.pass);
    expect(verdicts(row)).toEqual([true, false]);
    expect([row.input_tokens, row.output_tokens]).toEqual([60, 18]);
    expect(row.latency_ms).toBeGreaterThan(0);
    const transcript = JSON.parse(row.transcript_json);
    expect(transcript).toMatchObject({ steps: 3, stop: 'final', maxSteps: 10 });
    const roles = transcript.messages.map((m: { role: string }) => m.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
    const [, , s1, t1, s2, t2, s3] = transcript.messages;
    expect(s1).toMatchObject({ step: 1, content: '', usage: { inputTokens: 10, outputTokens: 5 } });
    expect(s1.toolCalls).toEqual([{ id: expect.any(String), name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }]);
    expect(t1).toMatchObject({ step: 1, name: 'get_reservation', toolCallId: s1.toolCalls[0].id });
    expect(JSON.parse(t1.content)).toEqual({ status: 'confirmed', flight: 'HAT001' });
    expect(s2.toolCalls[0]).toMatchObject({ name: 'get_flight', args: { flight: 'HAT001' } });
    expect(JSON.parse(t2.content)).toEqual({ flight: 'HAT001', departs: '10:00', case: 'c1' });
    expect(t2.error).toBeUndefined();
    expect(s3).toMatchObject({ step: 3, content: 'Flight HAT001 departs at 10:00.', usage: { inputTokens: 30, outputTokens: 7 } });
    expect(s3.toolCalls).toBeUndefined();

    // A rerun: the three model steps from the cache (the provider sees nothing), the tools run again.
    fake.server.reset();
    const second = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(0);
    const rows = queryDb<Row>(dir, 'SELECT * FROM results');
    expect(rows).toHaveLength(2);
    const again = rows.find((r) => r.run_id !== row.run_id)!;
    expect(again.cached).toBe(1);
    expect([again.output, again.input_tokens, again.output_tokens]).toEqual([row.output, 60, 18]);
    // This run paid nothing, but the checks see what the conversation costs, as for a cached single call.
    expect(again.cost_usd).toBe(0);
    expect(verdicts(again)).toEqual([true, false]);
    expect(withoutTimes(JSON.parse(again.transcript_json))).toEqual(withoutTimes(transcript));

    // The tools are part of each step's cache key: a changed tool description reaches the model, so every step is called again.
    writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire.providers(fake.server), wire.model).replace('Look up a flight', 'Look up a flight by number') });
    fake.server.reset();
    const changed = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(3);
    expect(fake.server.requests[0].tools.find((t) => t.name === 'get_flight')!.description).toBe('Look up a flight by number');
  });
});
