// Edit distance in Unicode code points (fastest-levenshtein counts UTF-16 code units, so an emoji would
// count as two characters; astral code points are remapped to single private-use code units first).
import { distance } from 'fastest-levenshtein';

const SURROGATE = /[\uD800-\uDFFF]/;

export interface EditDistance {
  /** Levenshtein distance in code points. */
  distance: number;
  /** Length in code points of the longer string. */
  maxLength: number;
}

export function editDistance(a: string, b: string): EditDistance {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) {
    return { distance: distance(a, b), maxLength: Math.max(a.length, b.length) };
  }
  const [ra, rb] = remapAstral(a, b);
  return { distance: distance(ra, rb), maxLength: Math.max(ra.length, rb.length) };
}

/** 1 − distance / max length, in [0, 1]; two empty strings are identical (1). */
export function similarity(d: EditDistance): number {
  return d.maxLength === 0 ? 1 : 1 - d.distance / d.maxLength;
}

/** Rewrites both strings so every code point is one UTF-16 code unit, preserving equality between them. */
function remapAstral(a: string, b: string): [string, string] {
  const used = new Set<number>();
  for (const s of [a, b]) for (let i = 0; i < s.length; i++) used.add(s.charCodeAt(i));
  const mapping = new Map<number, string>();
  let next = 0xe000; // Private Use Area, then the rest of the BMP's non-surrogate range if it runs out.
  const map = (s: string): string => {
    let out = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp <= 0xffff) {
        out += ch;
        continue;
      }
      let sub = mapping.get(cp);
      if (sub === undefined) {
        while (used.has(next) || (next >= 0xd800 && next <= 0xdfff)) next = next >= 0xffff ? 0x100 : next + 1;
        used.add(next);
        sub = String.fromCharCode(next);
        mapping.set(cp, sub);
      }
      out += sub;
    }
    return out;
  };
  return [map(a), map(b)];
}
