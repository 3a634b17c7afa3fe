// Pure pieces of the front end (viewer-ui/src): the output diff, the Pareto frontier, hash routes, formatting.
import { describe, expect, it } from 'vitest';
import { diffWords, sideOf } from '../../viewer-ui/src/diff.js';
import { paretoFrontier } from '../../viewer-ui/src/pareto.js';
import { parseHash, href } from '../../viewer-ui/src/router.js';
import { usd, signedPts, rateColour } from '../../viewer-ui/src/format.js';

describe('diffWords', () => {
  it('marks the words that changed and keeps the rest', () => {
    const { parts, granularity } = diffWords('You have 30 days to return it.', 'You have 45 days to return it!');
    expect(granularity).toBe('words');
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['30', 'it.']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['45', 'it!']);
    expect(
      sideOf(parts, 'a')
        .map((p) => p.text)
        .join(''),
    ).toBe('You have 30 days to return it.');
    expect(
      sideOf(parts, 'b')
        .map((p) => p.text)
        .join(''),
    ).toBe('You have 45 days to return it!');
  });

  it('handles identical, empty and one-sided texts', () => {
    expect(diffWords('same', 'same').parts).toEqual([{ text: 'same', kind: 'same' }]);
    expect(diffWords('', '').parts).toEqual([]);
    expect(diffWords('', 'new text').parts).toEqual([{ text: 'new text', kind: 'added' }]);
  });

  // `line i wordK` is 6 word tokens with its newline ("line", " ", "i", " ", "wordK", "\n"). The aligner trims
  // the common prefix and suffix, then needs (n+1)(m+1) ≤ 4,000,000 table cells for what is left.
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i} word${i % 7}`);
  const changeEnds = (ls: string[]) => ls.map((l, i) => (i === 0 || i === ls.length - 1 ? `line ${i} CHANGED` : l)).join('\n');

  it('aligns words in a long text when the change is local (common prefix and suffix trimmed)', () => {
    const a = lines(3000).join('\n');
    const b = a.replace('line 1500 word2', 'line 1500 CHANGED'); // 1500 % 7 = 2
    const { parts, granularity } = diffWords(a, b);
    expect(granularity).toBe('words');
    expect(parts.filter((p) => p.kind !== 'same')).toEqual([
      { text: 'word2', kind: 'removed' },
      { text: 'CHANGED', kind: 'added' },
    ]);
    expect(
      sideOf(parts, 'b')
        .map((p) => p.text)
        .join(''),
    ).toBe(b);
  });

  it('falls back to lines when the words are too many to align, and the sides still rebuild exactly', () => {
    // Both ends changed: ~6,000 words left on each side (36 million cells: too many), 1,000 lines (about 1 million: fine).
    const a = lines(1000).join('\n');
    const b = changeEnds(lines(1000));
    const { parts, granularity } = diffWords(a, b);
    expect(granularity).toBe('lines');
    expect(parts.filter((p) => p.kind !== 'same')).toEqual([
      { text: 'line 0 word0\n', kind: 'removed' },
      { text: 'line 0 CHANGED\n', kind: 'added' },
      { text: 'line 999 word5', kind: 'removed' }, // 999 % 7 = 5; the last line has no newline
      { text: 'line 999 CHANGED', kind: 'added' },
    ]);
    expect(
      sideOf(parts, 'a')
        .map((p) => p.text)
        .join(''),
    ).toBe(a);
    expect(
      sideOf(parts, 'b')
        .map((p) => p.text)
        .join(''),
    ).toBe(b);
  });

  it('gives up aligning when even the lines are too many: the whole of A removed, the whole of B added', () => {
    // 3,000 lines on each side: about 9 million cells.
    const a = lines(3000).join('\n');
    const b = changeEnds(lines(3000));
    expect(diffWords(a, b)).toEqual({
      granularity: 'none',
      parts: [
        { text: a, kind: 'removed' },
        { text: b, kind: 'added' },
      ],
    });
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
