// Replay of logged agent conversations through the built CLI (issue #16 item 4): a record holding OpenAI-format
// `messages` (+ `metadata`) is scored on its final assistant text, stored with its transcript (tool calls,
// results, dangling calls as problems, metadata), and `show` reprints the run; a record that is not a
// conversation is a REPLAY_FILE error naming the file and line before anything runs.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

afterAll(() => cleanupTempDirs());

const call = (id: string, name: string, args: object) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });

// Two cases × 2 logged trials. Case "cancel": trial 0 cancels and confirms, trial 1 calls the cancel tool and the
// log stops before its result (a dangling call). Case "status": both answer from a looked-up reservation.
const logs = [
  {
    id: 'cancel',
    repeat: 0,
    metadata: { reward: 1 },
    messages: [
      { role: 'system', content: 'You are an airline agent.' },
      { role: 'user', content: 'Cancel ZFA04Y please' },
      { role: 'assistant', content: null, tool_calls: [call('c1', 'cancel_reservation', { reservation_id: 'ZFA04Y' })] },
      { role: 'tool', tool_call_id: 'c1', name: 'cancel_reservation', content: '{"status":"cancelled"}' },
      { role: 'assistant', content: 'Your reservation ZFA04Y is cancelled.' },
    ],
  },
  {
    id: 'cancel',
    repeat: 1,
    metadata: { reward: 0 },
    messages: [
      { role: 'user', content: 'Cancel ZFA04Y please' },
      { role: 'assistant', content: 'One moment.', tool_calls: [call('c9', 'cancel_reservation', { reservation_id: 'ZFA04Y' })] },
    ],
  },
  ...[0, 1].map((repeat) => ({
    id: 'status',
    repeat,
    metadata: { reward: 1 },
    messages: [
      { role: 'user', content: 'Is ABC123 confirmed?' },
      { role: 'assistant', content: '', tool_calls: [call(`s${repeat}`, 'get_reservation_details', { reservation_id: 'ABC123' })] },
      { role: 'tool', tool_call_id: `s${repeat}`, content: '{"status":"confirmed"}' },
      { role: 'assistant', content: 'Yes, ABC123 is confirmed.' },
    ],
  })),
];

const suite = `name: replay-agents
models: [replay:./agent.jsonl]
cases: [{ id: cancel, vars: { code: ZFA04Y } }, { id: status, vars: { code: ABC123 } }]
repeat: 2
checks:
  - { type: javascript, value: "output.includes(vars.code)" }
`;

describe('replay of logged agent conversations', () => {
  it('scores the final assistant text, stores each transcript with its tool calls, problems and metadata; show reprints it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite, 'agent.jsonl': jsonl(logs) });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const outputs = raw.results.map((r: { caseId: string; repeat: number; output: string; pass: boolean }) => [r.caseId, r.repeat, r.output, r.pass]);
    // The dangling trial's last assistant text is "One moment." (it never answered): fails the check.
    expect(outputs.sort()).toEqual([
      ['cancel', 0, 'Your reservation ZFA04Y is cancelled.', true],
      ['cancel', 1, 'One moment.', false],
      ['status', 0, 'Yes, ABC123 is confirmed.', true],
      ['status', 1, 'Yes, ABC123 is confirmed.', true],
    ]);
    expect(raw.variants[0].passRate).toBeCloseTo(3 / 4, 12);

    const rows = queryDb<{ case_id: string; repeat_index: number; transcript_json: string | null }>(
      dir,
      'SELECT case_id, repeat_index, transcript_json FROM results ORDER BY case_id, repeat_index',
    );
    expect(rows).toHaveLength(4);
    const [ok, dangling] = rows.map((r) => JSON.parse(r.transcript_json ?? 'null'));
    expect(ok).toMatchObject({ steps: 2, stop: 'logged', maxSteps: null, metadata: { reward: 1 } });
    expect(ok.messages[2]).toMatchObject({
      role: 'assistant',
      step: 1,
      toolCalls: [{ id: 'c1', name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
    });
    expect(ok.messages[3]).toMatchObject({ role: 'tool', toolCallId: 'c1', step: 1, content: '{"status":"cancelled"}' });
    expect(ok.problems).toBeUndefined();
    expect(dangling.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']); // no tool message invented
    expect(dangling.problems).toEqual([
      { step: 1, class: 'dangling-call', message: 'step 1: tool call "cancel_reservation" (c9) has no tool message answering it' },
    ]);
    expect(dangling.metadata).toEqual({ reward: 0 });

    const shown = await runCli(['show', 'latest', '--json', 'shown.json'], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    const again = JSON.parse(readFileSync(join(dir, 'shown.json'), 'utf8'));
    expect(again.variants[0].passRate).toBeCloseTo(3 / 4, 12);
    expect(shown.stdout).toContain('replay-agents');
  });

  it('a record whose messages are not a conversation is REPLAY_FILE naming the file, line and message', async () => {
    const bad = async (record: object) => {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': suite, 'agent.jsonl': jsonl([logs[0], record]) });
      return runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    };
    const notArray = await bad({ id: 'status', messages: { role: 'user', content: 'hi' } });
    expect(notArray.exitCode).toBe(2);
    expect(notArray.stderr).toContain('error[REPLAY_FILE]');
    expect(notArray.stderr).toContain('agent.jsonl:2');
    expect(notArray.stderr).toContain('record "status": "messages" is object, not an array of messages');

    const noRole = await bad({ id: 'status', messages: [{ role: 'user', content: 'hi' }, { content: 'hello' }] });
    expect(noRole.exitCode).toBe(2);
    expect(noRole.stderr).toContain('agent.jsonl:2');
    expect(noRole.stderr).toContain('record "status", message 2: the message has no "role"');

    const badMetadata = await bad({ id: 'status', messages: [], metadata: [1] });
    expect(badMetadata.exitCode).toBe(2);
    expect(badMetadata.stderr).toContain('"metadata" must be an object, not an array');
  });

  it('a record logging both the conversation and the output shown is scored on the output, with the transcript kept', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: replay-shown
models: [replay:./agent.jsonl]
cases: [{ id: a }]
checks: [{ type: equals, value: "Shown to the user" }]
`,
      'agent.jsonl': jsonl([
        {
          id: 'a',
          output: 'Shown to the user',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'Raw model text' },
          ],
        },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const [row] = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results;
    expect([row.output, row.pass]).toEqual(['Shown to the user', true]);
    const [stored] = queryDb<{ transcript_json: string }>(dir, 'SELECT transcript_json FROM results');
    expect(JSON.parse(stored.transcript_json)).toMatchObject({ steps: 1, messages: [{ role: 'user' }, { role: 'assistant', content: 'Raw model text' }] });
  });

  it('a priced log without token counts counts what each step re-read and wrote', async () => {
    const dir = tempDir();
    const hello = { content: 'hello' };
    writeFiles(dir, {
      'evalspec.yaml': `name: replay-priced
models: [{ id: "replay:./agent.jsonl", price: { input_per_mtok: 1, output_per_mtok: 1 } }]
cases: [{ id: a }]
checks: [{ type: contains, value: hello }]
`,
      'agent.jsonl': jsonl([
        {
          id: 'a',
          messages: [
            { role: 'user', ...hello },
            { role: 'assistant', ...hello },
            { role: 'user', ...hello },
            { role: 'assistant', ...hello },
          ],
        },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const [row] = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results;
    // "hello" is 1 cl100k token; each message costs 3 tokens of framing + its text, each reply 3 (OpenAI's rule):
    //   step 1 reads [user] = 3 + (3 + 1) = 7; step 2 reads [user, assistant, user] = 3 + 3 × 4 = 15 → 22 input;
    //   each step writes "hello" → 2 output.
    expect(row.tokens).toEqual({ input: 22, output: 2 });
  });
});
