// The data section's judge calibration: a replayed model judged by a `function:` judge (user code in its worker,
// no network), human labels on all 10 results, `evalspec calibrate latest`; the spec shows the judge's metric with
// the labels, Cohen's kappa and the agreement, and no longer lists the `labels` or `calibration` gap.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

const ids = Array.from({ length: 10 }, (_, i) => `c${i + 1}`);

describe('evalspec spec: judge calibration status', () => {
  afterAll(() => cleanupTempDirs());

  it('the uncalibrated judge is a gap; once calibrated, its kappa and agreement are shown', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: calibrated
providers:
  rules: { type: function }
models: ["replay:outputs.jsonl"]
cases: cases.jsonl
checks:
  - { type: judge, judge: "rules:judge.mjs", rubric: "The answer is right.", metric: right }
`,
      'cases.jsonl': jsonl(ids.map((id) => ({ id, vars: { q: id } }))),
      'outputs.jsonl': jsonl(ids.map((id) => ({ id, output: `answer ${id}` }))),
      // The judge fails c1 and c2 and passes the rest.
      'judge.mjs': `export default async function ({ caseId }) {
  const pass = caseId !== 'c1' && caseId !== 'c2';
  return { reasoning: 'rule', verdict: pass ? 'pass' : 'fail', score: pass ? 1 : 0 };
}
`,
      // The human fails c1 only.
      'labels.jsonl': jsonl(ids.map((id) => ({ case_id: id, label: id === 'c1' ? 'fail' : 'pass', labeller: 'ana' }))),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const before = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    expect(before.stdout).toContain('**gap** `labels`: no human labels yet: the judge is uncalibrated.');
    expect((await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir })).exitCode).toBe(0);
    const calibrated = await runCli(['calibrate', 'latest'], { cwd: dir });
    expect(calibrated.exitCode, calibrated.stderr).toBe(0);
    const after = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    // By hand: agreement 9/10 (only c2 differs). Cohen's kappa: pe = 0.2·0.1 + 0.8·0.9 = 0.74, (0.9 − 0.74)/(1 − 0.74) = 0.615.
    expect(after.stdout).toMatch(/\| right \| [^|]+ \| 10 \| 0\.62 \| 90\.0% \| run \d{8}-\d{6}-\w{4} \|/);
    expect(after.stdout).not.toContain('`labels`');
    expect(after.stdout).not.toContain('`calibration`');
  });
});
