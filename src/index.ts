// evalspec's public TypeScript API: every stage, and the whole pipeline in one call.
export { runSuite, exitCodeFor, type RunSuiteOptions, type RunSuiteResult } from './pipeline.js';
export { estimateSuite, type EstimateSuiteOptions } from './estimate-suite.js';
export { VERSION } from './version.js';
export { EvalspecError, isEvalspecError, EXIT, type ErrorCode } from './errors.js';
export * as suite from './suite/index.js';
export { loadSuite, type Suite } from './suite/index.js';
export { buildPlan, type Plan, type Variant } from './plan/index.js';
export { executeRun, type RunOptions, type RunOutcome, type RunEvent } from './run/index.js';
export * as score from './score/index.js';
export { openStore, type Store, type RunRecord, type ResultRow } from './store/index.js';
export * as ingest from './ingest/index.js';
export { evalspecMiddleware, startCollector, type EvalspecMiddlewareOptions } from './ingest/index.js';
export { startCollectService, importProductionFiles, type CollectService, type CollectServiceOptions } from './monitor/index.js';
export * as stats from './stats/index.js';
export * as analysis from './analysis/index.js';
export * as report from './report/index.js';
export * as calibration from './calibration/index.js';
