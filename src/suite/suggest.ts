// "Did you mean …?": the closest valid name to a misspelt one (check types, suite keys, provider names).
import { distance } from 'fastest-levenshtein';

/** The closest candidate by edit distance, when it is close enough to be a plausible typo. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const normalised = input
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = Math.min(distance(input, candidate), distance(normalised, candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(Math.max(input.length, best.length) / 3)) ? best : undefined;
}
