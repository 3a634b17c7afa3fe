// Check specs of the model-graded checks (judge, rubric, pairwise, factuality, closed-qa, faithfulness):
// strict zod schemas like every other check. check-specs.ts adds them to CHECK_TYPES and the union.
import { z } from 'zod';
import { paramsSchema, priceSchema } from './schema.js';
import { commonCheckFields as common, nonEmptyString } from './check-common.js';

export const JUDGE_CHECK_TYPES = ['judge', 'rubric', 'pairwise', 'factuality', 'closed-qa', 'faithfulness'] as const;
export type JudgeCheckType = (typeof JUDGE_CHECK_TYPES)[number];

const modelRef = z.string().regex(/^[\w.-]+:.+$/, { error: 'write the judge model as provider:model, e.g. openai:gpt-4o-mini' });

/** A judge model: "provider:model", or an entry with params / price, like a suite model. */
export const judgeModelSchema = z.union([
  modelRef,
  z.strictObject({
    id: modelRef,
    label: nonEmptyString.optional(),
    params: paramsSchema.optional(),
    price: priceSchema.optional(),
    price_as: z.string().regex(/^[\w-]+:.+$/, 'write provider:model, e.g. openai:gpt-4o').optional(),
  }),
]);
export type JudgeModelInput = z.infer<typeof judgeModelSchema>;

const judgeField = z.union([judgeModelSchema, z.array(judgeModelSchema).min(1, { error: 'list at least one judge model' })], {
  error: 'name the judge model(s): judge: openai:gpt-4o-mini, or a list of them for an ensemble',
});

/** Fields every judge check has. */
const judgeCommon = {
  /** The judge model, or several (an ensemble). */
  judge: judgeField,
  /** How an ensemble combines its judges: majority vote (default) or the mean score. */
  ensemble: z.enum(['majority', 'mean']).default('majority'),
  /** What the judge is told the input was (default: the messages the model was sent). Templated. */
  input: z.string().optional(),
};

const DIMENSION_NAME = /^[A-Za-z][\w-]*$/;

const dimensionSchema = z.strictObject({
  name: z.string().regex(DIMENSION_NAME, { error: 'a dimension name is a word (letters, digits, _ and -), e.g. accuracy' }),
  description: z.string().optional(),
  /** What each level of the scale means for this dimension: { 1: "...", 3: "...", 5: "..." }. */
  anchors: z.record(z.string(), nonEmptyString),
  /** Pass iff the dimension's level >= threshold (default: the check's threshold). */
  threshold: z.number().optional(),
  /** Relative weight among the dimensions (default 1). */
  weight: z.number().positive({ error: 'must be a number > 0' }).default(1),
  /** Metric name (default: the dimension's name). */
  metric: nonEmptyString.optional(),
});
export type RubricDimension = z.infer<typeof dimensionSchema>;

const scaleSchema = z
  .tuple([z.number().int(), z.number().int()], { error: 'write the scale as [min, max], e.g. [1, 5]' })
  .refine(([lo, hi]) => hi > lo && hi - lo <= 20, { error: 'the scale must be [min, max] with min < max (at most 21 levels)' });

function noNot(spec: { not: boolean }, ctx: z.RefinementCtx, type: string): void {
  if (spec.not) ctx.addIssue({ code: 'custom', path: ['not'], message: `\`not\` does not apply to a \`${type}\` check` });
}

export const judgeCheckObjects = {
  judge: z.strictObject({
    type: z.literal('judge'),
    ...common,
    ...judgeCommon,
    /** What a passing output does, in plain words. Templated. */
    rubric: nonEmptyString,
    /** Pass iff the judge's score (0–1) >= threshold. */
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.5),
  }),
  rubric: z
    .strictObject({
      type: z.literal('rubric'),
      ...common,
      ...judgeCommon,
      /** What the output should do overall (shown before the dimensions). Templated. */
      criteria: z.string().optional(),
      scale: scaleSchema.default([1, 5]),
      /** Default pass threshold for every dimension (default: the middle of the scale, rounded up). */
      threshold: z.number().optional(),
      dimensions: z.array(dimensionSchema).min(1, { error: 'list at least one dimension' }),
    })
    .superRefine((spec, ctx) => {
      noNot(spec, ctx, 'rubric');
      const [lo, hi] = spec.scale;
      const names = new Set<string>();
      spec.dimensions.forEach((d, i) => {
        if (names.has(d.name)) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'name'], message: `dimension "${d.name}" is listed twice` });
        names.add(d.name);
        for (const key of Object.keys(d.anchors)) {
          const level = Number(key);
          if (!/^-?\d+$/.test(key) || level < lo || level > hi) {
            ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'anchors', key], message: `anchor levels are whole numbers on the scale ${lo}–${hi}, got "${key}"` });
          }
        }
        for (const end of [lo, hi]) {
          if (d.anchors[String(end)] === undefined) {
            ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'anchors'], message: `dimension "${d.name}" needs an anchor for level ${end} (both ends of the scale ${lo}–${hi})` });
          }
        }
        if (d.threshold !== undefined && (d.threshold < lo || d.threshold > hi)) {
          ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'threshold'], message: `must be on the scale ${lo}–${hi}` });
        }
      });
      if (spec.threshold !== undefined && (spec.threshold < lo || spec.threshold > hi)) {
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: `must be on the scale ${lo}–${hi}` });
      }
    }),
  pairwise: z
    .strictObject({
      type: z.literal('pairwise'),
      ...common,
      ...judgeCommon,
      /** The variant id whose output this one is compared with (same case and repeat). */
      against: nonEmptyString.optional(),
      /** Or a reference output to compare with. Templated. */
      reference: z.string().optional(),
      /** What "better" means. Templated. */
      criteria: z.string().optional(),
      /** Let the judge call it a tie (default true). */
      allow_ties: z.boolean().default(true),
      /** Pass on a win only, or on a win or a tie (default). */
      pass_on: z.enum(['win', 'win-or-tie']).default('win-or-tie'),
    })
    .superRefine((spec, ctx) => {
      noNot(spec, ctx, 'pairwise');
      if ((spec.against === undefined) === (spec.reference === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'set exactly one of `against` (a variant id of this suite) or `reference` (a reference output)',
        });
      }
    }),
  factuality: z.strictObject({
    type: z.literal('factuality'),
    ...common,
    ...judgeCommon,
    /** The reference answer. Templated, e.g. "{{expected}}". */
    reference: nonEmptyString,
    /** Relations to the reference that pass (default: all but conflict). */
    accept: z
      .array(z.enum(['same', 'subset', 'superset', 'immaterial', 'conflict']))
      .min(1)
      .default(['same', 'subset', 'superset', 'immaterial']),
  }),
  'closed-qa': z
    .strictObject({
      type: z.literal('closed-qa'),
      ...common,
      ...judgeCommon,
      /** The correct answer. Templated. */
      reference: z.string().optional(),
      /** What a correct answer must do. Templated. */
      criteria: z.string().optional(),
    })
    .superRefine((spec, ctx) => {
      if (!spec.reference && !spec.criteria) {
        ctx.addIssue({ code: 'custom', path: [], message: 'set `reference` (the correct answer) or `criteria` (what a correct answer must do), or both' });
      }
    }),
  faithfulness: z.strictObject({
    type: z.literal('faithfulness'),
    ...common,
    ...judgeCommon,
    /** The case variable holding the context (a string or a list of passages); default "context". */
    context_var: nonEmptyString.default('context'),
    /** Pass iff the share of the output's claims the context supports >= threshold (default 1: all). */
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(1),
  }),
};

export function isJudgeCheckType(type: string): type is JudgeCheckType {
  return (JUDGE_CHECK_TYPES as readonly string[]).includes(type);
}

/** The judge models a check names ([] for checks that are not judge checks). */
export function judgeModelsOf(spec: { type: string }): JudgeModelInput[] {
  if (!isJudgeCheckType(spec.type)) return [];
  const judge = (spec as unknown as { judge: JudgeModelInput | JudgeModelInput[] }).judge;
  return Array.isArray(judge) ? judge : [judge];
}

/** A check scored after every call finished, because it needs another variant's output (pairwise `against`). */
export function isDeferredCheck(spec: { type: string }): boolean {
  return spec.type === 'pairwise' && (spec as { against?: string }).against !== undefined;
}
