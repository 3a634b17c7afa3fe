// A `function:` judge is user code like a `function:` model: it runs in a user-code worker with the judge's
// timeout, so a judge that never settles or spins in `while (true) {}` becomes a judge-error on that result
// (the run ends incomplete, exit 3, every report written) instead of stalling the CLI (exit 70) or hanging it.
// Through the built CLI; the model under test is the loopback fake provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

const KEY = 'sk-function-judge-0123456789';
const REPORT_ARGS = ['--json', 'out.json', '--md', 'out.md', '--junit', 'out.xml', '--no-progress'];

/** A judge that answers pass, except for the cases listed in HANG, where it runs `hang` (a statement). */
const judgeModule = (hang: string) => `const HANG = new Set(['c1']);
export default async function ({ caseId }) {
  if (HANG.has(caseId)) { ${hang} }
  return { reasoning: 'it answers', verdict: 'pass', score: 1 };
}
`;

let server: FakeProvider;

/** `judge` names the judge module; `extra` is more top-level YAML (timeout_ms, retries). */
function project(hang: string, judge: string, extra: string): string {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': `name: function-judge
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
  local-rules: { type: function, timeout_ms: 300 }
models: [openai:gpt-4o-mini]
prompts: [{ id: p, messages: [{ role: user, content: "Answer {{q}}" }] }]
cases: cases.jsonl
${extra}
checks:
  - { type: judge, judge: "${judge}", rubric: "The answer answers." }
`,
    'cases.jsonl': jsonl([
      { id: 'c1', vars: { q: 'one' } },
      { id: 'c2', vars: { q: 'two' } },
    ]),
    'judge.mjs': judgeModule(hang),
  });
  return dir;
}

function results(dir: string): { case_id: string; error_class: string | null; error_message: string | null; pass: number | null }[] {
  return queryDb(dir, 'SELECT case_id, error_class, error_message, pass FROM results ORDER BY case_id');
}

describe('a hung function: judge is a judge-error on its result, the run ends incomplete with reports', () => {
  beforeAll(async () => {
    server = await startFakeProvider({ apiKey: KEY, answer: () => 'an answer' });
  });
  afterAll(async () => {
    await server.close();
    cleanupTempDirs();
  });

  it('a judge whose promise never settles: judge-error (timeout) on c1, c2 judged, exit 3, every report written', async () => {
    // The judge's own provider sets timeout_ms: 300; the suite's (60 s) would outlast the test's safety net.
    const dir = project('await new Promise(() => {});', 'local-rules:judge.mjs', 'retries: { max: 0 }');
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir, env: { OPENAI_API_KEY: KEY }, timeoutMs: 40_000 });
    expect(result.signal).toBeNull();
    expect(result.stderr).not.toContain('stopped making progress');
    expect(result.exitCode, result.stderr).toBe(3);
    for (const f of ['out.json', 'out.md', 'out.xml']) expect(existsSync(join(dir, f)), f).toBe(true);
    const rows = results(dir);
    expect(rows.map((r) => [r.case_id, r.error_class, r.pass])).toEqual([
      ['c1', 'judge-error', null],
      ['c2', null, 1],
    ]);
    expect(rows[0].error_message).toContain('timeout after 1 attempt');
    expect(rows[0].error_message).toContain('300 ms');
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.status).toBe('incomplete');
    expect(report.results.find((r: { caseId: string }) => r.caseId === 'c1').error.class).toBe('judge-error');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]);
  });

  it('a judge spinning in while (true) {}: its worker is stopped, judge-error on c1, the process exits by itself (exit 3)', async () => {
    // One retry with a short backoff: a call that shared the stopped worker is sent again, so c2 is still judged.
    const dir = project('while (true) {}', 'function:judge.mjs', 'timeout_ms: 400\nretries: { max: 1, base_ms: 1, max_ms: 5 }');
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir, env: { OPENAI_API_KEY: KEY }, timeoutMs: 40_000 });
    expect(result.signal).toBeNull(); // not killed by the test's safety net
    expect(result.exitCode, result.stderr).toBe(3);
    for (const f of ['out.json', 'out.md', 'out.xml']) expect(existsSync(join(dir, f)), f).toBe(true);
    const rows = results(dir);
    expect(rows.map((r) => [r.case_id, r.error_class, r.pass])).toEqual([
      ['c1', 'judge-error', null],
      ['c2', null, 1],
    ]);
    expect(rows[0].error_message).toContain('timeout');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]);
  });
});
