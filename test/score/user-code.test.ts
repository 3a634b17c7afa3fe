// Where user code runs (src/user-code): checks that hang are stopped and classed, a worker that dies does not
// take other checks with it, and isolated checks reach neither the environment nor this realm's objects.
import { describe, expect, it } from 'vitest';
import { prepareChecks, scoreOutput } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { UserCodeError, UserCodePool } from '../../src/user-code/index.js';
import { check, context, FIXTURES } from './helpers.js';

async function isolated(value: string, output = 'x', vars: Record<string, unknown> = {}) {
  const prepared = await prepareChecks([validateCheckSpec({ type: 'javascript', value, timeout_ms: 2000 })], FIXTURES, {}, { isolated: true });
  return (await scoreOutput(prepared, context(output, { vars }))).checks[0];
}

describe('user code that does not finish', () => {
  it('a synchronous infinite loop: check-error naming the deadline; the next check runs normally', async () => {
    const r = await check({ type: 'javascript', value: 'while (true) {}', timeout_ms: 200 }, 'x');
    expect(r).toMatchObject({ pass: false, score: 0, indeterminate: true, error: 'check-error' });
    expect(r.reason).toBe('javascript check did not finish: timed out after 200 ms');
    expect((await check({ type: 'javascript', value: 'output === "y"' }, 'y')).pass).toBe(true);
  });

  it('a check that kills its worker (process.exit) is a check-error, not a crash of the run', async () => {
    const r = await check({ type: 'javascript', value: 'process.exit(3)', timeout_ms: 5000 }, 'x');
    expect(r).toMatchObject({ pass: false, error: 'check-error' });
    expect(r.reason).toContain('exited');
  });

  it('requests sharing a worker with a hung one are sent again to a fresh worker, not failed with it', async () => {
    const pool = new UserCodePool({ isolated: false, size: 1 }); // one worker: every request shares it
    const inline = (body: string) => ({ t: 'inline' as const, body, isAsync: true, output: 'ok', vars: {}, context: {} });
    const fine = () => pool.request(inline('await new Promise((r) => setTimeout(r, 100)); return output'), { timeoutMs: 10_000 });
    const first = fine();
    const spin = pool.request(inline('while (true) {}'), { timeoutMs: 300 }).catch((e: UserCodeError) => e.kind);
    const second = fine();
    expect(await spin).toBe('timeout');
    expect(await first).toBe('ok'); // it was waiting in the worker the loop blocked: run again elsewhere
    expect(await second).toBe('ok');
    pool.terminateAll();
  });

  it('a regex that may backtrack runs with a deadline; one V8 bounds runs in place', async () => {
    const output = `${'a'.repeat(5000)}b`;
    const bounded = await check({ type: 'regex', value: '(a+)+$' }, output);
    expect(bounded).toMatchObject({ pass: false, score: 0 });
    expect(bounded.error).toBeUndefined();
    const ok = await check({ type: 'regex', value: '(a|aa)+b$', flags: 'i' }, 'aaab');
    expect(ok).toMatchObject({ pass: true, score: 1 });
  });
});

describe('isolated javascript checks', () => {
  it('see no process, require or environment', async () => {
    const r = await isolated("({ pass: true, reason: [typeof process, typeof require, typeof fetch, typeof setTimeout].join(',') })");
    expect(r.reason).toBe('undefined,undefined,undefined,undefined');
  });

  it('cannot reach the host realm through the objects they are given', async () => {
    // In a plain vm context, an object made outside leads back to the host's Function and so to `process`.
    const r = await isolated(
      "vars.constructor.constructor('return typeof process')() === 'undefined' && context.constructor.constructor('return typeof process')() === 'undefined'",
      'x',
      { a: 1 },
    );
    expect(r).toMatchObject({ pass: true });
  });

  // The host calls then() on whatever crosses back (a returned thenable, a patched Promise.prototype.then, a
  // thrown object's getters): each would hand the check a host function, whose constructor compiles code
  // outside the sandbox. Only primitives may cross; each probe reports whether it reached `process`.
  it.each([
    ['a returned thenable', "return { then(resolve) { resolve({ pass: true, reason: typeof resolve.constructor('return process')() }) } }"],
    [
      'a patched Promise.prototype.then',
      "try { Promise.prototype.then = function (resolve) { resolve({ pass: true, reason: typeof resolve.constructor('return process')() }) } } catch (e) {} return { pass: true, reason: 'inside' }",
    ],
  ])('cannot reach the host realm through %s', async (_name, body) => {
    const r = await isolated(body);
    expect(r.reason).not.toBe('object');
    // Nor does one check's change to the built-ins reach the next check.
    expect(await isolated('({ pass: Promise.prototype.then.toString().includes("native code"), reason: "" })')).toMatchObject({ pass: true });
  });

  it('import() fails with an error that says why and names --trust-checks', async () => {
    const r = await isolated("await import('node:fs'); return true");
    expect(r).toMatchObject({ pass: false, indeterminate: true });
    expect(r.reason).toContain('javascript checks run isolated');
    expect(r.reason).toContain('--trust-checks');
    expect(r.error).toBeUndefined(); // it threw: the check's verdict, not a hang
  });

  it('still judge outputs with vars and context', async () => {
    const r = await isolated('output.includes(vars.want) && context.caseId === "case-1"', 'hello world', { want: 'world' });
    expect(r).toMatchObject({ pass: true, score: 1 });
  });

  it('module checks are refused: CHECK_ISOLATED naming the file and the fix', async () => {
    const err = await prepareChecks([validateCheckSpec({ type: 'javascript', file: 'checks.mjs' })], FIXTURES, { file: 'suite.yaml' }, { isolated: true }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(err?.code).toBe('CHECK_ISOLATED');
    expect(err?.message).toContain('checks.mjs');
    expect(err?.hint).toContain('--trust-checks');
  });
});
