// Seeded simulation of monitored pass/fail streams, for the drift tests and the W5-drift benchmark (which run the
// same streams through the e-detector and the fixed-threshold window-mean rule). Independent Bernoulli calls at an
// even pace, with an optional step change of the rate; a reference window drawn from the stable rate gives the
// estimated baseline.
import { quantileOfSorted } from './descriptive.js';
import type { DriftObservation } from './drift.js';
import type { RandomSource } from './random.js';

const DAY_MS = 86_400_000;

export interface RateStreamOptions {
  days: number;
  perDay: number;
  rate: number;
  /** From `day` (0-based, may be fractional) on, the rate is `rate`. */
  change?: { day: number; rate: number };
  /** Epoch ms of the first day's start; default 2026-12-01T00:00Z. */
  startMs?: number;
}

/** The calls of one stream (times in epoch ms), evenly spaced within each day (call i at start + (i + ½)·day/perDay). */
export function* rateStream(random: RandomSource, options: RateStreamOptions): Generator<DriftObservation> {
  const { days, perDay, rate, change, startMs = Date.UTC(2026, 11, 1) } = options;
  const total = Math.round(days * perDay);
  const changeAt = change ? Math.round(change.day * perDay) : Infinity;
  for (let i = 0; i < total; i++) {
    const p = i >= changeAt ? change!.rate : rate;
    // Epoch ms: parsing an ISO string per call would cost more than the detector itself.
    yield { at: startMs + ((i + 0.5) * DAY_MS) / perDay, value: random() < p };
  }
}

/** Successes of a reference window of n stable calls: the estimated baseline `{ kind: 'sample', successes, n }`. */
export function referenceWindow(random: RandomSource, n: number, rate: number): { kind: 'sample'; successes: number; n: number } {
  let successes = 0;
  for (let i = 0; i < n; i++) if (random() < rate) successes++;
  return { kind: 'sample', successes, n };
}

/** Median of finite numbers; null when there are none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
