// Retrieval checks (context-recall, hit-at-k, mrr, ndcg) grade the documents a target returned
// (`transcript.context`, rank order) against the case's relevant ids. Expected values are published ones
// (scikit-learn's ndcg_score docstring, the MRR example of Wikipedia's "Mean reciprocal rank") with the
// arithmetic shown, or hand-counted.
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { check, scoreRaw } from './helpers.js';

/** A RAG target's transcript: no messages, the returned documents in rank order. */
const returned = (...ids: string[]): { transcript: Transcript } => ({
  transcript: { messages: [], steps: 0, stop: 'final', maxSteps: null, context: ids.map((id) => ({ id, text: `text of ${id}` })) },
});

describe('ndcg', () => {
  // scikit-learn's ndcg_score docstring: true_relevance [[10, 0, 0, 1, 5]] for documents d0…d4.
  const gains = { d0: 10, d1: 0, d2: 0, d3: 1, d4: 5 };
  // IDCG (gains sorted 10, 5, 1): 10/log2(2) + 5/log2(3) + 1/log2(4) = 10 + 3.154649 + 0.5 = 13.654649.

  it('scores [.1, .2, .3, 4, 70] rank d4 d3 d2 d1 d0: sklearn 0.69…', async () => {
    // DCG = 5/log2(2) + 1/log2(3) + 0 + 0 + 10/log2(6) = 5 + 0.630930 + 3.868528 = 9.499458; / 13.654649 = 0.695694
    const r = await check({ type: 'ndcg', expected: gains }, 'answer', returned('d4', 'd3', 'd2', 'd1', 'd0'));
    expect(r.score).toBeCloseTo(0.695694, 5);
    expect(r.pass).toBe(true); // >= the default threshold 0.5
    expect(r.reason).toContain('nDCG 0.696');
  });

  it('scores [.05, 1.1, 1., .5, .0] rank d1 d2 d3 d0 d4: sklearn 0.49…, and 0.35… with k=4', async () => {
    // DCG = 0 + 0 + 1/log2(4) + 10/log2(5) + 5/log2(6) = 0.5 + 4.306766 + 1.934264 = 6.741030; / 13.654649 = 0.493680
    const all = await check({ type: 'ndcg', expected: gains }, 'answer', returned('d1', 'd2', 'd3', 'd0', 'd4'));
    expect(all.score).toBeCloseTo(0.49368, 5);
    expect(all.pass).toBe(false);
    // k=4: DCG = 0.5 + 4.306766 = 4.806766; IDCG@4 (10, 5, 1, 0) = 13.654649; 4.806766 / 13.654649 = 0.352024
    const top4 = await check({ type: 'ndcg', expected: gains, k: 4 }, 'answer', returned('d1', 'd2', 'd3', 'd0', 'd4'));
    expect(top4.score).toBeCloseTo(0.352024, 5);
  });

  it('binary gains from a list; IDCG@k is cut at k: one relevant doc at rank 2 of k=2 with 3 relevant', async () => {
    // DCG = 1/log2(3) = 0.630930; IDCG@2 = 1 + 1/log2(3) = 1.630930; 0.630930 / 1.630930 = 0.386853
    const r = await check({ type: 'ndcg', expected: ['a', 'b', 'c'], k: 2 }, 'x', returned('z', 'b', 'a'));
    expect(r.score).toBeCloseTo(0.386853, 5);
  });
});

describe('mrr', () => {
  // Wikipedia, "Mean reciprocal rank": cat → first right at rank 3, torus → rank 2, virus → rank 1;
  // MRR = (1/3 + 1/2 + 1) / 3 = 11/18 = 0.6111.
  it('reciprocal rank per case; their mean is the MRR of the Wikipedia example', async () => {
    const cat = await check({ type: 'mrr', expected: ['cats'] }, 'x', returned('catten', 'cati', 'cats'));
    const torus = await check({ type: 'mrr', expected: ['tori'] }, 'x', returned('torii', 'tori', 'toruses'));
    const virus = await check({ type: 'mrr', expected: ['viruses'] }, 'x', returned('viruses', 'virii', 'viri'));
    expect([cat.score, torus.score, virus.score].map((s) => Number(s.toFixed(4)))).toEqual([0.3333, 0.5, 1]);
    expect((cat.score + torus.score + virus.score) / 3).toBeCloseTo(11 / 18, 10);
    expect([cat.pass, torus.pass, virus.pass]).toEqual([false, true, true]); // default threshold 0.5
    expect(cat.reason).toContain('1/3');
  });

  it('no relevant id returned (or none in the top k) is 0', async () => {
    expect((await check({ type: 'mrr', expected: ['d9'] }, 'x', returned('d1', 'd2'))).score).toBe(0);
    expect((await check({ type: 'mrr', expected: ['d2'], k: 1 }, 'x', returned('d1', 'd2'))).score).toBe(0);
  });
});

describe('context-recall and hit-at-k', () => {
  it('recall is the share of expected ids among the top k returned; the reason names the missing ones', async () => {
    // expected {d1, d2, d3}; top 3 returned d2, d9, d1 → 2 of 3 = 0.667; all 4 returned adds d3 → 1.
    const top3 = await check({ type: 'context-recall', expected: ['d1', 'd2', 'd3'], k: 3 }, 'x', returned('d2', 'd9', 'd1', 'd3'));
    expect(top3).toMatchObject({ pass: false });
    expect(top3.score).toBeCloseTo(2 / 3, 10);
    expect(top3.reason).toContain('recall@3 2/3 = 0.667 (missing "d3") < 1');
    const all = await check({ type: 'context-recall', expected: ['d1', 'd2', 'd3'] }, 'x', returned('d2', 'd9', 'd1', 'd3'));
    expect(all).toMatchObject({ pass: true, score: 1 });
    // A threshold below 1 passes the partial recall.
    expect((await check({ type: 'context-recall', expected: ['d1', 'd2', 'd3'], k: 3, threshold: 0.6 }, 'x', returned('d2', 'd9', 'd1'))).pass).toBe(true);
  });

  it('a repeated id counts once', async () => {
    const r = await check({ type: 'context-recall', expected: ['d1', 'd2'] }, 'x', returned('d1', 'd1', 'd1'));
    expect(r.score).toBe(0.5);
  });

  it('hit-at-k is 1 when a relevant id is in the top k, else 0', async () => {
    const hit = await check({ type: 'hit-at-k', expected: ['d3'], k: 2 }, 'x', returned('d1', 'd3'));
    expect(hit).toMatchObject({ pass: true, score: 1 });
    expect(hit.reason).toContain('"d3" at rank 2');
    expect(await check({ type: 'hit-at-k', expected: ['d3'], k: 1 }, 'x', returned('d1', 'd3'))).toMatchObject({ pass: false, score: 0 });
  });

  it('numeric ids match their text form; an empty returned list is a miss (0), not unknown', async () => {
    const r = await check({ type: 'context-recall', expected: [7] }, 'x', returned('7'));
    expect(r.score).toBe(1);
    expect(await check({ type: 'hit-at-k', expected: ['d1'], k: 3 }, 'x', returned())).toMatchObject({ pass: false, score: 0 });
  });
});

describe('what the retrieval checks cannot grade', () => {
  it('no context returned (a plain call, or a transcript without context): indeterminate, and `not` does not flip it', async () => {
    for (const type of ['context-recall', 'mrr', 'ndcg']) {
      const plain = await check({ type, expected: ['d1'] }, 'x');
      expect(plain).toMatchObject({ pass: false, score: 0, indeterminate: true });
      expect(plain.reason).toContain('the target returned no context');
    }
    const agent: Transcript = { messages: [], steps: 1, stop: 'final', maxSteps: 10 };
    expect(await check({ type: 'hit-at-k', expected: ['d1'], k: 1, not: true }, 'x', { transcript: agent })).toMatchObject({
      pass: false,
      indeterminate: true,
    });
  });

  it('a case with no relevant id (a template rendering to []) is not applicable: left out of the result', async () => {
    const scored = await scoreRaw([{ type: 'context-recall', expected: '[]' }], 'x', returned('d1'));
    expect(scored.checks).toEqual([]);
  });
});

describe('expected: lists, gain maps, templates', () => {
  it('a rendered template: JSON list, JSON map, or ids separated by commas', async () => {
    // What "{{relevant_ids}}" renders to for a list var, a map var, and a plain string var.
    expect((await check({ type: 'context-recall', expected: '["d1","d2"]' }, 'x', returned('d2'))).score).toBe(0.5);
    expect((await check({ type: 'context-recall', expected: '{"d1":2,"d2":0}' }, 'x', returned('d1'))).score).toBe(1); // gain 0: not relevant
    expect((await check({ type: 'context-recall', expected: 'd1, d2' }, 'x', returned('d2'))).score).toBe(0.5);
  });

  it('a placeholder is compiled after rendering; a bad value is CHECK_INVALID naming the check and the fix', () => {
    expect(() => validateCheckSpec({ type: 'ndcg', expected: '{{relevant_ids}}' })).not.toThrow();
    expect(() => validateCheckSpec({ type: 'ndcg', expected: '[d1' }, { file: 'cases.yaml', line: 4 })).toThrow(
      /invalid `ndcg` check: `expected` is not valid JSON/,
    );
    expect(() => validateCheckSpec({ type: 'mrr', expected: '{"d1": -1}' })).toThrow(/gives "d1" the gain -1/);
    expect(() => validateCheckSpec({ type: 'mrr', expected: [] })).toThrow(/at least one relevant id/);
    expect(() => validateCheckSpec({ type: 'hit-at-k', expected: ['d1'] })).toThrow(/`k`/);
    expect(() => validateCheckSpec({ type: 'ndcg', expected: ['d1'], k: 0 })).toThrow(/integer >= 1/);
  });
});
