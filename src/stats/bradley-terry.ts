// Bradley–Terry ratings from head-to-head wins (pairwise judge preferences, arena battles).
// Model: P(i beats j) = 1 / (1 + exp(−(b_i − b_j))) (Bradley & Terry 1952). Strengths are fitted by maximum
// likelihood with the first model anchored at 0; only differences are identified.
import type { Interval } from './interval.js';
import { normalQuantile } from './distributions.js';
import { assertLevel } from './validate.js';

/** Natural-log strength → Elo/Arena points: 400/ln 10 per unit, anchor model at 1000. */
const ELO_POINTS_PER_LOG_UNIT = 400 / Math.LN10;
const ELO_ANCHOR = 1000;

export interface BradleyTerryRating {
  model: string;
  /** Natural-log strength relative to the anchor (the anchor is 0). */
  logStrength: number;
  /** SE of logStrength − anchor's, from the inverse observed Fisher information; undefined for the anchor. */
  se: number | undefined;
  /** logStrength ± z·SE, method "wald-fisher-information"; undefined for the anchor. */
  interval: Interval | undefined;
  /** The same on the Elo scale (anchor = 1000). */
  elo: number;
  eloInterval: Interval | undefined;
}

export interface BradleyTerry {
  method: 'bradley-terry-mle';
  anchor: string;
  ratings: BradleyTerryRating[];
  /** Fitted P(row beats column). */
  winProbability: number[][];
  negativeLogLikelihood: number;
  iterations: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Solve A x = y for a small dense symmetric positive-definite A (Gaussian elimination, partial pivoting). */
function solve(matrix: readonly number[][], rhs: readonly number[]): number[] {
  const size = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let row = col + 1; row < size; row++) if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let row = 0; row < size; row++) {
      if (row === col) continue;
      const factor = m[row][col] / m[col][col];
      for (let k = col; k <= size; k++) m[row][k] -= factor * m[col][k];
    }
  }
  return m.map((row, i) => row[size] / row[i]);
}

/** Every model must have beaten and lost to the rest through some chain, or the MLE runs off to infinity (Ford 1957). */
function isStronglyConnected(wins: readonly (readonly number[])[]): boolean {
  const k = wins.length;
  const reaches = (edge: (i: number, j: number) => boolean) => {
    const seen = new Set([0]);
    const queue = [0];
    while (queue.length > 0) {
      const i = queue.pop() as number;
      for (let j = 0; j < k; j++) {
        if (!seen.has(j) && edge(i, j)) {
          seen.add(j);
          queue.push(j);
        }
      }
    }
    return seen.size === k;
  };
  return reaches((i, j) => wins[i][j] > 0) && reaches((i, j) => wins[j][i] > 0);
}

/**
 * Fit Bradley–Terry strengths by Newton–Raphson on the log-likelihood Σ W_ij log P(i beats j) (concave, so
 * Newton with step halving converges from 0). `wins[i][j]` = times model i beat model j; ties can be
 * entered as half a win each way. Undefined when the MLE does not exist (some group of models never lost
 * to, or never beat, the rest) or with fewer than 2 models.
 */
export function bradleyTerry(wins: readonly (readonly number[])[], options: { models?: readonly string[]; level?: number } = {}): BradleyTerry | undefined {
  const { level = 0.95 } = options;
  assertLevel(level);
  const k = wins.length;
  const models = options.models ? [...options.models] : wins.map((_, i) => `model ${i + 1}`);
  if (models.length !== k) throw new RangeError(`models has ${models.length} names for ${k} rows of wins`);
  wins.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`wins must be square: row ${i} has ${row.length} entries, expected ${k}`);
    row.forEach((count, j) => {
      if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`wins[${i}][${j}] must be ≥ 0, got ${count}`);
    });
  });
  if (k < 2 || !isStronglyConnected(wins)) return undefined;

  const strengths = new Array<number>(k).fill(0);
  const logLikelihood = (b: readonly number[]) => {
    let total = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j && wins[i][j] > 0) total += wins[i][j] * Math.log(logistic(b[i] - b[j]));
    return total;
  };
  // Observed information over the free parameters b_1..b_{k−1} (b_0 = 0 is the anchor).
  const information = (b: readonly number[]) => {
    const info = Array.from({ length: k - 1 }, () => new Array<number>(k - 1).fill(0));
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const games = wins[i][j] + wins[j][i];
        const p = logistic(b[i] - b[j]);
        const weight = games * p * (1 - p);
        if (i > 0) info[i - 1][i - 1] += weight;
        if (j > 0) info[j - 1][j - 1] += weight;
        if (i > 0 && j > 0) {
          info[i - 1][j - 1] -= weight;
          info[j - 1][i - 1] -= weight;
        }
      }
    }
    return info;
  };
  let current = logLikelihood(strengths);
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    const gradient = new Array<number>(k - 1).fill(0);
    for (let i = 1; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i !== j) gradient[i - 1] += wins[i][j] - (wins[i][j] + wins[j][i]) * logistic(strengths[i] - strengths[j]);
      }
    }
    const step = solve(information(strengths), gradient);
    let scale = 1;
    let candidate = strengths;
    let value = current;
    for (let halving = 0; halving < 60; halving++) {
      candidate = strengths.map((b, i) => (i === 0 ? 0 : b + scale * step[i - 1]));
      value = logLikelihood(candidate);
      if (value >= current - 1e-12) break;
      scale /= 2;
    }
    const largestStep = Math.max(...step.map((s) => Math.abs(s * scale)));
    strengths.splice(0, k, ...candidate);
    current = value;
    if (largestStep < 1e-12) break;
  }

  // SEs: square roots of the diagonal of the inverse information, one column at a time.
  const info = information(strengths);
  const z = normalQuantile((1 + level) / 2);
  const ratings = models.map((model, i): BradleyTerryRating => {
    const logStrength = strengths[i];
    const elo = ELO_POINTS_PER_LOG_UNIT * logStrength + ELO_ANCHOR;
    if (i === 0) return { model, logStrength, se: undefined, interval: undefined, elo, eloInterval: undefined };
    const unit = new Array<number>(k - 1).fill(0);
    unit[i - 1] = 1;
    const se = Math.sqrt(solve(info, unit)[i - 1]);
    const low = logStrength - z * se;
    const high = logStrength + z * se;
    const method = 'wald-fisher-information';
    return {
      model,
      logStrength,
      se,
      interval: { method, level, low, high },
      elo,
      eloInterval: {
        method,
        level,
        low: ELO_POINTS_PER_LOG_UNIT * low + ELO_ANCHOR,
        high: ELO_POINTS_PER_LOG_UNIT * high + ELO_ANCHOR,
      },
    };
  });
  return {
    method: 'bradley-terry-mle',
    anchor: models[0],
    ratings,
    winProbability: strengths.map((bi, i) => strengths.map((bj, j) => (i === j ? 0.5 : logistic(bi - bj)))),
    negativeLogLikelihood: -current,
    iterations: iterations + 1,
  };
}
