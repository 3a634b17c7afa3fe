// Number formatting: unknown values show as "n/a", never 0.
import type { Interval } from './api';

export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)}%`);

export const ciText = (ci: Interval | null | undefined, digits = 1): string =>
  ci ? `${(ci.low * 100).toFixed(digits)}–${(ci.high * 100).toFixed(digits)}` : 'n/a';

export const usd = (x: number | null | undefined): string => {
  // An unknown cost (unpriced model, report/cost-figures.ts) is never shown as "$0".
  if (x === null || x === undefined) return 'unknown';
  if (x === 0) return '$0';
  // Three significant digits below a cent (never an exponent: $0.0000840, not $8.4e-5).
  if (x < 0.01) return `$${x.toFixed(Math.min(10, 2 - Math.floor(Math.log10(x))))}`;
  return x < 100 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`;
};

export const ms = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : x < 10 ? `${x.toFixed(1)} ms` : x < 10_000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;

export const int = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));

export const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

export const signedPts = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? 'n/a' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)} pts`;

export const when = (iso: string | null | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : 'n/a');

export const pValue = (p: number | null | undefined): string => (p === null || p === undefined ? 'n/a' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Pass rate → a colour from red (0) through amber to green (1), for the heatmap. */
export function rateColour(rate: number | null): string {
  if (rate === null) return '#eceff3';
  const stops = [
    [0, [214, 69, 65]],
    [0.5, [240, 180, 60]],
    [1, [46, 160, 90]],
  ] as const;
  const r = Math.max(0, Math.min(1, rate));
  const [a, b] = r <= 0.5 ? [stops[0], stops[1]] : [stops[1], stops[2]];
  const t = (r - a[0]) / (b[0] - a[0]);
  const c = a[1].map((v, i) => Math.round(v + (b[1][i] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
