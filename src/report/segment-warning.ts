// Why a segment is too small to say anything, in words: the one sentence of the run report's
// segments[].variants[].warning and the diff's perVariant[].segments[].warning (formatVersion 1), which the
// terminal, Markdown, CI comment and the viewer show as they are. stats/segment-size.ts decides the rule.
import type { SegmentSizeWarning } from '../stats/index.js';

export function segmentWarningText(w: SegmentSizeWarning): string {
  const head = 'too small to say anything';
  switch (w.rule) {
    case 'few-cases':
      return w.paired
        ? `${head}: ${w.cases} paired case${w.cases === 1 ? '' : 's'} (rule: fewer than ${w.minCases})`
        : `${head}: ${w.cases} case${w.cases === 1 ? '' : 's'} (rule: fewer than ${w.minCases} cases)`;
    case 'no-interval':
      return w.paired ? `${head}: no confidence interval` : `${head}: no confidence interval (rule: an interval is needed)`;
    case 'wide-interval':
      return `${head}: ±${(w.halfWidth * 100).toFixed(1)} points (rule: interval half-width above ${(w.maxHalfWidth * 100).toFixed(0)} points)`;
  }
}
