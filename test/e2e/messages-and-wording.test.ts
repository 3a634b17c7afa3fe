// Smaller promises of the README and the error contract, through the built CLI: every schema problem at once
// with "did you mean", Markdown code spans without literal backslashes, "p < 0.001", resume advice only where a
// resume helps, `select --by latency` in latency words, `calibrate latest`, "and N more" flaky cases, and the
// suite-format doc covering every key the schema accepts.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs, REPO } from '../helpers/cli.js';
import { expectValidGfm } from '../helpers/gfm.js';
import { VALID_KEYS } from '../../src/suite/schema.js';

afterAll(() => cleanupTempDirs());

const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('suite schema errors', () => {
  it('lists every problem with its line, suggests the key meant, and says "an array"', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: schema', //                    1
        'models: [function:./app.mjs]', //    2
        'cases: [{ vars: { a: 1 } }]', //     3
        'concurency: 4', //                   4  a typo of concurrency
        'repeat: 0', //                       5  below the minimum
        'checks: contains', //                6  not a list
        '',
      ].join('\n'),
      'app.mjs': 'export default async () => "x";\n',
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(2);
    const file = join(dir, 'evalspec.yaml');
    expect(result.stderr).toContain(`error[SUITE_SCHEMA] ${file}:4: unknown key concurency at (top level) (did you mean concurrency?)`);
    expect(result.stderr).toMatch(/\n {2}also line 5: repeat: .*\(fix: the value must be at least 1\)/);
    expect(result.stderr).toMatch(/\n {2}also line 6: checks: .*\(fix: give an array here\)/);
    expect(result.stderr).not.toContain('give a array');
    expect(result.stderr).toContain('fix: valid keys here: name, description');
  });

  it('an unknown provider suggests the closest one', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': 'name: p\nmodels: [opneai:gpt-4o-mini]\ncases: [{ vars: { a: 1 } }]\n' });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'evalspec.yaml')}:2: unknown provider "opneai" in model "opneai:gpt-4o-mini" (did you mean openai?)`);
  });
});

describe('reports', () => {
  it('Markdown code spans show ids as they are (no escape backslashes), even with backticks and pipes', async () => {
    const dir = tempDir();
    const caseIds = ['my_case*1', 'tick`id', 'pipe|id'];
    writeFiles(dir, {
      'evalspec.yaml': 'name: md\nmodels: [function:./app.mjs]\ncases: cases.jsonl\nchecks: [{ type: contains, value: "never" }]\n',
      'cases.jsonl': jsonl(caseIds.map((id) => ({ id, vars: { a: 1 } }))),
      'app.mjs': 'export default async () => "an answer";\n',
    });
    const result = await runCli(['run', 'evalspec.yaml', '--md', 'out.md', '--label', 'feature_x*'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expectValidGfm(md);
    expect(md).toContain('(label `feature_x*`)');
    expect(md).toContain('`my_case*1`');
    expect(md).toContain('``tick`id``'); // a longer fence around a backtick
    expect(md).toContain('`pipe|id`'); // a list item, not a table: the pipe stays as is
    expect(md).not.toMatch(/`[^`\n]*\\[_*`|][^`\n]*`/); // no backslash escape inside any code span
  });

  it('McNemar p below 0.001 reads "p < 0.001", not "p = < 0.001"', async () => {
    const dir = tempDir();
    // 20 cases, the good variant passes all, the other none: 20 discordant pairs, exact p = 2·0.5^20 ≈ 1.9e-6.
    writeFiles(dir, {
      'evalspec.yaml': 'name: p\nmodels: [function:./good.mjs, function:./bad.mjs]\ncases: cases.jsonl\nchecks: [{ type: contains, value: "yes" }]\n',
      'cases.jsonl': jsonl(ids(20).map((id) => ({ id, vars: { a: 1 } }))),
      'good.mjs': 'export default async () => "yes";\n',
      'bad.mjs': 'export default async () => "no";\n',
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect(result.stdout).toContain('McNemar exact: 0 cases only bad passed, 20 only good, p < 0.001');
    expect(result.stdout).not.toContain('p = <');
  });

  it('flaky cases beyond the first 20 are counted: "and N more"', async () => {
    const dir = tempDir();
    // 25 cases pass on repeat 0 and fail on repeat 1: all 25 disagree; the report lists 20 (terminal) or 5 (Markdown).
    writeFiles(dir, {
      'evalspec.yaml': 'name: flaky\nmodels: [function:./app.mjs]\ncases: cases.jsonl\nrepeat: 2\nchecks: [{ type: contains, value: "yes" }]\n',
      'cases.jsonl': jsonl(ids(25).map((id) => ({ id, vars: { a: 1 } }))),
      'app.mjs': 'export default async ({ repeat }) => (repeat === 0 ? "yes" : "no");\n',
    });
    const result = await runCli(['run', 'evalspec.yaml', '--md', 'out.md', '--json', 'out.json'], { cwd: dir });
    expect(result.stdout).toMatch(/app: 25 of 25 cases \(100\.0%.*\): c1, c2, .*, c20 and 5 more\n/);
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toContain('| c1, c2, c3, c4, c5 and 20 more |');
    const consistency = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).variants[0].consistency;
    expect(consistency.disagreeing).toBe(25);
    expect(consistency.flakyCases).toHaveLength(20);
  });
});

describe('resume advice', () => {
  it('a replay log with no output for a case: the fix is named, a bare --resume is not advised', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': 'name: replay\nmodels: [replay:./outputs.jsonl]\ncases: cases.jsonl\nchecks: [{ type: contains, value: "ok" }]\n',
      'cases.jsonl': jsonl(ids(3).map((id) => ({ id, vars: { a: 1 } }))),
      'outputs.jsonl': jsonl([
        { id: 'c1', output: 'ok' },
        { id: 'c3', output: 'ok' },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(3);
    const runId = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).runId;
    expect(result.stderr).toContain(
      `run incomplete: 1 call is still in error after retries\n  1 missing-output: the replay log has no output for these cases: add them to the replay file first, then: evalspec run --resume ${runId}`,
    );
    expect(result.stderr).not.toContain(`finish them with: evalspec run --resume ${runId}`);
    // gate and doctor give the same advice for the stored run.
    const gate = await runCli(['gate', runId], { cwd: dir });
    expect(gate.exitCode).toBe(3);
    expect(gate.stderr).toContain(
      `run ${runId} is incomplete: bars were evaluated on the results so far; 1 call is still in error after retries\n  1 missing-output: the replay log has no output`,
    );
    const doctor = await runCli(['doctor', runId], { cwd: dir });
    expect(doctor.stdout).toContain('a replay log with no output for a case needs the output added first, then the resume');
  });
});

describe('commands', () => {
  it('select --by latency compares on p95 latency, not cost', async () => {
    const dir = tempDir();
    // "slow" passes every case and takes 400 ms (far beyond any scheduling delay on a loaded machine); "fast"
    // passes half and answers at once.
    writeFiles(dir, {
      'evalspec.yaml': 'name: lat\nmodels: [function:./slow.mjs, function:./fast.mjs]\ncases: cases.jsonl\nchecks: [{ type: contains, value: "yes" }]\n',
      'cases.jsonl': jsonl(ids(12).map((id, i) => ({ id, vars: { n: i } }))),
      'slow.mjs': 'export default async () => { await new Promise((r) => setTimeout(r, 400)); return "yes"; };\n',
      'fast.mjs': 'export default async ({ vars }) => (vars.n % 2 ? "yes" : "no");\n',
    });
    expect((await runCli(['run', 'evalspec.yaml'], { cwd: dir })).exitCode).toBe(0);
    const result = await runCli(['select', 'latest', '--by', 'latency'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ {2}fast: -50\.0 points \(95% CI .*\) at 0\.\d\d× the p95 latency \(-\d+%\)/);
    expect(result.stdout).not.toContain('cost per case');
    expect(result.stdout).not.toContain('unpriced');
  });

  it('calibrate latest resolves to the newest run', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': 'name: cal\nmodels: [function:./app.mjs]\ncases: [{ id: c1, vars: { a: 1 } }]\n',
      'app.mjs': 'export default async () => "x";\n',
    });
    await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    const runId = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).runId;
    const result = await runCli(['calibrate', 'latest', '--no-save'], { cwd: dir });
    expect(result.stderr).not.toContain('no run latest');
    // The run has no labels: the error is about that run, by its id.
    expect(result.stderr).toContain(`run ${runId} has no human labels`);
  });
});

describe('docs/suite-format.md', () => {
  const doc = readFileSync(join(REPO, 'docs/suite-format.md'), 'utf8');
  it('documents every key the suite schema accepts', () => {
    for (const group of ['suite', 'provider', 'retries', 'params', 'price', 'case', 'model'] as const) {
      for (const key of VALID_KEYS[group]) expect(doc, `${group}.${key}`).toContain(`\`${key}\``);
    }
  });
  it('documents the CSV cases format and the signal passed to function: models', () => {
    expect(doc).toContain('**CSV** (`.csv`)');
    expect(doc).toMatch(/`signal`: an `AbortSignal` aborted when the call passes its timeout/);
  });
});
