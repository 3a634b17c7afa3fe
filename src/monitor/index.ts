// The monitor stage (issue #15): production quality. Scores queued production records with the suite's own checks
// and judges, runs the drift detectors of stats/ over the scored stream, opens and closes alerts, and turns
// production records into suite cases (`promote`).
export type * from './status-types.js';
export { compileMonitor, monitorCheckSpecs, type CompiledMonitor } from './compile.js';
export { createProductionScorer, startOfUtcDay, type ProductionScorer, type ProductionScorerOptions } from './scorer.js';
export { recordVars, lastUserText } from './record-vars.js';
export { refusalMetric, REFUSAL_PATTERNS, REFUSAL_WINDOW } from './refusal.js';
export { startScoreLoop, newHolder, retryWhileBusy, type ScoreLoop, type ScoreLoopOptions } from './score-loop.js';
export { startCollectService, type CollectService, type CollectServiceOptions, type CollectServiceStats } from './collect-service.js';
export { importProductionFiles, formatOf, type ImportFileResult, type ImportFormat, type ImportOptions } from './import-files.js';
export {
  caseFromRecord,
  parseTimeBound,
  promote,
  promotedCaseId,
  SeededSample,
  type PromoteOptions,
  type PromoteResult,
  type PromoteSelection,
  type PromotedCase,
} from './promote.js';
export { evaluateMonitor, evaluate, findMonitor, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { monitorSeries, monitorStatusAndSeries, type SeriesOptions } from './series.js';
export { windowFigure, WindowAccumulator, type WindowFigure } from './window-figures.js';
export { runMonitorCycle, webhookNotifier, webhookHost, type AlertNotifier, type MonitorCycleOptions, type MonitorCycleResult } from './cycle.js';
export {
  evidenceSentence,
  adviceLine,
  alertSentence,
  renderMonitorStatusText,
  webhookBody,
  escapeSlack,
  metricLabel,
  formatFigure,
  type WebhookBody,
} from './render.js';
