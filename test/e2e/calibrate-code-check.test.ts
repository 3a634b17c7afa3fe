// `evalspec calibrate --metric M` on a code check (not a judge): its pass/fail is compared with imported
// pass/fail labels (agreement, Cohen's kappa, false-pass / false-fail rates), said as "this check", and not
// stored as a judge calibration. Without --metric a run with only code checks says how to name one.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

afterAll(() => cleanupTempDirs());

// Ten results. The check (contains "ok") passes c1–c4 and c6–c7; the human labels pass c1–c5.
//   human pass: c1–c4 check pass (4), c5 check fail (1); human fail: c6, c7 check pass (2), c8–c10 check fail (3).
//   agreement = 7/10; p_e = P(h pass)·P(c pass) + P(h fail)·P(c fail) = 0.5·0.6 + 0.5·0.4 = 0.5;
//   kappa = (0.7 − 0.5)/(1 − 0.5) = 0.4; false pass = 2/5; false fail = 1/5.
const ids = Array.from({ length: 10 }, (_, i) => `c${i + 1}`);
const checkPasses = new Set(['c1', 'c2', 'c3', 'c4', 'c6', 'c7']);
const humanPasses = new Set(['c1', 'c2', 'c3', 'c4', 'c5']);

describe('calibrate a code check against pass/fail labels', () => {
  it('gives agreement, kappa and false-pass / false-fail rates as computed by hand', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: code-calibration
models: [replay:./log.jsonl]
cases: cases.jsonl
checks:
  - { type: contains, value: ok, metric: says-ok }
  - { type: length, max: 1000 }
`,
      'cases.jsonl': jsonl(ids.map((id) => ({ id }))),
      'log.jsonl': jsonl(ids.map((id) => ({ id, output: checkPasses.has(id) ? 'ok' : 'no' }))),
      'labels.jsonl': jsonl(ids.map((id) => ({ case_id: id, label: humanPasses.has(id) ? 'pass' : 'fail', labeller: 'reward' }))),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const imported = await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir });
    expect(imported.exitCode, imported.stderr).toBe(0);

    const judgesOnly = await runCli(['calibrate', 'latest'], { cwd: dir });
    expect(judgesOnly.exitCode, judgesOnly.stderr).toBe(0);
    expect(judgesOnly.stdout).toContain("has no judge checks with verdicts to calibrate (name a code check's metric with --metric to calibrate it)");

    const result = await runCli(['calibrate', 'latest', '--metric', 'says-ok', '--json', 'cal.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const cal = JSON.parse(readFileSync(join(dir, 'cal.json'), 'utf8'));
    expect(cal.judges).toHaveLength(1); // only the named metric: the length check is not calibrated
    const [c] = cal.judges;
    expect(c).toMatchObject({
      judge: 'contains',
      code: true,
      metric: 'says-ok',
      n: 10,
      confusion: {
        matrix: [
          [4, 1],
          [2, 3],
        ],
      },
    });
    expect(c.agreement).toBeCloseTo(0.7, 12);
    expect(c.kappa.value).toBeCloseTo(0.4, 12);
    expect(c.falsePass).toMatchObject({ count: 2, of: 5 });
    expect(c.falseFail).toMatchObject({ count: 1, of: 5 });
    expect(result.stdout).toContain('says-ok · contains check: this check agrees with humans κ 0.400 on 10 labels (raw agreement 70.0%)');
    expect(result.stdout).toContain('a code check passes or fails: it has no threshold to tune');
    expect(result.stdout).not.toContain('stored: future runs');
    expect(queryDb(dir, 'SELECT * FROM calibrations')).toEqual([]);
  });
});
