// Warnings that arise during a run (here the AI SDK's: an openai-compatible judge cannot be asked to enforce
// the answer schema, known only at the first judge call) are stored with the run when it ends, so `show` (and
// everything else that reads the run later) lists them, not only the --json of the invocation that ran it;
// a resume that meets the same warning again stores it once. Built CLI against the loopback fake provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

const KEY = 'sk-run-warnings-0123456789';
const SCHEMA_WARNING = "not asked to enforce the judge's answer schema";

describe('warnings that arise mid-run are stored with the run', () => {
  let model: FakeProvider;
  let judge: FakeProvider;
  /** Case ids whose model call the server refuses (HTTP 400, not retried): the run ends incomplete. */
  let refuse = new Set<string>();
  beforeAll(async () => {
    model = await startFakeProvider({
      apiKey: KEY,
      fault: (req: FakeRequest) =>
        refuse.has(/Answer (\w+)/.exec(req.messages.at(-1)!.content)![1]) ? { kind: '400', message: 'refused by the test' } : undefined,
      answer: () => 'an answer',
    });
    judge = await startFakeProvider({ answer: () => JSON.stringify({ reasoning: 'fine', verdict: 'pass', score: 1 }) });
  });
  afterAll(async () => {
    await Promise.all([model.close(), judge.close()]);
    cleanupTempDirs();
  });

  it('show lists the routed AI SDK warning after the run, in the terminal and in --json; a resume stores it once', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: run-warnings',
        'providers:',
        `  openai: { baseURL: "${model.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }`,
        `  local: { type: openai-compatible, baseURL: "${judge.openaiBaseURL}" }`,
        'models: [openai:gpt-4o-mini]',
        'cases: cases.jsonl',
        'prompts: [{ id: p, messages: [{ role: user, content: "Answer {{q}}" }] }]',
        'retries: { max: 0 }',
        'checks:',
        '  - { type: judge, judge: local:llama-judge, rubric: "The answer is an answer." }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(['c1', 'c2', 'c3'].map((id) => ({ id, vars: { q: id } }))),
    });
    const env = { OPENAI_API_KEY: KEY };
    refuse = new Set(['c2']);
    const first = await runCli(['run', 'evalspec.yaml', '--no-progress', '--no-cache'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(3);
    const [{ id: runId }] = queryDb<{ id: string }>(dir, 'SELECT id FROM runs');
    expect(judge.requests.length).toBeGreaterThan(0); // the warning's cause happened in this run

    const shown = await runCli(['show', runId, '--json', 'show.json'], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(3); // incomplete
    expect(shown.stdout).toContain(SCHEMA_WARNING);
    const report = JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8'));
    expect(report.warnings.filter((w: string) => w.includes(SCHEMA_WARNING))).toEqual([expect.stringContaining('llama-judge')]);

    // The resume meets the same warning again (a new process, a new judge call): still one entry.
    refuse = new Set();
    const resumed = await runCli(['run', '--resume', runId, '--no-progress', '--no-cache'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const [{ warnings_json }] = queryDb<{ warnings_json: string }>(dir, 'SELECT warnings_json FROM runs WHERE id = ?', runId);
    const stored: string[] = JSON.parse(warnings_json);
    expect(stored.filter((w) => w.includes(SCHEMA_WARNING))).toHaveLength(1);
    expect(new Set(stored).size).toBe(stored.length);
    const again = await runCli(['show', runId, '--json', 'again.json'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')).warnings.filter((w: string) => w.includes(SCHEMA_WARNING))).toHaveLength(1);
  });
});
