// The model-graded checks: judge, rubric, pairwise, factuality, closed-qa, faithfulness. Each asks its
// judge model(s) through ctx.judge (injected by the run stage), combines an ensemble by majority or mean,
// and stores what the judges said (JudgeDetail) with the result. An unusable judge answer (after the
// client's one retry) is a judge-error: an error of its own class, never a silent fail.
import { judgeModelsOf, type JudgeModelInput } from '../../suite/index.js';
import type { CheckContext, CheckOutcome, CheckOutcomePart } from '../check-types.js';
import type { CheckEvaluator, Evaluate } from '../evaluator.js';
import { indeterminate } from '../evaluator.js';
import { judgeModelName, type JudgeAnswer, type JudgeDetail, type JudgeModelSpec, type JudgeVote, type PairwiseOrder } from '../judge-types.js';
import {
  closedQaQuestion,
  factualityQuestion,
  faithfulnessQuestion,
  judgeQuestion,
  pairwiseQuestion,
  rubricQuestion,
  type JudgeQuestion,
} from './prompts.js';

type Ensemble = 'majority' | 'mean';

/** What the judge sees as the input: the check's `input`, else the messages the model was sent. */
export function judgeInput(input: string | undefined, ctx: CheckContext): string | undefined {
  if (input !== undefined) return input;
  const messages = ctx.messages;
  if (!messages || messages.length === 0) return undefined;
  if (messages.length === 1) return messages[0].content;
  return messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

function short(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sumCost(answers: JudgeAnswer<unknown>[]): number | null {
  let total = 0;
  for (const a of answers) {
    if (a.costUsd === null) return null;
    total += a.costUsd;
  }
  return total;
}

interface Asked<T> {
  answers: JudgeAnswer<T>[];
  costUsd: number | null;
  cached: boolean;
}

/**
 * Asks every question (one per judge, or two per judge for pairwise) concurrently. Any failure makes the
 * whole check a judge-error outcome.
 */
async function askAll<T>(ctx: CheckContext, asks: { model: JudgeModelSpec; question: JudgeQuestion<T> }[]): Promise<Asked<T> | CheckOutcome> {
  const client = ctx.judge;
  if (!client) return indeterminate('no judge available: judge checks run inside `evalspec run` (or pass `judge` in the check context)');
  const settled = await Promise.allSettled(
    asks.map(({ model, question }) =>
      client.ask<T>({
        model,
        system: question.system,
        prompt: question.prompt,
        schema: question.schema,
        schemaName: question.schemaName,
        parse: question.parse,
        caseId: ctx.caseId,
      }),
    ),
  );
  const answers: JudgeAnswer<T>[] = [];
  for (let i = 0; i < settled.length; i++) {
    const s = settled[i];
    if (s.status === 'rejected') {
      const ok = settled.filter((x): x is PromiseFulfilledResult<JudgeAnswer<T>> => x.status === 'fulfilled').map((x) => x.value);
      return {
        pass: false,
        score: 0,
        indeterminate: true,
        error: 'judge-error',
        reason: `judge ${judgeModelName(asks[i].model)} gave no usable answer: ${(s.reason as Error)?.message ?? String(s.reason)}`,
        judgeCostUsd: sumCost(ok),
        judge: { models: [...new Set(asks.map((a) => judgeModelName(a.model)))] },
      };
    }
    answers.push(s.value);
  }
  return { answers, costUsd: sumCost(answers), cached: answers.every((a) => a.cached) };
}

const isOutcome = <T>(x: Asked<T> | CheckOutcome): x is CheckOutcome => !('answers' in x);

/** Pass/fail + score from per-judge votes: majority vote (ties: mean score vs threshold), or the mean. */
function combineBinary(votes: JudgeVote[], ensemble: Ensemble, threshold: number): { pass: boolean; score: number } {
  const score = mean(votes.map((v) => v.raw ?? 0));
  if (ensemble === 'mean' || votes.length === 1) return { pass: votes.length === 1 ? votes[0].pass === true : score >= threshold, score };
  const passes = votes.filter((v) => v.pass).length;
  const pass = passes * 2 === votes.length ? score >= threshold : passes * 2 > votes.length;
  return { pass, score };
}

function binaryOutcome(models: JudgeModelSpec[], asked: Asked<unknown>, votes: JudgeVote[], ensemble: Ensemble, threshold: number, describe: (v: JudgeVote) => string): CheckOutcome {
  const { pass, score } = combineBinary(votes, ensemble, threshold);
  const judge: JudgeDetail = {
    models: models.map(judgeModelName),
    reasoning: votes[0].reasoning,
    raw: score,
    threshold,
    votes: votes.map(({ reasoning: _r, ...v }) => v),
    cached: asked.cached,
  };
  if (votes.length > 1) judge.ensemble = ensemble;
  const reason =
    votes.length === 1
      ? `${describe(votes[0])}: ${short(votes[0].reasoning ?? '')}`
      : `${votes.filter((v) => v.pass).length}/${votes.length} judges pass (${ensemble}, mean ${fmt(score)}): ${votes.map(describe).join('; ')}`;
  return { pass, score, reason, judge, judgeCostUsd: asked.costUsd };
}

function modelsOf(spec: { type: string }): JudgeModelSpec[] {
  return judgeModelsOf(spec) as JudgeModelInput[] as JudgeModelSpec[];
}

// ---------------------------------------------------------------------------------------------------------

export const judge: CheckEvaluator<'judge'> = (spec) => {
  const models = modelsOf(spec);
  return async (view, ctx) => {
    const question = judgeQuestion({ rubric: spec.rubric, input: judgeInput(spec.input, ctx), output: view.raw });
    const asked = await askAll(ctx, models.map((model) => ({ model, question })));
    if (isOutcome(asked)) return asked;
    const votes: JudgeVote[] = asked.answers.map((a) => ({
      model: a.model,
      raw: a.object.score,
      pass: a.object.score >= spec.threshold,
      reasoning: a.object.reasoning,
    }));
    return binaryOutcome(models, asked, votes, spec.ensemble, spec.threshold, (v) => `${v.model} score ${fmt(v.raw!)} ${v.pass ? '>=' : '<'} ${spec.threshold}`);
  };
};

export const rubric: CheckEvaluator<'rubric'> = (spec) => {
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
      output: view.raw,
    });
    const asked = await askAll(ctx, models.map((model) => ({ model, question })));
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
};

// ---------------------------------------------------------------------------------------------------------
// pairwise

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

export const pairwise: CheckEvaluator<'pairwise'> = (spec): Evaluate => {
  const models = modelsOf(spec);
  const against = spec.against ?? 'reference';
  return async (view, ctx) => {
    let other: string;
    if (spec.against !== undefined) {
      if (!ctx.opponent) {
        return indeterminate(`needs the output of variant "${spec.against}" for this case; pairwise checks against a variant are scored after every call finished`);
      }
      other = ctx.opponent.output;
    } else {
      other = spec.reference!;
    }
    const input = judgeInput(spec.input, ctx);
    const thisFirst = pairwiseQuestion({ criteria: spec.criteria, input, a: view.raw, b: other, allowTies: spec.allow_ties });
    const otherFirst = pairwiseQuestion({ criteria: spec.criteria, input, a: other, b: view.raw, allowTies: spec.allow_ties });
    const asked = await askAll(ctx, models.flatMap((model) => [{ model, question: thisFirst }, { model, question: otherFirst }]));
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
      votes.push({ model: pair[0].model, label: outcome, raw: OUTCOME_SCORE[outcome], pass: spec.pass_on === 'win' ? outcome === 'win' : outcome !== 'loss', reasoning: pair[0].object.reasoning });
    }
    const outcome = combinePairwise(votes.map((v) => v.label as PairOutcome), spec.ensemble);
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
};

// ---------------------------------------------------------------------------------------------------------

export const factuality: CheckEvaluator<'factuality'> = (spec) => {
  const models = modelsOf(spec);
  const accept = new Set<string>(spec.accept);
  return async (view, ctx) => {
    const question = factualityQuestion({ input: judgeInput(spec.input, ctx), reference: spec.reference, output: view.raw });
    const asked = await askAll(ctx, models.map((model) => ({ model, question })));
    if (isOutcome(asked)) return asked;
    const votes: JudgeVote[] = asked.answers.map((a) => ({
      model: a.model,
      label: a.object.relation,
      raw: accept.has(a.object.relation) ? 1 : 0,
      pass: accept.has(a.object.relation),
      reasoning: a.object.reasoning,
    }));
    return binaryOutcome(models, asked, votes, spec.ensemble, 0.5, (v) => `${v.model}: ${v.label} (${v.pass ? 'accepted' : 'not accepted'})`);
  };
};

export const closedQa: CheckEvaluator<'closed-qa'> = (spec) => {
  const models = modelsOf(spec);
  return async (view, ctx) => {
    const question = closedQaQuestion({ input: judgeInput(spec.input, ctx), reference: spec.reference, criteria: spec.criteria, output: view.raw });
    const asked = await askAll(ctx, models.map((model) => ({ model, question })));
    if (isOutcome(asked)) return asked;
    const votes: JudgeVote[] = asked.answers.map((a) => ({ model: a.model, raw: a.object.correct ? 1 : 0, pass: a.object.correct, reasoning: a.object.reasoning }));
    return binaryOutcome(models, asked, votes, spec.ensemble, 0.5, (v) => `${v.model}: ${v.pass ? 'correct' : 'not correct'}`);
  };
};

function contextPassages(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0) return value.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
  if (value && typeof value === 'object') return [JSON.stringify(value, null, 2)];
  return undefined;
}

export const faithfulness: CheckEvaluator<'faithfulness'> = (spec) => {
  const models = modelsOf(spec);
  return async (view, ctx) => {
    const context = contextPassages(ctx.vars[spec.context_var]);
    if (!context) return indeterminate(`case var "${spec.context_var}" (the context) is missing or empty`);
    const question = faithfulnessQuestion({ input: judgeInput(spec.input, ctx), context, output: view.raw });
    const asked = await askAll(ctx, models.map((model) => ({ model, question })));
    if (isOutcome(asked)) return asked;
    const votes: JudgeVote[] = asked.answers.map((a) => {
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
    });
    return binaryOutcome(models, asked, votes, spec.ensemble, spec.threshold, (v) => `${v.model} supported share ${fmt(v.raw!)}`);
  };
};
