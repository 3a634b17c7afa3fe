// The model-graded checks with a pass/fail verdict: judge, factuality, closed-qa, faithfulness (rubric and
// pairwise have files of their own). Each asks its judge model(s) through ctx.judge (injected by the run
// stage), combines an ensemble by majority or mean (ensemble.ts), and stores what the judges said
// (JudgeDetail) with the result. An unusable judge answer (after the client's one retry) is a judge-error:
// an error of its own class, never a silent fail.
import { z } from 'zod';
import { commonCheckFields as common, defineCheck, nonEmptyString } from '../checks/definition.js';
import type { CheckContext } from '../check-types.js';
import { indeterminate } from '../evaluator.js';
import { binaryJudge, fmt, judgeInput, short } from './ensemble.js';
import { judgeCommon } from './fields.js';
import { closedQaQuestion, factualityQuestion, faithfulnessQuestion, judgeOutput, judgeQuestion } from './prompts.js';

export const judge = defineCheck({
  type: 'judge',
  schema: z.strictObject({
    type: z.literal('judge'),
    ...common,
    ...judgeCommon,
    /** What a passing output does, in plain words. Templated. */
    rubric: nonEmptyString,
    /** Pass iff the judge's score (0–1) >= threshold. */
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.5),
  }),
  judge: { calibration: 'binary' },
  prepare: (spec) =>
    binaryJudge(
      spec,
      (view, ctx) => judgeQuestion({ rubric: spec.rubric, input: judgeInput(spec.input, ctx), output: judgeOutput(view.raw, ctx.transcript) }),
      (a) => ({
        model: a.model,
        raw: a.object.score,
        pass: a.object.score >= spec.threshold,
        reasoning: a.object.reasoning,
      }),
      {
        threshold: spec.threshold,
        describe: (v) => `${v.model} score ${fmt(v.raw!)} ${v.pass ? '>=' : '<'} ${spec.threshold}`,
      },
    ),
});

export const factuality = defineCheck({
  type: 'factuality',
  schema: z.strictObject({
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
  judge: { calibration: 'binary', fixedThreshold: true },
  prepare: (spec) => {
    const accept = new Set<string>(spec.accept);
    return binaryJudge(
      spec,
      (view, ctx) => factualityQuestion({ input: judgeInput(spec.input, ctx), reference: spec.reference, output: judgeOutput(view.raw, ctx.transcript) }),
      (a) => ({
        model: a.model,
        label: a.object.relation,
        raw: accept.has(a.object.relation) ? 1 : 0,
        pass: accept.has(a.object.relation),
        reasoning: a.object.reasoning,
      }),
      {
        threshold: 0.5,
        describe: (v) => `${v.model}: ${v.label} (${v.pass ? 'accepted' : 'not accepted'})`,
      },
    );
  },
});

export const closedQa = defineCheck({
  type: 'closed-qa',
  schema: z
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
  judge: { calibration: 'binary', fixedThreshold: true },
  prepare: (spec) =>
    binaryJudge(
      spec,
      (view, ctx) =>
        closedQaQuestion({
          input: judgeInput(spec.input, ctx),
          reference: spec.reference,
          criteria: spec.criteria,
          output: judgeOutput(view.raw, ctx.transcript),
        }),
      (a) => ({
        model: a.model,
        raw: a.object.correct ? 1 : 0,
        pass: a.object.correct,
        reasoning: a.object.reasoning,
      }),
      {
        threshold: 0.5,
        describe: (v) => `${v.model}: ${v.pass ? 'correct' : 'not correct'}`,
      },
    ),
});

function contextPassages(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0) return value.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
  if (value && typeof value === 'object') return [JSON.stringify(value, null, 2)];
  return undefined;
}

/**
 * What a faithfulness judge grounds the output in: the named case var when the check sets `context_var`;
 * otherwise the documents the target returned (each its own fenced passage, in rank order) when it returned
 * any, else the case var "context".
 */
function groundingPassages(contextVar: string | undefined, ctx: CheckContext): string[] | undefined {
  if (contextVar !== undefined) return contextPassages(ctx.vars[contextVar]);
  const returned = ctx.transcript?.context;
  if (returned && returned.length > 0) return returned.map((doc) => doc.text);
  return contextPassages(ctx.vars.context);
}

export const faithfulness = defineCheck({
  type: 'faithfulness',
  schema: z.strictObject({
    type: z.literal('faithfulness'),
    ...common,
    ...judgeCommon,
    /**
     * The case variable holding the context (a string or a list of passages). Unset: the documents the target
     * returned (a RAG `function:` target's `context`), else the case var "context".
     */
    context_var: nonEmptyString.optional(),
    /** Pass iff the share of the output's claims the context supports >= threshold (default 1: all). */
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(1),
  }),
  judge: { calibration: 'binary' },
  prepare: (spec) =>
    binaryJudge(
      spec,
      (view, ctx) => {
        const context = groundingPassages(spec.context_var, ctx);
        if (!context) {
          return indeterminate(
            spec.context_var === undefined
              ? 'no context: the target returned none and the case var "context" is missing or empty (set `context_var`, or return { output, context } from the target)'
              : `case var "${spec.context_var}" (the context) is missing or empty`,
          );
        }
        return faithfulnessQuestion({ input: judgeInput(spec.input, ctx), context, output: view.raw });
      },
      (a) => {
        const claims = a.object.claims;
        const supported = claims.filter((c) => c.supported).length;
        const share = claims.length === 0 ? 1 : supported / claims.length;
        const unsupported = claims.filter((c) => !c.supported).map((c) => short(c.claim, 80));
        return {
          model: a.model,
          raw: share,
          pass: share >= spec.threshold,
          reasoning: `${supported}/${claims.length} claims supported${unsupported.length ? `; unsupported: ${unsupported.map((c) => JSON.stringify(c)).join(', ')}` : ''}. ${a.object.reasoning}`,
        };
      },
      {
        threshold: spec.threshold,
        describe: (v) => `${v.model} supported share ${fmt(v.raw!)}`,
      },
    ),
});
