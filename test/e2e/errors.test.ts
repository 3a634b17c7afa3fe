// Every invalid input stops the run before anything is called or stored: exit code 2, one `error[CODE]`
// block on stderr that names the file and line (or the case id) and says how to fix it, no run row in the
// store and no report file.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { countRows } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const CASES = jsonl([
  { id: 'c1', vars: { question: 'What is 1+1?', expected: '2' } },
  { id: 'c2', vars: { question: 'What is 2+2?', expected: '4' } },
  { id: 'c3', vars: { question: 'What is 3+3?', expected: '6' } },
]);
const APP = 'export default async function ({ vars }) { return `the answer is ${vars.expected}`; }\n';

/** A valid suite over a function: provider; tests break one thing in it. */
function suite(overrides: { models?: string; cases?: string; checks?: string; extra?: string; prompt?: string } = {}): string {
  return [
    'name: errors',
    'models:',
    `  - ${overrides.models ?? 'function:./app.mjs'}`,
    'prompts:',
    '  - id: v1',
    '    messages:',
    `      - { role: user, content: "${overrides.prompt ?? '{{question}}'}" }`,
    `cases: ${overrides.cases ?? 'cases.jsonl'}`,
    'checks:',
    `  - ${overrides.checks ?? '{ type: contains, value: "{{expected}}" }'}`,
    ...(overrides.extra ? [overrides.extra] : []),
    '',
  ].join('\n');
}

const REPORTS = ['out.json', 'out.xml', 'out.md'];

async function runBroken(files: Record<string, string>, env: Record<string, string> = {}): Promise<{ dir: string; result: CliResult }> {
  const dir = tempDir();
  writeFiles(dir, { 'app.mjs': APP, 'cases.jsonl': CASES, ...files });
  const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--junit', 'out.xml', '--md', 'out.md'], { cwd: dir, env });
  return { dir, result };
}

/** The common contract of every error path. */
function expectCleanFailure(dir: string, result: CliResult, code: string): void {
  expect(result.stderr).not.toContain('internal error');
  expect(result.exitCode, result.stderr).toBe(2);
  expect(result.stderr).toContain(`error[${code}]`);
  expect(result.stderr).toMatch(/\n {2}fix: \S/);
  expect(result.stdout).toBe('');
  for (const f of REPORTS) expect(existsSync(join(dir, f)), f).toBe(false);
  expect(countRows(dir, 'runs')).toBe(0);
  expect(countRows(dir, 'results')).toBe(0);
}

describe('evalspec run: invalid input fails cleanly with exit code 2', () => {
  afterAll(() => cleanupTempDirs());

  it('malformed YAML: points at the offending line', async () => {
    const text = suite().replace('  - { type: contains, value: "{{expected}}" }', '  - type: contains\n   value: oops'); // bad indent on line 11
    expect(text.split('\n')[10]).toBe('   value: oops');
    const { dir, result } = await runBroken({ 'evalspec.yaml': text });
    expectCleanFailure(dir, result, 'SUITE_YAML');
    expect(result.stderr).toContain(`${join(dir, 'evalspec.yaml')}:11: invalid YAML`);
    expect(result.stderr).toContain('fix: fix the YAML syntax at that line');
  });

  it('unknown top-level key: names the key, its line, and lists the valid keys', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ extra: 'concurency: 4' }) });
    expectCleanFailure(dir, result, 'SUITE_SCHEMA');
    expect(result.stderr).toContain(`evalspec.yaml:11: unknown key concurency at (top level)`);
    expect(result.stderr).toMatch(/fix: valid keys here: name, description, providers, models, prompts, cases, vars, checks, .*concurrency/);
  });

  it('unknown nested key: the line of the key inside its block', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ extra: 'retries:\n  max: 2\n  bsae_ms: 10' }) });
    expectCleanFailure(dir, result, 'SUITE_SCHEMA');
    expect(result.stderr).toContain('evalspec.yaml:13: unknown key bsae_ms at retries');
    expect(result.stderr).toContain('valid keys here: max, base_ms, max_ms');
  });

  it('malformed JSONL: names the line of the cases file', async () => {
    const broken = `${CASES.trimEnd().split('\n').slice(0, 2).join('\n')}\n{"id": "c3", "vars": {"question": "x"}\n`;
    const { dir, result } = await runBroken({ 'cases.jsonl': broken, 'evalspec.yaml': suite() });
    expectCleanFailure(dir, result, 'CASES_PARSE');
    expect(result.stderr).toContain(`${join(dir, 'cases.jsonl')}:3: invalid JSON on this line`);
    expect(result.stderr).toContain('each line of a .jsonl file must be one complete JSON object');
  });

  it('an unknown key in a JSONL case: line, case id and the valid keys', async () => {
    const cases = `${CASES}{"id": "c4", "vars": {"question": "q", "expected": "e"}, "tag": ["x"]}\n`;
    const { dir, result } = await runBroken({ 'cases.jsonl': cases, 'evalspec.yaml': suite() });
    expectCleanFailure(dir, result, 'CASES_SCHEMA');
    expect(result.stderr).toContain('cases.jsonl:4, case c4: unknown key tag');
    expect(result.stderr).toMatch(/valid keys here: id, description, vars, tags, checks/);
  });

  it('malformed CSV: a row with too many fields names its line', async () => {
    const csv = 'id,question,expected\nc1,What is 1+1?,2\nc2,What is 2+2?,4,surplus\n';
    const { dir, result } = await runBroken({ 'cases.csv': csv, 'evalspec.yaml': suite({ cases: 'cases.csv' }) });
    expectCleanFailure(dir, result, 'CASES_PARSE');
    expect(result.stderr).toContain(`${join(dir, 'cases.csv')}:3: invalid CSV`);
    expect(result.stderr).toContain('every row needs as many fields as the header');
  });

  it('malformed CSV: an unterminated quote', async () => {
    const csv = 'id,question,expected\nc1,"What is 1+1?,2\nc2,What is 2+2?,4\n';
    const { dir, result } = await runBroken({ 'cases.csv': csv, 'evalspec.yaml': suite({ cases: 'cases.csv' }) });
    expectCleanFailure(dir, result, 'CASES_PARSE');
    expect(result.stderr).toMatch(/cases\.csv:\d+: invalid CSV: Quote Not Closed/);
  });

  it('unknown check type: suggests the closest and lists the valid ones', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ checks: '{ type: contians, value: "{{expected}}" }' }) });
    expectCleanFailure(dir, result, 'CHECK_UNKNOWN');
    expect(result.stderr).toContain('evalspec.yaml:10: unknown check type "contians" (did you mean contains?); valid types: equals, contains,');
    expect(result.stderr).toContain('max-cost');
    expect(result.stderr).toContain('fix: use `type: contains`');
  });

  it('unknown check type in a case: the case line and id', async () => {
    const cases = `${CASES}{"id": "c4", "vars": {"question": "q", "expected": "e"}, "checks": [{"type": "is_json"}]}\n`;
    const { dir, result } = await runBroken({ 'cases.jsonl': cases, 'evalspec.yaml': suite() });
    expectCleanFailure(dir, result, 'CHECK_UNKNOWN');
    expect(result.stderr).toContain('cases.jsonl:4, case c4: unknown check type "is_json" (did you mean is-json?)');
  });

  it('missing template variable: names the case, the variable and what the case has', async () => {
    const cases = jsonl([
      { id: 'c1', vars: { question: 'q1', expected: '1' } },
      { id: 'no-question', vars: { questoin: 'q2', expected: '2' } },
    ]);
    const { dir, result } = await runBroken({ 'cases.jsonl': cases, 'evalspec.yaml': suite() });
    expectCleanFailure(dir, result, 'TEMPLATE_VARIABLE');
    expect(result.stderr).toContain('cases.jsonl:2, case no-question: missing template variable "question" in prompt "v1" message 1');
    expect(result.stderr).toContain('fix: add "question" to the case\'s vars (it has: questoin, expected)');
  });

  it('missing variable in a templated check', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ checks: '{ type: contains, value: "{{answer}}" }' }) });
    expectCleanFailure(dir, result, 'TEMPLATE_VARIABLE');
    expect(result.stderr).toMatch(/cases\.jsonl:1, case c1: missing template variable "answer" in check "contains"/);
  });

  it('unknown provider: the model line and the providers there are', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ models: 'opneai:gpt-4o-mini' }) });
    expectCleanFailure(dir, result, 'PROVIDER_UNKNOWN');
    expect(result.stderr).toContain('evalspec.yaml:3: unknown provider "opneai" in model "opneai:gpt-4o-mini"');
    expect(result.stderr).toMatch(/fix: use one of: openai, anthropic, google, function, replay/);
  });

  it('duplicate case ids: both lines', async () => {
    const cases = `${CASES}{"id": "c2", "vars": {"question": "again", "expected": "x"}}\n`;
    const { dir, result } = await runBroken({ 'cases.jsonl': cases, 'evalspec.yaml': suite() });
    expectCleanFailure(dir, result, 'CASES_SCHEMA');
    expect(result.stderr).toContain('cases.jsonl:4, case c2: duplicate case id "c2" (first seen on line 2)');
    expect(result.stderr).toContain('fix: case ids must be unique');
  });

  it('cases file not found: the suite line that names it', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ cases: 'casse.jsonl' }) });
    expectCleanFailure(dir, result, 'CASES_FILE');
    expect(result.stderr).toContain(`evalspec.yaml:8: cases file not found: ${join(dir, 'casse.jsonl')}`);
    expect(result.stderr).toContain('relative to the suite file');
  });

  it('suite file not found', async () => {
    const dir = tempDir();
    const result = await runCli(['run', 'nope.yaml', '--json', 'out.json'], { cwd: dir });
    expectCleanFailure(dir, result, 'SUITE_NOT_FOUND');
    expect(result.stderr).toContain('error[SUITE_NOT_FOUND] nope.yaml: suite file not found: nope.yaml');
    expect(result.stderr).toContain('evalspec init DIR');
  });

  it('replay file missing: the model line and the path looked for', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ models: 'replay:./logs/gpt.jsonl' }) });
    expectCleanFailure(dir, result, 'REPLAY_FILE');
    expect(result.stderr).toContain(`evalspec.yaml:3: replay file not found: ${join(dir, 'logs/gpt.jsonl')}`);
    expect(result.stderr).toContain('relative to the suite file');
  });

  it('function module missing: the model line and the path looked for', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ models: 'function:./ap.mjs' }) });
    expectCleanFailure(dir, result, 'MODULE_LOAD');
    expect(result.stderr).toContain(`evalspec.yaml:3: function provider module not found: ${join(dir, 'ap.mjs')}`);
  });

  it('function module without the named export: lists the exports found', async () => {
    const { dir, result } = await runBroken({ 'evalspec.yaml': suite({ models: 'function:./app.mjs#answer' }) });
    expectCleanFailure(dir, result, 'MODULE_LOAD');
    expect(result.stderr).toContain('has no function export "answer"');
    expect(result.stderr).toContain('exports found: default');
  });

  it('--model that matches no model of the suite: lists the models', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'app.mjs': APP, 'cases.jsonl': CASES, 'evalspec.yaml': suite() });
    const result = await runCli(['run', 'evalspec.yaml', '--model', 'gpt-5', '--json', 'out.json'], { cwd: dir });
    expectCleanFailure(dir, result, 'USAGE');
    expect(result.stderr).toContain('--model gpt-5 matches no model of the suite');
    expect(result.stderr).toContain("fix: the suite's models: app");
  });

  it('--concurrency 0 is refused', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'app.mjs': APP, 'cases.jsonl': CASES, 'evalspec.yaml': suite() });
    const result = await runCli(['run', 'evalspec.yaml', '--concurrency', '0', '--json', 'out.json'], { cwd: dir });
    expectCleanFailure(dir, result, 'USAGE');
    expect(result.stderr).toContain('--concurrency must be a positive whole number, got "0"');
  });

  it('resume of a run that does not exist', async () => {
    const { dir, result } = await (async () => {
      const d = tempDir();
      writeFiles(d, { 'app.mjs': APP, 'cases.jsonl': CASES, 'evalspec.yaml': suite() });
      return { dir: d, result: await runCli(['run', 'evalspec.yaml', '--resume', '20240101-000000-beef', '--json', 'out.json'], { cwd: d }) };
    })();
    expectCleanFailure(dir, result, 'RUN_NOT_FOUND');
    expect(result.stderr).toContain('no run 20240101-000000-beef');
    expect(result.stderr).toContain('evalspec runs');
  });
});

describe('evalspec run: a missing API key stops before any HTTP request', () => {
  const fake = useFakeProvider({ apiKey: 'sk-the-right-key-000000' });

  it('names the environment variable, exits 2, and the provider saw 0 requests', async () => {
    const text = suite({ models: 'openai:gpt-4o-mini', extra: `providers:\n  openai: { baseURL: "${fake.server.openaiBaseURL}" }` });
    const { dir, result } = await runBroken({ 'evalspec.yaml': text });
    expectCleanFailure(dir, result, 'API_KEY_MISSING');
    expect(result.stderr).toContain('evalspec.yaml:3: provider "openai" (model openai:gpt-4o-mini) needs an API key, and OPENAI_API_KEY is not set');
    expect(result.stderr).toContain('fix: export OPENAI_API_KEY=');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('a custom ${VAR} for the key is named too', async () => {
    const text = suite({
      models: 'openai:gpt-4o-mini',
      extra: `providers:\n  openai: { baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${MY_TEAM_OPENAI_KEY}" }`,
    });
    // OPENAI_API_KEY is set but the suite asks for another variable: it must not fall back.
    const { dir, result } = await runBroken({ 'evalspec.yaml': text }, { OPENAI_API_KEY: 'sk-the-right-key-000000' });
    expectCleanFailure(dir, result, 'API_KEY_MISSING');
    expect(result.stderr).toContain('MY_TEAM_OPENAI_KEY is not set');
    expect(fake.server.requests).toHaveLength(0);
  });
});
