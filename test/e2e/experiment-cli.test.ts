// `evalspec experiment analyze|plan` as a real CLI: the scorecard on stdout, --json (formatVersion 1) and --md
// files, and the exit codes (0 read, 1 SRM fired or guardrail not met, 2 bad input).
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { REPO, cleanupTempDirs, runCli } from '../helpers/cli.js';
import { EXP_YAML, writeSmallExperiment } from '../experiment/small-experiment.js';

afterAll(cleanupTempDirs);

describe('evalspec experiment', () => {
  it('analyze prints the scorecard and writes --json and --md (exit 0)', async () => {
    const path = writeSmallExperiment();
    const dir = dirname(path);
    const result = await runCli(['experiment', 'analyze', path, '--json', 'out.json', '--md', 'card.md'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^experiment small: inconclusive/);
    expect(result.stdout).toContain('units-in-both-arms: 1 units, excluded from every metric');
    expect(result.stdout).toMatch(/exposures\.csv:8: user_id u5 in control and treatment/);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(json.formatVersion).toBe(1);
    expect(json.metrics.map((m: { id: string }) => m.id)).toEqual(['acceptance', 'accepted_total', 'seconds', 'accept_rate']);
    expect(existsSync(join(dir, 'card.md'))).toBe(true);
    expect(readFileSync(join(dir, 'card.md'), 'utf8')).toMatch(/^# Experiment small/);
  });

  it('a bad experiment file is exit 2 with the file, line and fix', async () => {
    const path = writeSmallExperiment(EXP_YAML.replace('type: proportion, column: accepted }', 'type: proportion, colum: accepted }'));
    const result = await runCli(['experiment', 'analyze', path], { cwd: dirname(path) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error\[EXPERIMENT_FILE\] .*exp\.yaml:11: [^]*unknown key colum/);
  });

  it('a missing data file is exit 2 naming it', async () => {
    const path = writeSmallExperiment(EXP_YAML.replace('outcomes.jsonl', 'missing.jsonl'));
    const result = await runCli(['experiment', 'analyze', path], { cwd: dirname(path) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error\[EXPERIMENT_DATA\] .*missing\.jsonl: cannot read the data file/);
  });

  it('plan prints units and days for an MDE', async () => {
    const path = writeSmallExperiment();
    const result = await runCli(['experiment', 'plan', path, '--mde', '0.1'], { cwd: dirname(path) });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^plan for small: detect a 0\.1 absolute change/);
    expect(result.stdout).toMatch(/acceptance: \d+ units/);
  });
});

describe('evalspec experiment: missing file', () => {
  it('a missing experiment file is exit 2, not an internal error', async () => {
    const result = await runCli(['experiment', 'analyze', 'nope.yaml'], { cwd: dirname(writeSmallExperiment()) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error\[EXPERIMENT_FILE\] .*nope\.yaml: experiment file not found/);
  });
});

describe('evalspec experiment: a large exposures CSV read on two threads', () => {
  it('gives the same scorecard, data-quality rows included, as one thread', async () => {
    const path = writeSmallExperiment();
    const dir = dirname(path);
    const one = await runCli(['experiment', 'analyze', path, '--json', 'one.json'], { cwd: dir });
    // A threshold of 1 byte forces the two-worker path on this small file (its middle falls between u4 and u1's repeat).
    const two = await runCli(['experiment', 'analyze', path, '--json', 'two.json'], { cwd: dir, env: { EVALSPEC_EXPERIMENT_PARALLEL_BYTES: '1' } });
    expect(two.stderr).toBe('');
    expect(two.exitCode).toBe(one.exitCode);
    const a = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8'));
    expect(b).toEqual(a);
    expect(b.dataQuality.issues.find((i: { kind: string }) => i.kind === 'units-in-both-arms').examples[0].row).toBe(8);
  });
});

describe('evalspec experiment analyze: the offline link from the store', () => {
  it('shows the offline pass-rate difference beside the online effect when the suite has stored runs', async () => {
    const dir = dirname(writeSmallExperiment());
    cpSync(join(REPO, 'examples/ab-suggestions'), dir, { recursive: true });
    for (const generated of ['.evalspec', 'exposures.csv', 'events.jsonl', 'pre.csv']) rmSync(join(dir, generated), { recursive: true, force: true });
    expect(spawnSync(process.execPath, ['make-data.mjs'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    // Before any run is stored: no store, the scorecard says why the offline side is missing (and does not fail).
    const before = await runCli(['experiment', 'analyze', 'exp.yaml', '--json', 'before.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(before.exitCode, before.stderr).toBe(0);
    expect(before.stdout).toContain('offline vs online:\n  no store to read the offline runs from');
    expect((await runCli(['run', 'evalspec.yaml'], { cwd: dir, timeoutMs: 120_000 })).exitCode).toBe(0);
    const after = await runCli(['experiment', 'analyze', 'exp.yaml', '--json', 'after.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/offline vs online:\n {2}treatment vs control: offline pass rate \+[\d.]+ pts .* → agree: yes/);
    const json = JSON.parse(readFileSync(join(dir, 'after.json'), 'utf8'));
    expect(json.offline.comparisons[0].agree).toBe('yes');
  }, 240_000);
});
