// The run stage: providers, concurrency, retries, cache, streaming results to the store. Only import surface of run/.
export {
  executeRun,
  newRunId,
  cacheKeyFor,
  FORMAT_VERSION,
  type RunOptions,
  type ItemGate,
  type RunOutcome,
  type RunEvent,
  type DistributedRole,
} from './execute.js';
export { classifyError, parseRetryAfter, backoffMs, type ErrorClass, type ClassifiedError, type RetryPolicy } from './errors.js';
export { type CallTarget, type CallRequest, type CallResponse } from './call-target.js';
export { readReplayFile } from './providers/replay.js';
export { networkLanguageModel } from './providers/registry.js';
export type { ChainProvider } from './chain-steps.js';
export { fromOpenAIMessages, OpenAIMessagesError } from './openai-transcript.js';
export { SecretScrubber } from './secrets.js';
export { CostBudget, createBudget, estimatePartCost, judgeCostOf, DEFAULT_EXPECTED_OUTPUT_TOKENS, type BudgetSummary, type Reservation } from './budget.js';
export {
  estimatePlan,
  variantHistory,
  ASSUMED_OUTPUT_TOKENS_PER_SECOND,
  ASSUMED_OVERHEAD_MS,
  type RunEstimate,
  type VariantEstimate,
  type VariantHistory,
  type EstimateOptions,
} from './estimate.js';
export { createJudgeClient, createRunJudge, judgeModelRef, judgeModelsInPlan, type JudgeClientOptions, type RunJudgeClient } from './judge-client.js';
export { applyJudgeOutcome, scoreDeferredChecks, validateDeferredChecks, type DeferredPhaseSummary } from './judge-phase.js';
export { takeRunLease, leaseIsLive, LEASE_TTL_MS, type LeaseHandle } from './lease.js';
export { estimateJudges, type JudgeEstimate } from './judge-estimate.js';
export { reusableKeys } from './reuse.js';
export { RateLimits } from './rate-limit/registry.js';
export { ProviderSlots, type SlotLender } from './call-with-retries.js';
export { Semaphore } from './concurrency.js';
export type { RateBucket, RateBudget } from './rate-limit/budget.js';
