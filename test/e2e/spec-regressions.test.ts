// The status section's "since the run before": two runs of one replayed model, the second failing 30 of the 100
// cases the first passed, give the diff's sentence for the pass rate (worse by 30 points), listed first.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

const ids = Array.from({ length: 100 }, (_, i) => `q${i + 1}`);

describe('evalspec spec: the last regressions', () => {
  afterAll(() => cleanupTempDirs());

  it('names the pass-rate drop between the two latest completed runs', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': 'name: regress\nmodels: ["replay:outputs.jsonl"]\ncases: cases.jsonl\nchecks:\n  - { type: contains, value: "yes" }\n',
      'cases.jsonl': jsonl(ids.map((id) => ({ id, vars: { q: id } }))),
      'outputs.jsonl': jsonl(ids.map((id) => ({ id, output: 'yes' }))),
    });
    expect((await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir })).exitCode).toBe(0);
    writeFiles(dir, { 'outputs.jsonl': jsonl(ids.map((id, i) => ({ id, output: i < 30 ? 'no' : 'yes' }))) });
    expect((await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir })).exitCode).toBe(0);
    const spec = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    expect(spec.exitCode, spec.stderr).toBe(0);
    const since = spec.stdout.slice(spec.stdout.indexOf('### Since run'));
    // 100 paired cases, 30 flipped from pass to fail: the pass rate goes from 100% to 70%, 30 points worse.
    expect(since.split('\n')[2]).toMatch(/^- outputs: pass rate got worse by 30\.0 points \(95% CI/);
  });
});
