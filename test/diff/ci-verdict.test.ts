// The CI verdict's rules as data (analysis/ci-verdict.ts), one case per rule, in the order they apply; the
// sentences are checked through `evalspec ci` in test/e2e/ci*.test.ts.
import { describe, expect, it } from 'vitest';
import { ciVerdict, type CiFacts } from '../../src/analysis/index.js';

const codes = { ok: 0, auth: 4, incomplete: 3, cancelled: 130 };
const facts = (over: Partial<CiFacts> = {}): CiFacts => ({
  exitCode: 0,
  codes,
  gate: { pass: true, met: 2, notMet: 0, inconclusive: 0 },
  allowInconclusive: false,
  regressions: 0,
  newCriticalFailures: 0,
  anyCases: true,
  anyPassed: true,
  ...over,
});

describe('ciVerdict', () => {
  it('applies the rules in order', () => {
    expect(ciVerdict(facts())).toMatchObject({ verdict: 'pass', rule: 'bars-met' });
    expect(ciVerdict(facts({ gate: { pass: true, met: 0, notMet: 0, inconclusive: 0 } }))).toMatchObject({ verdict: 'pass', rule: 'no-bars' });
    // A refused key wins over everything, even a failed gate.
    expect(ciVerdict(facts({ exitCode: 4, gate: { pass: false, met: 0, notMet: 2, inconclusive: 0 } }))).toMatchObject({
      verdict: 'fail',
      rule: 'key-refused',
    });
    expect(ciVerdict(facts({ exitCode: 130 }))).toMatchObject({ verdict: 'warn', rule: 'cancelled' });
    expect(ciVerdict(facts({ exitCode: 3, regressions: 2 }))).toMatchObject({ verdict: 'warn', rule: 'incomplete' });
    // Not proven counts only when --allow-inconclusive is off.
    const gate = { pass: false, met: 0, notMet: 1, inconclusive: 2 };
    expect(ciVerdict(facts({ exitCode: 1, gate }))).toMatchObject({ verdict: 'fail', rule: 'bars-failed', notMet: 1, notProven: 2 });
    expect(ciVerdict(facts({ exitCode: 1, gate, allowInconclusive: true }))).toMatchObject({ rule: 'bars-failed', notMet: 1, notProven: 0 });
    // --fail-on-regression: a non-zero exit with every bar passing is still a failure.
    expect(ciVerdict(facts({ exitCode: 1, regressions: 3 }))).toMatchObject({ verdict: 'fail', rule: 'bars-failed', notMet: 0, notProven: 0, regressions: 3 });
    expect(ciVerdict(facts({ newCriticalFailures: 1 }))).toMatchObject({ verdict: 'warn', rule: 'regressed', newCriticalFailures: 1 });
    expect(ciVerdict(facts({ gate: { pass: true, met: 1, notMet: 0, inconclusive: 1 }, allowInconclusive: true }))).toMatchObject({
      verdict: 'warn',
      rule: 'inconclusive-allowed',
    });
    const noBars = { pass: true, met: 0, notMet: 0, inconclusive: 0 };
    expect(ciVerdict(facts({ gate: noBars, anyPassed: false }))).toMatchObject({ verdict: 'warn', rule: 'nothing-gated' });
    expect(ciVerdict(facts({ gate: noBars, anyPassed: false, anyCases: false }))).toMatchObject({ verdict: 'warn', rule: 'nothing-measured' });
    // With bars met, a run where nothing passed is judged by its bars.
    expect(ciVerdict(facts({ anyPassed: false }))).toMatchObject({ verdict: 'pass', rule: 'bars-met' });
  });
});
