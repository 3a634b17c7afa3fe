// When a segment (the cases with one tag) is too small to say anything, as a rule and its numbers: the run
// report's segments (fewer cases than the minimum, no interval, or an interval wider than the allowed half-width)
// and the diff's per-segment changes (fewer paired cases than the minimum, or no interval). report/ words it.
import type { Interval } from './interval.js';

export type SegmentSizeWarning =
  | { rule: 'few-cases'; cases: number; minCases: number; paired: boolean }
  | { rule: 'no-interval'; paired: boolean }
  | { rule: 'wide-interval'; halfWidth: number; maxHalfWidth: number };

/** A run report's segment on one variant: too few cases, no interval, or an interval half-width above the maximum. */
export function segmentWarning(cases: number, interval: Interval | null, minCases: number, maxHalfWidth: number): SegmentSizeWarning | null {
  if (cases < minCases) return { rule: 'few-cases', cases, minCases, paired: false };
  if (!interval) return { rule: 'no-interval', paired: false };
  const halfWidth = (interval.high - interval.low) / 2;
  if (halfWidth > maxHalfWidth) return { rule: 'wide-interval', halfWidth, maxHalfWidth };
  return null;
}

/** A diff's change in one segment: too few paired cases, or no interval. */
export function pairedSegmentWarning(n: number, interval: Interval | null, minCases: number): SegmentSizeWarning | null {
  if (n < minCases) return { rule: 'few-cases', cases: n, minCases, paired: true };
  if (!interval) return { rule: 'no-interval', paired: true };
  return null;
}
