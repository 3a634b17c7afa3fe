// The report stage: terminal, JSON, JUnit and Markdown renderings of a stored run. Only import surface of report/.
export { buildRunReport, loadRun, resultForJson } from './run-report.js';
export { keepRunFolds, type RunFoldOutcome } from './report-fold.js';
export type { RunReport, VariantSummary, RateLimitSummary } from './run-report-types.js';
export { writeJsonReport } from './json-report.js';
export { latestComparableRun, TRIAL_LABELS } from '../analysis/index.js';
export { tryItemHeader, tryResultText, tryRetryText, trySummaryText, againstText, terminalBlock, type TryItem } from './try-report.js';
export { addRunAnalysis, barsExitCode, gateSummary, storedBars, type BarResult, type BaselineChoice, type SegmentFigures } from './analysis.js';
export { barResults, barText, casesNeededNote, describeBars, explainBar } from './bar-text.js';
export { segmentWarningText } from './segment-warning.js';
export {
  describeChange,
  describeVariantDiff,
  holmText,
  metricLabel,
  pointsText,
  type DescribedMetricChange,
  type DescribedSegmentChange,
} from './describe-change.js';
export { describeComparison, describeComparisons, type ComparisonSummary, type DescribeOptions, type DescribedComparison } from './describe-comparison.js';
export { renderAnalysisText, renderAnalysisMarkdown, renderBarsText } from './analysis-render.js';
export { writeJunitReport } from './junit-report.js';
export { incompleteRunAdvice, interruptedRunAdvice, resumeCommand } from './resume-advice.js';
export { renderMarkdownReport, writeMarkdownReport } from './markdown-report.js';
export { renderTerminalReport, repeatReduceLine, variantTable } from './terminal-report.js';
export {
  REPORTERS,
  FILE_REPORTERS,
  fileReporters,
  reportRunStart,
  reportRunEnd,
  type Reporter,
  type ReporterFactory,
  type ReporterName,
  type ReporterOptions,
  type ReportFileOptions,
} from './reporters/index.js';
export { escapeXml, escapeHtml, escapeMarkdownInline, escapeTerminal, markdownCode, stripControl } from './escape.js';
export { pct, ciText, usd, costText, ms, textTable, upperPct } from './format.js';
export { renderSelection, selectionJson, money, costRatioText, differenceText, type SelectionContext } from './selection-render.js';
export { int as formatInt } from './format.js';
export {
  JudgeAccumulator,
  renderJudgeSummary,
  calibrationText,
  type JudgeSummary,
  type JudgeCheckSummary,
  type JudgeVariantFigures,
  type JudgeCalibrationNote,
} from './judge-summary.js';
export {
  buildDiffReport,
  resolveRun,
  renderDiffText,
  writeDiffJson,
  runName,
  significantRegressions,
  criticalFlag,
  type DiffReport,
  type DiffRunInfo,
  type DiffReportOptions,
  type VariantDiffReport,
} from './diff-report.js';
export { renderDiffMarkdown, writeDiffMarkdown, markdownFlipTable, markdownMetricTable } from './diff-markdown.js';
export {
  configChanges,
  configChangeLines,
  describeConfigChanges,
  type ConfigChanges,
  type ConfigChangeDetail,
  type ConfigChangeLine,
  type VariantConfigChange,
  type PromptChange,
  type SettingChange,
  type ListChange,
} from './config-changes.js';
export { configChangesText, configChangesMarkdown } from './config-changes-render.js';
export { ciDecision, ciJson, renderCiComment, writeCiComment, writeCiJson, type CiDecision, type CiInput, type CiVerdict } from './ci-comment.js';
export { buildHistory, renderHistoryText, writeHistoryJson, sparkline, type History, type HistoryRun } from './history.js';
export { buildDoctorReport, renderDoctorText, writeDoctorJson, type DoctorFinding, type DoctorReport, type DoctorOptions, type FindingKind } from './doctor.js';
export { attackRateSentence, boundPct, comparisonSentence, ratePct, renderSafetyMarkdown, renderSafetyText, zeroToleranceSentence } from './safety-render.js';
