// A simulated user end to end (issue #16, docs/agents.md "Conversations"): a second model of the loopback fake
// provider ("user-sim") plays the user from the case's instruction, sees the conversation with the roles flipped,
// and ends it by writing the stop text, which never reaches the agent; or it runs out of `max_turns`. Its tokens
// and cost are counted apart from the agent's (the row's cost is both), its calls are cached like model calls, so
// a rerun reproduces the transcript with no request at all. Repeats of a conversation are reduced per case before
// the statistics (clustered by case), as the JSON report's interval method says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-conversation-simulated-key-0123456789';
const OPENING = 'Hi! How can I help you today?'; // the agent's greeting every simulated user sees first

/** The user model's lines, by how many it has said so far (its own messages are 'assistant' in its flipped view). */
const USER_LINES = ['I need my reservation ZFA04Y.', 'Which flight is it on?', 'Great, thanks! ###STOP###'];

function answer(req: FakeRequest) {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  if (req.model === 'user-sim') {
    const said = req.messages.filter((m) => m.role === 'assistant').length;
    // "chatty": a user who never says the stop text (the max_turns test).
    const line = req.messages[0].content.includes('chatty') ? `Tell me more (${said + 1}).` : USER_LINES[Math.min(said, USER_LINES.length - 1)];
    return { text: line, inputTokens: 100, outputTokens: 50 };
  }
  // The agent: case c2's opening asked a second time (attempt counts identical requests) starts a conversation in
  // which it cannot help, to its end. Which of c2's repeats asks second is up to the run's concurrency.
  const refused = (lastUser.includes('c2-open') && req.attempt > 1) || req.messages.some((m) => m.content === 'I cannot help.');
  if (refused) return { text: 'I cannot help.', inputTokens: 10, outputTokens: 5 };
  return { text: `Agent reply to: ${lastUser}`, inputTokens: 10, outputTokens: 5 };
}

interface Row {
  run_id: string;
  case_id: string;
  repeat_index: number;
  output: string;
  pass: number;
  cached: number;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  checks_json: string;
  error_class: string | null;
  transcript_json: string;
}

const withoutTimes = (t: { messages: Record<string, unknown>[] }) => ({ ...t, messages: t.messages.map(({ latencyMs: _l, ...m }) => m) });

describe('a simulated user', () => {
  // A user model that the provider refuses (400: not retried), for the failure test.
  const fake = useFakeProvider({ apiKey: KEY, answer, fault: (req) => (req.model === 'user-broken' ? { kind: '400', message: 'bad user model' } : undefined) });

  it('stops on its stop text after two turns; its cost is counted apart and added to the row; a rerun reproduces it from the cache', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: conversation-simulated
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [{ id: openai:gpt-4o-mini, price: { input_per_mtok: 1000, output_per_mtok: 2000 } }]
prompts:
  - id: v1
    messages: [{ role: system, content: "You are an airline agent." }]
simulated_user:
  model: openai:user-sim
  instruction: "You are {{name}}. Goal: {{goal}}"
  price: { input_per_mtok: 100, output_per_mtok: 200 }
cases:
  - id: c1
    vars: { name: Ann, goal: find the flight of ZFA04Y }
checks: [{ type: contains, value: "Which flight" }, { type: max-cost, value: 0.05 }]
`,
    });
    fake.server.reset();
    const first = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(first.exitCode, first.stderr).toBe(0);
    const byModel = (m: string) => fake.server.requests.filter((r) => r.model === m);
    // The user spoke twice and stopped on its third message; the agent answered twice.
    expect(byModel('user-sim')).toHaveLength(3);
    expect(byModel('gpt-4o-mini')).toHaveLength(2);
    // The user model sees its instruction (rendered from vars), the greeting, then the conversation with roles flipped.
    const userView = byModel('user-sim')[2].messages.map((m) => [m.role, m.content]);
    expect(userView).toEqual([
      ['system', 'You are Ann. Goal: find the flight of ZFA04Y'],
      ['user', OPENING],
      ['assistant', USER_LINES[0]],
      ['user', `Agent reply to: ${USER_LINES[0]}`],
      ['assistant', USER_LINES[1]],
      ['user', `Agent reply to: ${USER_LINES[1]}`],
    ]);
    // The stop text never reaches the agent.
    for (const r of byModel('gpt-4o-mini')) expect(JSON.stringify(r.messages)).not.toContain('###STOP###');
    expect(byModel('gpt-4o-mini')[1].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);

    const [row] = queryDb<Row>(dir, 'SELECT * FROM results');
    expect(row.error_class).toBeNull();
    expect(row.output).toBe(`Agent reply to: ${USER_LINES[1]}`);
    const transcript = JSON.parse(row.transcript_json);
    expect(transcript.stop).toBe('user-stop');
    expect(transcript.steps).toBe(2);
    expect(
      transcript.messages.map((m: { role: string; turn?: number; simulated?: boolean; content: string }) => [
        m.role,
        m.turn ?? null,
        m.simulated ?? false,
        m.content,
      ]),
    ).toEqual([
      ['system', null, false, 'You are an airline agent.'],
      ['user', 1, true, USER_LINES[0]],
      ['assistant', 1, false, `Agent reply to: ${USER_LINES[0]}`],
      ['user', 2, true, USER_LINES[1]],
      ['assistant', 2, false, `Agent reply to: ${USER_LINES[1]}`],
      ['user', 3, true, 'Great, thanks!'], // what the user said last, without the stop text, never sent
    ]);
    // Costs by hand. Agent: 2 steps × (10 × $1000 + 5 × $2000) / 1e6 = $0.04. User: 3 calls × (100 × $100 + 50 × $200) / 1e6 = $0.06.
    expect(transcript.simulatedUser).toMatchObject({ model: 'openai:user-sim', calls: 3, cached: 0, inputTokens: 300, outputTokens: 150 });
    expect(transcript.simulatedUser.costUsd).toBeCloseTo(0.06, 9);
    expect(row.cost_usd).toBeCloseTo(0.1, 9); // the row: agent + simulated user
    expect([row.input_tokens, row.output_tokens]).toEqual([20, 10]); // the agent's tokens only
    // max-cost sees the agent's cost ($0.04 ≤ $0.05): the simulated user is the test's cost, not the feature's.
    expect(JSON.parse(row.checks_json).map((c: { pass: boolean }) => c.pass)).toEqual([true, true]);

    // A rerun with the cache: no request at all, the same conversation, nothing paid.
    fake.server.reset();
    const second = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(0);
    const again = queryDb<Row>(dir, 'SELECT * FROM results').find((r) => r.run_id !== row.run_id)!;
    expect(again.cached).toBe(1);
    expect(again.cost_usd).toBe(0);
    const replayed = JSON.parse(again.transcript_json);
    expect(replayed.simulatedUser).toMatchObject({ calls: 3, cached: 3, paidCostUsd: 0 });
    expect(withoutTimes({ ...replayed, simulatedUser: undefined })).toEqual(withoutTimes({ ...transcript, simulatedUser: undefined }));
  });

  it('ends at max_turns; the prompt’s own user message is turn 0; repeats are reduced per case before the statistics', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: conversation-max-turns
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: system, content: "You are an airline agent." }, { role: user, content: "{{open}}" }]
simulated_user: { model: openai:user-sim, instruction: "You are chatty.", max_turns: 5 }
repeat: 2
cases:
  - id: c1
    vars: { open: c1-open }
    simulated_user: { max_turns: 2 }
  - id: c2
    vars: { open: c2-open }
    simulated_user: { max_turns: 2 }
checks: [{ type: contains, value: "Agent reply" }]
`,
    });
    fake.server.reset();
    const run = await runCli(['run', 'evalspec.yaml', '--json', 'report.json'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = queryDb<Row>(dir, 'SELECT * FROM results ORDER BY case_id, repeat_index');
    expect(rows).toHaveLength(4);
    const t = JSON.parse(rows[0].transcript_json);
    expect(t.stop).toBe('max-turns');
    // Turn 0 (the prompt's user message), then the user's two turns (the case's max_turns over the suite's 5): 3 steps.
    expect(
      t.messages.filter((m: { role: string }) => m.role === 'user').map((m: { turn: number; simulated?: boolean }) => [m.turn, m.simulated ?? false]),
    ).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    expect(t.steps).toBe(3);
    expect(t.simulatedUser.calls).toBe(2);
    // c1 passes both repeats, c2 one of its two.
    expect(rows.map((r) => r.case_id)).toEqual(['c1', 'c1', 'c2', 'c2']);
    expect([rows[0].pass, rows[1].pass, rows[2].pass + rows[3].pass]).toEqual([1, 1, 1]);
    // Clustered by case: 2 cases (not 4 results), pass rate = mean of the per-case shares (1 + 0.5) / 2 = 0.75, its
    // interval a t interval over those two shares.
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const variant = report.variants[0];
    expect(variant.cases).toBe(2);
    expect(variant.passRate).toBeCloseTo(0.75, 9);
    expect(variant.passRateCi.method).toContain('per-case pass shares (2 repeats)');
  });

  it("the user model's failure is the result's error naming the turn; the run is incomplete and nothing else is lost", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: conversation-user-fails
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: system, content: "You are an airline agent." }, { role: user, content: "{{open}}" }]
simulated_user: { model: openai:user-sim, instruction: "You are chatty.", max_turns: 1 }
cases:
  - id: ok
    vars: { open: c1-open }
  - id: broken
    vars: { open: c1-open }
    simulated_user: { model: openai:user-broken }
checks: [{ type: contains, value: "Agent reply" }]
`,
    });
    const run = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode, run.stderr).toBe(3); // incomplete
    const rows = queryDb<Row>(dir, 'SELECT * FROM results ORDER BY case_id');
    expect(rows.map((r) => [r.case_id, r.error_class])).toEqual([
      ['broken', 'bad-request'],
      ['ok', null],
    ]);
    const broken = queryDb<{ error_message: string }>(dir, "SELECT error_message FROM results WHERE case_id = 'broken'")[0];
    expect(broken.error_message).toMatch(/^simulated user, turn 1: /);
    expect(broken.error_message).toContain('bad user model');
  });

  it('a function: model may play the user: it gets the flipped conversation as messages', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      // Opens the conversation (before it spoke, its flipped view has no assistant message), then stops.
      'user.mjs': `export default function ({ messages }) {
  const said = messages.filter((m) => m.role === 'assistant').length;
  return said === 0 ? 'c1-open from code' : 'done ###STOP###';
}
`,
      'evalspec.yaml': `name: conversation-function-user
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: system, content: "You are an airline agent." }]
simulated_user: { model: "function:./user.mjs", instruction: "Be brief." }
cases: [{ id: c1 }]
`,
    });
    fake.server.reset();
    const run = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fake.server.requests.map((r) => r.model)).toEqual(['gpt-4o-mini']); // only the agent is a network call
    const [row] = queryDb<Row>(dir, 'SELECT * FROM results');
    const t = JSON.parse(row.transcript_json);
    expect(t.stop).toBe('user-stop');
    expect(t.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['system', 'You are an airline agent.'],
      ['user', 'c1-open from code'],
      ['assistant', 'Agent reply to: c1-open from code'],
      ['user', 'done'],
    ]);
    expect(t.simulatedUser).toMatchObject({ model: 'function:./user.mjs', calls: 2 });
  });
});
