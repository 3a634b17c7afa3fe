import { describe, expect, it } from 'vitest';
import { CHECKS, prepareChecks, scoreOutput } from '../../src/score/index.js';
import { CHECK_TYPES, validateCheckSpec, type CheckSpecOf } from '../../src/suite/check-specs.js';
import { context, FIXTURES, scoreRaw } from './helpers.js';

describe('scoreOutput', () => {
  it('passes only when every check passes', async () => {
    const checks = [
      { type: 'contains', value: 'Paris' },
      { type: 'length', max: 20 },
    ];
    expect((await scoreRaw(checks, 'Paris')).pass).toBe(true);
    const r = await scoreRaw(checks, 'Paris is the capital of France');
    expect(r.pass).toBe(false);
    expect(r.checks.map((c) => c.pass)).toEqual([true, false]);
    expect(r.score).toBeCloseTo(0.5);
  });

  it('weights the mean of check scores', async () => {
    const r = await scoreRaw(
      [
        { type: 'contains', value: 'a', weight: 3 },
        { type: 'contains', value: 'z', weight: 1 },
      ],
      'abc',
    );
    expect(r.score).toBeCloseTo(0.75);
    expect(r.pass).toBe(false);
  });

  it('a weight-0 check does not move the score but still gates pass', async () => {
    const r = await scoreRaw(
      [
        { type: 'contains', value: 'a' },
        { type: 'contains', value: 'z', weight: 0 },
      ],
      'abc',
    );
    expect(r.score).toBe(1);
    expect(r.pass).toBe(false);
  });

  it('all weights 0: plain mean', async () => {
    const r = await scoreRaw(
      [
        { type: 'contains-all', value: ['a', 'b', 'y', 'z'], weight: 0 },
        { type: 'contains', value: 'a', weight: 0 },
      ],
      'ab',
    );
    expect(r.score).toBeCloseTo((0.5 + 1) / 2);
  });

  it('zero checks: pass with score 1', async () => {
    expect(await scoreOutput(await prepareChecks([], FIXTURES), context('anything'))).toEqual({ pass: true, score: 1, checks: [] });
  });

  it('carries type, metric, severity and weight into results', async () => {
    const r = await scoreRaw(
      [
        { type: 'regex', value: '\\d', metric: 'has-digit', severity: 'critical', weight: 2 },
        { type: 'is-json' },
      ],
      'abc 1',
    );
    expect(r.checks[0]).toMatchObject({ type: 'regex', metric: 'has-digit', severity: 'critical', weight: 2, pass: true, score: 1 });
    expect(r.checks[1]).toMatchObject({ type: 'is-json', metric: 'is-json', severity: 'normal', weight: 1, pass: false });
  });

  it('not inverts pass and score and says so', async () => {
    const r = await scoreRaw([{ type: 'contains', value: 'sorry', ignore_case: true, not: true }], 'Sorry, I cannot help.');
    expect(r.checks[0]).toMatchObject({ pass: false, score: 0 });
    expect(r.checks[0].reason).toContain('negated');
    expect((await scoreRaw([{ type: 'contains', value: 'sorry', not: true }], 'Here you go.')).pass).toBe(true);
    const sim = await scoreRaw([{ type: 'similarity', value: 'abcd', threshold: 0.5, not: true }], 'abcx');
    expect(sim.checks[0].pass).toBe(false);
    expect(sim.checks[0].score).toBeCloseTo(0.25);
  });

  it('runs async checks concurrently and keeps result order', async () => {
    // Each slow check reports when it started and ended; run concurrently, the three intervals overlap.
    const slow = {
      type: 'javascript',
      value: 'const start = Date.now(); await new Promise((r) => setTimeout(r, 200)); return { pass: true, reason: `${start} ${Date.now()}` }',
    };
    await scoreRaw([slow, slow, slow, slow], 'x'); // starts the user-code workers first
    const r = await scoreRaw([slow, { type: 'contains', value: 'x' }, slow, slow], 'x');
    expect(r.checks.map((c) => c.type)).toEqual(['javascript', 'contains', 'javascript', 'javascript']);
    expect(r.pass).toBe(true);
    const spans = [0, 2, 3].map((i) => r.checks[i].reason.split(' ').map(Number));
    expect(Math.max(...spans.map(([start]) => start))).toBeLessThan(Math.min(...spans.map(([, end]) => end)));
  });

  it('reuses one prepared list across many outputs with per-output derived values', async () => {
    const specs = [
      { type: 'contains', value: 'yes', ignore_case: true },
      { type: 'is-json' },
      { type: 'json-schema', value: { type: 'object', required: ['ok'] } },
    ].map((s) => validateCheckSpec(s));
    const prepared = await prepareChecks(specs, FIXTURES);
    const a = await scoreOutput(prepared, context('{"ok": "YES"}'));
    const b = await scoreOutput(prepared, context('no'));
    expect(a.pass).toBe(true);
    expect(b.checks.map((c) => c.pass)).toEqual([false, false, false]);
  });

  it('prepareChecks throws CHECK_INVALID for a rendered regex that does not compile', async () => {
    const spec = validateCheckSpec({ type: 'regex', value: '{{pattern}}' }) as CheckSpecOf<'regex'>;
    await expect(prepareChecks([{ ...spec, value: '[a-' }], FIXTURES)).rejects.toMatchObject({ code: 'CHECK_INVALID' });
  });

  it('prepareChecks rejects an unknown type that bypassed validation', async () => {
    const bogus = { ...validateCheckSpec({ type: 'contains', value: 'x' }), type: 'bogus' } as never;
    await expect(prepareChecks([bogus], FIXTURES)).rejects.toMatchObject({ code: 'CHECK_UNKNOWN' });
  });

  it('the registry covers every check type', () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...CHECK_TYPES].sort());
  });

  it('scores 40,000 outputs quickly (hot path compiles nothing)', async () => {
    const specs = [
      { type: 'contains', value: 'capital', ignore_case: true },
      { type: 'regex', value: '\\bParis\\b' },
      { type: 'json-schema', value: { type: 'object', properties: { city: { type: 'string' } } } },
      { type: 'similarity', value: 'The capital of France is Paris.' },
      { type: 'length', max: 200 },
      { type: 'javascript', value: 'output.length > 3' },
      { type: 'max-latency-ms', value: 2000 },
    ].map((s) => validateCheckSpec(s));
    const prepared = await prepareChecks(specs, FIXTURES);
    const outputs = ['The capital of France is Paris.', '{"city": "Paris"}', 'Lyon', 'paris is the CAPITAL'];
    const t0 = performance.now();
    const checkPasses = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const r = await scoreOutput(prepared, context(outputs[i % 4], { latencyMs: 100 }));
      checkPasses[i % 4] += r.checks.filter((c) => c.pass).length;
    }
    const ms = performance.now() - t0;
    // Per output: contains, regex, json-schema, similarity, length, javascript, latency.
    // 1: all but json-schema; 2: regex, schema, length, js, latency; 3: length, js, latency; 4: contains, length, js, latency.
    expect(checkPasses).toEqual([6, 5, 3, 4].map((n) => n * 10_000));
    // Generous bound for a slow CI box; locally this takes a few hundred ms.
    expect(ms).toBeLessThan(10_000);
  });
});
