// The judge checks with an injected judge (no network): how answers become pass/score/metrics, ensembles,
// pairwise order handling, and judge-errors. The real client (HTTP, retries, cache) is in judge-client.test.ts.
import { describe, expect, it } from 'vitest';
import { prepareChecks, scoreOutput, type CheckContext, type JudgeClient, type ScoredOutput } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { fenced, stubJudge } from './helpers.js';

async function score(raw: unknown, output: string, judge: JudgeClient | undefined, extra: Partial<CheckContext> = {}): Promise<ScoredOutput> {
  const spec = validateCheckSpec(raw);
  const deferred = spec.type === 'pairwise' && 'against' in spec && spec.against !== undefined;
  const prepared = await prepareChecks([spec], '/tmp', {}, { deferred });
  return scoreOutput(prepared, { output, vars: {}, caseId: 'c1', latencyMs: undefined, costUsd: undefined, baseDir: '/tmp', judge, ...extra });
}

const JUDGE = 'openai:gpt-4o-mini';

describe('judge: one rubric, pass/fail + score + reasoning', () => {
  it('passes on score >= threshold and keeps the reasoning and cost', async () => {
    const judge = stubJudge(() => ({ reasoning: 'polite and on topic', verdict: 'pass', score: 0.8 }));
    const r = await score({ type: 'judge', judge: JUDGE, rubric: 'The answer is polite.' }, 'Hello, happy to help!', judge, {
      messages: [{ role: 'user', content: 'Can you help me?' }],
    });
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(0.8);
    const c = r.checks[0];
    expect(c).toMatchObject({ type: 'judge', metric: 'judge', pass: true, judgeCostUsd: 0.001 });
    expect(c.judge).toMatchObject({ models: [JUDGE], reasoning: 'polite and on topic', raw: 0.8, threshold: 0.5 });
    expect(c.reason).toContain('score 0.80 >= 0.5');
    // The judge saw the input and the output, each fenced.
    expect(fenced(judge.calls[0].prompt, 'input')).toBe('Can you help me?');
    expect(fenced(judge.calls[0].prompt, 'output')).toBe('Hello, happy to help!');
    expect(judge.calls[0].prompt).toContain('The answer is polite.');
    expect(judge.calls[0].schemaName).toBe('judge_verdict');
  });

  it('a higher threshold fails the same answer; `input` overrides the messages', async () => {
    const judge = stubJudge(() => ({ reasoning: 'ok', verdict: 'pass', score: 0.6 }));
    const r = await score({ type: 'judge', judge: JUDGE, rubric: 'r', threshold: 0.7, input: 'the question' }, 'x', judge, {
      messages: [{ role: 'user', content: 'ignored' }],
    });
    expect(r.pass).toBe(false);
    expect(fenced(judge.calls[0].prompt, 'input')).toBe('the question');
  });

  it('a contradictory answer (verdict pass, score 0.1) is asked again; twice → judge-error, never a silent fail', async () => {
    let n = 0;
    const judge = stubJudge(() => (++n === 1 ? { reasoning: 'x', verdict: 'pass', score: 0.1 } : { reasoning: 'y', verdict: 'fail', score: 0.2 }));
    const ok = await score({ type: 'judge', judge: JUDGE, rubric: 'r' }, 'out', judge);
    expect(judge.calls).toHaveLength(2);
    expect(ok.checks[0]).toMatchObject({ pass: false, score: 0.2 });
    expect(ok.checks[0].error).toBeUndefined();

    const always = stubJudge(() => ({ reasoning: 'x', verdict: 'fail', score: 0.9 }));
    const bad = await score({ type: 'judge', judge: JUDGE, rubric: 'r' }, 'out', always);
    expect(always.calls).toHaveLength(2);
    expect(bad.checks[0]).toMatchObject({ pass: false, score: 0, indeterminate: true, error: 'judge-error' });
    expect(bad.checks[0].reason).toContain('contradictory answer: verdict "fail" with score 0.9');
  });

  it('unparseable answers: not JSON, missing fields, out of range', async () => {
    for (const answer of [
      'not json',
      { verdict: 'pass', score: 0.9 },
      { reasoning: 'x', verdict: 'maybe', score: 0.5 },
      { reasoning: 'x', verdict: 'pass', score: 7 },
    ]) {
      const r = await score(
        { type: 'judge', judge: JUDGE, rubric: 'r' },
        'out',
        stubJudge(() => answer),
      );
      expect(r.checks[0].error, JSON.stringify(answer)).toBe('judge-error');
    }
  });

  it('without a judge client the check is indeterminate (not a judge-error)', async () => {
    const r = await score({ type: 'judge', judge: JUDGE, rubric: 'r' }, 'out', undefined);
    expect(r.checks[0]).toMatchObject({ pass: false, indeterminate: true });
    expect(r.checks[0].error).toBeUndefined();
  });

  it('ensembles: majority vote (ties broken by the mean) or the mean score, with every vote stored', async () => {
    const scores: Record<string, number> = { 'openai:a': 0.9, 'openai:b': 0.4, 'openai:c': 0.3 };
    const judge = stubJudge((req) => ({ reasoning: req.modelName, verdict: scores[req.modelName] > 0.5 ? 'pass' : 'fail', score: scores[req.modelName] }));
    const majority = await score({ type: 'judge', judge: ['openai:a', 'openai:b', 'openai:c'], rubric: 'r' }, 'out', judge);
    expect(majority.checks[0]).toMatchObject({ pass: false });
    expect(majority.checks[0].score).toBeCloseTo(1.6 / 3);
    expect(majority.checks[0].judge?.votes?.map((v) => v.pass)).toEqual([true, false, false]);
    expect(majority.checks[0].judge?.ensemble).toBe('majority');
    expect(majority.checks[0].judgeCostUsd).toBeCloseTo(0.003);
    const mean = await score({ type: 'judge', judge: ['openai:a', 'openai:b', 'openai:c'], rubric: 'r', ensemble: 'mean', threshold: 0.5 }, 'out', judge);
    expect(mean.checks[0].pass).toBe(true); // mean 0.533 >= 0.5
    const tie = await score({ type: 'judge', judge: ['openai:a', 'openai:b'], rubric: 'r' }, 'out', judge);
    expect(tie.checks[0].pass).toBe(true); // 1 of 2: mean 0.65 >= 0.5
  });

  it('one failing judge in an ensemble makes the check a judge-error', async () => {
    const judge = stubJudge((req) => (req.modelName === 'openai:b' ? 'garbage' : { reasoning: 'x', verdict: 'pass', score: 1 }));
    const r = await score({ type: 'judge', judge: ['openai:a', 'openai:b'], rubric: 'r' }, 'out', judge);
    expect(r.checks[0].error).toBe('judge-error');
    expect(r.checks[0].reason).toContain('judge openai:b gave no usable answer');
  });
});

describe('rubric: dimensions on a scale with anchors, one metric each', () => {
  const spec = {
    type: 'rubric',
    judge: JUDGE,
    criteria: 'Answer the customer.',
    dimensions: [
      { name: 'accuracy', anchors: { 1: 'wrong', 3: 'partly right', 5: 'fully right' }, threshold: 4, weight: 2 },
      { name: 'tone', description: 'how it sounds', anchors: { 1: 'rude', 5: 'warm' } },
    ],
  };

  it('one result per dimension: metric = name, score on the scale normalised, weight shares of the check weight', async () => {
    const judge = stubJudge(() => ({ accuracy: { reasoning: 'mostly', score: 4 }, tone: { reasoning: 'curt', score: 2 } }));
    const r = await score(spec, 'out', judge);
    expect(r.checks.map((c) => [c.metric, c.pass, c.score, c.weight])).toEqual([
      ['accuracy', true, 0.75, 2 / 3],
      ['tone', false, 0.25, 1 / 3],
    ]);
    expect(r.pass).toBe(false);
    expect(r.score).toBeCloseTo((2 / 3) * 0.75 + (1 / 3) * 0.25);
    expect(r.checks[0].judge).toMatchObject({ raw: 4, scale: [1, 5], threshold: 4, reasoning: 'mostly' });
    expect(r.checks[1].judge).toMatchObject({ raw: 2, threshold: 3 }); // default: the middle of the scale
    // The judge cost is carried once, on the first dimension.
    expect(r.checks[0].judgeCostUsd).toBe(0.001);
    expect(r.checks[1].judgeCostUsd).toBeUndefined();
    // Anchors and the scale are in the prompt; the schema asks for each dimension.
    const prompt = judge.calls[0].prompt;
    expect(prompt).toContain('on a scale from 1 to 5');
    expect(prompt).toContain('Dimension "tone": how it sounds\n  1: rude\n  5: warm');
    expect(prompt).toContain('  3: partly right');
  });

  it('a missing dimension or an out-of-scale level is a judge-error (asked twice)', async () => {
    const judge = stubJudge(() => ({ accuracy: { reasoning: 'x', score: 9 }, tone: { reasoning: 'y', score: 3 } }));
    const r = await score(spec, 'out', judge);
    expect(judge.calls).toHaveLength(2);
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ metric: 'rubric', error: 'judge-error' });
    const missing = await score(
      spec,
      'out',
      stubJudge(() => ({ accuracy: { reasoning: 'x', score: 3 } })),
    );
    expect(missing.checks[0].reason).toContain('dimension "tone" is missing');
  });

  it('ensembles: median (majority) or mean per dimension', async () => {
    const levels: Record<string, [number, number]> = { 'openai:a': [5, 1], 'openai:b': [4, 2], 'openai:c': [1, 2] };
    const judge = stubJudge((req) => ({
      accuracy: { reasoning: '', score: levels[req.modelName][0] },
      tone: { reasoning: '', score: levels[req.modelName][1] },
    }));
    const maj = await score({ ...spec, judge: ['openai:a', 'openai:b', 'openai:c'] }, 'out', judge);
    expect(maj.checks.map((c) => c.judge?.raw)).toEqual([4, 2]);
    expect(maj.checks[0].pass).toBe(true); // 2 of 3 at >= 4
    const mean = await score({ ...spec, judge: ['openai:a', 'openai:b', 'openai:c'], ensemble: 'mean' }, 'out', judge);
    expect(mean.checks[0].judge?.raw).toBeCloseTo(10 / 3);
    expect(mean.checks[0].pass).toBe(false); // 3.33 < 4
  });
});

describe('pairwise: both orders, a win only when they agree', () => {
  const spec = { type: 'pairwise', judge: JUDGE, against: 'baseline' };
  const opponent = { variantId: 'baseline', output: 'THE OTHER ANSWER' };

  /** A judge that prefers the output containing `best` (or always position A / B). */
  const picker = (pick: (a: string, b: string) => 'A' | 'B' | 'tie') =>
    stubJudge((req) => ({ reasoning: 'compared', winner: pick(fenced(req.prompt, 'output_a')!, fenced(req.prompt, 'output_b')!) }));

  it('consistent preference in both orders: win (score 1) or loss (score 0)', async () => {
    const judge = picker((a) => (a === 'MINE' ? 'A' : 'B'));
    const r = await score(spec, 'MINE', judge, { opponent });
    expect(judge.calls).toHaveLength(2);
    expect(fenced(judge.calls[0].prompt, 'output_a')).toBe('MINE');
    expect(fenced(judge.calls[1].prompt, 'output_a')).toBe('THE OTHER ANSWER');
    expect(r.checks[0]).toMatchObject({ pass: true, score: 1 });
    expect(r.checks[0].judge).toMatchObject({
      outcome: 'win',
      against: 'baseline',
      orders: [
        { model: JUDGE, thisAt: 'A', picked: 'this' },
        { model: JUDGE, thisAt: 'B', picked: 'this' },
      ],
    });
    const loss = await score(
      spec,
      'MINE',
      picker((a) => (a === 'MINE' ? 'B' : 'A')),
      { opponent },
    );
    expect(loss.checks[0]).toMatchObject({ pass: false, score: 0 });
    expect(loss.checks[0].judge?.outcome).toBe('loss');
  });

  it('a judge that always picks position A flips with the order: a tie, and the reason says so', async () => {
    const r = await score(
      spec,
      'MINE',
      picker(() => 'A'),
      { opponent },
    );
    expect(r.checks[0]).toMatchObject({ pass: true, score: 0.5 });
    expect(r.checks[0].judge?.outcome).toBe('tie');
    expect(r.checks[0].judge?.orders?.map((o) => o.picked)).toEqual(['this', 'other']);
    expect(r.checks[0].reason).toContain('the verdict changed with the order');
    const strict = await score(
      { ...spec, pass_on: 'win' },
      'MINE',
      picker(() => 'A'),
      { opponent },
    );
    expect(strict.checks[0].pass).toBe(false);
  });

  it('against a reference: scored in the first phase; without the other output: indeterminate', async () => {
    const r = await score(
      { type: 'pairwise', judge: JUDGE, reference: 'GOLD' },
      'MINE',
      picker((a, b) => (b === 'GOLD' ? 'B' : 'A')),
    );
    expect(r.checks[0].judge).toMatchObject({ outcome: 'loss', against: 'reference' });
    const waiting = await score(
      spec,
      'MINE',
      picker(() => 'A'),
    );
    expect(waiting.checks[0]).toMatchObject({ indeterminate: true });
    expect(waiting.checks[0].reason).toContain('needs the output of variant "baseline"');
  });

  it('allow_ties: false takes "tie" out of the schema; a tie answer is then unusable', async () => {
    const judge = picker(() => 'tie');
    const r = await score({ ...spec, allow_ties: false }, 'MINE', judge, { opponent });
    expect(r.checks[0].error).toBe('judge-error');
    expect(judge.calls[0].prompt).toContain('(you must pick one)');
  });

  it('ensembles: the majority outcome of the judges; no majority → tie', async () => {
    const prefs: Record<string, 'mine' | 'other' | 'A'> = { 'openai:a': 'mine', 'openai:b': 'mine', 'openai:c': 'A' };
    const judge = stubJudge((req) => {
      const a = fenced(req.prompt, 'output_a');
      const p = prefs[req.modelName];
      return { reasoning: '', winner: p === 'A' ? 'A' : (a === 'MINE') === (p === 'mine') ? 'A' : 'B' };
    });
    const r = await score({ ...spec, judge: ['openai:a', 'openai:b', 'openai:c'] }, 'MINE', judge, { opponent });
    expect(r.checks[0].judge?.votes?.map((v) => v.label)).toEqual(['win', 'win', 'tie']);
    expect(r.checks[0].judge?.outcome).toBe('win');
    prefs['openai:b'] = 'other';
    const split = await score({ ...spec, judge: ['openai:a', 'openai:b', 'openai:c'] }, 'MINE', judge, { opponent });
    expect(split.checks[0].judge?.outcome).toBe('tie');
  });
});

describe('factuality, closed-qa, faithfulness', () => {
  it('factuality: the relation to the reference decides; conflict fails by default', async () => {
    for (const [relation, pass] of [
      ['same', true],
      ['subset', true],
      ['superset', true],
      ['immaterial', true],
      ['conflict', false],
    ] as const) {
      const judge = stubJudge(() => ({ reasoning: 'r', relation }));
      const r = await score({ type: 'factuality', judge: JUDGE, reference: 'Paris is the capital.' }, 'Paris.', judge);
      expect(r.checks[0].pass, relation).toBe(pass);
      expect(fenced(judge.calls[0].prompt, 'reference')).toBe('Paris is the capital.');
    }
    const strict = await score(
      { type: 'factuality', judge: JUDGE, reference: 'x', accept: ['same'] },
      'y',
      stubJudge(() => ({ reasoning: '', relation: 'subset' })),
    );
    expect(strict.checks[0].pass).toBe(false);
  });

  it('closed-qa: correct true/false; needs reference or criteria', async () => {
    const r = await score(
      { type: 'closed-qa', judge: JUDGE, criteria: 'says 30 days' },
      '30 days',
      stubJudge(() => ({ reasoning: '', correct: true })),
    );
    expect(r.checks[0]).toMatchObject({ pass: true, score: 1 });
    expect(() => validateCheckSpec({ type: 'closed-qa', judge: JUDGE })).toThrow(/set `reference`/);
  });

  it('faithfulness: the share of claims the context supports, context from a case var (string or list)', async () => {
    const judge = stubJudge(() => ({
      reasoning: 'one claim is not in the docs',
      claims: [
        { claim: 'refunds in 30 days', supported: true },
        { claim: 'free shipping', supported: false },
      ],
    }));
    const r = await score({ type: 'faithfulness', judge: JUDGE, context_var: 'docs' }, 'out', judge, {
      vars: { docs: ['Refunds within 30 days.', 'Shipping costs $5.'] },
    });
    expect(r.checks[0]).toMatchObject({ pass: false });
    expect(r.checks[0].score).toBeCloseTo(0.5);
    expect(r.checks[0].reason).toContain('"free shipping"');
    const prompt = judge.calls[0].prompt;
    expect(prompt).toContain('<passage>\nRefunds within 30 days.\n</passage>');
    const lenient = await score({ type: 'faithfulness', judge: JUDGE, threshold: 0.5 }, 'out', judge, { vars: { context: 'x' } });
    expect(lenient.checks[0].pass).toBe(true);
    const none = await score({ type: 'faithfulness', judge: JUDGE }, 'out', judge, { vars: {} });
    expect(none.checks[0]).toMatchObject({ indeterminate: true });
    expect(none.checks[0].reason).toContain('case var "context"');
  });
});
