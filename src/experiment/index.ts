// The experiment stage (issue #17): A/B experiments on an AI feature read with the offline suite's rigor —
// exposures and outcomes streamed into per-unit values, effects with fixed-horizon and sequential intervals, the
// sample ratio check, guardrails, segments, novelty, planning, and the link to the offline runs. The only import
// surface of experiment/; the statistics are stats/'s (src/stats/experiment/).
export type * from './scorecard-types.js';
export { offlineLink, offlineLinkFor, directionAgreement, type OfflineLinkArm, type OfflineLinkConfig, type OfflineLinkInput } from './offline-link.js';
export { analyzeExperiment, type AnalyzeOptions } from './analyze.js';
export { planExperiment, renderPlanText, type ExperimentPlan, type MetricPlan, type PlanOptions } from './plan.js';
export { renderScorecardText, renderScorecardMarkdown } from './render.js';
export { loadExperiment, parseExperiment, experimentFileSchema, type ExperimentConfig, type ExperimentFile } from './schema.js';
