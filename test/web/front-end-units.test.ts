// Pure pieces of the front end (web/src): the output diff, the Pareto frontier, hash routes, formatting.
import { describe, expect, it } from 'vitest';
import { diffWords, sideOf } from '../../web/src/diff.js';
import { paretoFrontier } from '../../web/src/pareto.js';
import { parseHash, href } from '../../web/src/router.js';
import { usd, signedPts, rateColour } from '../../web/src/format.js';

describe('diffWords', () => {
  it('marks the words that changed and keeps the rest', () => {
    const { parts, granularity } = diffWords('You have 30 days to return it.', 'You have 45 days to return it!');
    expect(granularity).toBe('words');
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['30', 'it.']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['45', 'it!']);
    expect(sideOf(parts, 'a').map((p) => p.text).join('')).toBe('You have 30 days to return it.');
    expect(sideOf(parts, 'b').map((p) => p.text).join('')).toBe('You have 45 days to return it!');
  });

  it('handles identical, empty and one-sided texts', () => {
    expect(diffWords('same', 'same').parts).toEqual([{ text: 'same', kind: 'same' }]);
    expect(diffWords('', '').parts).toEqual([]);
    expect(diffWords('', 'new text').parts).toEqual([{ text: 'new text', kind: 'added' }]);
  });

  it('falls back to lines for long texts, and the sides still rebuild exactly', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i} word${i % 7}`).join('\n');
    const b = a.replace('line 1500 word2', 'line 1500 CHANGED');
    const { parts, granularity } = diffWords(a, b);
    expect(['words', 'lines']).toContain(granularity);
    expect(sideOf(parts, 'a').map((p) => p.text).join('')).toBe(a);
    expect(sideOf(parts, 'b').map((p) => p.text).join('')).toBe(b);
  });
});

describe('paretoFrontier', () => {
  it('keeps the variants nothing else beats on both cost and quality', () => {
    const pts = [
      { id: 'cheap-bad', x: 1, rate: 0.7 },
      { id: 'mid-good', x: 5, rate: 0.9 },
      { id: 'dear-same', x: 20, rate: 0.9 },
      { id: 'dear-best', x: 30, rate: 0.95 },
      { id: 'dominated', x: 6, rate: 0.8 },
    ];
    expect([...paretoFrontier(pts)].map((p) => p.id).sort()).toEqual(['cheap-bad', 'dear-best', 'mid-good']);
  });
});

describe('routes and formats', () => {
  it('round-trips ids with slashes and spaces through the hash', () => {
    const link = href(['runs', 'r 1', 'cases', 'a/b?c'], { variant: 'gpt-4o/v1' });
    const route = parseHash(link);
    expect(route).toMatchObject({ page: 'case', runId: 'r 1', caseId: 'a/b?c' });
    expect(route.params.get('variant')).toBe('gpt-4o/v1');
    expect(parseHash('#/nowhere').page).toBe('not-found');
    expect(parseHash('').page).toBe('runs');
  });

  it('prints money without exponents and unknowns as unknown', () => {
    expect(usd(0.000084)).toBe('$0.0000840');
    expect(usd(1.176)).toBe('$1.1760');
    expect(usd(null)).toBe('unknown');
    expect(usd(0)).toBe('$0');
    expect(signedPts(-0.1)).toBe('−10.0 pts');
    expect(rateColour(null)).toMatch(/^#/);
    expect(rateColour(1)).toBe('rgb(46, 160, 90)');
  });
});
