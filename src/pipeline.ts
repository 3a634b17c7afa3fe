// The whole pipeline in one call: suite → plan → run → store → report. The CLI's `run` is a thin wrapper
// around this, and TypeScript users call it directly.
import { EXIT, EvalspecError } from './errors.js';
import { loadSuite, compileCheck, caseSourceOf, type Case, type SuitePart } from './suite/index.js';
import { stableStringify } from './stable-json.js';
import { reducerK, repeatReduceText } from './stats/index.js';
import { buildPlan, variantsOf, type Plan } from './plan/index.js';
import { executeRun, type DistributedRole, type RunEvent, type RunOutcome } from './run/index.js';
import { openStore, type PlanSelection, type RunRecord, type Store } from './store/index.js';
import {
  buildRunReport,
  fileReporters,
  gateSummary,
  latestComparableRun,
  reportRunEnd,
  reportRunStart,
  type Reporter,
  type ReportFileOptions,
  type RunReport,
} from './report/index.js';
import type { GateSummary } from './stats/index.js';
import { terminateUserCode } from './user-code/index.js';
import { isolatedModuleError } from './score/index.js';

/**
 * `json`, `junit` and `md`: the report files to write (ReportFileOptions, one per file format of the reporter
 * registry, src/report/reporters/).
 */
export interface RunSuiteOptions extends ReportFileOptions {
  /** Store path or URL (default .evalspec/evalspec.db). Ignored when `store` is given. */
  db?: string;
  store?: Store;
  label?: string;
  cache?: boolean;
  resume?: string;
  concurrency?: number;
  /** Only these models (labels or refs; a `provider:model` ref on a suite provider may name a model the suite lacks). */
  models?: string[];
  /** Only these prompt ids (issue #20). */
  prompts?: string[];
  /**
   * Compare with this stored run (an id, or "latest": the suite's latest completed run that is not a trial): run the
   * selected models/prompts on that run's cases plus its variants, whose results are reused (no call). Issue #20.
   */
  against?: string;
  /** Stream network calls (time to first token stored; RunOptions.stream). */
  stream?: boolean;
  /** Which cases: the suite's `cases:` (default), its generated red-team cases, or both (issue #18). */
  part?: SuitePart;
  repeat?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** More reporters (your own, or built-ins from report.REPORTERS), called after the report files are written. */
  reporters?: Reporter[];
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
  /** Run even when the plan has no cases (otherwise EMPTY_PLAN, exit 2). */
  allowEmpty?: boolean;
  /** A distributed run: how this process takes part, given the plan (distribute/ coordinatorRole). */
  distributed?: (plan: Plan, store: Store) => DistributedRole;
}

export interface RunSuiteResult {
  outcome: RunOutcome;
  report: RunReport;
  exitCode: number;
  /** The quality bars' verdict counts and whether they pass. */
  gate: GateSummary;
  /** `against`: the stored run compared with (`latest` resolved) and whose unchanged results were reused. */
  againstRunId?: string;
}

/**
 * Validate templated check arguments once per distinct rendered spec (e.g. a regex built from {{vars}}).
 * With `isolated`, a javascript module check is CHECK_ISOLATED here, before a run is created.
 */
export function validatePlanChecks(plan: Plan, options: { isolated?: boolean } = {}): void {
  // The specs compiled lately: suite-wide checks render the same for most cases; per-case values (`contains:
  // "{{expected}}"`) make a spec per case, which is compiled again rather than remembered (flat at a million cases).
  let seen = new Set<string>();
  for (const planned of plan.cases) {
    for (const spec of planned.checks) {
      const key = stableStringify(spec);
      if (seen.has(key)) continue;
      if (seen.size >= 10_000) seen = new Set();
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

/**
 * The selection a resume must plan with: the one stored with the run (older runs: their stored variants'
 * models and repeat count). Flags given again must agree with it: a resume makes exactly the planned calls.
 */
export function resumeSelection(previous: RunRecord, flags: { models?: string[]; prompts?: string[]; repeat?: number; part?: SuitePart }): PlanSelection {
  const stored: PlanSelection = previous.selection ?? { models: [...new Set(previous.variants.map((v) => v.label))], repeat: previous.repeat };
  const same = (a: string[] | null, b: string[]) => a !== null && a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
  const resumeHint = `omit the flag: \`evalspec run --resume ${previous.id}\` plans what the run planned; to call something else, start a new run (the cache keeps the calls already made)`;
  if (
    flags.models?.length &&
    !(
      same(stored.models, flags.models) ||
      (stored.models === null &&
        same(
          previous.variants.map((v) => v.label),
          flags.models,
        ))
    )
  ) {
    throw new EvalspecError(
      'USAGE',
      `run ${previous.id} was planned with ${stored.models ? `--model ${stored.models.join(' ')}` : 'every model of the suite'}; --resume cannot change it to --model ${flags.models.join(' ')}`,
      { hint: resumeHint },
    );
  }
  if (flags.prompts?.length && !same(stored.prompts ?? null, flags.prompts)) {
    throw new EvalspecError(
      'USAGE',
      `run ${previous.id} was planned with ${stored.prompts ? `--prompt ${stored.prompts.join(' ')}` : 'every prompt of the suite'}; --resume cannot change it to --prompt ${flags.prompts.join(' ')}`,
      { hint: resumeHint },
    );
  }
  if (flags.part !== undefined && flags.part !== (stored.part ?? 'cases')) {
    throw new EvalspecError('USAGE', `run ${previous.id} was planned with --suite-part ${stored.part ?? 'cases'}; --resume cannot change it to ${flags.part}`, {
      hint: resumeHint,
    });
  }
  if (flags.repeat !== undefined && flags.repeat !== stored.repeat) {
    throw new EvalspecError('USAGE', `run ${previous.id} was planned with --repeat ${stored.repeat}; --resume cannot change it to ${flags.repeat}`, {
      hint: resumeHint,
    });
  }
  return stored;
}

/** Load the suite with a selection; a stored selection the suite no longer satisfies means the suite changed. */
export function loadSelected(
  path: string,
  selection: { models?: string[] | null; prompts?: string[] | null; repeat?: number; part?: SuitePart },
  resumed?: RunRecord,
): Plan {
  let suite;
  try {
    suite = loadSuite(path, { models: selection.models ?? undefined, prompts: selection.prompts ?? undefined, part: selection.part });
  } catch (error) {
    if (resumed && (error as EvalspecError).code === 'USAGE') {
      throw new EvalspecError(
        'RESUME_MISMATCH',
        `run ${resumed.id} was planned with ${[...(selection.models ? [`--model ${selection.models.join(' ')}`] : []), ...(selection.prompts ? [`--prompt ${selection.prompts.join(' ')}`] : [])].join(' ')}, which the suite file no longer has: the suite changed since the run`,
        {
          file: resumed.suiteFile,
          hint: 'resume only with the suite unchanged; start a new run instead (the cache still saves the calls already made)',
        },
      );
    }
    throw error;
  }
  return buildPlan(suite, { repeat: selection.repeat });
}

/**
 * `run --against RUN` (issue #20): the plan of the selected models/prompts (every variant when none is selected) and
 * of the stored run's variants the suite still has (first, in the stored order: the stored baseline stays the
 * report's baseline unless the suite's `baseline:` names another), on the stored run's cases only, at its repeat
 * unless one is given. Its unchanged results are then reused (RunOptions.reuseFrom): only the new calls are paid.
 */
export async function planAgainst(
  store: Store,
  path: string,
  ref: string,
  selection: { models?: string[] | null; prompts?: string[] | null; repeat?: number; part?: SuitePart },
): Promise<{ plan: Plan; against: RunRecord }> {
  const suite = loadSuite(path, { models: selection.models ?? undefined, prompts: selection.prompts ?? undefined, keepUnselected: true, part: selection.part });
  const against = ref === 'latest' ? await latestComparableRun(store, suite.name) : await store.runs.get(ref);
  if (!against) {
    throw new EvalspecError(
      'RUN_NOT_FOUND',
      ref === 'latest' ? `no completed run of suite "${suite.name}" in ${store.location} to compare with` : `no run ${ref} in ${store.location}`,
      { file: suite.file, hint: ref === 'latest' ? `run the suite once first: evalspec run ${suite.file}` : 'list stored runs with `evalspec runs`' },
    );
  }
  const all = variantsOf(suite);
  const stored = against.variants.flatMap((s) => all.filter((v) => v.model.label === s.label && v.prompt.id === s.prompt).map((v) => v.id));
  const { models, prompts } = selection;
  const picked = all.filter(
    (v) => (!models?.length || models.includes(v.model.label) || models.includes(v.model.ref)) && (!prompts?.length || prompts.includes(v.prompt.id)),
  );
  const caseIds = new Set<string>();
  for await (const k of store.cases.keys(against.id)) caseIds.add(k.caseId);
  const cases: Case[] = [];
  for (const c of caseSourceOf(suite)) if (caseIds.has(c.id)) cases.push(c);
  const plan = buildPlan(suite, { cases, repeat: selection.repeat ?? against.repeat, variants: [...stored, ...picked.map((v) => v.id)] });
  return { plan, against };
}

/** Zero cases is a mistake (an empty or filtered-out cases file) unless asked for: nothing to measure. */
export function checkNotEmpty(plan: Plan, allowEmpty: boolean | undefined): void {
  if (plan.cases.length > 0 || allowEmpty) return;
  const cases = plan.suite.storedConfig.cases;
  throw new EvalspecError(
    'EMPTY_PLAN',
    `the suite has no cases${typeof cases === 'string' && !cases.endsWith('inline cases') ? ` (${cases} is empty)` : ''}: nothing would be measured`,
    {
      file: plan.suite.file,
      hint: 'add cases (inline under cases:, or lines in the cases file); pass --allow-empty to record an empty run on purpose',
    },
  );
}

export async function runSuite(suitePath: string | undefined, options: RunSuiteOptions = {}): Promise<RunSuiteResult> {
  const store = options.store ?? openStore(options.db);
  try {
    let path = suitePath;
    let previous: RunRecord | undefined;
    if (options.resume) {
      previous = await store.runs.get(options.resume);
      if (!previous) throw new EvalspecError('RUN_NOT_FOUND', `no run ${options.resume} in ${store.location}`, { hint: 'list runs with `evalspec runs`' });
      path ??= previous.suiteFile;
    }
    if (!path) throw new EvalspecError('USAGE', 'no suite given', { hint: 'evalspec run path/to/evalspec.yaml' });
    // The plan (every work item, rendered) is only reachable inside execute(): once the calls are done it can be
    // collected before the report is built, which matters at a million work items (issue #22).
    let againstRunId: string | undefined;
    const execute = async () => {
      const selection: Omit<PlanSelection, 'repeat'> & { repeat?: number } = previous
        ? resumeSelection(previous, options)
        : {
            models: options.models?.length ? options.models : null,
            prompts: options.prompts?.length ? options.prompts : null,
            repeat: options.repeat,
            ...(options.part && options.part !== 'cases' ? { part: options.part } : {}),
          };
      // A resumed --against run plans against the run it was compared with (its id kept with the selection).
      const againstRef = previous ? (selection.against ?? undefined) : options.against;
      const { plan, against } = againstRef
        ? await planAgainst(store, path, againstRef, selection)
        : { plan: loadSelected(path, selection, previous), against: undefined };
      againstRunId = against?.id;
      if (!previous) checkNotEmpty(plan, options.allowEmpty);
      const reduce = repeatReduceText(plan.suite.storedConfig.repeat);
      if ((reducerK(reduce, plan.repeat) ?? 0) > plan.repeat) {
        throw new EvalspecError(
          'USAGE',
          `the suite reduces repeats with ${reduce}, which needs at least that many repeats; --repeat ${plan.repeat} gives fewer`,
          {
            file: plan.suite.file,
            hint: `use --repeat with at least the k of ${reduce}, or write reduce: ${reduce[4]}k (k = the repeat count)`,
          },
        );
      }
      validatePlanChecks(plan, { isolated: options.isolateChecks });
      const reporters = [...fileReporters(options), ...(options.reporters ?? [])];
      await reportRunStart(reporters, plan);
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
        selection: {
          models: selection.models ?? null,
          prompts: selection.prompts ?? null,
          against: against?.id ?? null,
          repeat: plan.repeat,
          ...(selection.part ? { part: selection.part } : {}),
        },
        reuseFrom: against?.id,
        stream: options.stream,
        distributed: options.distributed?.(plan, store),
      }).finally(() => options.signal?.removeEventListener('abort', stopUserCode));
      return { outcome, reporters };
    };
    const { outcome, reporters } = await execute();
    const report = await buildRunReport(store, outcome.runId, undefined, { keepFold: true });
    report.warnings = [...new Set([...report.warnings, ...outcome.warnings])];
    // The stored figures (every process of the run); this invocation's when they could not be stored.
    if (!report.rateLimits && outcome.rateLimits.length > 0) report.rateLimits = outcome.rateLimits;
    await reportRunEnd(reporters, report, store);
    // An incomplete, cancelled or refused run keeps its own code (3, 130, 4) even when bars fail.
    const gate = gateSummary(report, options.allowInconclusive);
    return { outcome, report, exitCode: exitCodeFor(outcome) || (gate.pass ? EXIT.ok : EXIT.barFailed), gate, againstRunId };
  } finally {
    if (!options.store) await store.close();
  }
}
