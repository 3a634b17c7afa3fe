// The pairwise check: a judge compares this output with another variant's (`against`, scored in a second
// phase once every call finished) or with a reference, asked in both orders to cancel position bias.
import { z } from 'zod';
import { commonCheckFields as common, defineCheck, nonEmptyString } from '../checks/definition.js';
import type { Evaluate } from '../evaluator.js';
import { indeterminate } from '../evaluator.js';
import { judgeModelName, type JudgeDetail, type JudgeVote, type PairwiseOrder } from '../judge-types.js';
import { askAll, isOutcome, judgeInput, mean, modelsOf, type Ensemble } from './ensemble.js';
import { judgeCommon, noNot } from './fields.js';
import { pairwiseQuestion } from './prompts.js';

const OUTCOME_SCORE = { win: 1, tie: 0.5, loss: 0 } as const;
type PairOutcome = keyof typeof OUTCOME_SCORE;

/** A win counts only when both orders agree; a disagreement between the orders is a tie. */
export function pairOutcome(first: PairwiseOrder['picked'], second: PairwiseOrder['picked']): PairOutcome {
  if (first === 'this' && second === 'this') return 'win';
  if (first === 'other' && second === 'other') return 'loss';
  return 'tie';
}

function combinePairwise(outcomes: PairOutcome[], ensemble: Ensemble): PairOutcome {
  if (outcomes.length === 1) return outcomes[0];
  if (ensemble === 'mean') {
    const s = mean(outcomes.map((o) => OUTCOME_SCORE[o]));
    return s > 0.5 ? 'win' : s < 0.5 ? 'loss' : 'tie';
  }
  for (const o of ['win', 'loss', 'tie'] as const) if (outcomes.filter((x) => x === o).length * 2 > outcomes.length) return o;
  return 'tie';
}

export const pairwise = defineCheck({
  type: 'pairwise',
  schema: z
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
  judge: { calibration: 'pairwise', deferred: (spec) => spec.against !== undefined },
  prepare: (spec): Evaluate => {
    const models = modelsOf(spec);
    const against = spec.against ?? 'reference';
    return async (view, ctx) => {
      let other: string;
      if (spec.against !== undefined) {
        if (!ctx.opponent) {
          return indeterminate(
            `needs the output of variant "${spec.against}" for this case; pairwise checks against a variant are scored after every call finished`,
          );
        }
        other = ctx.opponent.output;
      } else {
        other = spec.reference!;
      }
      const input = judgeInput(spec.input, ctx);
      const thisFirst = pairwiseQuestion({ criteria: spec.criteria, input, a: view.raw, b: other, allowTies: spec.allow_ties });
      const otherFirst = pairwiseQuestion({ criteria: spec.criteria, input, a: other, b: view.raw, allowTies: spec.allow_ties });
      const asked = await askAll(
        ctx,
        models.flatMap((model) => [
          { model, question: thisFirst },
          { model, question: otherFirst },
        ]),
      );
      if (isOutcome(asked)) return { ...asked, judge: { models: models.map(judgeModelName), against } };
      const orders: PairwiseOrder[] = [];
      const votes: JudgeVote[] = [];
      for (let j = 0; j < models.length; j++) {
        const pair = [asked.answers[2 * j], asked.answers[2 * j + 1]];
        const picks = pair.map((a, k): PairwiseOrder => {
          const thisAt = k === 0 ? 'A' : 'B';
          const w = a.object.winner;
          return { model: a.model, thisAt, picked: w === 'tie' ? 'tie' : w === thisAt ? 'this' : 'other' };
        });
        orders.push(...picks);
        const outcome = pairOutcome(picks[0].picked, picks[1].picked);
        votes.push({
          model: pair[0].model,
          label: outcome,
          raw: OUTCOME_SCORE[outcome],
          pass: spec.pass_on === 'win' ? outcome === 'win' : outcome !== 'loss',
          reasoning: pair[0].object.reasoning,
        });
      }
      const outcome = combinePairwise(
        votes.map((v) => v.label as PairOutcome),
        spec.ensemble,
      );
      const flips = models.map((_, j) => orders[2 * j].picked !== orders[2 * j + 1].picked);
      const judgeDetail: JudgeDetail = {
        models: models.map(judgeModelName),
        reasoning: votes[0].reasoning,
        against,
        outcome,
        orders,
        votes: votes.map(({ reasoning: _r, ...v }) => v),
        cached: asked.cached,
      };
      if (models.length > 1) judgeDetail.ensemble = spec.ensemble;
      const describe = (j: number) => `${votes[j].model}: ${orders[2 * j].picked}/${orders[2 * j + 1].picked} → ${votes[j].label}`;
      return {
        pass: spec.pass_on === 'win' ? outcome === 'win' : outcome !== 'loss',
        score: OUTCOME_SCORE[outcome],
        reason: `${outcome} vs ${against}${flips.some(Boolean) ? ' (the verdict changed with the order: counted as a tie)' : ''}; ${models.map((_, j) => describe(j)).join('; ')}`,
        judge: judgeDetail,
        judgeCostUsd: asked.costUsd,
      };
    };
  },
});
