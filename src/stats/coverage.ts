// Coverage check for the pass-rate intervals: how often does a "95%" interval actually contain the true
// rate? Used by the tests and by a benchmark that prints coverage tables.
import type { Interval } from './interval.js';
import { binomialProbability } from './distributions.js';
import { agrestiCoullInterval, clopperPearsonInterval, jeffreysInterval, wilsonInterval } from './proportions.js';
import { mulberry32 } from './random.js';
import { assertLevel } from './validate.js';

const PROPORTION_INTERVALS = {
  wilson: wilsonInterval,
  'clopper-pearson': clopperPearsonInterval,
  jeffreys: jeffreysInterval,
  'agresti-coull': agrestiCoullInterval,
} satisfies Record<string, (successes: number, n: number, level?: number) => Interval | undefined>;

export type ProportionIntervalMethod = keyof typeof PROPORTION_INTERVALS;

export interface CoverageOptions {
  /** True pass rate. */
  p: number;
  /** Cases per simulated suite. */
  n: number;
  /** Simulated suites. */
  draws: number;
  seed: number;
  level?: number;
}

export interface Coverage {
  method: ProportionIntervalMethod;
  p: number;
  n: number;
  level: number;
  draws: number;
  seed: number;
  /** Simulated suites whose interval contained p. */
  covered: number;
  /** covered / draws. */
  coverage: number;
  /** Wilson interval for the simulated coverage (it is itself an estimate). */
  coverageInterval: Interval;
  /** The exact coverage Σ_x P(X = x)·[p ∈ interval(x)], X ~ Binomial(n, p): what the simulation estimates. */
  exactCoverage: number;
}

/**
 * Simulate `draws` suites of n pass/fail cases at true rate p (seeded), build the chosen interval for each,
 * and count how often it contains p. Also returns the exact coverage by summing over all outcomes.
 */
export function intervalCoverage(method: ProportionIntervalMethod, options: CoverageOptions): Coverage {
  const { p, n, draws, seed, level = 0.95 } = options;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number ≥ 1, got ${n}`);
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a whole number ≥ 1, got ${draws}`);
  assertLevel(level);
  const build = PROPORTION_INTERVALS[method];
  // One interval per possible success count, computed once.
  const covers = Array.from({ length: n + 1 }, (_, successes) => {
    const interval = build(successes, n, level) as Interval;
    return interval.low <= p && p <= interval.high;
  });
  const random = mulberry32(seed);
  let covered = 0;
  for (let draw = 0; draw < draws; draw++) {
    let successes = 0;
    for (let i = 0; i < n; i++) if (random() < p) successes++;
    if (covers[successes]) covered++;
  }
  let exactCoverage = 0;
  covers.forEach((isCovered, successes) => {
    if (isCovered) exactCoverage += binomialProbability(successes, n, p);
  });
  return {
    method,
    p,
    n,
    level,
    draws,
    seed,
    covered,
    coverage: covered / draws,
    coverageInterval: wilsonInterval(covered, draws, 0.95) as Interval,
    exactCoverage: Math.min(1, exactCoverage),
  };
}

/** {@link intervalCoverage} for the Wilson interval, evalspec's default for pass rates. */
export function wilsonCoverage(options: CoverageOptions): Coverage {
  return intervalCoverage('wilson', options);
}
