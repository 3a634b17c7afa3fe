// Classify every failed call into one error class, and decide whether and when to retry it. This is the
// only retry policy in evalspec: the AI SDK is always called with maxRetries: 0.
import { APICallError } from '@ai-sdk/provider';

export type ErrorClass =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'bad-request'
  | 'malformed-response'
  | 'missing-output'
  | 'function-error'
  | 'judge-error'
  | 'check-error'
  | 'cancelled';

export interface ClassifiedError {
  errorClass: ErrorClass;
  message: string;
  retryable: boolean;
  /** From Retry-After / retry-after-ms when the provider sent one. */
  retryAfterMs?: number;
  status?: number;
}

/** An error a provider target throws on purpose, already classified (replay gaps, user function errors). */
export class CallFailure extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

const MALFORMED = new Set([
  'AI_JSONParseError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
  'AI_EmptyResponseBodyError',
  'AI_NoContentGeneratedError',
  'AI_NoObjectGeneratedError',
]);

export function parseRetryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Gemini sends no Retry-After header: a 429 names its delay only in the error body, as a google.rpc.RetryInfo
 * detail whose retryDelay is a protobuf duration (decimal seconds, e.g. "45.837906927s").
 */
export function parseRetryDelayFromBody(body: string | undefined): number | undefined {
  if (!body || !body.includes('RetryInfo')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const envelope = (Array.isArray(parsed) ? parsed[0] : parsed) as { error?: { details?: unknown } } | undefined;
  const details = envelope?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details as Array<Record<string, unknown>>) {
    if (typeof d?.['@type'] !== 'string' || !d['@type'].endsWith('google.rpc.RetryInfo')) continue;
    const m = typeof d.retryDelay === 'string' ? /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(d.retryDelay) : null;
    if (m) return Number(m[1]) * 1000;
  }
  return undefined;
}

/** The provider's requested delay: a Retry-After(-ms) header, else a delay named in the error body. */
function retryAfterOf(error: APICallError): number | undefined {
  return parseRetryAfter(error.responseHeaders) ?? parseRetryDelayFromBody(error.responseBody);
}

function shorten(text: string, max = 400): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** Names the limit and the setting that raises it, so a timeout is not a mystery to fix. */
function timedOutMessage(timeoutMs: number | undefined): string {
  if (timeoutMs === undefined) return 'the call timed out (raise timeout_ms in the suite, or per provider under providers:)';
  const limit = timeoutMs >= 1000 ? `${Number((timeoutMs / 1000).toFixed(1))} s` : `${timeoutMs} ms`;
  return `the call timed out after ${limit} (timeout_ms: ${timeoutMs}; raise timeout_ms in the suite, or per provider under providers:)`;
}

export function classifyError(error: unknown, state: { timedOut: boolean; cancelled: boolean; timeoutMs?: number }): ClassifiedError {
  if (state.cancelled) return { errorClass: 'cancelled', message: 'cancelled', retryable: false };
  if (state.timedOut) return { errorClass: 'timeout', message: timedOutMessage(state.timeoutMs), retryable: true };
  if (error instanceof CallFailure) return { errorClass: error.errorClass, message: shorten(error.message), retryable: error.retryable };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const detail = shorten(error.message);
    if (status === 429) {
      return { errorClass: 'rate-limit', message: `429 ${detail}`, retryable: true, status, retryAfterMs: retryAfterOf(error) };
    }
    if (status === 401 || status === 403) return { errorClass: 'auth', message: `${status} ${detail}`, retryable: false, status };
    if (status === 408) return { errorClass: 'timeout', message: `408 ${detail}`, retryable: true, status };
    if (status !== undefined && status >= 500) {
      return { errorClass: 'server', message: `${status} ${detail}`, retryable: true, status, retryAfterMs: retryAfterOf(error) };
    }
    if (status !== undefined && status >= 400) return { errorClass: 'bad-request', message: `${status} ${detail}`, retryable: status === 409, status };
    if (/invalid json|json parse|type validation/i.test(error.message)) {
      return { errorClass: 'malformed-response', message: detail, retryable: true, status };
    }
    return { errorClass: 'network', message: detail, retryable: true, status };
  }
  const name = (error as { name?: string })?.name ?? '';
  const message = shorten((error as Error)?.message ?? String(error));
  if (MALFORMED.has(name)) return { errorClass: 'malformed-response', message, retryable: true };
  if (name === 'AbortError' || name === 'TimeoutError') return { errorClass: 'timeout', message: 'the call timed out', retryable: true };
  if (name === 'TypeError' && /fetch failed|socket|ECONN/i.test(message)) return { errorClass: 'network', message, retryable: true };
  return { errorClass: 'network', message, retryable: false };
}

export interface RetryPolicy {
  /** Retries of server, timeout, network and malformed-response errors (a 429 does not count). */
  max: number;
  baseMs: number;
  maxMs: number;
  /** How long one call may keep being rate-limited (429) before it is an error (retries.max_wait_s). */
  maxWaitMs?: number;
}

/** retries.max_wait_s when the suite does not set it: ten minutes of 429s for one call. */
export const DEFAULT_MAX_WAIT_MS = 600_000;

/** Exponential backoff with jitter; a provider's Retry-After wins (capped so a bad header cannot stall a run). */
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, Math.max(policy.maxMs, 60_000)) + Math.floor(random() * 100);
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(exp / 2 + random() * (exp / 2));
}
