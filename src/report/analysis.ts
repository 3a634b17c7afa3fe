// The run-level sections of a report: comparisons with the baseline, quality bars, segments, and the
// consistency of repeats. Computed from the store (per-case outcomes, see case-outcomes.ts) by the pure
// functions of stats/, and attached to the RunReport that every format renders.
import type { RunRecord } from '../store/index.js';
import { EXIT } from '../errors.js';
import {
  analyzeRun,
  summarizeBars,
  type BarDefinition,
  type BaselineChoice,
  type ConsistencyFigure,
  type GateSummary,
  type RunOutcomes,
  type SegmentFigures,
  type ScratchColumns,
} from '../stats/index.js';
import { storedBars } from '../analysis/index.js';
import { barResults, type BarResult } from './bar-text.js';
import { describeComparisons } from './describe-comparison.js';
import type { RunReport, SegmentSection } from './run-report-types.js';
import { segmentWarningText } from './segment-warning.js';

export type { BarResult, BaselineChoice, ConsistencyFigure, SegmentFigures, SegmentSection, GateSummary };
export { storedBars };

export interface AnalysisSectionsOptions {
  level?: number;
  /** Working columns to reuse (AnalysisOptions.scratch). */
  scratch?: ScratchColumns;
  /** Evaluate these bars instead of the ones stored with the run. */
  bars?: BarDefinition[];
}

/** Compute the sections from the run's per-case table and attach them to the report (and the right intervals to its variant rows). */
export function addRunAnalysis(outcomes: RunOutcomes, run: RunRecord, report: RunReport, options: AnalysisSectionsOptions = {}): void {
  const level = options.level ?? 0.95;
  const labels = Object.fromEntries(run.variants.map((v) => [v.id, v.label]));
  const stored = storedBars(run);
  if (stored.warning) report.warnings.push(stored.warning);
  const analysis = analyzeRun(outcomes, { level, baseline: stored.baseline, labels, scratch: options.scratch });
  if (analysis.baseline?.note) report.warnings.push(analysis.baseline.note);
  // A compare bar against a named baseline that is not in the run must not silently use another variant.
  const gateBaseline = analysis.baseline && (analysis.baseline.source === 'suite' || stored.baseline === undefined) ? analysis.baseline.id : undefined;
  report.baseline = analysis.baseline;
  report.comparisons = describeComparisons(analysis.comparisons);
  report.bars = barResults(outcomes, options.bars ?? stored.bars, { baseline: gateBaseline, labels });
  report.segments = analysis.segments.map((s) => ({
    ...s,
    variants: s.variants.map((v) => ({ ...v, warning: v.warning && segmentWarningText(v.warning) })),
  }));
  for (const v of report.variants) {
    const figures = analysis.variants.find((f) => f.id === v.id);
    if (!figures) continue;
    // With repeats or clusters the interval is over per-case shares (clustered when cases share clusters).
    if ((run.repeat > 1 || analysis.clusters !== null) && figures.passRate !== null) {
      v.passRate = figures.passRate;
      v.passRateCi = figures.passRateCi;
    }
    if (figures.consistency) v.consistency = figures.consistency;
  }
  if (analysis.segmentsOmitted > 0) {
    report.warnings.push(`${analysis.segmentsOmitted} more case tags are not shown as segments (at most 200: segment:* tags first, then the largest)`);
  }
  const small = report.segments.filter((s) => s.variants.some((f) => f.warning)).length;
  if (small > 0) report.warnings.push(`${small} segment${small === 1 ? ' is' : 's are'} too small to say anything for some variant (see segments)`);
}

export function gateSummary(report: RunReport, allowInconclusive = false): GateSummary {
  return summarizeBars(report.bars ?? [], allowInconclusive);
}

/** Exit code of the quality bars alone: 1 when a bar is not met (or inconclusive without the allowance), else 0. */
export function barsExitCode(report: RunReport, allowInconclusive = false): number {
  return gateSummary(report, allowInconclusive).pass ? EXIT.ok : EXIT.barFailed;
}
