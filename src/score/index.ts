// The score stage's only import surface.
export type { CheckContext, CheckOutcome, CheckResult, CheckSpec } from './check-types.js';
export { prepareChecks, scoreOutput, type PreparedCheck, type ScoredOutput } from './score.js';
export { CHECKS } from './registry.js';
export type { CheckEvaluator, Evaluate, PrepareEnv } from './evaluator.js';
export { OutputView, parseJsonOutput, type ParsedJson } from './output-view.js';
export { editDistance, similarity, type EditDistance } from './text-distance.js';
export { clearModuleCache, interpret as interpretJavascriptResult } from './checks/javascript.js';
