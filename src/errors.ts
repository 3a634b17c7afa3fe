// Typed errors shared by every stage. Each carries a stable `code`, the process exit code the CLI should
// use, a `hint` (the fix) and, where known, the location (file, line, case id). Callers check `code` or
// `isEvalspecError`, never `instanceof` across package copies.

/** Exit codes of the CLI. Distinct per failure class so CI scripts can branch on them. */
export const EXIT = {
  ok: 0,
  /** A quality bar was not met (or inconclusive without --allow-inconclusive). */
  barFailed: 1,
  /** Invalid input or configuration: nothing was run or nothing was changed. */
  invalidInput: 2,
  /** The run is incomplete: some cases are still in error after retries, or a budget stopped it. */
  incomplete: 3,
  /** A provider refused our credentials (401/403): the run stopped early, finished work is stored. */
  auth: 4,
  /** `evalspec import`: the suite was written, and IMPORT.md lists what could not be carried over. */
  importPartial: 5,
  /** `evalspec import`: nothing runnable could be written (no model, prompt or test maps); IMPORT.md says why. */
  importNone: 6,
  /**
   * A bug in evalspec (EX_SOFTWARE), including a command that stopped making progress: every operation it
   * waited on could never finish, so Node would have exited 0 with no result. Never a user's input.
   */
  internal: 70,
  /** Interrupted by the user (Ctrl-C); finished work is stored and can be resumed. */
  cancelled: 130,
  /** Stopped by SIGTERM (128 + 15), e.g. a service manager stopping `evalspec collect`; finished work is stored. */
  terminated: 143,
} as const;

export type ErrorCode =
  | 'SUITE_NOT_FOUND'
  | 'SUITE_YAML'
  | 'SUITE_SCHEMA'
  | 'CASES_FILE'
  | 'CASES_PARSE'
  | 'CASES_SCHEMA'
  | 'CHECK_UNKNOWN'
  | 'CHECK_INVALID'
  | 'TEMPLATE_VARIABLE'
  | 'ENV_VARIABLE'
  | 'PROVIDER_UNKNOWN'
  | 'PROVIDER_CONFIG'
  | 'API_KEY_MISSING'
  | 'PROVIDER_AUTH'
  | 'MODULE_LOAD'
  | 'CHECK_ISOLATED'
  | 'REPLAY_FILE'
  | 'RUN_NOT_FOUND'
  | 'RESUME_MISMATCH'
  | 'RUN_LOCKED'
  | 'EMPTY_PLAN'
  | 'STORE'
  | 'USAGE'
  | 'LABELS_FILE'
  | 'INGEST_INPUT'
  | 'EXPERIMENT_FILE'
  | 'EXPERIMENT_DATA';

const MARKER = Symbol.for('evalspec.error');

export interface ErrorLocation {
  file?: string;
  line?: number;
  caseId?: string;
}

export class EvalspecError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint?: string;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, options: { hint?: string; exitCode?: number; cause?: unknown } & ErrorLocation = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EvalspecError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.invalidInput;
    this.hint = options.hint;
    this.location = { file: options.file, line: options.line, caseId: options.caseId };
  }

  /** One human-readable block: where, what, and how to fix it. */
  format(): string {
    const { file, line, caseId } = this.location;
    const where = [file && (line ? `${file}:${line}` : file), caseId && `case ${caseId}`].filter(Boolean).join(', ');
    const lines = [`error[${this.code}]${where ? ` ${where}` : ''}: ${this.message}`];
    if (this.hint) lines.push(`  fix: ${this.hint}`);
    return lines.join('\n');
  }
}

export function isEvalspecError(value: unknown): value is EvalspecError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}
