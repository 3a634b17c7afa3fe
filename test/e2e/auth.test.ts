// A provider that refuses the API key stops the run early with exit code 4: stderr says which provider
// refused it and how to resume, the key is never printed or stored, and results finished before are kept
// (a resume with the right key calls only what is left).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { dbPath, queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const RIGHT = 'sk-right-key-aaaaaaaaaaaaaaaa1111';
const WRONG = 'sk-wrong-key-bbbbbbbbbbbbbbbb2222';

const CASES = Array.from({ length: 6 }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Say OK number ${i + 1}` } }));

/** Every place a secret could leak to: the store and its WAL, and the report files. */
function filesOf(dir: string): string[] {
  return [dbPath(dir), `${dbPath(dir)}-wal`, join(dir, 'out.json'), join(dir, 'out.xml'), join(dir, 'out.md')].filter((f) => existsSync(f));
}

describe('a provider refuses the API key', () => {
  const fake = useFakeProvider({ apiKey: RIGHT, answer: (req) => `OK: ${req.messages.at(-1)!.content}` });

  it('exits 4 naming the provider and the resume command; keeps finished results; leaks no key', async () => {
    const dir = tempDir();
    // Two connections to one server: "local" has the right key, "openai" the wrong one. With concurrency 1
    // the first case's local call finishes before the openai call is refused.
    writeFiles(dir, {
      'evalspec.yaml': `name: auth
providers:
  local: { type: openai-compatible, baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${LOCAL_KEY}" }
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [local:fake-model, openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "{{question}}" }]
cases: cases.jsonl
checks: [{ type: starts-with, value: "OK" }]
concurrency: 1
`,
      'cases.jsonl': jsonl(CASES),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--junit', 'out.xml', '--md', 'out.md'], {
      cwd: dir,
      env: { LOCAL_KEY: RIGHT, OPENAI_API_KEY: WRONG },
    });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode, result.stderr).toBe(4);
    const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')));
    expect(result.stderr).toContain(`error[PROVIDER_AUTH] ${join(dir, 'evalspec.yaml')}: provider "openai" refused the API key (401 `);
    expect(result.stderr).toContain(`evalspec run --resume ${report.runId}`);
    expect(result.stderr).toMatch(/fix: check the key in the environment variable/);

    // It stopped at the first refusal: one refused request, no more calls after it.
    const refused = fake.server.requests.filter((r) => r.status === 401);
    expect(refused).toHaveLength(1);
    expect(fake.server.requests).toHaveLength(2);
    expect(fake.server.requests[0]).toMatchObject({ model: 'fake-model', status: 200 });

    // The result that finished before is kept (and the refused one is recorded as an auth error).
    expect(report.status).toBe('incomplete');
    const rows = queryDb<{ case_id: string; variant_id: string; pass: number | null; error_class: string | null }>(
      dir,
      'SELECT case_id, variant_id, pass, error_class FROM results ORDER BY rowid',
    );
    expect(rows).toEqual([
      { case_id: 'c1', variant_id: 'fake-model', pass: 1, error_class: null },
      { case_id: 'c1', variant_id: 'gpt-4o-mini', pass: null, error_class: 'auth' },
    ]);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]);

    // Neither key reaches the output, the reports or the store (the provider's message shows it masked).
    for (const secret of [WRONG, RIGHT]) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      for (const f of filesOf(dir)) expect(readFileSync(f).includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
    }
    expect(result.stderr).not.toContain('bbbbbbbbbbbbbbbb');

    // Fix the key and resume: only what is left is called, and the run completes.
    fake.server.reset();
    const resumed = await runCli(['run', '--resume', report.runId, '--json', 'resumed.json'], { cwd: dir, env: { LOCAL_KEY: RIGHT, OPENAI_API_KEY: RIGHT } });
    expect(resumed.stderr).not.toContain('error[');
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(CASES.length * 2 - 1);
    expect(fake.server.requests.some((r) => r.model === 'fake-model' && r.messages[0].content === CASES[0].vars.question)).toBe(false);
    const after = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'resumed.json'), 'utf8')));
    expect(after.status).toBe('completed');
    expect(after.variants.map((v) => [v.id, v.passed, v.errors])).toEqual([
      ['fake-model', 6, 0],
      ['gpt-4o-mini', 6, 0],
    ]);
    for (const f of filesOf(dir)) expect(readFileSync(f).includes(Buffer.from(RIGHT)), f).toBe(false);
  });

  it('Anthropic wire: a wrong x-api-key is refused the same way', async () => {
    const dir = tempDir();
    fake.server.reset();
    writeFiles(dir, {
      'evalspec.yaml': `name: auth-anthropic
providers:
  anthropic: { baseURL: "${fake.server.anthropicBaseURL}", apiKey: "\${ANTHROPIC_API_KEY}" }
models: [anthropic:claude-3-5-haiku-latest]
prompts: [{ id: v1, messages: [{ role: user, content: "{{question}}" }] }]
cases: cases.jsonl
`,
      'cases.jsonl': jsonl(CASES),
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { ANTHROPIC_API_KEY: WRONG } });
    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toContain('provider "anthropic" refused the API key (401');
    expect(result.stdout + result.stderr).not.toContain(WRONG);
    // Concurrency 8: calls already in flight may finish, but no new call starts after the refusal.
    expect(fake.server.requests.length).toBeLessThanOrEqual(8);
    expect(fake.server.requests.every((r) => r.wire === 'anthropic' && r.authorization === WRONG)).toBe(true);
  });
});
