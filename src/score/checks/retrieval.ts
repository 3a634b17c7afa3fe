// Retrieval checks (issue #16, RAG): context-recall, hit-at-k, mrr, ndcg. They grade the documents a target
// returned (`transcript.context`, in rank order: a `function:` target's `{ output, context }`) against the
// case's relevant ids, not the answer text. Each check's score is the per-case metric value (recall, 1/0 hit,
// reciprocal rank, nDCG), so a run's mean score of the check is the usual mean-over-queries figure (mean
// recall@k, hit rate, MRR, mean nDCG@k) and its pass rate the share of cases at or above `threshold`.
// A target that returned no context cannot be graded: indeterminate, never a 0 that would read as a miss.
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { fail, indeterminate, notApplicable, pass, type Evaluate } from '../evaluator.js';
import type { RetrievedDocument } from '../transcript.js';
import { commonCheckFields as common, defineCheck, type CheckLocation } from './definition.js';

const id = z.union([z.string().min(1, { error: 'an id must be a non-empty string' }), z.number()]);

/**
 * The relevant documents: a list of ids (each gain 1), a map of id → gain (graded relevance, for ndcg; a gain of
 * 0 is not relevant), or text: a `{{var}}` template rendering to either as JSON, or ids separated by commas.
 */
const expected = z.union(
  [
    z.array(id).min(1, { error: 'must list at least one relevant id' }),
    z.record(z.string(), z.number().min(0, { error: 'a gain must be a number >= 0' })),
    z.string().min(1, { error: 'must be a list of ids, a map of id → gain, or a "{{var}}" template' }),
  ],
  { error: 'must be a list of ids, a map of id → gain, or a "{{var}}" template rendering to one' },
);

const cutoff = z.number().int().min(1, { error: 'must be an integer >= 1 (how many of the top documents count)' });
const threshold = (fallback: number) => z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(fallback);

export interface Relevance {
  type: 'relevance';
  /** Relevant id → gain (> 0), in the order given. */
  gains: Map<string, number>;
}

const SHAPES = 'write `expected` as a list of ids (["d1", "d2"]), a map of id → gain ({ d1: 3, d2: 1 }), or ids separated by commas';

function invalid(type: string, message: string, where: CheckLocation): EvalspecError {
  return new EvalspecError('CHECK_INVALID', `invalid \`${type}\` check: \`expected\` ${message}`, { ...where, hint: SHAPES });
}

/** The expected value (after templates rendered) as id → gain; gains of 0 are dropped (not relevant). */
function compileRelevance(type: string, value: unknown, where: CheckLocation): Relevance {
  let parsed = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[') || text.startsWith('{')) {
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw invalid(type, `is not valid JSON (${(err as Error).message}): ${text.slice(0, 80)}`, where);
      }
    } else {
      parsed = text === '' ? [] : text.split(',').map((s) => s.trim());
    }
  }
  const gains = new Map<string, number>();
  if (Array.isArray(parsed)) {
    for (const item of parsed) {
      if (!((typeof item === 'string' && item !== '') || (typeof item === 'number' && Number.isFinite(item)))) {
        throw invalid(type, `holds ${JSON.stringify(item)}, which is not an id (a non-empty string or a number)`, where);
      }
      gains.set(String(item), 1);
    }
  } else if (parsed && typeof parsed === 'object') {
    for (const [key, gain] of Object.entries(parsed)) {
      if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) {
        throw invalid(type, `gives "${key}" the gain ${JSON.stringify(gain)}; a gain is a number >= 0`, where);
      }
      if (gain > 0) gains.set(key, gain);
    }
  } else {
    throw invalid(type, `is ${JSON.stringify(parsed)}`, where);
  }
  return { type: 'relevance', gains };
}

const fmt = (v: number) => String(Number(v.toFixed(3)));
const at = (k: number | undefined) => (k === undefined ? '' : `@${k}`);
const idList = (ids: string[], max = 5) =>
  ids.length <= max
    ? ids.map((i) => JSON.stringify(i)).join(', ')
    : `${ids
        .slice(0, max)
        .map((i) => JSON.stringify(i))
        .join(', ')} and ${ids.length - max} more`;

/**
 * Shared evaluation: the returned ids (top k), or indeterminate when the target returned no context, or not
 * applicable when the case names no relevant id (recall and nDCG are undefined without one).
 */
function retrievalEvaluator(
  spec: { k?: number; threshold: number },
  relevance: Relevance,
  measure: (ranked: string[], gains: Map<string, number>) => { score: number; detail: string },
): Evaluate {
  const noContext = indeterminate('the target returned no context (return { output, context: [{ id, text }] } from a function: target)');
  if (relevance.gains.size === 0) {
    const none = notApplicable('the case lists no relevant ids');
    return () => none;
  }
  return (_view, ctx) => {
    const context: RetrievedDocument[] | undefined = ctx.transcript?.context;
    if (!context) return noContext;
    const top = spec.k === undefined ? context : context.slice(0, spec.k);
    const { score, detail } = measure(
      top.map((d) => d.id),
      relevance.gains,
    );
    return score >= spec.threshold ? pass(`${detail} >= ${spec.threshold}`, score) : fail(`${detail} < ${spec.threshold}`, score);
  };
}

/** Ranks (1-based) at which a relevant id first appears; a repeated id keeps its rank but gains nothing again. */
function firstHits(ranked: string[], gains: Map<string, number>): { id: string; rank: number }[] {
  const seen = new Set<string>();
  const hits: { id: string; rank: number }[] = [];
  ranked.forEach((docId, i) => {
    if (gains.has(docId) && !seen.has(docId)) hits.push({ id: docId, rank: i + 1 });
    seen.add(docId);
  });
  return hits;
}

const templated = (spec: { expected: unknown }) => (typeof spec.expected === 'string' ? spec.expected : JSON.stringify(spec.expected));

export const contextRecall = defineCheck({
  type: 'context-recall',
  schema: z.strictObject({ type: z.literal('context-recall'), ...common, expected, k: cutoff.optional(), threshold: threshold(1) }),
  templated,
  compile: (spec, where) => compileRelevance('context-recall', spec.expected, where),
  prepare: (spec, env) =>
    retrievalEvaluator(spec, env.compiled, (ranked, gains) => {
      const found = new Set(firstHits(ranked, gains).map((h) => h.id));
      const missing = [...gains.keys()].filter((g) => !found.has(g));
      const score = found.size / gains.size;
      return { score, detail: `recall${at(spec.k)} ${found.size}/${gains.size} = ${fmt(score)}${missing.length ? ` (missing ${idList(missing)})` : ''}` };
    }),
});

export const hitAtK = defineCheck({
  type: 'hit-at-k',
  schema: z.strictObject({ type: z.literal('hit-at-k'), ...common, expected, k: cutoff, threshold: threshold(1) }),
  templated,
  compile: (spec, where) => compileRelevance('hit-at-k', spec.expected, where),
  prepare: (spec, env) =>
    retrievalEvaluator(spec, env.compiled, (ranked, gains) => {
      const first = firstHits(ranked, gains)[0];
      return first
        ? { score: 1, detail: `hit@${spec.k} 1 (${JSON.stringify(first.id)} at rank ${first.rank})` }
        : { score: 0, detail: `hit@${spec.k} 0 (no relevant id in the top ${spec.k})` };
    }),
});

export const mrr = defineCheck({
  type: 'mrr',
  schema: z.strictObject({ type: z.literal('mrr'), ...common, expected, k: cutoff.optional(), threshold: threshold(0.5) }),
  templated,
  compile: (spec, where) => compileRelevance('mrr', spec.expected, where),
  prepare: (spec, env) =>
    retrievalEvaluator(spec, env.compiled, (ranked, gains) => {
      const first = firstHits(ranked, gains)[0];
      if (!first) return { score: 0, detail: `reciprocal rank${at(spec.k)} 0 (no relevant id returned)` };
      const score = 1 / first.rank;
      return { score, detail: `reciprocal rank${at(spec.k)} 1/${first.rank} = ${fmt(score)} (${JSON.stringify(first.id)})` };
    }),
});

/**
 * nDCG with linear gains and the log2(rank + 1) discount (Järvelin & Kekäläinen 2002; sklearn's ndcg_score):
 * DCG = Σ gain(rank i) / log2(i + 1) over the top k returned; IDCG the same over the expected gains sorted
 * descending (top k of them). Ranges over [0, 1].
 */
export function ndcgOf(ranked: string[], gains: Map<string, number>, k: number | undefined): number {
  let dcg = 0;
  for (const hit of firstHits(ranked, gains)) dcg += gains.get(hit.id)! / Math.log2(hit.rank + 1);
  const ideal = [...gains.values()].sort((a, b) => b - a).slice(0, k ?? gains.size);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export const ndcg = defineCheck({
  type: 'ndcg',
  schema: z.strictObject({ type: z.literal('ndcg'), ...common, expected, k: cutoff.optional(), threshold: threshold(0.5) }),
  templated,
  compile: (spec, where) => compileRelevance('ndcg', spec.expected, where),
  prepare: (spec, env) =>
    retrievalEvaluator(spec, env.compiled, (ranked, gains) => {
      const score = ndcgOf(ranked, gains, spec.k);
      const hits = firstHits(ranked, gains).length;
      return { score, detail: `nDCG${at(spec.k)} ${fmt(score)} (${hits} of ${gains.size} relevant returned)` };
    }),
});
