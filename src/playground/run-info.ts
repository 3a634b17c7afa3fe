// What can be tried on a stored run (GET /api/playground/runs/:id): its suite file as it is now (models, prompts,
// providers, params), the run's variants and whether each is still in that file, and the run's case tags.
import { EvalspecError } from '../errors.js';
import { loadSuite, type Suite } from '../suite/index.js';
import type { RunRecord, Store } from '../store/index.js';
import type { PlaygroundParams, PlaygroundRunInfo, PlaygroundRole } from '../viewer/index.js';

export async function storedRun(store: Store, runId: string): Promise<RunRecord> {
  const run = await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in the store`, { hint: 'pick a run from the runs page' });
  return run;
}

/** The run's suite file loaded as it is now; a load failure keeps its code, message and fix. */
export function suiteOfRun(run: RunRecord, options: { models?: string[] } = {}): Suite {
  return loadSuite(run.suiteFile, options);
}

/** Only the params the playground may change (never `stop` lists or anything else the suite sets). */
export function playgroundParams(params: Record<string, unknown>): PlaygroundParams | null {
  const out: PlaygroundParams = {};
  for (const key of ['temperature', 'max_tokens', 'top_p', 'seed'] as const) {
    if (typeof params[key] === 'number') out[key] = params[key];
  }
  return Object.keys(out).length ? out : null;
}

/** The suite's model for a stored variant: by label, else by ref (a renamed label). */
export function modelOfVariant(suite: Suite, variant: { label: string; model: string }) {
  return suite.models.find((m) => m.label === variant.label) ?? suite.models.find((m) => m.ref === variant.model);
}

export async function runInfo(store: Store, runId: string): Promise<PlaygroundRunInfo> {
  const run = await storedRun(store, runId);
  const tags = new Set<string>();
  for await (const c of store.cases.keys(run.id)) for (const t of c.tags) tags.add(t);
  const base = { runId: run.id, suiteName: run.suiteName, suiteFile: run.suiteFile, tags: [...tags].sort() };
  let suite: Suite;
  try {
    suite = suiteOfRun(run);
  } catch (error) {
    const e = error as EvalspecError;
    const problem = `${run.suiteFile} no longer loads: ${e.message}${e.hint ? ` (fix: ${e.hint})` : ''}`;
    return {
      ...base,
      models: [],
      prompts: [],
      providers: [],
      params: null,
      variants: run.variants.map((v) => ({ id: v.id, label: v.label, promptId: v.prompt, comparable: false })),
      problem,
    };
  }
  return {
    ...base,
    // Labels and refs only: provider settings (keys, base URLs, headers) never leave the server.
    models: suite.models.map((m) => ({ label: m.label, ref: m.ref })),
    prompts: suite.promptsImplicit
      ? []
      : suite.prompts.map((p) => ({ id: p.id, messages: p.messages.map((m) => ({ role: m.role as PlaygroundRole, content: m.content })) })),
    // The suite's own providers and those its models use (a built-in type named by a model ref).
    providers: [
      ...new Set([...Object.keys((suite.storedConfig.providers as Record<string, unknown> | undefined) ?? {}), ...suite.models.map((m) => m.providerId)]),
    ],
    params: playgroundParams(suite.params),
    variants: run.variants.map((v) => ({
      id: v.id,
      label: v.label,
      promptId: v.prompt,
      comparable: modelOfVariant(suite, v) !== undefined && suite.prompts.some((p) => p.id === v.prompt),
    })),
    problem: null,
  };
}
