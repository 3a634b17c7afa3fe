// Seeded randomness for resampling. Every resampling estimator takes an explicit seed so a report can be
// reproduced bit for bit; Math.random is never used.

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit-state generator, fast and statistically fine for
 * bootstrap and simulation (passes gjrand/PractRand up to its 2^32 period). Same seed, same sequence.
 */
export function mulberry32(seed: number): RandomSource {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform whole number in 0..count−1. */
export function randomIndex(random: RandomSource, count: number): number {
  return Math.floor(random() * count);
}
