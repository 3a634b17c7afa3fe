// Fields the model-graded checks share: the judge model(s), the ensemble rule, what the judge is told the
// input was, and (rubric) dimensions and scale. Judge models use the suite's model entry shape
// (model-settings.ts) so a judge entry reads like a suite model.
import { z } from 'zod';
import { modelEntryObjectSchema } from '../model-settings.js';
import { nonEmptyString } from '../checks/definition.js';

const modelRef = z.string().regex(/^[\w.-]+:.+$/, { error: 'write the judge model as provider:model, e.g. openai:gpt-4o-mini' });

/** A judge model: "provider:model", or an entry with params / price, like a suite model. */
export const judgeModelSchema = z.union([modelRef, modelEntryObjectSchema(modelRef, nonEmptyString)]);
export type JudgeModelInput = z.infer<typeof judgeModelSchema>;

const judgeField = z.union([judgeModelSchema, z.array(judgeModelSchema).min(1, { error: 'list at least one judge model' })], {
  error: 'name the judge model(s): judge: openai:gpt-4o-mini, or a list of them for an ensemble',
});

/** Fields every judge check has. */
export const judgeCommon = {
  /** The judge model, or several (an ensemble). */
  judge: judgeField,
  /** How an ensemble combines its judges: majority vote (default) or the mean score. */
  ensemble: z.enum(['majority', 'mean']).default('majority'),
  /** What the judge is told the input was (default: the messages the model was sent). Templated. */
  input: z.string().optional(),
};

const DIMENSION_NAME = /^[A-Za-z][\w-]*$/;

export const dimensionSchema = z.strictObject({
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

export const scaleSchema = z
  .tuple([z.number().int(), z.number().int()], { error: 'write the scale as [min, max], e.g. [1, 5]' })
  .refine(([lo, hi]) => hi > lo && hi - lo <= 20, { error: 'the scale must be [min, max] with min < max (at most 21 levels)' });

export function noNot(spec: { not: boolean }, ctx: z.RefinementCtx, type: string): void {
  if (spec.not) ctx.addIssue({ code: 'custom', path: ['not'], message: `\`not\` does not apply to a \`${type}\` check` });
}

/** The judge models a judge check names (one, or several for an ensemble). */
export function judgeModelList(judge: JudgeModelInput | JudgeModelInput[]): JudgeModelInput[] {
  return Array.isArray(judge) ? judge : [judge];
}
