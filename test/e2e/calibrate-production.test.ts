// `evalspec calibrate --monitor M SUITE` through the built CLI, on a store seeded through store.production: records
// scored by the monitor's judge check (production_scores.checks) and labelled pass/fail as the viewer labels them.
// The figures are worked out by hand below; the same statistics as `calibrate RUN_ID` (compareWithHumans).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { openStore, type ProductionCheckOutcome } from '../../src/store/index.js';
import { record, score } from '../store/production-fixture.js';

const SUITE = `name: support
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: judge, metric: helpful, judge: openai:gpt-4o-mini, rubric: "answers the question", threshold: 0.5 }
  - { type: contains, value: "answer" }
monitors:
  - name: answers
  - name: tone
    checks: [{ type: contains, value: "please" }]
`;

/**
 * (human, judge verdict, judge score) per record r1..r11:
 *   human pass, judge pass: r1..r4 (score 0.9)       human pass, judge fail: r5 (0.2)
 *   human fail, judge pass: r6 (0.6)                 human fail, judge fail: r7..r10 (0.2)
 *   r11: human pass, the judge gave no verdict (a judge error: left out of n, counted apart).
 * n = 10, observed agreement p_o = (4 + 4) / 10 = 0.8; marginals: humans 5 pass / 5 fail, judge 5 / 5, so chance
 * agreement p_e = 0.5·0.5 + 0.5·0.5 = 0.5 and Cohen's κ = (p_o − p_e) / (1 − p_e) = 0.3 / 0.5 = 0.6.
 * False pass (judge passes what humans fail) = 1/5 = 20%; false fail = 1/5 = 20%; agreement counting the error = 8/11.
 * Threshold: the one human-failed record the judge passes scored 0.6, the human-passed ones it passes 0.9: any
 * threshold in (0.6, 0.9] removes the false pass (0/5) at no extra false fail (still r5 only: 1/5).
 */
const ROWS: [id: string, human: 'pass' | 'fail', passed: boolean | null, judgeScore: number | null][] = [
  ['r1', 'pass', true, 0.9],
  ['r2', 'pass', true, 0.9],
  ['r3', 'pass', true, 0.9],
  ['r4', 'pass', true, 0.9],
  ['r5', 'pass', false, 0.2],
  ['r6', 'fail', true, 0.6],
  ['r7', 'fail', false, 0.2],
  ['r8', 'fail', false, 0.2],
  ['r9', 'fail', false, 0.2],
  ['r10', 'fail', false, 0.2],
  ['r11', 'pass', null, null],
];

const judgeCheck = (passed: boolean | null, s: number | null): ProductionCheckOutcome => ({
  name: 'helpful',
  type: 'judge',
  passed,
  score: s,
  severity: 'normal',
  reason: null,
});
const containsCheck: ProductionCheckOutcome = { name: 'contains', type: 'contains', passed: true, score: 1, severity: 'normal', reason: null };

afterAll(cleanupTempDirs);

describe('calibrate --monitor: a monitor’s judge checks against the labels of its records', () => {
  it('reports agreement, κ with its interval, false-pass / false-fail rates and threshold advice, as computed by hand', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    // r12 is labelled but scored only by "tone": not one of the monitor's records.
    await store.production.putRecords([...ROWS.map(([id], i) => record(id, i)), record('r12', 20)], []);
    await store.production.complete([
      ...ROWS.map(([id, , passed, s]) => score(id, 'answers', { passed: passed === true, checks: [judgeCheck(passed, s), containsCheck] })),
      score('r12', 'tone', { checks: [containsCheck] }),
    ]);
    for (const [id, human] of ROWS)
      await store.production.labels.put({ recordId: id, labeller: 'alice', verdict: human, errorTags: [], note: null, createdAt: '2026-12-02T00:00:00.000Z' });
    await store.production.labels.put({
      recordId: 'r12',
      labeller: 'alice',
      verdict: 'fail',
      errorTags: [],
      note: null,
      createdAt: '2026-12-02T00:00:00.000Z',
    });
    await store.close();

    const result = await runCli(['calibrate', '--monitor', 'answers', 'evalspec.yaml', '--json', 'cal.json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const cal = JSON.parse(readFileSync(join(dir, 'cal.json'), 'utf8'));
    expect(cal).toMatchObject({ monitor: 'answers', suiteName: 'support', records: 11, labels: 11, labellers: ['alice'] });
    expect(cal.judges).toHaveLength(1);
    const j = cal.judges[0];
    expect(j).toMatchObject({ judge: 'openai:gpt-4o-mini', metric: 'helpful', checkType: 'judge', n: 10, judgeErrors: 1 });
    expect(j.agreement).toBeCloseTo(0.8, 12);
    expect(j.agreementCountingErrors).toBeCloseTo(8 / 11, 12);
    expect(j.kappa.value).toBeCloseTo(0.6, 12);
    expect(j.kappa.interval.low).toBeLessThan(0.6);
    expect(j.kappa.interval.high).toBeGreaterThan(0.6);
    expect(j.confusion).toEqual({
      categories: ['pass', 'fail'],
      matrix: [
        [4, 1],
        [1, 4],
      ],
    });
    expect(j.falsePass).toMatchObject({ count: 1, of: 5 });
    expect(j.falseFail).toMatchObject({ count: 1, of: 5 });
    expect(j.threshold.current).toBe(0.5);
    expect(j.threshold.recommended.threshold).toBeGreaterThan(0.6);
    expect(j.threshold.recommended.threshold).toBeLessThanOrEqual(0.9);
    expect(j.threshold.recommended.falsePass).toMatchObject({ count: 0, of: 5 });
    expect(j.threshold.recommended.falseFail).toMatchObject({ count: 1, of: 5 });
    // The renderer of `calibrate RUN_ID`, with the monitor in place of the run.
    expect(result.stdout).toContain('calibration · monitor answers (11 labelled production records) · support · 11 labels by 1 labeller (alice)');
    expect(result.stdout).toContain('helpful · openai:gpt-4o-mini (judge): this judge agrees with humans κ 0.600 on 10 labels (raw agreement 80.0%)');
    expect(result.stdout).toContain('false pass (judge passes what humans fail): 20.0% (1/5');
  });

  it('refuses a monitor without labels, and an unknown monitor, naming the suite and the fix', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    await store.close();
    const none = await runCli(['calibrate', '--monitor', 'answers', 'evalspec.yaml'], { cwd: dir });
    expect(none.exitCode).not.toBe(0);
    expect(none.stderr).toMatch(/monitor "answers" of suite "support" has no human labels/);
    expect(none.stderr).toMatch(/review queue/);
    const unknown = await runCli(['calibrate', '--monitor', 'nope', 'evalspec.yaml'], { cwd: dir });
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toMatch(/has no monitor "nope"/);
    expect(unknown.stderr).toMatch(/answers, tone/);
  });
});
