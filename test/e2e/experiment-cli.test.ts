// `evalspec experiment analyze|plan` as a real CLI: the scorecard on stdout, --json (formatVersion 1) and --md
// files, and the exit codes (0 read, 1 SRM fired or guardrail not met, 2 bad input).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
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
