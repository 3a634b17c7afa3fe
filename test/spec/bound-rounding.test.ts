// An upper bound printed as "≤ x" must not claim more than was proven: the spec's critical-failure bound and a
// failure-rate bar's reason round it up at the shown precision (report/format.ts upperPct), never to nearest.
import { describe, expect, it } from 'vitest';
import { boundSentence } from '../../src/spec/failures.js';
import { upperPct } from '../../src/report/index.js';

describe('upper bounds in words', () => {
  it('round up at two decimals: 4.7401% is ≤ 4.75%, an exact 3% stays 3.00%', () => {
    expect(upperPct(0.047401, 2)).toBe('4.75%');
    expect(upperPct(0.03, 2)).toBe('3.00%');
    expect(upperPct(1, 2)).toBe('100.00%');
  });

  it('the spec states the critical-failure bound rounded up', () => {
    const sentence = boundSentence({ variant: 'big', cases: 100, failures: 1, upper: 0.047401, method: 'clopper-pearson', level: 0.95 });
    expect(sentence).toBe('big: 1 critical failure in 100 cases: ≤ 4.75% at 95% (exact one-sided Clopper–Pearson)');
  });
});
