// The rubric check: a judge scores the output on each dimension of a scale with anchors; every dimension
// becomes its own result and metric (CheckOutcomePart), weighted within the check's weight.
import { z } from 'zod';
import type { CheckOutcomePart } from '../check-types.js';
import { commonCheckFields as common, defineCheck } from '../checks/definition.js';
import { judgeModelName, type JudgeDetail, type JudgeVote } from '../judge-types.js';
import { askAll, fmt, isOutcome, judgeInput, mean, median, modelsOf, short } from './ensemble.js';
import { dimensionSchema, judgeCommon, noNot, scaleSchema } from './fields.js';
import { judgeOutput, rubricQuestion } from './prompts.js';

export const rubric = defineCheck({
  type: 'rubric',
  schema: z
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
            ctx.addIssue({
              code: 'custom',
              path: ['dimensions', i, 'anchors', key],
              message: `anchor levels are whole numbers on the scale ${lo}–${hi}, got "${key}"`,
            });
          }
        }
        for (const end of [lo, hi]) {
          if (d.anchors[String(end)] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['dimensions', i, 'anchors'],
              message: `dimension "${d.name}" needs an anchor for level ${end} (both ends of the scale ${lo}–${hi})`,
            });
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
  judge: { calibration: 'ordinal' },
  prepare: (spec) => {
    const models = modelsOf(spec);
    const [lo, hi] = spec.scale;
    const defaultThreshold = spec.threshold ?? Math.ceil((lo + hi) / 2);
    const totalWeight = spec.dimensions.reduce((s, d) => s + d.weight, 0);
    return async (view, ctx) => {
      const question = rubricQuestion({
        criteria: spec.criteria,
        dimensions: spec.dimensions,
        scale: spec.scale,
        input: judgeInput(spec.input, ctx),
        output: judgeOutput(view.raw, ctx.transcript),
      });
      const asked = await askAll(
        ctx,
        models.map((model) => ({ model, question })),
      );
      if (isOutcome(asked)) return asked;
      const parts: CheckOutcomePart[] = spec.dimensions.map((d, i) => {
        const threshold = d.threshold ?? defaultThreshold;
        const votes: JudgeVote[] = asked.answers.map((a) => ({
          model: a.model,
          raw: a.object[d.name].score,
          pass: a.object[d.name].score >= threshold,
          reasoning: a.object[d.name].reasoning,
        }));
        const raws = votes.map((v) => v.raw!);
        let raw: number;
        let pass: boolean;
        if (votes.length === 1) {
          raw = raws[0];
          pass = raw >= threshold;
        } else if (spec.ensemble === 'mean') {
          raw = mean(raws);
          pass = raw >= threshold;
        } else {
          raw = median(raws);
          const passes = votes.filter((v) => v.pass).length;
          pass = passes * 2 === votes.length ? raw >= threshold : passes * 2 > votes.length;
        }
        const judgeDetail: JudgeDetail = {
          models: models.map(judgeModelName),
          reasoning: votes[0].reasoning,
          raw,
          scale: [lo, hi],
          threshold,
          votes: votes.map(({ reasoning: _r, ...v }) => v),
          cached: asked.cached,
        };
        if (votes.length > 1) judgeDetail.ensemble = spec.ensemble;
        const part: CheckOutcomePart = {
          metric: d.metric ?? d.name,
          weightShare: d.weight / totalWeight,
          pass,
          score: (raw - lo) / (hi - lo),
          reason: `${fmt(raw)}/${hi} (pass at ${fmt(threshold)}): ${short(votes[0].reasoning ?? '', 200)}`,
          judge: judgeDetail,
        };
        // The judge cost is carried once (on the first dimension), so sums over results stay right.
        if (i === 0) part.judgeCostUsd = asked.costUsd;
        return part;
      });
      const score = parts.reduce((s, p) => s + p.weightShare * p.score, 0);
      const failed = parts.filter((p) => !p.pass).map((p) => p.metric);
      return {
        pass: failed.length === 0,
        score,
        reason: failed.length === 0 ? 'every dimension passes' : `below threshold: ${failed.join(', ')}`,
        parts,
      };
    };
  },
});
