// Labels import and calibration on constructed runs whose figures are known by hand: binary judges
// (agreement, kappa, false-pass / false-fail rates, the recommended threshold), ordinal rubric dimensions
// (quadratic-weighted kappa, several labellers, median consensus), judge-errors, and the stored record.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type ResultRow, type Store, type StoredCheck } from '../../src/store/index.js';
import { calibrateRun, importLabels, readLabelsFile, renderCalibration } from '../../src/calibration/index.js';
import { cohensKappa } from '../../src/stats/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

const RUN = 'run-1';

async function makeRun(store: Store, rows: { caseId: string; variantId?: string; checks: StoredCheck[]; error?: boolean }[]): Promise<void> {
  await store.runs.create({
    id: RUN,
    suiteName: 'suite',
    suiteHash: 'h',
    suiteFile: 'suite.yaml',
    label: null,
    status: 'completed',
    formatVersion: 1,
    config: {},
    variants: [
      { id: 'a', label: 'a', model: 'replay:a', providerType: 'replay', modelId: 'a', prompt: 'default' },
      { id: 'b', label: 'b', model: 'replay:b', providerType: 'replay', modelId: 'b', prompt: 'default' },
    ],
    repeat: 1,
    gitCommit: null,
    gitBranch: null,
    totalCalls: rows.length,
    startedAt: new Date().toISOString(),
    endedAt: null,
    warnings: [],
  });
  await store.results.putMany(
    rows.map((r): ResultRow => ({
      runId: RUN,
      caseId: r.caseId,
      variantId: r.variantId ?? 'a',
      repeat: 0,
      output: 'out',
      pass: r.error ? null : r.checks.every((c) => c.pass),
      score: r.error ? null : 1,
      cached: false,
      latencyMs: null,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      errorClass: r.error ? 'judge-error' : null,
      errorMessage: null,
      attempts: 1,
      checks: r.checks,
      messages: null,
      finishedAt: new Date().toISOString(),
    })),
  );
}

const judgeCheck = (raw: number, threshold = 0.5): StoredCheck => ({
  type: 'judge',
  metric: 'helpful',
  severity: 'normal',
  weight: 1,
  pass: raw >= threshold,
  score: raw,
  reason: '',
  judge: { models: ['openai:j'], raw, threshold, votes: [{ model: 'openai:j', raw, pass: raw >= threshold }] },
});

const rubricCheck = (raw: number, threshold = 3): StoredCheck => ({
  type: 'rubric',
  metric: 'tone',
  severity: 'normal',
  weight: 1,
  pass: raw >= threshold,
  score: (raw - 1) / 4,
  reason: '',
  judge: { models: ['openai:j'], raw, scale: [1, 5], threshold, votes: [{ model: 'openai:j', raw, pass: raw >= threshold }] },
});

describe('calibrate: a binary judge', () => {
  let store: Store;
  beforeEach(async () => {
    store = openStore(':memory:');
    // 20 results humans pass, 20 they fail; the judge's scores for each.
    const humanPass = [...Array(10).fill(0.9), ...Array(6).fill(0.7), ...Array(4).fill(0.3)];
    const humanFail = [...Array(12).fill(0.1), ...Array(4).fill(0.3), ...Array(3).fill(0.6), 0.8];
    const rows = [
      ...humanPass.map((raw, i) => ({ caseId: `p${i}`, checks: [judgeCheck(raw)] })),
      ...humanFail.map((raw, i) => ({ caseId: `f${i}`, checks: [judgeCheck(raw)] })),
      // A result whose judge failed, and one nobody labelled.
      { caseId: 'err', checks: [{ ...judgeCheck(0), error: 'judge-error', indeterminate: true, judge: { models: ['openai:j'] } }], error: true },
      { caseId: 'unlabelled', checks: [judgeCheck(0.9)] },
    ];
    await makeRun(store, rows);
    await store.labels.putMany([
      ...humanPass.map((_, i) => ({
        runId: RUN,
        caseId: `p${i}`,
        variantId: 'a',
        repeat: 0,
        label: 'pass',
        scores: null,
        tag: null,
        comment: null,
        labeller: 'ana',
        createdAt: '2026-01-01T00:00:00Z',
      })),
      ...humanFail.map((_, i) => ({
        runId: RUN,
        caseId: `f${i}`,
        variantId: 'a',
        repeat: 0,
        label: 'fail',
        scores: null,
        tag: null,
        comment: null,
        labeller: 'ana',
        createdAt: '2026-01-01T00:00:00Z',
      })),
      {
        runId: RUN,
        caseId: 'err',
        variantId: 'a',
        repeat: 0,
        label: 'pass',
        scores: null,
        tag: null,
        comment: null,
        labeller: 'ana',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  it('agreement, kappa, confusion, false-pass and false-fail rates with intervals', async () => {
    const c = await calibrateRun(store, RUN);
    expect(c.judges).toHaveLength(1);
    const j = c.judges[0];
    expect(j).toMatchObject({ judge: 'openai:j', metric: 'helpful', kind: 'binary', n: 40, judgeErrors: 1 });
    expect(j.confusion).toEqual({
      categories: ['pass', 'fail'],
      matrix: [
        [16, 4],
        [4, 16],
      ],
    });
    expect(j.agreement).toBeCloseTo(0.8, 10);
    expect(j.agreementCountingErrors).toBeCloseTo(32 / 41, 10);
    expect(j.kappa!.value).toBeCloseTo(0.6, 10); // (0.8 − 0.5) / (1 − 0.5)
    expect(j.kappa!.weights).toBe('none');
    expect(j.falsePass).toMatchObject({ count: 4, of: 20, rate: 0.2 });
    expect(j.falsePass!.interval!.method).toBe('wilson');
    expect(j.falseFail).toMatchObject({ count: 4, of: 20, rate: 0.2 });
  });

  it('recommends the most lenient threshold whose false-pass rate meets the target, and says whether it is shown', async () => {
    const c = await calibrateRun(store, RUN, { maxFalsePass: 0.05 });
    const t = c.judges[0].threshold!;
    expect(t.current).toBe(0.5);
    expect(t.currentFalsePass.rate).toBeCloseTo(0.2);
    expect(t.recommended).toMatchObject({ threshold: 0.7, falsePass: { count: 1, of: 20 }, falseFail: { count: 4, of: 20 } });
    // 1 of 20 is 5% observed, but 20 failed labels cannot show ≤ 5% with 95% confidence.
    expect(t.recommended!.falsePass.upper).toBeGreaterThan(0.2);
    expect(t.provable).toBeNull();
    expect(t.failLabelsNeeded).toBe(59); // ⌈ln 0.05 / ln 0.95⌉
    const loose = await calibrateRun(store, RUN, { maxFalsePass: 0.25, store: false });
    // FP(0.5) = 4/20 = 20% already meets 25%: no advice. (Thresholds in (0.3, 0.6] all give these verdicts:
    // FP(0.3) = 8/20, FP(0.6) = 4/20; recommending 0.6 would only restate the current threshold.)
    const l = loose.judges[0].threshold!;
    expect(l).toMatchObject({ meetsTarget: true, recommended: null, currentRange: { above: 0.3, upTo: 0.6 } });
    expect(renderCalibration(loose)).toContain('threshold now 0.5: false pass 20.0% (4/20) meets the target ≤ 25.0%');
    expect(renderCalibration(loose)).not.toContain('use threshold');
  });

  it('renders the sentence a product manager reads, and stores the calibration for later runs', async () => {
    const c = await calibrateRun(store, RUN, { now: () => new Date('2026-02-01T00:00:00Z') });
    const text = renderCalibration(c);
    expect(text).toContain('helpful · openai:j (judge): this judge agrees with humans κ 0.600 on 40 labels (raw agreement 80.0%)');
    expect(text).toContain('1 labelled result(s) had no usable judge answer (judge-error); counting them as disagreements: 78.0%');
    expect(text).toContain('for false pass ≤ 5.0% use threshold 0.7');
    expect(text).toContain('not shown with 95% confidence: 20 human-failed labels are too few (with no false pass at all it takes 59)');
    const stored = await store.calibrations.list({ judge: 'openai:j', metric: 'helpful' });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      runId: RUN,
      suiteName: 'suite',
      labels: 40,
      agreement: 0.8,
      kappaWeights: 'none',
      createdAt: '2026-02-01T00:00:00.000Z',
    });
    expect(stored[0].kappa).toBeCloseTo(0.6);
    // Calibrating again replaces the row.
    await calibrateRun(store, RUN);
    expect(await store.calibrations.list({ judge: 'openai:j' })).toHaveLength(1);
  });

  it('no labels: a usage error that says how to import them', async () => {
    const empty = openStore(':memory:');
    await makeRun(empty, [{ caseId: 'c', checks: [judgeCheck(1)] }]);
    await expect(calibrateRun(empty, RUN)).rejects.toMatchObject({ code: 'USAGE', hint: expect.stringContaining('evalspec labels import') });
    await expect(calibrateRun(empty, 'nope')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });
});

describe('calibrate: a rubric dimension against several labellers', () => {
  it('median consensus, quadratic-weighted kappa, within ±1, the judge bias, and the labellers among themselves', async () => {
    const store = openStore(':memory:');
    const judge = [5, 4, 4, 3, 2, 1, 3, 5, 2, 4];
    const ana = [5, 4, 3, 3, 2, 1, 2, 4, 1, 4];
    const ben = [5, 5, 3, 2, 2, 1, 2, 4, 2, 3];
    const cy = [4, 4, 3, 3, 1, 2, 2, 4, 1, 4];
    await makeRun(
      store,
      judge.map((raw, i) => ({ caseId: `c${i}`, checks: [rubricCheck(raw)] })),
    );
    const label = (labeller: string, scores: number[]) =>
      scores.map((s, i) => ({
        runId: RUN,
        caseId: `c${i}`,
        variantId: 'a',
        repeat: 0,
        label: null,
        scores: { tone: s },
        tag: null,
        comment: null,
        labeller,
        createdAt: 'x',
      }));
    await store.labels.putMany([...label('ana', ana), ...label('ben', ben), ...label('cy', cy)]);
    const c = await calibrateRun(store, RUN);
    const j = c.judges[0];
    const median = ana.map((_, i) => [ana[i], ben[i], cy[i]].sort((a, b) => a - b)[1]);
    expect(median).toEqual([5, 4, 3, 3, 2, 1, 2, 4, 1, 4]);
    const expected = cohensKappa({ pairs: median.map((h, i) => [h, judge[i]] as [number, number]) }, { weights: 'quadratic', categories: [1, 2, 3, 4, 5] })!;
    expect(j.kind).toBe('ordinal');
    expect(j.kappa!.weights).toBe('quadratic');
    expect(j.kappa!.value).toBeCloseTo(expected.kappa, 12);
    expect(j.agreement).toBeCloseTo(6 / 10);
    expect(j.within1).toBe(1);
    expect(j.meanDifference).toBeCloseTo((33 - 29) / 10);
    // Pass at 3: humans fail c4, c5, c6, c8 (2, 1, 2, 1); the judge passes c6 (3).
    expect(j.falsePass).toMatchObject({ count: 1, of: 4 });
    expect(j.falseFail).toMatchObject({ count: 0, of: 6 });
    expect(j.threshold!.recommended!.threshold).toBe(4);
    const humans = c.humans.find((h) => h.metric === 'tone')!;
    expect(humans.labellers).toEqual(['ana', 'ben', 'cy']);
    const anaBen = cohensKappa({ pairs: ana.map((a, i) => [a, ben[i]] as [number, number]) }, { weights: 'quadratic', categories: [1, 2, 3, 4, 5] })!;
    expect(humans.pairs[0]).toMatchObject({ a: 'ana', b: 'ben', n: 10 });
    expect(humans.pairs[0].kappa).toBeCloseTo(anaBen.kappa, 12);
    expect(humans.alpha).not.toBeNull();
    expect(j.humanKappa).toBeGreaterThan(0.5);
    expect(renderCalibration(c)).toContain('judge − human: +0.40 on average; within ±1: 100.0%');
  });
});

describe('labels import', () => {
  let store: Store;
  let dir: string;
  beforeEach(async () => {
    store = openStore(':memory:');
    dir = tempDir();
    await makeRun(store, [
      { caseId: 'c1', checks: [judgeCheck(1)] },
      { caseId: 'c2', checks: [judgeCheck(0)] },
      { caseId: 'c1', variantId: 'b', checks: [judgeCheck(1)] },
    ]);
  });
  afterAll(() => cleanupTempDirs());

  const file = (name: string, text: string) => {
    writeFiles(dir, { [name]: text });
    return join(dir, name);
  };

  it('JSONL and CSV: pass/fail in many spellings, winner → win/loss/tie, dimension columns, who and when', async () => {
    const jsonlFile = file(
      'l.jsonl',
      [
        '{"case_id":"c1","variant":"a","label":"PASS","labeller":"ana","labelled_at":"2026-01-02T03:04:05Z","comment":"fine"}',
        '{"case_id":"c2","variant":"a","label":false,"labeller":"ana"}',
        '{"id":"c1","variant":"a","winner":"b","labeller":"ben"}',
        '{"case_id":"c1","variant":"b","winner":"tie","annotator":"cy","scores":{"tone":4}}',
      ].join('\n'),
    );
    const [r] = await importLabels(store, readLabelsFile(jsonlFile), { file: jsonlFile, runId: RUN, now: () => new Date('2026-03-01T00:00:00Z') });
    expect(r).toMatchObject({ runId: RUN, imported: 4, labellers: ['ana', 'ben', 'cy'], kinds: { passFail: 2, scores: 1, pairwise: 2 } });
    const rows = await store.labels.list(RUN);
    expect(rows.map((l) => [l.caseId, l.variantId, l.label ?? l.preference, l.labeller, l.createdAt])).toEqual(
      [
        ['c2', 'a', 'fail', 'ana', '2026-03-01T00:00:00.000Z'],
        ['c1', 'a', 'loss', 'ben', '2026-03-01T00:00:00.000Z'],
        ['c1', 'b', 'tie', 'cy', '2026-03-01T00:00:00.000Z'],
        ['c1', 'a', 'pass', 'ana', '2026-01-02T03:04:05Z'],
      ].sort((x, y) => (x[4] < y[4] ? -1 : 1)),
    );
    expect(rows.find((l) => l.labeller === 'cy')!.scores).toEqual({ tone: 4 });

    const csv = file('l.csv', 'case_id,variant,label,accuracy,score:tone\nc1,a,yes,5,4\nc2,a,no,,2\n');
    const [c] = await importLabels(store, readLabelsFile(csv), { file: csv, labeller: 'dee' });
    expect(c).toMatchObject({ runId: RUN, runGuessed: true, imported: 2 });
    const dee = (await store.labels.list(RUN, { labeller: 'dee' })).map((l) => [l.caseId, l.label, l.scores]);
    expect(dee).toEqual([
      ['c1', 'pass', { accuracy: 5, tone: 4 }],
      ['c2', 'fail', { tone: 2 }],
    ]);
  });

  it('errors name the file, the line and the fix; nothing is imported', async () => {
    const cases: [string, string, RegExp][] = [
      ['{"case_id":"c1","variant":"a","label":"pass"}', 'LABELS_FILE', /does not say who labelled it/],
      ['{"case_id":"c9","variant":"a","label":"pass","labeller":"x"}', 'LABELS_FILE', /no result for case "c9"/],
      ['{"case_id":"c1","variant":"z","label":"pass","labeller":"x"}', 'LABELS_FILE', /variant "z" is not in run/],
      ['{"case_id":"c1","label":"pass","labeller":"x"}', 'LABELS_FILE', /names no variant, and run run-1 has 2/],
      ['{"case_id":"c1","variant":"a","label":"meh","labeller":"x"}', 'LABELS_FILE', /unknown label "meh"/],
      ['{"case_id":"c1","variant":"a","labeller":"x"}', 'LABELS_FILE', /no verdict/],
      ['{"case_id":"c1","variant":"a","winner":"q","labeller":"x"}', 'LABELS_FILE', /winner "q" is not a variant/],
      ['{"case_id":"c1","variant":"a","label":"pass","labeller":"x"}\n{broken', 'LABELS_FILE', /invalid JSON on this line/],
    ];
    for (const [text, code, message] of cases) {
      const f = file('bad.jsonl', text);
      const err = await Promise.resolve()
        .then(() => importLabels(store, readLabelsFile(f), { file: f, runId: RUN }))
        .catch((e) => e);
      expect(err.code, text).toBe(code);
      expect(err.message, text).toMatch(message);
      expect(err.location.file).toBe(f);
      expect(err.location.line).toBeGreaterThan(0);
      expect(err.hint).toBeTruthy();
    }
    expect(await store.labels.list(RUN)).toHaveLength(0);
  });
});
