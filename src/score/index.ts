// The score stage's only import surface.
export type { CheckContext, CheckOutcome, CheckOutcomePart, CheckResult } from './check-types.js';
export {
  toolCallsOf,
  finalAnswerOf,
  type Transcript,
  type TranscriptMessage,
  type TranscriptToolCall,
  type TranscriptStop,
  type TranscriptUsage,
  type ToolErrorClass,
  type ToolCallRecord,
  type RetrievedDocument,
  type SimulatedUserFigures,
  type ChainStep,
} from './transcript.js';
export { describeCall } from './checks/tool-calls.js';
export { ABSTAIN_PATTERNS, REFUSAL_PATTERNS, REFUSAL_WINDOW, abstentionIn, canaryFormIn, refusalIn } from './checks/safety.js';
export { prepareChecks, scoreOutput, combineChecks, type PreparedCheck, type ScoredOutput } from './score.js';
export {
  CHECKS,
  CHECK_TYPES,
  checkKeys,
  checkSpecSchema,
  compileCheck,
  isCheckType,
  templatedText,
  JUDGE_CHECK_TYPES,
  isJudgeCheckType,
  judgeMetadataOf,
  judgeModelsOf,
  isDeferredCheck,
  type CheckDefinition,
  type CheckEvaluator,
  type CheckLocation,
  type CheckSpec,
  type CheckSpecInput,
  type CheckSpecOf,
  type CheckType,
  type CompiledCheck,
  type JudgeMetadata,
  type JudgeModelInput,
} from './registry.js';
export { defineCheck, commonCheckFields } from './checks/definition.js';
export { compileJsonSchema, formatErrors as formatJsonSchemaErrors, JSON_SCHEMA_FORMATS } from './checks/json.js';
export type { InlineCheckFunction, InlineCheckSource } from './checks/javascript.js';
export type { Evaluate, PrepareEnv } from './evaluator.js';
export { OutputView, parseJsonOutput, jsonEqual, type ParsedJson } from './output-view.js';
export { editDistance, similarity, type EditDistance } from './text-distance.js';
export { clearModuleCache, interpret as interpretJavascriptResult, isolatedModuleError } from './checks/javascript.js';
export {
  judgeModelName,
  JudgeAnswerError,
  JudgeCallError,
  type JudgeAnswer,
  type JudgeClient,
  type JudgeDetail,
  type JudgeModelSpec,
  type JudgeRequest,
  type JudgeVote,
  type PairwiseOrder,
} from './judge-types.js';
export { escapeFenced, fence, FENCE_TAGS } from './judges/fence.js';
export { JUDGE_SYSTEM } from './judges/prompts.js';
export { answerFormatText } from './judges/answer-format.js';
export { modelEntryObjectSchema, paramsSchema, priceSchema, type GenerationParams, type PriceOverride } from './model-settings.js';
