// An agent's own failures are recorded in its transcript and the run goes on (issue #16, "Bad input"): a call of a
// tool the suite does not declare (`unknown-tool`), arguments that are not JSON or fail the tool's parameters
// (`invalid-args`), a function tool that throws (`tool-error`) or hangs (`tool-timeout`: its worker is stopped), a
// loop that hits `max_steps` (stop `max-steps`). Function tools keep a state per case and repeat, started by `initialState(vars)`:
// every case (and repeat) books into a fresh database. A provider failure the retries cannot fix at step N is the
// result's error, naming the step. A tool whose parameters are not a JSON Schema stops the suite before any call.
import { describe, expect, it } from 'vitest';
import type { FakeAnswer, FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { stepOf, toolResult, toolResultsOf } from '../helpers/agent-script.js';

const KEY = 'sk-agent-failures-test-key-0123456789';

const taskOf = (req: FakeRequest): string => req.messages.find((m) => m.role === 'user')!.content;

/** The model: each task calls one tool at its first step and then answers; `loop` calls a tool at every step. */
function answer(req: FakeRequest): FakeAnswer {
  const task = taskOf(req);
  const step = stepOf(req);
  const call = (name: string, args: unknown): FakeAnswer => ({ text: '', toolCalls: [{ name, args }] });
  if (task === 'loop') return call('get_reservation', { reservation_id: `R${step}` });
  if (task === 'book-two' && step === 0) {
    // Two calls in one step: the AI SDK runs them in parallel; the second must see the first's booking.
    return {
      text: '',
      toolCalls: [
        { name: 'book', args: { seat: '1A' } },
        { name: 'book', args: { seat: '1B' } },
      ],
    };
  }
  if (task === 'book-two')
    return {
      text: `results: ${toolResultsOf(req)
        .map((m) => m.content)
        .join(' ')}`,
    };
  if (step > 0) {
    const last = req.messages.at(-1)!;
    return { text: task.startsWith('book') ? `booked: ${JSON.stringify(toolResult(req, 'book'))}` : `saw: ${last.content}` };
  }
  if (task === 'unknown') return call('delete_everything', {});
  if (task === 'invalid') return call('get_reservation', { reservation_id: 42 });
  if (task === 'badjson') return call('get_reservation', '{"reservation_id": '); // arguments cut off: not JSON
  if (task === 'throws') return call('explode', {});
  if (task === 'hangs') return call('hang', {});
  if (task === 'badstep') return call('get_reservation', { reservation_id: 'ZFA04Y' });
  return call('book', { seat: '1A' });
}

const TOOLS_MODULE = `export function initialState(vars) { return { bookings: [], seats: vars.seats }; }
export function book(args, ctx) {
  ctx.state.bookings.push(args.seat);
  return { bookings: ctx.state.bookings.length, seats: ctx.state.seats, repeat: ctx.repeat };
}
export function explode() { throw new Error('the database is down'); }
export function hang() { for (;;) {} }
`;

function suiteYaml(url: string, extra = ''): string {
  return `name: agent-failures
providers:
  openai: { baseURL: "${url}" }
models: [openai:gpt-4o-mini]
retries: { max: 1, base_ms: 10, max_ms: 20 }
concurrency: 1
max_steps: 3
prompts:
  - id: v1
    messages: [{ role: user, content: "{{task}}" }]
tools:
  - name: get_reservation
    parameters: { type: object, properties: { reservation_id: { type: string } }, required: [reservation_id] }
    result: { status: confirmed }
  - name: book
    parameters: { type: object, properties: { seat: { type: string } } }
    function: ./tools.mjs#book
  - name: explode
    function: ./tools.mjs#explode
  - name: hang
    function: ./tools.mjs#hang
    timeout_ms: 300
cases: cases.jsonl
${extra}`;
}

interface Row {
  case_id: string;
  repeat: number;
  output: string | null;
  error_class: string | null;
  error_message: string | null;
  transcript_json: string | null;
}

type ToolMessage = { role: 'tool'; name: string; content: string; step: number; error?: { class: string; message: string } };
const toolMessages = (row: Row): ToolMessage[] => JSON.parse(row.transcript_json!).messages.filter((m: { role: string }) => m.role === 'tool');

describe('agent failures are the agent’s, recorded in its transcript', () => {
  const fake = useFakeProvider({
    apiKey: KEY,
    answer,
    // badstep: the second model step is refused (400, not retried): the item's error names step 2.
    fault: (req) => (taskOf(req) === 'badstep' && stepOf(req) === 1 ? { kind: '400', message: 'malformed tool result' } : undefined),
  });

  it('classes unknown tools, invalid args, throws and hangs, stops at max_steps, and resets function state per case and repeat', async () => {
    const dir = tempDir();
    const tasks = ['throws', 'unknown', 'invalid', 'badjson', 'loop', 'book-a', 'book-b', 'book-two', 'hangs'];
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml(fake.server.openaiBaseURL, 'repeat: 2\n'),
      'cases.jsonl': jsonl(tasks.map((task) => ({ id: task, vars: { task, seats: task === 'book-b' ? 20 : 10 } }))),
      'tools.mjs': TOOLS_MODULE,
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    // A finished run: every item stored, none in error (the agents' failures are in their transcripts).
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = queryDb<Row>(dir, 'SELECT case_id, repeat_index AS repeat, output, error_class, error_message, transcript_json FROM results');
    expect(rows).toHaveLength(tasks.length * 2);
    for (const row of rows) expect(row.error_class, `${row.case_id}: ${row.error_message}`).toBeNull();
    const byCase = (id: string) => rows.filter((r) => r.case_id === id);

    const [unknown] = toolMessages(byCase('unknown')[0]);
    expect(unknown).toMatchObject({ name: 'delete_everything', step: 1, error: { class: 'unknown-tool' } });
    const unknownCall = JSON.parse(byCase('unknown')[0].transcript_json!).messages.find((m: { role: string }) => m.role === 'assistant').toolCalls[0];
    expect(unknownCall.invalid.class).toBe('unknown-tool');

    const [invalid] = toolMessages(byCase('invalid')[0]);
    expect(invalid).toMatchObject({ name: 'get_reservation', step: 1, error: { class: 'invalid-args' } });
    expect(invalid.error!.message).toContain('reservation_id must be string');

    const [badJson] = toolMessages(byCase('badjson')[0]);
    expect(badJson).toMatchObject({ name: 'get_reservation', step: 1, error: { class: 'invalid-args' } });
    const badJsonCall = JSON.parse(byCase('badjson')[0].transcript_json!).messages.find((m: { role: string }) => m.role === 'assistant').toolCalls[0];
    expect(badJsonCall).toMatchObject({ args: '{"reservation_id": ', invalid: { class: 'invalid-args' } }); // the raw text kept

    // Every repeat: the second runs right after the hung tool of the first (cases run in repeat order), and must
    // not be sent to the hung worker, which is about to be stopped.
    for (const row of byCase('throws')) {
      const [thrown] = toolMessages(row);
      expect(thrown).toMatchObject({ name: 'explode', error: { class: 'tool-error' } });
      expect(thrown.error!.message).toContain('the database is down');
      expect(row.output).toContain('the database is down'); // the model was told the tool's error
    }

    for (const row of byCase('hangs')) {
      const [hung] = toolMessages(row);
      expect(hung).toMatchObject({ name: 'hang', error: { class: 'tool-timeout' } });
      expect(JSON.parse(row.transcript_json!)).toMatchObject({ steps: 2, stop: 'final' });
    }

    for (const row of byCase('loop')) {
      const transcript = JSON.parse(row.transcript_json!);
      expect(transcript).toMatchObject({ steps: 3, stop: 'max-steps', maxSteps: 3 });
      expect(toolMessages(row).map((m) => m.step)).toEqual([1, 2, 3]);
      expect(row.output).toBe(''); // it never answered
    }

    // Each case and repeat starts from initialState(its vars): one booking each, never 2 (a shared or kept database).
    for (const id of ['book-a', 'book-b']) {
      const seats = id === 'book-b' ? 20 : 10;
      expect(
        byCase(id)
          .map((r) => r.output)
          .sort(),
      ).toEqual([`booked: {"bookings":1,"seats":${seats},"repeat":0}`, `booked: {"bookings":1,"seats":${seats},"repeat":1}`]);
    }

    // One step's parallel calls of a module run one after the other, each on the state the previous left.
    for (const row of byCase('book-two')) {
      expect(row.output).toBe(`results: {"bookings":1,"seats":10,"repeat":${row.repeat}} {"bookings":2,"seats":10,"repeat":${row.repeat}}`);
    }
  });

  it('a provider failure at step 2 is the result’s error and names the step', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml(fake.server.openaiBaseURL),
      'cases.jsonl': jsonl([{ id: 'badstep', vars: { task: 'badstep' } }]),
      'tools.mjs': TOOLS_MODULE,
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(result.exitCode, result.stderr).toBe(3); // incomplete: an item is in error
    const [row] = queryDb<Row>(dir, 'SELECT case_id, repeat_index AS repeat, output, error_class, error_message, transcript_json FROM results');
    expect(row.error_class).toBe('bad-request');
    expect(row.error_message).toMatch(/^step 2: /);
    expect(row.output).toBeNull();
  });
});

describe('--dry-run of an agent suite', () => {
  it('says that each agent item is counted as up to max_steps steps', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml('http://127.0.0.1:9/v1'),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { task: 'book' } }]),
      'tools.mjs': TOOLS_MODULE,
    });
    const result = await runCli(['run', 'evalspec.yaml', '--dry-run'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('an agent of up to 3 steps (max_steps) per case: each case is counted as 3 steps');
  });
});

describe('a bad tools: section stops the suite before any call', () => {
  it('names the file, the line and the fix when parameters are not a JSON Schema', async () => {
    const dir = tempDir();
    const yaml = suiteYaml('http://127.0.0.1:9/v1').replace(
      'parameters: { type: object, properties: { seat: { type: string } } }',
      'parameters: { type: object, properties: { seat: { type: strin } } }',
    );
    writeFiles(dir, { 'evalspec.yaml': yaml, 'cases.jsonl': jsonl([{ id: 'c1', vars: { task: 'book' } }]), 'tools.mjs': TOOLS_MODULE });
    const line = yaml.split('\n').findIndex((l) => l.includes('type: strin }')) + 1;
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`evalspec.yaml:${line}: tool "book": its parameters are not a valid JSON Schema`);
    expect(result.stderr).toContain('fix the schema');
  });

  it('refuses a tool name providers do not accept and a case answering an undeclared tool', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteYaml('http://127.0.0.1:9/v1').replace('- name: explode', '- name: "explode now"'),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { task: 'book' } }]),
      'tools.mjs': TOOLS_MODULE,
    });
    const bad = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('a tool name is 1 to 64 letters, digits, _ or -');

    writeFiles(dir, {
      'evalspec.yaml': suiteYaml('http://127.0.0.1:9/v1'),
      'cases.jsonl': jsonl([{ id: 'c1', vars: { task: 'book' }, tool_results: { boook: { ok: true } } }]),
    });
    const unknown = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('tool_results names the tool "boook", which the suite does not declare (did you mean book?)');
  });
});
