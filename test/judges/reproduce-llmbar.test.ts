// Calibration on real human labels: LLMBar Natural (100 pairs with an objective gold label) and the verdicts
// GPT-4 and ChatGPT gave in both orders (princeton-nlp/LLMBar, MIT; slices in test/fixtures/judges/). The
// judges answer through the fake provider exactly as recorded; `evalspec labels import` + `evalspec
// calibrate` must reproduce the paper's published statistics.json figures to 4 decimal places:
// Acc. (accuracy averaged over both orders), accuracy per order, both-orders-correct, Agr. (same verdict in
// both orders) and the kappa between the two orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { cohensKappa } from '../../src/stats/index.js';
import type { RunCalibration } from '../../src/calibration/index.js';
import { fenced, promptOf } from './helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/judges');
const KEY = 'sk-llmbar-0123456789';
const JUDGES = [
  { model: 'gpt4-vanilla', column: 'gpt4_vanilla', stats: 'llmbar-natural-gpt4_vanilla.statistics.json' },
  { model: 'chatgpt-vanilla', column: 'chatgpt_vanilla', stats: 'llmbar-natural-chatgpt_vanilla.statistics.json' },
  { model: 'gpt4-metrics', column: 'gpt4_metrics', stats: 'llmbar-natural-gpt4_metrics.statistics.json' },
];

interface Row {
  i: number;
  label: number;
  verdicts: Record<string, { noswap: string; swap: string }>;
}

function readRows(): Row[] {
  const [header, ...lines] = readFileSync(join(FIXTURES, 'llmbar-natural.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells = Object.fromEntries(line.split(',').map((v, k) => [cols[k], v]));
    return {
      i: Number(cells.i),
      label: Number(cells.label),
      verdicts: Object.fromEntries(JUDGES.map((j) => [j.model, { noswap: cells[`${j.column}_noswap`], swap: cells[`${j.column}_swap`] }])),
    };
  });
}

/** "92 / 100 = 92.0%" → 0.92; "93.5%" → 0.935. */
function published(value: string | number): number {
  if (typeof value === 'number') return value;
  const ratio = /^(\d+) \/ (\d+)/.exec(value);
  return ratio ? Number(ratio[1]) / Number(ratio[2]) : Number(value.replace('%', '')) / 100;
}

const rows = readRows();
const byIndex = new Map(rows.map((r) => [r.i, r]));

/** The judge answers as LLMBar recorded: winner "1"/"2" in the original numbering, per order. */
function recordedAnswer(req: FakeRequest): string {
  const a = fenced(promptOf(req), 'output_a')!;
  const [, i, which] = /LLMBar Natural #(\d+), output (\d)/.exec(a)!;
  const v = byIndex.get(Number(i))!.verdicts[req.model];
  // Output 1 shown first is LLMBar's "swap = False"; output 2 first is "swap = True".
  const winner = which === '1' ? v.noswap : v.swap;
  const winnerAt = (winner === '1') === (which === '1') ? 'A' : 'B';
  return JSON.stringify({ reasoning: `recorded verdict: output (${winner})`, winner: winnerAt });
}

describe('LLMBar Natural: evalspec calibrate reproduces the published judge statistics', () => {
  let fake: FakeProvider;
  let dir: string;
  let calibration: RunCalibration;
  let stdout: string;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: KEY, answer: recordedAnswer });
    dir = tempDir();
    const suite = [
      'name: llmbar-natural',
      'providers:',
      `  openai: { baseURL: "${fake.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }`,
      'models:',
      '  - { id: replay:output_1.jsonl, label: output_1 }',
      '  - { id: replay:output_2.jsonl, label: output_2 }',
      'cases: cases.jsonl',
      'concurrency: 16',
      'checks:',
      `  - { type: pairwise, metric: better, against: output_2, allow_ties: false, judge: [${JUDGES.map((j) => `openai:${j.model}`).join(', ')}] }`,
      '',
    ].join('\n');
    writeFiles(dir, {
      'evalspec.yaml': suite,
      'cases.jsonl': jsonl(rows.map((r) => ({ id: `n${r.i}` }))),
      'output_1.jsonl': jsonl(rows.map((r) => ({ id: `n${r.i}`, output: `LLMBar Natural #${r.i}, output 1` }))),
      'output_2.jsonl': jsonl(rows.map((r) => ({ id: `n${r.i}`, output: `LLMBar Natural #${r.i}, output 2` }))),
      // The gold label, as a human label: which output is better.
      'gold.jsonl': jsonl(
        rows.map((r) => ({ case_id: `n${r.i}`, variant: 'output_1', winner: r.label === 1 ? 'output_1' : 'output_2', labeller: 'llmbar-gold' })),
      ),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.stderr).not.toContain('internal error');
    expect(run.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(100 * 3 * 2);
    const imported = await runCli(['labels', 'import', 'gold.jsonl'], { cwd: dir });
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain('imported 100 labels (100 pairwise (win/loss/tie)) by llmbar-gold');
    const cal = await runCli(['calibrate', queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id, '--json', 'calibration.json'], { cwd: dir });
    expect(cal.stderr).toBe('');
    expect(cal.exitCode).toBe(0);
    stdout = cal.stdout;
    calibration = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8'));
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  for (const judge of JUDGES) {
    it(`${judge.model}: Acc., per-order accuracy, both correct, Agr. and the order kappa match statistics.json`, () => {
      const stats = JSON.parse(readFileSync(join(FIXTURES, judge.stats), 'utf8'));
      const c = calibration.judges.find((x) => x.judge === `openai:${judge.model}`)!;
      expect(c.n).toBe(100);
      const o = c.orders!;
      expect(o.firstAccuracy).toBeCloseTo(published(stats.correct_False), 4);
      expect(o.secondAccuracy).toBeCloseTo(published(stats.correct_True), 4);
      expect(o.accuracy).toBeCloseTo(published(stats.correct_average), 4);
      expect(o.bothCorrect).toBeCloseTo(published(stats.correct_both), 4);
      expect(o.consistency).toBeCloseTo(published(stats.equal), 4);
      expect(o.consistencyKappa).toBeCloseTo(stats.kappa_agreement, 4);
      // Position bias = the share of pairs whose verdict changed with the order = 1 − Agr.
      expect(o.positionBias.rate).toBeCloseTo(1 - published(stats.equal), 4);
    });
  }

  it('the figures as published (GPT-4 Vanilla: Acc. 93.5, Agr. 97.0; ChatGPT: 79.0 / 68.0; GPT-4 Metrics+Reference: 96.0 / 96.0)', () => {
    const acc = (m: string) => calibration.judges.find((x) => x.judge === `openai:${m}`)!.orders!;
    expect([acc('gpt4-vanilla').accuracy, acc('gpt4-vanilla').consistency]).toEqual([0.935, 0.97]);
    expect([acc('chatgpt-vanilla').accuracy, acc('chatgpt-vanilla').consistency]).toEqual([0.79, 0.68]);
    expect([acc('gpt4-metrics').accuracy, acc('gpt4-metrics').consistency]).toEqual([0.96, 0.96]);
  });

  it('the outcome rule (a win only when both orders agree) and the meaningful kappa against the gold label', () => {
    const c = calibration.judges.find((x) => x.judge === 'openai:gpt4-vanilla')!;
    // Outcomes: 97 consistent pairs (42 "1"/"1", 55 "2"/"2"), 3 that flipped with the order → ties.
    expect(c.confusion.categories).toEqual(['win', 'tie', 'loss']);
    const [win, tie, loss] = c.confusion.matrix.map((row) => row.reduce((s, x) => s + x, 0));
    expect([win, tie, loss]).toEqual([42, 0, 58]); // gold: 42 × output 1, 58 × output 2
    expect(c.confusion.matrix[0][1] + c.confusion.matrix[2][1]).toBe(3);
    expect(c.agreement).toBeCloseTo(0.92, 4); // = both orders correct
    expect(c.kappa!.value).toBeGreaterThan(0.8);
    expect(calibration.judges.find((x) => x.judge.startsWith('ensemble('))).toBeDefined();
    expect(stdout).toContain('better · openai:gpt4-vanilla (pairwise): this judge agrees with humans κ');
    expect(stdout).toContain('position bias: 3 of 100 verdicts changed with the order (3.0%)');
  });

  it('the paper\'s kappa_* fields (labels 1/2 against verdicts recoded "1"→1, else 0) reproduce with stats.cohensKappa', () => {
    // Not a meaningful agreement figure (the two sides use different codes), reproduced as a bit-exactness
    // check of the kappa implementation, as SOURCES.md explains.
    for (const judge of JUDGES) {
      const stats = JSON.parse(readFileSync(join(FIXTURES, judge.stats), 'utf8'));
      const recode = (v: string) => (v === '1' ? 1 : 0);
      const kFalse = cohensKappa({ pairs: rows.map((r) => [r.label, recode(r.verdicts[judge.model].noswap)] as [number, number]) })!.kappa;
      const kTrue = cohensKappa({ pairs: rows.map((r) => [r.label, recode(r.verdicts[judge.model].swap)] as [number, number]) })!.kappa;
      expect(kFalse).toBeCloseTo(stats.kappa_False, 4);
      expect(kTrue).toBeCloseTo(stats.kappa_True, 4);
      expect((kFalse + kTrue) / 2).toBeCloseTo(stats.kappa_average, 4);
    }
  });

  it('the calibration is stored and shown when the judge is used again', async () => {
    const stored = queryDb<{ judge: string; metric: string; n: number }>(dir, 'SELECT judge, metric, n FROM calibrations ORDER BY judge');
    expect(stored.map((s) => s.judge)).toEqual([
      'ensemble(openai:gpt4-vanilla, openai:chatgpt-vanilla, openai:gpt4-metrics)',
      'openai:chatgpt-vanilla',
      'openai:gpt4-metrics',
      'openai:gpt4-vanilla',
    ]);
    const shown = await runCli(['show', queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id], { cwd: dir });
    expect(shown.stdout).toMatch(/better · openai:gpt4-vanilla: this judge agrees with humans κ 0\.\d\d on 100 labels/);
    expect(shown.stdout).toContain('ensemble agreement (Krippendorff α, nominal)');
  });
});
