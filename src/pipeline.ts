// The whole pipeline in one call: suite → plan → run → store → report. The CLI's `run` is a thin wrapper
// around this, and TypeScript users call it directly.
import { EXIT, EvalspecError } from './errors.js';
import { loadSuite, compileCheck, stableStringify, reducerK, repeatReduceText } from './suite/index.js';
import { buildPlan, type Plan } from './plan/index.js';
import { executeRun, type RunEvent, type RunOutcome } from './run/index.js';
import { openStore, type Store } from './store/index.js';
import { buildRunReport, writeJsonReport, writeJunitReport, writeMarkdownReport, gateSummary, type RunReport } from './report/index.js';
import type { GateSummary } from './stats/index.js';
import { terminateUserCode } from './user-code/index.js';
import { isolatedModuleError } from './score/index.js';

export interface RunSuiteOptions {
  /** Store path or URL (default .evalspec/evalspec.db). Ignored when `store` is given. */
  db?: string;
  store?: Store;
  label?: string;
  cache?: boolean;
  resume?: string;
  concurrency?: number;
  /** Only these models (labels or refs). */
  models?: string[];
  repeat?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  json?: string;
  junit?: string;
  md?: string;
  /** Stop cleanly before this invocation's spend would pass this many USD (exit 3; --resume continues). */
  maxCostUsd?: number;
  /** Output tokens per call assumed by the budget before any is measured (default 256). */
  expectedOutputTokens?: number;
  /** Quality bars that are inconclusive (not proven) do not fail the run (exit 1) when true. */
  allowInconclusive?: boolean;
  /**
   * Run javascript checks isolated: no environment variables, no import()/require, no files or network;
   * module checks are refused up front (CHECK_ISOLATED). `evalspec ci` sets it unless --trust-checks.
   */
  isolateChecks?: boolean;
}

export interface RunSuiteResult {
  outcome: RunOutcome;
  report: RunReport;
  exitCode: number;
  /** The quality bars' verdict counts and whether they pass. */
  gate: GateSummary;
}

/**
 * Validate templated check arguments once per distinct rendered spec (e.g. a regex built from {{vars}}).
 * With `isolated`, a javascript module check is CHECK_ISOLATED here, before a run is created.
 */
export function validatePlanChecks(plan: Plan, options: { isolated?: boolean } = {}): void {
  const seen = new Set<string>();
  for (const planned of plan.cases) {
    for (const spec of planned.checks) {
      const key = stableStringify(spec);
      if (seen.has(key)) continue;
      seen.add(key);
      const where = { file: planned.case.source.file, line: planned.case.source.line, caseId: planned.case.id };
      compileCheck(spec, where);
      if (options.isolated && spec.type === 'javascript' && spec.file !== undefined) {
        throw isolatedModuleError(spec.file, where);
      }
    }
  }
}

export function exitCodeFor(outcome: RunOutcome): number {
  if (outcome.fatal) return outcome.fatal.exitCode;
  if (outcome.status === 'cancelled') return EXIT.cancelled;
  if (outcome.status !== 'completed') return EXIT.incomplete;
  return EXIT.ok;
}

export async function runSuite(suitePath: string | undefined, options: RunSuiteOptions = {}): Promise<RunSuiteResult> {
  const store = options.store ?? openStore(options.db);
  try {
    let path = suitePath;
    if (options.resume && !path) {
      const previous = await store.runs.get(options.resume);
      if (!previous) throw new EvalspecError('RUN_NOT_FOUND', `no run ${options.resume} in ${store.location}`, { hint: 'list runs with `evalspec runs`' });
      path = previous.suiteFile;
    }
    if (!path) throw new EvalspecError('USAGE', 'no suite given', { hint: 'evalspec run path/to/evalspec.yaml' });
    const suite = loadSuite(path, { models: options.models });
    const plan = buildPlan(suite, { repeat: options.repeat });
    const reduce = repeatReduceText(suite.storedConfig.repeat);
    if ((reducerK(reduce, plan.repeat) ?? 0) > plan.repeat) {
      throw new EvalspecError('USAGE', `the suite reduces repeats with ${reduce}, which needs at least that many repeats; --repeat ${plan.repeat} gives fewer`, {
        file: suite.file,
        hint: `use --repeat with at least the k of ${reduce}, or write reduce: ${reduce[4]}k (k = the repeat count)`,
      });
    }
    validatePlanChecks(plan, { isolated: options.isolateChecks });
    // Ctrl-C must not wait for user code: stop every worker running it (the run then ends cancelled).
    const stopUserCode = () => terminateUserCode();
    options.signal?.addEventListener('abort', stopUserCode, { once: true });
    const outcome = await executeRun(plan, {
      store,
      label: options.label,
      cache: options.cache,
      resumeRunId: options.resume,
      concurrency: options.concurrency,
      signal: options.signal,
      onEvent: options.onEvent,
      maxCostUsd: options.maxCostUsd,
      expectedOutputTokens: options.expectedOutputTokens,
      isolateChecks: options.isolateChecks,
    }).finally(() => options.signal?.removeEventListener('abort', stopUserCode));
    const report = await buildRunReport(store, outcome.runId);
    report.warnings = [...new Set([...report.warnings, ...outcome.warnings])];
    if (options.json) await writeJsonReport(store, report, options.json);
    if (options.junit) await writeJunitReport(store, outcome.runId, options.junit);
    if (options.md) await writeMarkdownReport(store, report, options.md);
    // An incomplete, cancelled or refused run keeps its own code (3, 130, 4) even when bars fail.
    const gate = gateSummary(report, options.allowInconclusive);
    return { outcome, report, exitCode: exitCodeFor(outcome) || (gate.pass ? EXIT.ok : EXIT.barFailed), gate };
  } finally {
    if (!options.store) await store.close();
  }
}
