// `evalspec run --dry-run` as a library call: load the suite, build the plan, validate it, and estimate
// what running it would cost and take (run/estimate.ts) without calling any provider. Reads the store, when
// one exists, for a previous run of the same suite (its output lengths and latencies) and, with `resume`,
// for the calls already done; it never creates a store or writes to one.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvalspecError } from './errors.js';
import { loadSuite } from './suite/index.js';
import { buildPlan } from './plan/index.js';
import { estimatePlan, variantHistory, type RunEstimate } from './run/index.js';
import { DEFAULT_DB_PATH, openStore, type Store } from './store/index.js';
import { validatePlanChecks } from './pipeline.js';

export interface EstimateSuiteOptions {
  db?: string;
  store?: Store;
  models?: string[];
  repeat?: number;
  concurrency?: number;
  expectedOutputTokens?: number;
  /** Estimate only what a resume of this run would still call. */
  resume?: string;
  /** Use a previous run's output lengths and latencies (default true). */
  history?: boolean;
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
    if (options.resume) {
      const previous = await store?.runs.get(options.resume);
      if (!store || !previous) throw new EvalspecError('RUN_NOT_FOUND', `no run ${options.resume}${store ? ` in ${store.location}` : ' (no store yet)'}`, { hint: 'list runs with `evalspec runs`' });
      path ??= previous.suiteFile;
      done = await store.results.completedKeys(options.resume);
    }
    if (!path) throw new EvalspecError('USAGE', 'no suite given', { hint: 'evalspec run path/to/evalspec.yaml --dry-run' });
    const suite = loadSuite(path, { models: options.models });
    const plan = buildPlan(suite, { repeat: options.repeat });
    validatePlanChecks(plan);
    const history = store && options.history !== false ? await variantHistory(store, suite.name, plan.variants.map((v) => v.id)) : undefined;
    const estimate = estimatePlan(plan, {
      expectedOutputTokens: options.expectedOutputTokens,
      history,
      done,
      concurrency: options.concurrency,
    });
    return { ...estimate, resumed: options.resume ?? null };
  } finally {
    if (store && !options.store) await store.close();
  }
}
