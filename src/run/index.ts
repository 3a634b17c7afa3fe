// The run stage: providers, concurrency, retries, cache, streaming results to the store. Only import surface of run/.
export { executeRun, newRunId, cacheKeyFor, FORMAT_VERSION, type RunOptions, type RunOutcome, type RunEvent } from './execute.js';
export { classifyError, parseRetryAfter, backoffMs, type ErrorClass, type ClassifiedError, type RetryPolicy } from './errors.js';
export { readReplayFile, type CallTarget, type CallRequest, type CallResponse } from './targets.js';
export { createPricer, type Pricer } from './pricing.js';
