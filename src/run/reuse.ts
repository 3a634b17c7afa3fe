// RunOptions.reuseFrom (issue #20): a stored run's results answer this run's unchanged work items with no call,
// what `run --against` and the playground's stored side pay nothing for. An item is unchanged when the stored run
// has a result for it without error, for the same case content, the same model ref, params and prompt id, the same
// rendered messages and the same repeat index. Variants are matched by (model label, prompt id), not by variant id: a
// prompt added to the suite renames "gpt-4o" to "gpt-4o/v1" without changing what it calls.
import { EvalspecError } from '../errors.js';
import { PROVIDER_TYPE_FACTS } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import type { Plan, Variant, WorkItem } from '../plan/index.js';
import type { ResultRow, RunRecord, StoredVariant, Store } from '../store/index.js';
import type { CallFigures } from './item-results.js';

export interface ReuseSource {
  /** The stored result that answers this item, taken (each is reused once); undefined when it must be called. */
  take(item: WorkItem): ResultRow | undefined;
}

/** What a reused result's row stores of its call: cached, cost 0 (this run paid nothing), no time to first token. */
export function reusedFigures(stored: ResultRow): CallFigures & { ttftMs: null } {
  return {
    cached: true,
    ttftMs: null,
    latencyMs: stored.latencyMs,
    inputTokens: stored.inputTokens,
    outputTokens: stored.outputTokens,
    costUsd: 0,
    attempts: 0,
  };
}

/** The params a stored variant was called with: the stored config's `params`, then its model entry's own. */
function storedParams(config: Record<string, unknown>, variant: StoredVariant): Record<string, unknown> {
  type Entry = { id: string; label?: string; params?: Record<string, unknown> };
  const entries = (Array.isArray(config.models) ? config.models : []) as (string | Entry)[];
  const sameRef = entries.map((e): Entry => (typeof e === 'string' ? { id: e } : e)).filter((e) => e.id === variant.model);
  // The entry that gave the variant its label (its own, or the natural one: the model name, or the ref when two
  // providers share it); none: an ad-hoc --model, called with the suite's params.
  const natural = (e: Entry) => e.label === undefined && (variant.label === variant.modelId || variant.label === variant.model);
  const entry = sameRef.find((e) => e.label === variant.label) ?? sameRef.find(natural);
  return { ...((config.params ?? {}) as Record<string, unknown>), ...(entry?.params ?? {}) };
}

/** The stored variant that called exactly what `variant` calls, if any. */
function storedTwin(previous: RunRecord, variant: Variant): StoredVariant | undefined {
  const twin = previous.variants.find((s) => s.label === variant.model.label && s.prompt === variant.prompt.id);
  if (!twin || twin.model !== variant.model.ref || twin.providerType !== variant.model.providerType) return undefined;
  return stableStringify(storedParams(previous.config, twin)) === stableStringify(variant.model.params) ? twin : undefined;
}

/**
 * Read what `runId` can answer for this plan: one streamed pass over the stored results of each matched variant,
 * keeping only error-free results of the plan's cases whose content is unchanged (a map keyed by case and repeat).
 */
export async function loadReuse(store: Store, runId: string, plan: Plan): Promise<ReuseSource> {
  const previous = await store.runs.get(runId);
  if (!previous)
    throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location} to reuse results from`, { hint: 'list runs with `evalspec runs`' });
  const current = new Map<string, string>(); // built in a loop: Array.from held a [id, hash] pair per case besides
  for (const c of plan.cases) current.set(c.case.id, c.case.contentHash);
  const unchanged = new Set<string>();
  for await (const k of store.cases.keys(runId)) if (current.get(k.caseId) === k.contentHash) unchanged.add(k.caseId);
  const byVariant = new Map<string, Map<string, ResultRow>>();
  for (const variant of plan.variants) {
    const twin = storedTwin(previous, variant);
    if (!twin) continue;
    const rows = new Map<string, ResultRow>();
    // Only plain network calls are reused (never agents or function targets): they carry no transcript to keep.
    for await (const row of store.results.list(runId, { variantId: twin.id, omitTranscript: true })) {
      if (row.errorClass !== null || row.output === null || !unchanged.has(row.caseId) || row.repeat >= plan.repeat) continue;
      rows.set(`${row.caseId}\u0000${row.repeat}`, row);
    }
    byVariant.set(variant.id, rows);
  }
  return {
    take(item) {
      const rows = byVariant.get(item.variantId);
      const key = `${item.caseId}\u0000${item.repeat}`;
      const row = rows?.get(key);
      if (!row) return undefined;
      rows!.delete(key);
      // The messages as the model saw them: a prompt edited since (or a var of the case) means a new call.
      return stableStringify(row.messages ?? []) === stableStringify(item.messages) ? row : undefined;
    },
  };
}

/**
 * The keys of the plan's items that `reuseFrom: runId` would answer with no call (what a dry run and the playground's
 * estimate leave out): network models' items that are not agents, as executeRun reuses them.
 */
export async function reusableKeys(store: Store, runId: string, plan: Plan): Promise<Set<string>> {
  const reuse = await loadReuse(store, runId, plan);
  const keys = new Set<string>();
  const suite = plan.suite;
  for (const item of plan.items()) {
    const network = PROVIDER_TYPE_FACTS[item.variant.model.providerType].model !== 'file';
    const agent = suite.tools.length > 0 || item.planned.case.turns !== undefined || item.planned.case.simulatedUser !== undefined;
    if (network && !agent && reuse.take(item)) keys.add(item.key);
  }
  return keys;
}
