// The suite stage: load and validate a suite file into a typed Suite. The only import surface of suite/.
export { loadSuite, type Suite, type ModelRef, type LoadSuiteOptions } from './load.js';
export { selectCases } from './selection.js';
export { type Case, hashJson, loadCaseFile } from './cases.js';
export { arrayCaseSource, caseSourceOf, type CaseSource } from './case-source.js';
export { renderTemplate, renderDeep, templateVariables } from './template.js';
export { resolveEnv, requireEnv, redactSecrets, envVariablesIn } from './env.js';
export { PROVIDER_TYPES, PROVIDER_TYPE_FACTS, BUILT_IN_PROVIDER_TYPES, isProviderType, type ProviderType } from './provider-types.js';
export { type ProviderConfig, type Prompt, type Message, type GenerationParams, type PriceOverride, type BarSpec, type RateLimitSpec } from './schema.js';
export { validateCheckSpec } from './check-specs.js';
export { CHECK_TYPES, compileCheck, type CheckSpec, type CheckSpecOf, type CheckType, type CheckLocation, type CompiledCheck } from '../score/index.js';
export { judgeModelsOf, isJudgeCheckType, isDeferredCheck, type JudgeModelInput } from './judge-specs.js';
export { loadPreferences, type PreferenceRow } from './preferences.js';
export { readTextFile, decodeText, jsonLines, csvRows, type CsvFormat, type JsonLinesFormat } from './text-file.js';
export {
  MONITOR_METRICS,
  DEPLOYMENT_STAGES,
  durationMs,
  type MonitorSpec,
  type MonitorMetric,
  type ProductionSpec,
  type DeploymentStage,
} from './monitor-schema.js';
export { type ValidatedMonitor } from './monitor-validation.js';
export { parseYamlWithLines, throwSchemaIssue, type LocatedYaml } from './source-map.js';
export { TOOL_NAME_PATTERN, DEFAULT_MAX_STEPS, type SuiteTool, type FixedToolResult } from './tools-schema.js';
export { SIMULATED_USER_DEFAULTS, turnMetric, type ConversationTurn, type SimulatedUser } from './conversation-schema.js';
export { SPEC_SECTIONS, type SpecBlock, type SpecSectionId } from './spec-schema.js';
export {
  REDTEAM_PLUGIN_IDS,
  REDTEAM_STRATEGY_IDS,
  SUITE_PARTS,
  redteamEntry,
  type RedteamPluginId,
  type RedteamStrategyId,
  type RedteamSpec,
  type SuitePart,
  type SuiteRedteam,
} from './redteam-schema.js';
