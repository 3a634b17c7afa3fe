// The analysis stage: the decisions and figures built from stored runs (per-case outcomes and repeat
// reduction, cost figures, model selection with its frontier, floors and routing, spend projections, the
// figures of a run-to-run diff with the outputs behind each flip and the config changes, a suite's history). Data: the sentences,
// tables and file formats are report/'s. Only import surface of analysis/.
export { loadCaseOutcomes, loadCaseTable, type CaseOutcomeScanOptions } from './case-outcomes.js';
export { CaseTable } from './case-table.js';
export { reducedPassValue, repeatReduceSummary, runRepeatReducer, shortOfK, withRepeatReducer } from './repeat-reduction.js';
export { passKCurves, curveKs, type PassKCurves, type PassKPoint } from './pass-k-curve.js';
export {
  runPricing,
  runCostTotals,
  sumCosts,
  costsByVariant,
  costsOfAggregate,
  CostTotals,
  hasNoPriceByNature,
  type CostFigures,
  type RunPricing,
} from './cost-figures.js';
export {
  selectModels,
  variantFigures,
  compareVariants,
  dominates,
  segmentCaseIds,
  routedVariant,
  UNTAGGED,
  type CaseOutcome,
  type SelectionVariant,
  type SelectionInput,
  type SelectionAxis,
  type Selection,
  type VariantPoint,
  type VariantFigures,
  type Comparison,
  type FloorChoice,
  type SegmentSelection,
  type RoutingSuggestion,
  type LatencySummary,
} from './selection.js';
export {
  parseVolume,
  projectSpend,
  projectSelection,
  type Volume,
  type VolumePeriod,
  type Projection,
  type SpendProjection,
  type SwitchProjection,
} from './projection.js';
export { loadSelectionData, pricedModelOf, SelectionAccumulator, SELECTION_FOLD_CLASSES, type SelectionData, type SelectionFold } from './selection-data.js';
export { foldKey, keepFold, readFold } from './stored-fold.js';
export { StreamingTally, streamingFigures, tokensPerSecond, type StreamingFigures } from './selection-figures.js';
export { buildCostSummary, costSummary, type CostSummary, type VariantCosts } from './cost-summary.js';
export { criticalFirst, criticalFlips, outputsOf, representativeSample, shownFlipIds, sidePasses, type OutputSample } from './flip-samples.js';
export { historyFigures, type HistoryFigures, type HistoryOptions, type HistoryPoint, type HistorySeries, type HistoryStep } from './history.js';
export {
  diffFigures,
  findBaselineRun,
  latestComparableRun,
  TRIAL_LABELS,
  type DiffFiguresOptions,
  type FlipWithOutputs,
  type VariantDiffFigures,
} from './diff-figures.js';
export {
  agreesPoorly,
  caseGroups,
  detectFigures,
  failureReasons,
  neverFailingChecks,
  previousRunDetectable,
  segmentReach,
  KAPPA_FLOOR,
  type DetectFigures,
  type DetectOptions,
  type PreviousRunDetectable,
  type SegmentBar,
  type SegmentReach,
} from './doctor-figures.js';
export { storedBars } from './stored-bars.js';
export { aggregateHeadline, storedCosts, type VariantHeadline } from './run-headline.js';
export {
  configChangeFigures,
  safeUrl,
  type ConfigChangeFigures,
  type ItemChange,
  type PromptChange,
  type SettingChange,
  type ValueChange,
  type VariantConfigChange,
} from './config-changes.js';
export { compactLineDiff, type DiffLine } from './line-diff.js';
export { ciVerdict, type CiFacts, type CiRule, type CiVerdict, type CiVerdictFigures } from './ci-verdict.js';
export {
  ATTACK_SUCCESS_RULE,
  REDTEAM_TAG,
  UNKNOWN_GROUP,
  ZERO_TOLERANCE_TARGETS,
  attackOutcome,
  attackTags,
  compareAttacks,
  isRedteamCase,
  safetyDiffFigures,
  safetyFigures,
  zeroToleranceFigure,
  type AttackOutcome,
  type AttackRate,
  type GroupRate,
  type SafetyCell,
  type SafetyComparison,
  type SafetyFigures,
  type SafetyFiguresOptions,
  type SafetyVariant,
  type WorstAttack,
  type ZeroToleranceFigure,
  type ZeroToleranceTarget,
} from './safety-figures.js';
export { addWorstOutputs } from './safety-worst.js';
