// Distribution functions and quantiles used by the estimators: normal, Student t, beta, binomial and
// chi-square. All built on ./special-functions.ts; every tail is computed directly (never as 1 − tiny) so
// small p-values keep their relative precision.
import { incompleteBetaTails, incompleteGammaTails, logBeta } from './special-functions.js';

// ---------------------------------------------------------------------------------------------------------
// Normal

/** Φ(z), the standard normal CDF, via erfc(x) = Q(1/2, x²) (regularized upper incomplete gamma). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tails = incompleteGammaTails(0.5, (z * z) / 2);
  return z < 0 ? 0.5 * tails.upper : 0.5 + 0.5 * tails.lower;
}

/** Two-sided normal p-value P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function normalTwoSidedPValue(z: number): number {
  return incompleteGammaTails(0.5, (z * z) / 2).upper;
}

// Wichura (1988), Algorithm AS 241 "The percentage points of the normal distribution", Applied
// Statistics 37(3):477-484, PPND16: about 16 significant digits over the whole range.
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
];
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
  0.0227238449892691845833, 7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
  1.05075007164441684324e-9,
];
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
  2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

/** Horner evaluation of c[0] + c[1] x + … + c[7] x^7. */
function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i];
  return value;
}

/** Φ⁻¹(p), the standard normal quantile (Wichura AS 241). ±Infinity at p = 0 / 1. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

// ---------------------------------------------------------------------------------------------------------
// Beta

/** Beta(a, b) density at x. */
export function betaDensity(x: number, a: number, b: number): number {
  if (x < 0 || x > 1) return 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/**
 * The x in [0, 1] where the chosen tail of Beta(a, b) equals `target`: P(X ≤ x) = target ('lower') or
 * P(X > x) = target ('upper'). Solving on the requested tail keeps precision for targets near 0.
 * Safeguarded Newton: a Newton step on the CDF, replaced by bisection of the current bracket whenever
 * it would leave the bracket (the "rtsafe" scheme of Numerical Recipes §9.4).
 */
export function solveBetaTail(a: number, b: number, target: number, tail: 'lower' | 'upper'): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`beta quantile needs a, b > 0, got a=${a}, b=${b}`);
  if (Number.isNaN(target) || target < 0 || target > 1) {
    throw new RangeError(`beta quantile needs a probability in [0, 1], got ${target}`);
  }
  if (target === 0) return tail === 'lower' ? 0 : 1;
  if (target === 1) return tail === 'lower' ? 1 : 0;
  let low = 0;
  let high = 1;
  let x = a / (a + b);
  for (let iteration = 0; iteration < 2000; iteration++) {
    const tails = incompleteBetaTails(x, a, b);
    // F(x) − p, computed on the accurate tail. F is increasing in x.
    const residual = tail === 'lower' ? tails.lower - target : target - tails.upper;
    if (residual === 0) return x;
    if (residual > 0) high = x;
    else low = x;
    const density = betaDensity(x, a, b);
    let next = x - residual / density;
    const newtonUsable = Number.isFinite(next) && density > 0 && next > low && next < high;
    if (!newtonUsable) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || high - low <= 1e-16 * Math.max(x, 1e-300)) {
      return next;
    }
    x = next;
  }
  return x;
}

/** Quantile of Beta(a, b): the x with P(X ≤ x) = p. */
export function betaQuantile(p: number, a: number, b: number): number {
  return p <= 0.5 ? solveBetaTail(a, b, p, 'lower') : solveBetaTail(a, b, 1 - p, 'upper');
}

// ---------------------------------------------------------------------------------------------------------
// Student t

/** Beyond this many degrees of freedom the t distribution is the normal to double precision. */
const T_IS_NORMAL_DF = 1e10;

/** Two-sided p-value P(|T| ≥ |t|) for Student t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function tTwoSidedPValue(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`t distribution needs df > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (df >= T_IS_NORMAL_DF) return normalTwoSidedPValue(t);
  const t2 = t * t;
  return incompleteBetaTails(df / (df + t2), df / 2, 0.5, t2 / (df + t2)).lower;
}

/** P(T ≤ t) for Student t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const twoSided = tTwoSidedPValue(t, df);
  return t < 0 ? twoSided / 2 : 1 - twoSided / 2;
}

/**
 * Quantile of Student t with `df` degrees of freedom (df may be fractional).
 * Inverts the beta representation: Y = T²/(df+T²) ~ Beta(1/2, df/2), so P(|T| > t) = P(Y > y).
 * We solve for y when it is small, and for x = 1 − y ~ Beta(df/2, 1/2) otherwise, so √(df·y/x) never
 * loses digits to the subtraction 1 − (number near 1).
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`t distribution needs df > 0, got ${df}`);
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`tQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df >= T_IS_NORMAL_DF) return normalQuantile(p);
  const oneSidedTail = p < 0.5 ? p : 1 - p;
  const twoSidedTail = 2 * oneSidedTail;
  let t: number;
  const y = solveBetaTail(0.5, df / 2, twoSidedTail, 'upper');
  if (y <= 0.5) {
    t = Math.sqrt((df * y) / (1 - y));
  } else {
    const x = solveBetaTail(df / 2, 0.5, twoSidedTail, 'lower');
    t = Math.sqrt((df * (1 - x)) / x);
  }
  return p < 0.5 ? -t : t;
}

// ---------------------------------------------------------------------------------------------------------
// Binomial and chi-square

/** P(X ≤ k) for X ~ Binomial(n, p), via I_{1−p}(n−k, k+1). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const kk = Math.floor(k);
  return incompleteBetaTails(1 - p, n - kk, kk + 1, p).lower;
}

/** P(X = k) for X ~ Binomial(n, p), computed in log space. */
export function binomialProbability(k: number, n: number, p: number): number {
  if (k < 0 || k > n || !Number.isInteger(k)) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(-logBeta(k + 1, n - k + 1) - Math.log(n + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X ≥ x) for X ~ χ²(df): Q(df/2, x/2). */
export function chiSquareUpperTail(x: number, df: number): number {
  if (x <= 0) return 1;
  return incompleteGammaTails(df / 2, x / 2).upper;
}
