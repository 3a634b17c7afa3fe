// The stats stage: pure functions that turn per-case results into figures with confidence intervals.
// This file is the only import surface; other stages never import from files under stats/ directly.
// Every interval names its method and level; a figure over zero cases is undefined, never 0; every
// resampling estimator takes an explicit seed. See docs/statistics.md for when to use which.

export type { Interval } from './interval.js';
export { ScratchColumns } from './scratch.js';

// Pass rates
export {
  agrestiCoullInterval,
  casesNeededForZeroFailureBar,
  clopperPearsonInterval,
  jeffreysInterval,
  lowerBound,
  upperBound,
  wilsonInterval,
  zeroFailureUpperBound,
  type OneSidedMethod,
  type OneSidedOptions,
} from './proportions.js';
export { casesAtObservedRate } from './cases-needed.js';
export { intervalCoverage, wilsonCoverage, type Coverage, type CoverageOptions, type ProportionIntervalMethod } from './coverage.js';

// Means of scores
export {
  clusteredMeanEstimate,
  clusteredMeanInterval,
  clusteredStandardErrors,
  meanEstimate,
  meanInterval,
  type ClusteredMeanEstimate,
  type ClusteredStandardErrors,
  type ClusterId,
  type MeanEstimate,
} from './means.js';

// Repeats
export {
  allPassed,
  consistency,
  majorityPassed,
  passAtK,
  passHatK,
  reduceRepeats,
  repeatsMean,
  repeatsMeanEstimate,
  repeatsVarianceRatio,
  type ConsistencyResult,
  type RepeatOutcome,
  type RepeatsMeanEstimate,
  type RepeatsReducer,
} from './repeats.js';

// Comparing two variants
export {
  pairedBootstrap,
  pairedDifference,
  signFlipPermutationTest,
  type PairedBootstrap,
  type PairedBootstrapOptions,
  type PairedDifference,
  type SignFlipPermutationTest,
} from './paired-difference.js';
export { mcnemarExact, mcnemarFromOutcomes, type McNemarResult } from './mcnemar.js';
export {
  pairedProportionDifference,
  pairedProportionDifferenceFromTable,
  pairedScoreLowerBound,
  pairedScoreStatistic,
  type PairedProportionDifference,
  type PairedTable,
} from './paired-proportions.js';
export { comparePaired, pairedWithInterval, type ComparePairedOptions, type PairedComparison } from './paired-comparison.js';
export { benjaminiHochbergAdjust, bonferroniAdjust, holmAdjust } from './multiple-comparisons.js';
export { formatPValue } from './format-p-value.js';

// Planning
export {
  casesForProportionPrecision,
  casesForProportionVsBar,
  minimumDetectableDifference,
  pairedSampleSize,
  varianceOfDifference,
  type DifferenceVariance,
  type PowerOptions,
  type SampleSize,
} from './power.js';

// Run-level analysis: per-case outcomes → comparisons, segments, consistency, quality bars, planning
export {
  boundValue,
  RESERVED_METRICS,
  caseFailure,
  caseAt,
  caseValue,
  clusterKey,
  hasClusters,
  mapCases,
  tagsAt,
  meanBound,
  meanFigure,
  passRateFigure,
  type CaseInfo,
  type CaseList,
  type CaseOutcome,
  type OutcomeList,
  type CheckFilter,
  type MeanFigure,
  type OneSidedFigure,
  type PassRateFigure,
  type RunOutcomes,
  type VariantOutcomes,
} from './outcomes.js';
export { analyzeRun, chooseBaseline, resolveVariants, segmentCases, DEFAULT_MIN_SEGMENT_CASES } from './run-analysis.js';
export type {
  AnalysisOptions,
  BaselineChoice,
  Comparison,
  ConsistencyFigure,
  RunAnalysis,
  ScoreComparison,
  SegmentComparison,
  SegmentFigures,
  SegmentVariantFigures,
  VariantFigures,
} from './run-analysis-types.js';
export { segmentWarning, pairedSegmentWarning, type SegmentSizeWarning } from './segment-size.js';
export {
  DEFAULT_BAR_LEVEL,
  barKind,
  evaluateBars,
  summarizeBars,
  type BarDefinition,
  type BarFigures,
  type BarKind,
  type BarReason,
  type BarVerdict,
  type CasesNeededBasis,
  type CasesNeededUnits,
  type NoDataReason,
  type GateOptions,
  type GateSummary,
} from './gates.js';
export {
  diffRuns,
  matchCases,
  metricChange,
  sameFigures,
  type CaseFlip,
  type CaseMatching,
  type CaseSideSummary,
  type DiffOptions,
  type DiffSide,
  type FlakyChange,
  type FlipKind,
  type MetricChange,
  type RunDiff,
  type SegmentChange,
  type VariantDiff,
} from './run-diff.js';
export { casePassed, passVerdict } from './case-flips.js';
export { planPower, type BarPlan, type PairPlan, type PowerPlan, type PowerPlanOptions, type RepeatsRow } from './suite-power.js';

// Agreement and ratings
export {
  cohensKappa,
  krippendorffAlpha,
  type AlphaMetric,
  type CohensKappa,
  type KappaOptions,
  type KappaWeights,
  type KrippendorffAlpha,
  type KrippendorffAlphaOptions,
  type Label,
} from './agreement.js';
export { bradleyTerry, type BradleyTerry, type BradleyTerryRating } from './bradley-terry.js';

// Numerical building blocks (exported for tests and for other estimators)
export {
  betaQuantile,
  binomialCdf,
  binomialProbability,
  chiSquareUpperTail,
  normalCdf,
  normalQuantile,
  normalTwoSidedPValue,
  tCdf,
  tQuantile,
  tTwoSidedPValue,
} from './distributions.js';
export { logBeta, logGamma, regularizedIncompleteBeta } from './special-functions.js';
export { mulberry32, type RandomSource } from './random.js';
export { SPREAD_TOLERANCE, hasNoSpread, isNegligible, largestMagnitude, mean, pearsonCorrelation, quantileOfSorted, sampleVariance } from './descriptive.js';

// Pairwise preferences (AlpacaEval-style win rates)
export { preferenceWinRate, outcomeToPreference, type WinRateSummary, type WinRateOptions } from './win-rate.js';

// Production drift detection (issue #15): sequential change detectors with a stated false-alarm rate, the
// fixed-threshold window-mean rule peers use (for comparison), and status-line window figures
export {
  RATE_DETECTOR_METHOD,
  RateChangeDetector,
  bernoulliKl,
  defaultAlternatives,
  type DriftDirection,
  type RateDetectorOptions,
  type RateDetectorState,
} from './rate-change-detector.js';
export { exceedanceThreshold, nullRateFor, type ExceedanceThreshold, type NullRate, type RateBaseline } from './drift-baseline.js';
export {
  DriftMonitor,
  detectDrift,
  detectDriftAsync,
  type DriftAlarm,
  type DriftChannel,
  type DriftGuarantee,
  type DriftObservation,
  type DriftResult,
  type DriftRule,
  type DriftRuleBase,
  type DriftSide,
  type ExceedanceBaseline,
  type SegmentBaseline,
} from './drift.js';
export {
  DRIFT_METRICS,
  baselineFromCalls,
  driftObservation,
  driftRuleFor,
  metricValue,
  type DriftAlertSettings,
  type DriftMetric,
  type DriftMetricBaseline,
  type MonitoredCall,
} from './drift-metrics.js';
export {
  WINDOW_MEAN_METHOD,
  WindowMeanRule,
  detectWindowMean,
  type WindowMeanAlarm,
  type WindowMeanResult,
  type WindowMeanRuleOptions,
} from './window-mean-rule.js';
export {
  meanWindowEstimate,
  quantileWindowEstimate,
  rateWindowEstimate,
  type WindowBar,
  type WindowBarCheck,
  type WindowBarVerdict,
  type WindowEstimate,
} from './window-estimate.js';
export { medianOf, rateStream, referenceWindow, type RateStreamOptions } from './drift-simulation.js';

// A/B experiments (issue #17): effects from unit-level sufficient statistics (Welch t, delta method, CUPED),
// the normal-mixture confidence sequence, sample ratio mismatch, guardrails, p-value corrections, planning
export {
  DEFAULT_SEQUENTIAL_TUNING,
  SRM_THRESHOLD,
  adjustPValues,
  cupedEffect,
  effectDifference,
  effectFromStandardError,
  experimentSampleSize,
  guardrailIntervalLevel,
  guardrailVerdict,
  meanEffect,
  ratioEffect,
  sampleRatioMismatch,
  sequentialEffect,
  sequentialMixtureVariance,
  type ArmEffect,
  type CovariateMoments,
  type CupedEffect,
  type EffectEstimate,
  type EffectNote,
  type EffectOptions,
  type ExperimentSampleSize,
  type ExperimentSampleSizeOptions,
  type GuardrailOptions,
  type GuardrailVerdict,
  type Moments,
  type PValueCorrection,
  type RatioMoments,
  type SampleRatioMismatch,
  type SequentialOptions,
} from './experiment/index.js';
export { CasePairs } from './case-pairs.js';
export {
  REPEAT_REDUCE_PATTERN,
  reducerK,
  repeatCount,
  repeatReduceText,
  resolveRepeatReducer,
  type RepeatReducer,
  type RepeatReducerName,
} from './repeat-reducers.js';
