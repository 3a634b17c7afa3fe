import { describe, expect, it } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { prepareChecks, scoreOutput } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { check, context, FIXTURES } from './helpers.js';

async function prepareError(raw: unknown) {
  try {
    await prepareChecks([validateCheckSpec(raw)], FIXTURES, { file: 'suite.yaml', caseId: 'c1' });
  } catch (err) {
    if (isEvalspecError(err)) return err;
    throw err;
  }
  throw new Error('expected prepareChecks to throw');
}

describe('javascript: inline', () => {
  it('evaluates an expression with output, vars and context in scope', async () => {
    expect((await check({ type: 'javascript', value: 'output.length < 5' }, 'abc')).pass).toBe(true);
    expect((await check({ type: 'javascript', value: 'output.length < 5' }, 'abcdef')).pass).toBe(false);
    expect((await check({ type: 'javascript', value: 'output === vars.city' }, 'Oslo', { vars: { city: 'Oslo' } })).pass).toBe(true);
    expect((await check({ type: 'javascript', value: "context.caseId === 'k'" }, '', { caseId: 'k' })).pass).toBe(true);
    expect((await check({ type: 'javascript', value: 'output.length < 5;' }, 'abc')).pass).toBe(true);
  });

  it('accepts a function body with return', async () => {
    const body = 'const words = output.split(" ");\nreturn { pass: words.length === 2, reason: `got ${words.length}` };';
    const r = await check({ type: 'javascript', value: body }, 'two words');
    expect(r).toMatchObject({ pass: true, score: 1, reason: 'got 2' });
  });

  it('numbers are scores, passing at >= threshold (default 0.5)', async () => {
    expect(await check({ type: 'javascript', value: '0.5' }, '')).toMatchObject({ pass: true, score: 0.5 });
    expect(await check({ type: 'javascript', value: '0.49' }, '')).toMatchObject({ pass: false, score: 0.49 });
    expect(await check({ type: 'javascript', value: '0.7', threshold: 0.8 }, '')).toMatchObject({ pass: false, score: 0.7 });
  });

  it('objects carry pass, score and reason', async () => {
    expect(await check({ type: 'javascript', value: "({ pass: false, score: 0.3, reason: 'too terse' })" }, '')).toMatchObject({
      pass: false,
      score: 0.3,
      reason: 'too terse',
    });
    expect(await check({ type: 'javascript', value: '({ pass: true })' }, '')).toMatchObject({ pass: true, score: 1 });
  });

  it('supports await', async () => {
    const r = await check({ type: 'javascript', value: 'await Promise.resolve(output.startsWith("a"))' }, 'abc');
    expect(r.pass).toBe(true);
  });

  it('a throwing expression is a failed check naming the error, not a crash', async () => {
    const r = await check({ type: 'javascript', value: 'output.nope.deeper' }, 'x');
    expect(r).toMatchObject({ pass: false, score: 0, indeterminate: true });
    expect(r.reason).toContain('TypeError');
    // `not` does not turn an error into a pass.
    expect((await check({ type: 'javascript', value: 'output.nope.deeper', not: true }, 'x')).pass).toBe(false);
  });

  it('unusable return values fail with what was returned', async () => {
    const s = await check({ type: 'javascript', value: "'yes'" }, '');
    expect(s).toMatchObject({ pass: false, indeterminate: true });
    expect(s.reason).toContain('"yes"');
    expect(s.reason).toContain('expected a boolean');
    expect((await check({ type: 'javascript', value: '1.5' }, '')).reason).toContain('[0, 1]');
    expect((await check({ type: 'javascript', value: 'NaN' }, '')).pass).toBe(false);
    expect((await check({ type: 'javascript', value: '({ pass: true, score: 2 })' }, '')).pass).toBe(false);
    expect((await check({ type: 'javascript', value: 'undefined' }, '')).reason).toContain('undefined');
  });

  it('not inverts pass and score', async () => {
    expect(await check({ type: 'javascript', value: '0.2', not: true }, '')).toMatchObject({ pass: true, score: 0.8 });
    expect(await check({ type: 'javascript', value: 'true', not: true }, '')).toMatchObject({ pass: false, score: 0 });
  });
});

describe('javascript: module', () => {
  it('calls the default export with (output, context)', async () => {
    expect((await check({ type: 'javascript', file: 'checks.mjs' }, 'the answer is 42', { vars: { expected: 42 } })).pass).toBe(true);
    expect((await check({ type: 'javascript', file: 'checks.mjs' }, 'no answer', { vars: { expected: 42 } })).pass).toBe(false);
  });

  it('calls a named export', async () => {
    expect(await check({ type: 'javascript', file: 'checks.mjs', function: 'lengthScore' }, 'abcd')).toMatchObject({ pass: false, score: 0.4 });
    expect(await check({ type: 'javascript', file: 'checks.mjs', function: 'lengthScore' }, 'abcdef')).toMatchObject({ pass: true, score: 0.6 });
    expect(await check({ type: 'javascript', file: './checks.mjs', function: 'detailed' }, 'one two three four')).toMatchObject({
      pass: true,
      score: 0.8,
      reason: 'found 4 words',
    });
  });

  it('passes the full context', async () => {
    const r = await check({ type: 'javascript', file: 'checks.mjs', function: 'seesContext' }, 'x', { caseId: 'case-7', latencyMs: 12 });
    expect(r).toMatchObject({ pass: true, reason: 'caseId=case-7' });
  });

  it('awaits async functions', async () => {
    const spec = { type: 'javascript', file: 'checks.mjs', function: 'asyncCheck' };
    expect((await check(spec, 'yes', { vars: { answer: 'yes' } })).pass).toBe(true);
    expect((await check(spec, 'no', { vars: { answer: 'yes' } })).pass).toBe(false);
  });

  it('a function that throws or rejects is a failed check naming the error', async () => {
    const thrown = await check({ type: 'javascript', file: 'checks.mjs', function: 'throws' }, 'x');
    expect(thrown).toMatchObject({ pass: false, score: 0, indeterminate: true });
    expect(thrown.reason).toContain('TypeError: boom from fixture');
    expect(thrown.reason).toContain('checks.mjs#throws');
    const rejected = await check({ type: 'javascript', file: 'checks.mjs', function: 'rejects' }, 'x');
    expect(rejected.reason).toContain('RangeError: async boom');
    const bad = await check({ type: 'javascript', file: 'checks.mjs', function: 'returnsString' }, 'x');
    expect(bad).toMatchObject({ pass: false, indeterminate: true });
  });

  it('a promise that never settles times out', async () => {
    const r = await check({ type: 'javascript', file: 'checks.mjs', function: 'never', timeout_ms: 30 }, 'x');
    expect(r).toMatchObject({ pass: false, indeterminate: true });
    expect(r.reason).toContain('timed out after 30 ms');
  });

  it('finds functions of a CommonJS module', async () => {
    const spec = { type: 'javascript', file: 'commonjs.cjs', function: 'shortEnough' };
    expect((await check(spec, 'abc')).pass).toBe(true);
    expect((await check(spec, 'abcdef')).pass).toBe(false);
  });

  it('imports a module once per worker, however many checks and cases use it; never in the calling thread', async () => {
    const g = globalThis as { __evalspecCounterLoads?: number };
    const specs = [1, 2, 3].map(() => validateCheckSpec({ type: 'javascript', file: 'counter.mjs' }));
    const prepared = await prepareChecks(specs, FIXTURES);
    await prepareChecks(specs, FIXTURES);
    for (const output of ['x', 'y', 'z']) {
      const scored = await scoreOutput(prepared, context(output));
      expect(scored.checks.map((c) => c.pass)).toEqual([true, true, true]); // each worker's count is 1
    }
    expect(g.__evalspecCounterLoads).toBeUndefined(); // user code runs in a worker, not here
  });

  it('a missing module: MODULE_LOAD naming the resolved path and the fix', async () => {
    const err = await prepareError({ type: 'javascript', file: 'nowhere/missing.mjs' });
    expect(err.code).toBe('MODULE_LOAD');
    expect(err.message).toContain(`${FIXTURES}/nowhere/missing.mjs`);
    expect(err.hint).toContain('suite directory');
    expect(err.location).toMatchObject({ file: 'suite.yaml', caseId: 'c1' });
  });

  it('a module with a syntax error or that throws on load: MODULE_LOAD', async () => {
    const syntax = await prepareError({ type: 'javascript', file: 'syntax-error.mjs' });
    expect(syntax.code).toBe('MODULE_LOAD');
    expect(syntax.message).toContain('syntax-error.mjs');
    const throws = await prepareError({ type: 'javascript', file: 'throws-on-load.mjs' });
    expect(throws.code).toBe('MODULE_LOAD');
    expect(throws.message).toContain('cannot initialise fixture');
  });

  it('a missing export: MODULE_LOAD listing the exported functions', async () => {
    const err = await prepareError({ type: 'javascript', file: 'checks.mjs', function: 'nope' });
    expect(err.code).toBe('MODULE_LOAD');
    expect(err.message).toContain('"nope"');
    expect(err.message).toContain('lengthScore');
    const notFn = await prepareError({ type: 'javascript', file: 'checks.mjs', function: 'notAFunction' });
    expect(notFn.message).toContain('it is number');
  });
});
