// A sequential change detector for a rate (0/1 observations): a Shiryaev–Roberts e-detector mixed over a grid of
// post-change rates (Shin, Ramdas & Rinaldo, "E-detectors: a nonparametric framework for sequential change
// detection", 2023). Pure and streaming: one observation at a time, O(grid) memory.
//
// For one post-change rate q the per-observation likelihood ratio against the null rate p0 is
//   L_q(x) = (q/p0)^x · ((1−q)/(1−p0))^(1−x),
// and the Shiryaev–Roberts statistic is R_t = (R_{t−1} + 1) · L_q(X_t), R_0 = 0. Before any change E[L_q] ≤ 1, so
// E[R_t | past] ≤ R_{t−1} + 1: R_t − t is a (super)martingale and R is a nonnegative submartingale (or below one) with
// E[R_N] ≤ N. Doob's maximal inequality then bounds the chance of ever crossing A in the first N observations:
//   P(max_{t≤N} R_t ≥ A) ≤ E[R_N] / A ≤ N / A,
// so the threshold A = N/α keeps the false-alarm probability over N observations at or below α. The mixture
// R = Σ_k w_k R^(q_k) (weights summing to 1) keeps E[R_t | past] ≤ R_{t−1} + 1, hence the same bound.
//
// "Before any change" is composite, which is what lets the null rate be a confidence bound of an estimated
// baseline: for a decrease detector (every q < p0) E_p[L_q] = p·q/p0 + (1−p)(1−q)/(1−p0) falls as p grows, so it is
// ≤ 1 for every true rate p ≥ p0; symmetrically for an increase detector and p ≤ p0.
//
// Beside R, each grid point keeps a CUSUM (max(0, W_{t−1}) + log L_q(X_t)) and where it last restarted: the
// restart of the leading grid point is the estimated change start, and the counts since then the post-change rate.
import { assertProbability } from './validate.js';

export type DriftDirection = 'decrease' | 'increase';

export const RATE_DETECTOR_METHOD = 'shiryaev-roberts-mixture-e-detector';

export interface RateDetectorOptions {
  /** The rate "no change" means, already a confidence bound when the baseline was estimated. */
  nullRate: number;
  direction: DriftDirection;
  /** α of this detector: its chance of any alarm within `samplesPerPeriod` observations when nothing changed. */
  falseAlarmRate: number;
  /** N: the observations expected in the period the guarantee is stated for. */
  samplesPerPeriod: number;
  /** No alarm before this many observations (the statistic still accumulates). Default 1. */
  minSamples?: number;
  /** Post-change rates to mix over (equal weights); default: {@link defaultAlternatives}. */
  alternatives?: readonly number[];
}

/** What the detector knows at an alarm (or at any time): the figures behind "drop detected after n samples". */
export interface RateDetectorState {
  /** Observations seen. */
  samples: number;
  /** log R_t of the mixture (−Infinity before the first observation). */
  logStatistic: number;
  /** log A = log(N/α). */
  logThreshold: number;
  /** The post-change rate of the grid point with the largest weighted statistic; null without alternatives. */
  leadingAlternative: number | null;
  /**
   * Where the leading grid point's CUSUM last restarted, the estimated change start: its 1-based observation number,
   * and the caller's mark and time given to observe() with it.
   */
  changeStart: { sample: number; mark: number; time: number } | null;
  /** Observations and successes from changeStart to now. */
  sinceChange: { n: number; successes: number } | null;
}

/** Kullback–Leibler divergence KL(Bern(q) ‖ Bern(p)) in nats: the evidence one post-change observation adds on average. */
export function bernoulliKl(q: number, p: number): number {
  const term = (a: number, b: number) => (a === 0 ? 0 : a * Math.log(a / b));
  return term(q, p) + term(1 - q, 1 - p);
}

/**
 * The default grid: post-change rates q_k whose divergence from p0 makes a change detectable in about d_k
 * observations, KL(q_k ‖ p0) = log(A·K) / d_k (the Shiryaev–Roberts delay is ≈ log(threshold)/KL), for delays
 * d_k = N, N/2, N/4, … down to 16. Small drops are covered at the scale of the whole period, large ones within a
 * few dozen observations; each doubling of the detection delay costs one grid point (log K in the threshold).
 * Rates whose divergence cannot be reached on the detector's side (past 0.0005 or 0.9995) are dropped.
 */
export function defaultAlternatives(nullRate: number, direction: DriftDirection, samplesPerPeriod: number, falseAlarmRate: number): number[] {
  const delays: number[] = [];
  for (let d = samplesPerPeriod; d >= 16; d /= 2) delays.push(d);
  if (delays.length === 0) delays.push(16);
  const logThreshold = Math.log(samplesPerPeriod / falseAlarmRate) + Math.log(delays.length);
  const edge = direction === 'decrease' ? 0.0005 : 0.9995;
  if (direction === 'decrease' ? nullRate <= edge : nullRate >= edge) return [];
  const reachable = bernoulliKl(edge, nullRate);
  const out: number[] = [];
  for (const d of delays) {
    const target = logThreshold / d;
    if (target > reachable) continue;
    // KL(q ‖ p0) grows monotonically as q moves away from p0: bisection between p0 and the edge.
    let near = nullRate;
    let far = edge;
    for (let i = 0; i < 60; i++) {
      const mid = (near + far) / 2;
      if (bernoulliKl(mid, nullRate) < target) near = mid;
      else far = mid;
    }
    out.push((near + far) / 2);
  }
  return out;
}

/** The Shiryaev–Roberts mixture detector for a rate; see the file comment for the guarantee. */
export class RateChangeDetector {
  readonly method = RATE_DETECTOR_METHOD;
  readonly nullRate: number;
  readonly direction: DriftDirection;
  readonly falseAlarmRate: number;
  readonly samplesPerPeriod: number;
  readonly minSamples: number;
  readonly alternatives: readonly number[];
  readonly logThreshold: number;
  /** L_q(1), L_q(0) and their logs per grid point. */
  private readonly ratioSuccess: Float64Array;
  private readonly ratioFailure: Float64Array;
  private readonly logRatioSuccess: Float64Array;
  private readonly logRatioFailure: Float64Array;
  private readonly weight: number;
  /**
   * R_t per grid point, in linear space: it cannot underflow (R_t ≥ L_t > 0) nor overflow before an alarm (a grid
   * point's weighted R is below the mixture, itself below A = N/α), so no logs are needed per step.
   */
  private readonly r: Float64Array;
  private readonly cusum: Float64Array;
  private readonly cusumStart: Float64Array;
  private readonly cusumStartMark: Float64Array;
  private readonly cusumStartTime: Float64Array;
  private readonly cusumSuccesses: Float64Array;
  private samplesSeen = 0;
  private logMixture = -Infinity;

  constructor(options: RateDetectorOptions) {
    const { nullRate, direction, falseAlarmRate, samplesPerPeriod, minSamples = 1 } = options;
    assertProbability(falseAlarmRate, 'falseAlarmRate');
    if (!(nullRate >= 0 && nullRate <= 1)) throw new RangeError(`nullRate must be in [0, 1], got ${nullRate}`);
    if (!(samplesPerPeriod >= 1)) throw new RangeError(`samplesPerPeriod must be ≥ 1, got ${samplesPerPeriod}`);
    if (!(Number.isInteger(minSamples) && minSamples >= 1)) throw new RangeError(`minSamples must be a whole number ≥ 1, got ${minSamples}`);
    const alternatives = options.alternatives ?? defaultAlternatives(nullRate, direction, samplesPerPeriod, falseAlarmRate);
    for (const q of alternatives) {
      const onSide = direction === 'decrease' ? q < nullRate : q > nullRate;
      if (!(q > 0 && q < 1 && onSide)) {
        throw new RangeError(
          `alternative rate ${q} must be strictly between 0 and 1 and ${direction === 'decrease' ? 'below' : 'above'} the null rate ${nullRate}`,
        );
      }
    }
    this.nullRate = nullRate;
    this.direction = direction;
    this.falseAlarmRate = falseAlarmRate;
    this.samplesPerPeriod = samplesPerPeriod;
    this.minSamples = minSamples;
    this.alternatives = [...alternatives];
    this.logThreshold = Math.log(samplesPerPeriod / falseAlarmRate);
    const k = alternatives.length;
    this.ratioSuccess = Float64Array.from(alternatives, (q) => q / nullRate);
    this.ratioFailure = Float64Array.from(alternatives, (q) => (1 - q) / (1 - nullRate));
    this.logRatioSuccess = this.ratioSuccess.map(Math.log);
    this.logRatioFailure = Float64Array.from(alternatives, (q) => Math.log1p(-q) - Math.log1p(-nullRate));
    this.weight = 1 / Math.max(k, 1);
    this.r = new Float64Array(k);
    this.cusum = new Float64Array(k);
    this.cusumStart = new Float64Array(k).fill(1);
    this.cusumStartMark = new Float64Array(k);
    this.cusumStartTime = new Float64Array(k);
    this.cusumSuccesses = new Float64Array(k);
  }

  /**
   * Add one observation (true / 1 = success); returns true when the statistic is at or past the threshold.
   * `mark` and `time` (e.g. the stream index and epoch ms) are echoed back for the estimated change start.
   */
  observe(success: boolean | number, mark = this.samplesSeen + 1, time = NaN): boolean {
    const x = success === true || success === 1;
    if (!x && success !== false && success !== 0) throw new RangeError(`a rate observation must be 0/1 or a boolean, got ${String(success)}`);
    this.samplesSeen++;
    let mixture = 0;
    for (let i = 0; i < this.r.length; i++) {
      this.r[i] = (this.r[i] + 1) * (x ? this.ratioSuccess[i] : this.ratioFailure[i]);
      mixture += this.r[i];
      const step = x ? this.logRatioSuccess[i] : this.logRatioFailure[i];
      if (this.cusum[i] <= 0) {
        this.cusum[i] = 0;
        this.cusumStart[i] = this.samplesSeen;
        this.cusumStartMark[i] = mark;
        this.cusumStartTime[i] = time;
        this.cusumSuccesses[i] = 0;
      }
      this.cusum[i] += step;
      if (x) this.cusumSuccesses[i]++;
    }
    this.logMixture = this.r.length ? Math.log(mixture * this.weight) : -Infinity;
    return this.alarmed();
  }

  /** At or past the threshold, with at least minSamples observations. */
  alarmed(): boolean {
    return this.samplesSeen >= this.minSamples && this.logMixture >= this.logThreshold;
  }

  state(): RateDetectorState {
    let leading = -1;
    for (let i = 0; i < this.r.length; i++) if (leading < 0 || this.r[i] > this.r[leading]) leading = i;
    const seen = this.samplesSeen > 0 && leading >= 0;
    return {
      samples: this.samplesSeen,
      logStatistic: this.logMixture,
      logThreshold: this.logThreshold,
      leadingAlternative: leading >= 0 ? this.alternatives[leading] : null,
      changeStart: seen ? { sample: this.cusumStart[leading], mark: this.cusumStartMark[leading], time: this.cusumStartTime[leading] } : null,
      sinceChange: seen ? { n: this.samplesSeen - this.cusumStart[leading] + 1, successes: this.cusumSuccesses[leading] } : null,
    };
  }
}
