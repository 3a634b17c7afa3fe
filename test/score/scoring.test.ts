import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CHECKS, prepareChecks, scoreOutput } from '../../src/score/index.js';
import { CHECK_TYPES, type CheckSpecOf } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
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
    const r = await scoreRaw([{ type: 'regex', value: '\\d', metric: 'has-digit', severity: 'critical', weight: 2 }, { type: 'is-json' }], 'abc 1');
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
    // Each javascript check asks a loopback server that answers no one until all three have asked. Run one
    // after another, the first would wait for ever (its timeout_ms then fails it), so passing proves overlap.
    const waiting: ServerResponse[] = [];
    const barrier = createServer((_req, res) => {
      waiting.push(res);
      if (waiting.length === 3) for (const r of waiting) r.end('together');
    });
    await new Promise<void>((resolve) => barrier.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(barrier.address() as AddressInfo).port}/`;
    try {
      const together = { type: 'javascript', value: `const r = await fetch('${url}'); return { pass: true, reason: await r.text() }`, timeout_ms: 20_000 };
      const r = await scoreRaw([together, { type: 'contains', value: 'x' }, together, together], 'x');
      expect(r.checks.map((c) => c.type)).toEqual(['javascript', 'contains', 'javascript', 'javascript']);
      expect([0, 2, 3].map((i) => r.checks[i].reason)).toEqual(['together', 'together', 'together']);
      expect(r.pass).toBe(true);
      expect(waiting).toHaveLength(3);
    } finally {
      barrier.closeAllConnections();
      barrier.close();
    }
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

  it('reuses one prepared list over thousands of outputs with the same verdicts each time', async () => {
    // Speed is not asserted here (wall time on a shared CI box says little); correctness under reuse is:
    // state kept between outputs (a regex's lastIndex, a cached schema) would change the counts.
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
    const checkPasses = [0, 0, 0, 0];
    for (let i = 0; i < 4_000; i++) {
      const r = await scoreOutput(prepared, context(outputs[i % 4], { latencyMs: 100 }));
      checkPasses[i % 4] += r.checks.filter((c) => c.pass).length;
    }
    // Per output: contains, regex, json-schema, similarity, length, javascript, latency.
    // 1: all but json-schema; 2: regex, schema, length, js, latency; 3: length, js, latency; 4: contains, length, js, latency.
    expect(checkPasses).toEqual([6, 5, 3, 4].map((n) => n * 1_000));
  });
});
