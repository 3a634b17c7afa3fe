// The spec's change log from git: a temporary repository with two commits of a suite (the second raises the
// pass-rate bar, adds 5 cases, rewrites the prompt and names the owner) gives one line per commit with exactly those changes; a suite
// outside any repository gets the `git` gap and still exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

const suite = (min: number, prompt: string, extra = '') => `name: git-spec
models: ["replay:outputs.jsonl"]
prompts:
  - { id: main, messages: [{ role: user, content: "${prompt} {{q}}" }] }
cases: cases.jsonl
checks:
  - { type: contains, value: "yes" }
bars:
  - { metric: pass_rate, min: ${min} }
${extra}`;
const cases = (n: number) => jsonl(Array.from({ length: n }, (_, i) => ({ id: `q${i + 1}`, vars: { q: `question ${i + 1}` } })));
const outputs = (n: number) => jsonl(Array.from({ length: n }, (_, i) => ({ id: `q${i + 1}`, output: 'yes' })));

describe('evalspec spec: the change log from git', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'ana@example.com', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'ana@example.com' },
    });
  beforeAll(() => {
    repo = tempDir();
    git('init', '-q');
    writeFiles(repo, { 'evalspec.yaml': suite(0.8, 'Answer:'), 'cases.jsonl': cases(10), 'outputs.jsonl': outputs(15) });
    git('add', '.');
    git('commit', '-q', '-m', 'first spec');
    writeFiles(repo, { 'evalspec.yaml': suite(0.9, 'Answer briefly:', 'spec:\n  owner: Ana\n'), 'cases.jsonl': cases(15) });
    git('commit', '-q', '-am', 'raise the bar, add cases');
  });
  afterAll(() => cleanupTempDirs());

  it('one line per commit: bars raised, cases added, prompts changed', async () => {
    const result = await runCli(['spec', 'evalspec.yaml'], { cwd: repo });
    expect(result.exitCode, result.stderr).toBe(0);
    const log = result.stdout.slice(result.stdout.indexOf('## Change log'));
    const rows = log.split('\n').filter((l) => l.startsWith('| 2'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(
      '| Ana | raise the bar, add cases | bars: + pass rate ≥ 90%, − pass rate ≥ 80%; cases: +5, −0; prompts changed: main; spec: owner |',
    );
    expect(rows[1]).toContain('| Ana | first spec | bars: + pass rate ≥ 80%; cases: +10, −0; prompts changed: main; checks: +1, −0 |');
  });

  it('outside a git repository: the `git` gap, exit 0', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(0.8, 'Answer:'), 'cases.jsonl': cases(3), 'outputs.jsonl': outputs(3) });
    const result = await runCli(['spec', 'evalspec.yaml'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: dir.replace(/\/[^/]+$/, '') } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('**gap** `git`: no change log: the suite is not in a git repository');
  });
});
