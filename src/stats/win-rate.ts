// Win rates from pairwise preferences (candidate vs baseline on the same inputs), computed exactly as
// AlpacaEval defines them, beside evalspec's own intervals.
//
// AlpacaEval (metrics/winrate.py): preference on a 1–2 scale (1 = baseline better, 2 = candidate better,
// 1.5 = tie; the legacy 0 also means tie; null = the judge's answer could not be parsed and is dropped).
// x_i = preference_i − 1 ∈ [0, 1]; win rate = 100·mean(x); standard error = 100·s/√n with s the sample
// standard deviation (n − 1), i.e. pandas Series.sem(). n_draws counts exact ties before filtering.
import type { Interval } from './interval.js';
import { mean, sampleVariance } from './descriptive.js';
import { wilsonInterval } from './proportions.js';
import { normalQuantile } from './distributions.js';
import { mulberry32, randomIndex } from './random.js';

export interface WinRateSummary {
  /** Preferences kept (non-null, within [1, 2] after mapping 0 → 1.5). */
  n: number;
  /** Rows whose preference was null (judge failure), dropped. */
  dropped: number;
  wins: number;
  losses: number;
  draws: number;
  /** In [0, 1]: mean of (preference − 1); a tie counts ½, a weighted preference its probability. */
  winRate: number;
  /** AlpacaEval's standard error of winRate (sample sd / √n), in [0, 1] units. */
  standardError: number | undefined;
  /** Each x rounded to 0 or 1 (exactly ½ stays ½), then averaged. */
  discreteWinRate: number;
  /** winRate ± z·standardError. */
  normalInterval: Interval | undefined;
  /** Wilson score interval on the share of decisive comparisons the candidate won (ties left out). */
  wilsonInterval: Interval | undefined;
  /** Seeded percentile bootstrap of winRate over the n comparisons. */
  bootstrapInterval: Interval | undefined;
}

export interface WinRateOptions {
  level?: number;
  seed?: number;
  resamples?: number;
}

/** Preferences on AlpacaEval's 1–2 scale (null = unparsable judge answer). */
export function preferenceWinRate(preferences: readonly (number | null | undefined)[], options: WinRateOptions = {}): WinRateSummary | undefined {
  const level = options.level ?? 0.95;
  let dropped = 0;
  let draws = 0;
  const x: number[] = [];
  for (const p of preferences) {
    if (p === null || p === undefined || Number.isNaN(p)) {
      dropped++;
      continue;
    }
    if (p === 1.5 || p === 0) draws++;
    const mapped = p === 0 ? 1.5 : p;
    if (mapped < 1 || mapped > 2) {
      dropped++;
      continue;
    }
    x.push(mapped - 1);
  }
  const n = x.length;
  if (n === 0) return undefined;
  const winRate = mean(x);
  const variance = sampleVariance(x);
  const standardError = variance === undefined ? undefined : Math.sqrt(variance / n);
  const discrete = x.map((v) => (v === 0.5 ? 0.5 : Math.round(v)));
  const discreteWinRate = mean(discrete);
  const z = normalQuantile(1 - (1 - level) / 2);
  const wins = x.filter((v) => v > 0.5).length;
  const losses = x.filter((v) => v < 0.5).length;
  // A tie is not a Bernoulli outcome: the binomial interval is over decisive comparisons only.
  const wilson = wilsonInterval(wins, wins + losses, level);
  return {
    n,
    dropped,
    wins,
    losses,
    draws,
    winRate,
    standardError,
    discreteWinRate,
    normalInterval:
      standardError === undefined
        ? undefined
        : { method: 'normal (AlpacaEval standard error)', level, low: winRate - z * standardError, high: winRate + z * standardError },
    wilsonInterval: wilson ? { ...wilson, method: 'wilson (decisive comparisons; ties left out)' } : undefined,
    bootstrapInterval: bootstrapMean(x, options.seed ?? 1, options.resamples ?? 10_000, level),
  };
}

function bootstrapMean(x: readonly number[], seed: number, resamples: number, level: number): Interval | undefined {
  if (x.length < 2) return undefined;
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[randomIndex(random, x.length)];
    means[r] = sum / x.length;
  }
  means.sort();
  const lowIndex = Math.floor(((1 - level) / 2) * (resamples - 1));
  const highIndex = Math.ceil((1 - (1 - level) / 2) * (resamples - 1));
  return { method: `bootstrap-percentile (seed ${seed}, ${resamples} resamples)`, level, low: means[lowIndex], high: means[highIndex] };
}

/** Map a win/tie/loss outcome (from the candidate's side) to the 1–2 preference scale. */
export function outcomeToPreference(outcome: string): number | null {
  const o = outcome.trim().toLowerCase();
  if (o === 'win' || o === 'candidate' || o === 'b') return 2;
  if (o === 'loss' || o === 'lose' || o === 'baseline' || o === 'a') return 1;
  if (o === 'tie' || o === 'draw') return 1.5;
  return null;
}
