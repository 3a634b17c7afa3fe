// Calibration on real human labels: PandaLM's test set (999 pairs, three human annotators, and the verdicts
// of two model judges, gpt-3.5-turbo and PandaLM-7B; WeOpenML/PandaLM, Apache-2.0; slice in
// test/fixtures/judges/). The judges are function: judges that answer as recorded (gpt-3.5's 25 "garbage"
// answers are unusable: judge-errors). `evalspec calibrate` must reproduce the published agreement between
// the annotators (Cohen's kappa 0.85 / 0.88 / 0.86 in the README; 0.8520 / 0.8789 / 0.8617 to 4 decimals, as
// reproduced independently in reproduced_figures.json) and the majority label counts 105 / 422 / 472.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import type { RunCalibration } from '../../src/calibration/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/judges');

// The function judges: read the recorded verdict for the pair shown, and answer in the order shown.
const JUDGES_MJS = `
import { readFileSync } from 'node:fs';
const rows = new Map(readFileSync(new URL('./pandalm-testset.csv', import.meta.url), 'utf8').trim().split('\\n').slice(1).map((l) => {
  const [idx, a1, a2, a3, gpt35, pandalm7b] = l.split(',');
  return [idx, { gpt35, pandalm7b }];
}));
function answer(prompt, pick) {
  const a = /<output_a>\\nPandaLM #(\\d+) (response[12])/.exec(prompt);
  const verdict = pick(rows.get(a[1]));
  if (verdict === 'tie') return { reasoning: 'recorded: tie', winner: 'tie' };
  if (verdict === 'garbage') return { reasoning: 'recorded: garbage', winner: 'garbage' };
  return { reasoning: 'recorded: ' + verdict, winner: verdict === a[2] ? 'A' : 'B' };
}
const gptCode = { '1': 'response1', '2': 'response2', Tie: 'tie', garbage: 'garbage' };
const pandaCode = { '0': 'tie', '1': 'response1', '2': 'response2' };
export const gpt35 = ({ prompt }) => answer(prompt, (r) => gptCode[r.gpt35]);
export const pandalm = ({ prompt }) => answer(prompt, (r) => pandaCode[r.pandalm7b]);
`;

describe('PandaLM: evalspec calibrate reproduces the published human agreement, and calibrates two judges', () => {
  let dir: string;
  let calibration: RunCalibration;
  let runExit: number | null;
  const rows = readFileSync(join(FIXTURES, 'pandalm-testset.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

  beforeAll(async () => {
    dir = tempDir();
    copyFileSync(join(FIXTURES, 'pandalm-testset.csv'), join(dir, 'pandalm-testset.csv'));
    const winner = (code: string) => (code === '0' ? 'tie' : code === '1' ? 'response1' : 'response2');
    writeFiles(dir, {
      'judges.mjs': JUDGES_MJS,
      'evalspec.yaml': [
        'name: pandalm',
        'models:',
        '  - { id: replay:response1.jsonl, label: response1 }',
        '  - { id: replay:response2.jsonl, label: response2 }',
        'cases: cases.jsonl',
        'concurrency: 32',
        'checks:',
        '  - { type: pairwise, metric: gpt-3.5, judge: "function:judges.mjs#gpt35", against: response2 }',
        '  - { type: pairwise, metric: pandalm-7b, judge: "function:judges.mjs#pandalm", against: response2 }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(rows.map(([idx]) => ({ id: `p${idx}` }))),
      'response1.jsonl': jsonl(rows.map(([idx]) => ({ id: `p${idx}`, output: `PandaLM #${idx} response1` }))),
      'response2.jsonl': jsonl(rows.map(([idx]) => ({ id: `p${idx}`, output: `PandaLM #${idx} response2` }))),
      // The three annotators' labels, as CSV: which response is better (or a tie).
      'labels.csv': [
        'case_id,variant,winner,labeller',
        ...rows.flatMap(([idx, a1, a2, a3]) => [a1, a2, a3].map((a, k) => `p${idx},response1,${winner(a)},annotator${k + 1}`)),
      ].join('\n'),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, timeoutMs: 120_000 });
    expect(run.stderr).not.toContain('internal error');
    runExit = run.exitCode;
    const runId = queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id;
    const imported = await runCli(['labels', 'import', 'labels.csv', '--run', runId], { cwd: dir });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(`imported 2997 labels (2997 pairwise (win/loss/tie)) by annotator1, annotator2, annotator3 into run ${runId}`);
    const cal = await runCli(['calibrate', runId, '--json', 'calibration.json'], { cwd: dir });
    expect(cal.exitCode).toBe(0);
    calibration = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8'));
  }, 180_000);
  afterAll(() => cleanupTempDirs());

  it('the annotators agree with each other as published: κ 0.8520, 0.8789, 0.8617', () => {
    expect(calibration.labellers).toEqual(['annotator1', 'annotator2', 'annotator3']);
    const humans = calibration.humans.find((h) => h.kind === 'pairwise')!;
    const kappa = (a: string, b: string) => humans.pairs.find((p) => p.a === a && p.b === b)!;
    expect(kappa('annotator1', 'annotator2').kappa).toBeCloseTo(0.8520226785167022, 4);
    expect(kappa('annotator1', 'annotator3').kappa).toBeCloseTo(0.8789438112500383, 4);
    expect(kappa('annotator2', 'annotator3').kappa).toBeCloseTo(0.8616614540762907, 4);
    // And to the README's two decimals.
    expect(humans.pairs.map((p) => Number(p.kappa!.toFixed(2)))).toEqual([0.85, 0.88, 0.86]);
    expect(humans.pairs.every((p) => p.n === 999)).toBe(true);
    expect(humans.splits).toBe(0); // no pair where all three disagree
  });

  it('the majority label: 105 ties, 422 for response 1, 472 for response 2', () => {
    const panda = calibration.judges.find((j) => j.judge === 'function:judges.mjs#pandalm')!;
    const rowTotals = panda.confusion.matrix.map((r) => r.reduce((s, x) => s + x, 0));
    expect(panda.confusion.categories).toEqual(['win', 'tie', 'loss']);
    expect(rowTotals).toEqual([422, 105, 472]);
  });

  it('judge against the human majority: gpt-3.5 0.6977 (its 25 unusable answers counted wrong), PandaLM-7B 0.6677', () => {
    const gpt = calibration.judges.find((j) => j.judge === 'function:judges.mjs#gpt35')!;
    const panda = calibration.judges.find((j) => j.judge === 'function:judges.mjs#pandalm')!;
    expect(gpt.judgeErrors).toBe(25);
    expect(gpt.n).toBe(974);
    expect(gpt.agreementCountingErrors).toBeCloseTo(0.6976976976976977, 4);
    expect(panda.judgeErrors).toBe(0);
    expect(panda.agreement).toBeCloseTo(0.6676676676676677, 4);
    // A judge that answers once per pair never flips with the order.
    expect(panda.orders!.positionBias.flips).toBe(0);
    expect(panda.humanKappa).toBeCloseTo((0.8520226785167022 + 0.8789438112500383 + 0.8616614540762907) / 3, 4);
  });

  it('the garbage answers made the run incomplete (judge-error results), the others are scored', () => {
    expect(runExit).toBe(3);
    const errors = queryDb<{ n: number }>(dir, "SELECT COUNT(*) AS n FROM results WHERE error_class = 'judge-error'");
    expect(errors[0].n).toBe(25);
  });
});
