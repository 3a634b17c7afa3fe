// criticalFirst (analysis/flip-samples.ts) lists flips that newly fail a critical check first without copying and
// sorting every flip of a large run (issue #22). It must give what a stable sort on "critical" of the lists joined,
// cut to the limit, gives: checked on seeded lists against that sort.
import { describe, expect, it } from 'vitest';
import { criticalFirst } from '../../src/analysis/index.js';

type Flip = { id: number; newCriticalFailures: string[] };

function lists(seed: number): Flip[][] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  let id = 0;
  return [0, 1, 2].map(() => Array.from({ length: Math.floor(next() * 30) }, () => ({ id: id++, newCriticalFailures: next() < 0.2 ? ['no-pii'] : [] })));
}

describe('criticalFirst', () => {
  it('equals a stable sort of the joined lists, critical first, cut to the limit', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const groups = lists(seed);
      const sorted = groups.flat().sort((a, b) => Number(b.newCriticalFailures.length > 0) - Number(a.newCriticalFailures.length > 0));
      for (const limit of [0, 1, 5, 20, Infinity]) {
        expect(criticalFirst(groups, limit).map((f) => f.id)).toEqual(sorted.slice(0, limit === Infinity ? undefined : limit).map((f) => f.id));
      }
    }
  });
});
