// The failures section of `show` (terminal) and of the Markdown report for an agent (issue #16): one line per
// failing agent result says why it stopped and the step and tool call of the first failing behaviour check, the
// model's arguments escaped for each format. The JSON report carries each result's transcript.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent } from '../helpers/agent-script.js';

const KEY = 'sk-agent-failure-report-0123456789';

// Step 1 looks the reservation up, step 2 cancels it (forbidden) with a reason holding an ANSI escape and
// Markdown/HTML syntax, step 3 answers.
const HOSTILE = 'x\u001b[31m<b>|`*';
const agent = scriptedAgent([
  { toolCalls: [{ name: 'get_reservation', args: { reservation_id: 'ZFA04Y' } }] },
  { toolCalls: [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y', reason: HOSTILE } }] },
  { text: 'Cancelled.' },
]);

const fake = useFakeProvider({ apiKey: KEY, answer: agent });

it('names the stop reason, the step and the call of the first failing behaviour check, escaped per format', async () => {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': `name: agent-failures
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "Cancel {{rid}}" }]
tools:
  - name: get_reservation
    parameters: { type: object, properties: { reservation_id: { type: string } } }
    result: { status: confirmed }
  - name: cancel_reservation
    parameters: { type: object, properties: { reservation_id: { type: string }, reason: { type: string } } }
    result: { status: cancelled }
cases: cases.jsonl
checks:
  - { type: trajectory, mode: strict, expected: [{ name: get_reservation }] }
  - { type: tool-not-called, tool: cancel_reservation, severity: critical }
`,
    'cases.jsonl': jsonl([{ id: 'c1', vars: { rid: 'ZFA04Y' } }]),
  });
  const run = await runCli(['run', 'evalspec.yaml', '--md', 'report.md', '--json', 'report.json'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
  expect(run.exitCode, run.stderr).toBe(0); // failing checks are results, not an error (no gate here)

  // Both checks point at step 2 (the trajectory's extra call, the forbidden call): the first in check order is named.
  const line = 'answered after 3 steps; trajectory fails at step 2: cancel_reservation(';
  const show = await runCli(['show', 'latest'], { cwd: dir });
  const agentLine = show.stdout.split('\n').find((l) => l.trim().startsWith('agent:'));
  expect(agentLine, show.stdout).toContain(line);
  expect(agentLine).toContain('"reservation_id":"ZFA04Y"');
  expect(agentLine).not.toContain('\u001b'); // the escape sequence never reaches the terminal

  const md = readFileSync(join(dir, 'report.md'), 'utf8');
  const mdLine = md.split('\n').find((l) => l.includes('agent:'));
  expect(mdLine, md).toContain('answered after 3 steps; trajectory fails at step 2: cancel\\_reservation(');
  expect(mdLine).toContain('\\<b\\>\\|\\`\\*'); // no HTML, no table break, no code span
  expect(mdLine).not.toContain('\u001b');

  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { results: { transcript?: { steps: number; stop: string } }[] };
  expect(json.results[0].transcript).toMatchObject({ steps: 3, stop: 'final', maxSteps: 10 });
});
