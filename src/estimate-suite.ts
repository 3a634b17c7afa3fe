// `evalspec run --dry-run` as a library call: load the suite, build the plan, validate it, and estimate
// what running it would cost and take (run/estimate.ts) without calling any provider. Reads the store, when
// one exists, for a previous run of the same suite (its output lengths and latencies) and, with `resume`,
// for the calls already done; it never creates a store or writes to one.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvalspecError } from './errors.js';
import { createPricer } from './pricing/index.js';
import { DEFAULT_EXPECTED_OUTPUT_TOKENS, estimateJudges, estimatePlan, reusableKeys, variantHistory, type RunEstimate } from './run/index.js';
import { DEFAULT_DB_PATH, openStore, type RunRecord, type Store } from './store/index.js';
import { checkNotEmpty, loadSelected, planAgainst, resumeSelection, validatePlanChecks } from './pipeline.js';
import type { Plan } from './plan/index.js';
import type { SuitePart } from './suite/index.js';

export interface EstimateSuiteOptions {
  db?: string;
  store?: Store;
  models?: string[];
  /** Only these prompt ids. */
  prompts?: string[];
  /** Which cases (--suite-part; issue #18). */
  part?: SuitePart;
  /** `run --against RUN --dry-run`: the results that run would reuse are not estimated (issue #20). */
  against?: string;
  repeat?: number;
  concurrency?: number;
  expectedOutputTokens?: number;
  /** Estimate only what a resume of this run would still call. */
  resume?: string;
  /** Use a previous run's output lengths and latencies (default true). */
  history?: boolean;
  /** Estimate an empty plan instead of refusing it (EMPTY_PLAN). */
  allowEmpty?: boolean;
}

/** The store at this location if it already exists (a dry run never creates one). */
function existingStore(location?: string): Store | undefined {
  const where = location ?? process.env.EVALSPEC_DB ?? DEFAULT_DB_PATH;
  if (/^postgres(ql)?:\/\//.test(where) || where === ':memory:') return undefined;
  return existsSync(resolve(where)) ? openStore(where, { access: 'read' }) : undefined;
}

export async function estimateSuite(suitePath: string | undefined, options: EstimateSuiteOptions = {}): Promise<RunEstimate & { resumed: string | null }> {
  const store = options.store ?? existingStore(options.db);
  try {
    let path = suitePath;
    let done: Set<string> | undefined;
    let previous: RunRecord | undefined;
    if (options.resume) {
      previous = await store?.runs.get(options.resume);
      if (!store || !previous)
        throw new EvalspecError('RUN_NOT_FOUND', `no run ${options.resume}${store ? ` in ${store.location}` : ' (no store yet)'}`, {
          hint: 'list runs with `evalspec runs`',
        });
      path ??= previous.suiteFile;
      done = await store.results.completedKeys(options.resume);
    }
    if (!path) throw new EvalspecError('USAGE', 'no suite given', { hint: 'evalspec run path/to/evalspec.yaml --dry-run' });
    const selection = previous
      ? resumeSelection(previous, options)
      : { models: options.models, prompts: options.prompts, repeat: options.repeat, part: options.part };
    const againstRef = previous ? (previous.selection?.against ?? undefined) : options.against;
    if (againstRef && !store)
      throw new EvalspecError('RUN_NOT_FOUND', `no run ${againstRef} to compare with (no store yet)`, { hint: 'run the suite once first' });
    const planned = againstRef ? await planAgainst(store!, path, againstRef, selection) : { plan: loadSelected(path, selection, previous), against: undefined };
    const plan = planned.plan;
    // What the stored run answers is neither called nor paid (a resume's done items are left out already).
    if (planned.against && !previous) done = await reusableKeys(store!, planned.against.id, plan);
    if (!previous) checkNotEmpty(plan, options.allowEmpty);
    validatePlanChecks(plan);
    const estimate = await estimateLoadedPlan(plan, {
      store,
      history: options.history,
      done,
      concurrency: options.concurrency,
      expectedOutputTokens: options.expectedOutputTokens,
    });
    return { ...estimate, resumed: options.resume ?? null };
  } finally {
    if (store && !options.store) await store.close();
  }
}

/**
 * A built plan's estimate: its calls (less `done`) and its judge calls, priced, with a previous run's output lengths
 * and latencies from `store` when there is one. `estimateSuite` and the playground's trial estimate share it.
 */
export async function estimateLoadedPlan(
  plan: Plan,
  options: { store?: Store; history?: boolean; done?: Set<string>; concurrency?: number; expectedOutputTokens?: number },
): Promise<RunEstimate> {
  const { store, done } = options;
  const suite = plan.suite;
  const history =
    store && options.history !== false
      ? await variantHistory(
          store,
          suite.name,
          plan.variants.map((v) => v.id),
        )
      : undefined;
  const pricer = createPricer();
  const expectedOutputTokens = options.expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS;
  const estimate = estimatePlan(plan, { expectedOutputTokens, history, done, concurrency: options.concurrency, pricer });
  // Judge calls spend too (and --max-cost counts them): add them to the total.
  estimate.judges = await estimateJudges(plan, {
    outputTokensPerCall: new Map(estimate.variants.map((v) => [v.id, v.outputTokensPerCall])),
    expectedOutputTokens,
    done,
    pricer,
  });
  for (const j of estimate.judges) {
    if (j.costUsd !== null) estimate.costUsd += j.costUsd;
    else if (j.calls > 0) estimate.unpriced.push(j.model);
  }
  if (estimate.judges.length) {
    estimate.notes.push(
      "judge calls: the plan's judge checks run over a stand-in output of each variant's expected length, their prompts counted with the tokenizer; a judge asked again after an unusable answer is not counted, and the duration leaves judge calls out",
    );
  }
  return estimate;
}
