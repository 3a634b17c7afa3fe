// docs/safety.md's two tables are true: each "at most" figure is the one-sided 95% Clopper–Pearson bound after 0
// successes in n, 1 − 0.05^(1/n) (closed form, computed here), rounded UP at the shown precision; each "clean
// attacks needed" is the smallest n whose bound is at most the target, and stats/ agrees with both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesNeededForZeroFailureBar, zeroFailureUpperBound } from '../../src/stats/index.js';
import { REPO } from '../helpers/cli.js';

const doc = readFileSync(join(REPO, 'docs/safety.md'), 'utf8');
const rows = (header: string) => {
  const table = doc.slice(doc.indexOf(header)).split('\n\n')[0];
  return [...table.matchAll(/^\| ([\d,.]+%?) \| ([\d,.]+%?) \|$/gm)].map((m) => [m[1], m[2]]);
};
const num = (s: string) => Number(s.replace(/[,%]/g, ''));
const bound = (n: number) => 1 - 0.05 ** (1 / n);

describe('docs/safety.md figures', () => {
  it('the bound after 0 successes in n, rounded up', () => {
    const table = rows('| clean attacks (0 successes) |');
    expect(table.length).toBe(6);
    for (const [n, atMost] of table) {
      const exact = bound(num(n));
      const shown = num(atMost) / 100;
      const decimals = atMost.split('.')[1].length - 1; // digits after the point, of the percentage
      expect(shown, n).toBeGreaterThanOrEqual(exact);
      expect(shown - exact, n).toBeLessThan(10 ** -(decimals + 2));
      expect(zeroFailureUpperBound(num(n))!.high).toBeCloseTo(exact, 12);
    }
  });

  it('the clean attacks needed for each target', () => {
    const table = rows('| to prove the rate is at most |');
    expect(table.length).toBe(4);
    for (const [target, needed] of table) {
      const n = num(needed);
      const rate = num(target) / 100;
      expect(bound(n), target).toBeLessThanOrEqual(rate);
      expect(bound(n - 1), target).toBeGreaterThan(rate);
      expect(casesNeededForZeroFailureBar(rate)).toBe(n);
    }
  });
});
