// `evalspec calibrate` threshold advice, through the built CLI on a run judged by the loopback fake provider:
// the advice replays the decision the check makes (a majority ensemble's vote, not its mean score), names the
// least strict threshold range that meets the target, says nothing when the current threshold already does,
// and says that a yes/no judge (closed-qa) has no threshold to tune.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { fenced, promptOf, schemaNameOf } from './helpers.js';
import type { RunCalibration } from '../../src/calibration/index.js';

const KEY = 'sk-threshold-0123456789';

// Human verdicts: f* fail, p* pass. Scores of judges j1, j2, j3 per metric (threshold 0.5, majority).
const HUMAN: Record<string, 'pass' | 'fail'> = { f1: 'fail', f2: 'fail', f3: 'fail', f4: 'fail', f5: 'fail', p1: 'pass', p2: 'pass', p3: 'pass', p4: 'pass' };
const SCORES: Record<'polite' | 'correct', Record<string, [number, number, number]>> = {
  // f3: mean 0.567 >= 0.5 but 1 of 3 votes: the check fails it. With the mean rule it would be a false pass.
  polite: {
    f1: [0.1, 0.1, 0.1],
    f2: [0.2, 0.2, 0.2],
    f3: [0.9, 0.4, 0.4],
    f4: [0.3, 0.3, 0.3],
    f5: [0.1, 0.1, 0.1],
    p1: [0.9, 0.9, 0.9],
    p2: [0.8, 0.8, 0.8],
    p3: [0.6, 0.7, 0.2],
    p4: [1, 0.7, 0.7],
  },
  // f5: mean 0.433 < 0.5 but 2 of 3 votes: the check passes it (a false pass the mean rule would not see).
  correct: {
    f1: [0.1, 0.1, 0.1],
    f2: [0.2, 0.2, 0.2],
    f3: [0.9, 0.4, 0.4],
    f4: [0.3, 0.3, 0.3],
    f5: [0.6, 0.6, 0.1],
    p1: [0.9, 0.9, 0.9],
    p2: [0.8, 0.8, 0.8],
    p3: [0.6, 0.7, 0.2],
    p4: [1, 0.7, 0.7],
  },
};
const JUDGES = ['j1', 'j2', 'j3'];

function judgeAnswer(req: FakeRequest): string {
  const prompt = promptOf(req);
  const id = /case (\w+)/.exec(fenced(prompt, 'output') ?? '')![1];
  if (schemaNameOf(req) === 'closed_qa_verdict') return JSON.stringify({ reasoning: 'r', correct: HUMAN[id] === 'pass' });
  const metric = prompt.includes('RUBRIC-POLITE') ? 'polite' : 'correct';
  const score = SCORES[metric][id][JUDGES.indexOf(req.model)];
  return JSON.stringify({ reasoning: 'r', verdict: score >= 0.5 ? 'pass' : 'fail', score });
}

describe('calibrate: threshold advice', () => {
  let fake: FakeProvider;
  let calibration: RunCalibration;
  let stdout: string;
  const ENSEMBLE = 'ensemble(openai:j1, openai:j2, openai:j3)';
  const find = (judge: string, metric: string) => calibration.judges.find((j) => j.judge === judge && j.metric === metric)!;
  /** The rendered block of one judge and metric. */
  const block = (judge: string, metric: string) => stdout.split('\n\n').find((b) => b.startsWith(`${metric} · ${judge} `))!;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: KEY, answer: judgeAnswer });
    const dir = tempDir();
    const ids = Object.keys(HUMAN);
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: thresholds',
        'providers:',
        `  openai: { baseURL: "${fake.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }`,
        'models:',
        '  - { id: replay:bot.jsonl, label: bot }',
        'cases: cases.jsonl',
        'checks:',
        '  - { type: judge, metric: polite, judge: [openai:j1, openai:j2, openai:j3], rubric: "RUBRIC-POLITE" }',
        '  - { type: judge, metric: correct, judge: [openai:j1, openai:j2, openai:j3], ensemble: majority, rubric: "RUBRIC-CORRECT" }',
        '  - { type: closed-qa, judge: openai:j1, reference: "the reference" }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(ids.map((id) => ({ id }))),
      'bot.jsonl': jsonl(ids.map((id) => ({ id, output: `the answer for case ${id}` }))),
      'labels.jsonl': jsonl(ids.map((id) => ({ case_id: id, label: HUMAN[id], labeller: 'ana' }))),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.stderr).not.toContain('internal error');
    const runId = queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id;
    expect((await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir })).exitCode).toBe(0);
    const cal = await runCli(['calibrate', runId, '--json', 'cal.json'], { cwd: dir });
    expect(cal.exitCode).toBe(0);
    stdout = cal.stdout;
    calibration = JSON.parse(readFileSync(join(dir, 'cal.json'), 'utf8'));
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  it('a majority ensemble is advised by its majority vote: the current rate is the rate of its verdicts', () => {
    const e = find(ENSEMBLE, 'polite');
    // The check failed all 5 human fails (f3 has 1 vote of 3); the mean rule would have passed f3 (mean 0.567).
    expect(e.falsePass).toMatchObject({ count: 0, of: 5 });
    expect(e.threshold).toMatchObject({ rule: 'majority', judges: 3, current: 0.5, meetsTarget: true, recommended: null });
    expect(e.threshold!.currentFalsePass).toMatchObject({ count: 0, of: 5 });
    // Every judge and metric: the advice's current rate is the rate of the stored verdicts.
    for (const j of calibration.judges) if (j.threshold) expect(j.threshold.currentFalsePass.count, `${j.judge} ${j.metric}`).toBe(j.falsePass!.count);
    expect(block(ENSEMBLE, 'polite')).toContain(
      "threshold now 0.5 (majority of 3 judges' votes, as the check decides): false pass 0.0% (0/5) meets the target ≤ 5.0%",
    );
    expect(block(ENSEMBLE, 'polite')).not.toContain('use threshold');
  });

  it('when the current threshold misses the target: the least strict range under the majority rule', () => {
    const e = find(ENSEMBLE, 'correct');
    // At 0.5, f5 (0.6, 0.6, 0.1) has 2 votes of 3: one false pass in 5.
    expect(e.threshold!.currentFalsePass).toMatchObject({ count: 1, of: 5 });
    expect(e.threshold!.meetsTarget).toBe(false);
    // f5 fails once t > 0.6 (no vote left), f3 once t > 0.4; the next score above 0.6 is 0.7, so every t in
    // (0.6, 0.7] gives no false pass. False fails at 0.7: p3 (0.6, 0.7, 0.2) keeps 1 vote of 3 → 1 of 4.
    // (The mean rule would say (0.567, 0.6]: f3's mean is 0.567.)
    expect(e.threshold!.recommended).toMatchObject({ threshold: 0.7, above: 0.6, falsePass: { count: 0, of: 5 }, falseFail: { count: 1, of: 4 } });
    expect(block(ENSEMBLE, 'correct')).toContain(
      'for false pass ≤ 5.0% use threshold 0.7 (any threshold in (0.6, 0.7] gives the same verdicts on these labels',
    );
  });

  it('no stricter advice for a single judge whose current threshold already has no false pass', () => {
    // j2 on polite: human fails scored 0.1, 0.2, 0.4, 0.3, 0.1: none reaches 0.5. The next score up is 0.7,
    // so 0.7 gives the same verdicts; advising it would only restate 0.5.
    const j2 = find('openai:j2', 'polite');
    expect(j2.threshold).toMatchObject({ rule: 'score', meetsTarget: true, recommended: null, currentRange: { above: 0.4, upTo: 0.7 } });
    expect(block('openai:j2', 'polite')).not.toContain('use threshold');
    // j1 on polite scored f3 0.9: a false pass at 0.5; (0.9, 1] is the least strict range without one.
    expect(find('openai:j1', 'polite').threshold!.recommended).toMatchObject({ threshold: 1, above: 0.9 });
  });

  it('a yes/no judge (closed-qa) has no threshold to tune, and is told so', () => {
    const qa = find('openai:j1', 'closed-qa');
    expect(qa.falsePass).toMatchObject({ count: 0, of: 5 });
    expect(qa.threshold).toMatchObject({ fixed: true, yesNo: true, meetsTarget: true, recommended: null });
    const text = block('openai:j1', 'closed-qa');
    expect(text).toContain(
      'the judge answers yes/no: the check has no threshold to tune (every threshold in (0, 1] gives the same verdicts); false pass 0.0% (0/5) meets the target ≤ 5.0%',
    );
    expect(text).not.toContain('use threshold');
  });
});
