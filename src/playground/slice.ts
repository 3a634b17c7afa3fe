// A slice of a stored run's cases for a trial (GET /api/playground/runs/:id/slice): its failed cases, a tag (segment),
// a search (case id, vars and the stored output), a seeded random sample, or all; read-only over the store. Each case
// carries the stored variant's pass value (repeats reduced as the run reduces them) and its first stored output.
import { EvalspecError } from '../errors.js';
import { loadCaseOutcomes } from '../analysis/index.js';
import { casePassed, mulberry32, type CaseOutcome } from '../stats/index.js';
import type { CaseRow, Store } from '../store/index.js';
import type { PlaygroundSlice, PlaygroundSliceCase, SliceQuery } from '../viewer/index.js';
import { storedRun } from './run-info.js';

export const DEFAULT_SLICE_SIZE = 20;
export const MAX_SLICE_SIZE = 1000;

/** `diff`'s rule (stats' casePassed: the reduced pass value above one half); null when it has only errors or no result. */
export function passOf(outcome: CaseOutcome | undefined): boolean | null {
  if (!outcome || outcome.results === 0 || outcome.errored === outcome.results) return null;
  return casePassed(outcome);
}

/** n of `items` drawn without replacement by a seeded partial Fisher–Yates shuffle, in their original order. */
function sample<T>(items: T[], n: number, seed: number): T[] {
  const random = mulberry32(seed);
  const index = items.map((_, i) => i);
  for (let i = 0; i < Math.min(n, index.length); i++) {
    const j = i + Math.floor(random() * (index.length - i));
    [index[i], index[j]] = [index[j], index[i]];
  }
  return index
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

const usage = (message: string, hint: string) => new EvalspecError('USAGE', message, { hint });

export async function sliceRun(store: Store, runId: string, query: SliceQuery): Promise<PlaygroundSlice> {
  const run = await storedRun(store, runId);
  const variantIndex = run.variants.findIndex((v) => v.id === query.variant);
  if (variantIndex < 0) throw usage(`run ${run.id} has no variant "${query.variant}"`, `its variants: ${run.variants.map((v) => v.id).join(', ')}`);
  const n = query.n ?? DEFAULT_SLICE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SLICE_SIZE) throw usage(`n must be a whole number 1–${MAX_SLICE_SIZE}, got ${n}`, 'e.g. n=20');
  const value = query.value?.trim() ?? '';
  if ((query.kind === 'tag' || query.kind === 'search') && value === '') throw usage(`a ${query.kind} slice needs a value`, `add value=… to the query`);

  const outcomes = await loadCaseOutcomes(store, run);
  // Per case with a result of the variant: its pass value (null: errored).
  const passByCase = new Map<string, boolean | null>();
  outcomes.cases.forEach((c, i) => {
    const outcome = outcomes.variants[variantIndex].outcomes.at(i);
    if (outcome && outcome.results > 0) passByCase.set(c.id, passOf(outcome));
  });
  const cases = await store.cases.list(run.id);

  // The first repeat's output per case: every case's for a search (the output is searched), else the chosen ones'.
  const outputs = async (wanted: Set<string> | null): Promise<Map<string, { repeat: number; output: string | null }>> => {
    const out = new Map<string, { repeat: number; output: string | null }>();
    await store.results.scan(run.id, { variantId: query.variant, omitTranscript: true }, (r) => {
      if (wanted && !wanted.has(r.caseId)) return;
      const known = out.get(r.caseId);
      if (!known || r.repeat < known.repeat) out.set(r.caseId, { repeat: r.repeat, output: r.output });
    });
    return out;
  };

  let matched: CaseRow[];
  let stored: Map<string, { repeat: number; output: string | null }> | undefined;
  switch (query.kind) {
    case 'failed':
      // Not passed: failed, or errored (no output to judge); a case the variant has no result for is not in it.
      matched = cases.filter((c) => passByCase.has(c.caseId) && passByCase.get(c.caseId) !== true);
      break;
    case 'tag':
      matched = cases.filter((c) => c.tags.includes(value));
      break;
    case 'search': {
      stored = await outputs(null);
      const needle = value.toLowerCase();
      matched = cases.filter(
        (c) =>
          c.caseId.toLowerCase().includes(needle) ||
          JSON.stringify(c.vars).toLowerCase().includes(needle) ||
          (stored!.get(c.caseId)?.output ?? '').toLowerCase().includes(needle),
      );
      break;
    }
    case 'sample':
    case 'all':
      matched = cases;
      break;
    default:
      throw usage(`unknown slice kind "${String(query.kind)}"`, 'kind is one of failed, tag, search, sample, all');
  }
  const chosen = query.kind === 'sample' ? sample(matched, n, query.seed ?? 1) : matched.slice(0, n);
  stored ??= await outputs(new Set(chosen.map((c) => c.caseId)));
  const sliceCases: PlaygroundSliceCase[] = chosen.map((c) => ({
    caseId: c.caseId,
    vars: c.vars,
    tags: c.tags,
    pass: passByCase.get(c.caseId) ?? null,
    output: stored!.get(c.caseId)?.output ?? null,
  }));
  return { runId: run.id, variantId: query.variant, kind: query.kind, matched: matched.length, cases: sliceCases };
}
