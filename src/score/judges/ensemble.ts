// What every model-graded check does with its judges: ask them all concurrently (any unusable answer makes
// the check a judge-error), then combine their votes by majority or mean and record what they said.
import type { CheckContext, CheckOutcome } from '../check-types.js';
import { indeterminate, type Evaluate } from '../evaluator.js';
import type { OutputView } from '../output-view.js';
import { judgeModelName, type JudgeAnswer, type JudgeDetail, type JudgeModelSpec, type JudgeVote } from '../judge-types.js';
import { judgeModelList, type JudgeModelInput } from './fields.js';
import type { JudgeQuestion } from './prompts.js';

export type Ensemble = 'majority' | 'mean';

/** What the judge sees as the input: the check's `input`, else the messages the model was sent. */
export function judgeInput(input: string | undefined, ctx: CheckContext): string | undefined {
  if (input !== undefined) return input;
  const messages = ctx.messages;
  if (!messages || messages.length === 0) return undefined;
  if (messages.length === 1) return messages[0].content;
  return messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}

export function short(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function median(xs: number[]): number {
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
export async function askAll<T>(ctx: CheckContext, asks: { model: JudgeModelSpec; question: JudgeQuestion<T> }[]): Promise<Asked<T> | CheckOutcome> {
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

export const isOutcome = <T>(x: Asked<T> | CheckOutcome): x is CheckOutcome => !('answers' in x);

/** Pass/fail + score from per-judge votes: majority vote (ties: mean score vs threshold), or the mean. */
function combineBinary(votes: JudgeVote[], ensemble: Ensemble, threshold: number): { pass: boolean; score: number } {
  const score = mean(votes.map((v) => v.raw ?? 0));
  if (ensemble === 'mean' || votes.length === 1) return { pass: votes.length === 1 ? votes[0].pass === true : score >= threshold, score };
  const passes = votes.filter((v) => v.pass).length;
  const pass = passes * 2 === votes.length ? score >= threshold : passes * 2 > votes.length;
  return { pass, score };
}

export function binaryOutcome(
  models: JudgeModelSpec[],
  asked: Asked<unknown>,
  votes: JudgeVote[],
  ensemble: Ensemble,
  threshold: number,
  describe: (v: JudgeVote) => string,
): CheckOutcome {
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

/** A judge check's models as the judge client takes them. */
export function modelsOf(spec: { judge: JudgeModelInput | JudgeModelInput[] }): JudgeModelSpec[] {
  return judgeModelList(spec.judge) as JudgeModelSpec[];
}

/**
 * The one path of the pass/fail judge checks (judge, factuality, closed-qa, faithfulness): every judge model is
 * asked the same question, each answer becomes a vote, and the votes are combined (binaryOutcome).
 */
export async function askBinary<T>(
  ctx: CheckContext,
  models: JudgeModelSpec[],
  question: JudgeQuestion<T>,
  toVote: (answer: JudgeAnswer<T>) => JudgeVote,
  verdict: { ensemble: Ensemble; threshold: number; describe: (v: JudgeVote) => string },
): Promise<CheckOutcome> {
  const asked = await askAll(
    ctx,
    models.map((model) => ({ model, question })),
  );
  if (isOutcome(asked)) return asked;
  return binaryOutcome(models, asked, asked.answers.map(toVote), verdict.ensemble, verdict.threshold, verdict.describe);
}

/**
 * The evaluator of a pass/fail judge check: per output, build the question (or return an outcome without asking,
 * e.g. indeterminate when the context is missing), ask every judge model, turn each answer into a vote, combine.
 */
export function binaryJudge<T>(
  spec: { judge: JudgeModelInput | JudgeModelInput[]; ensemble: Ensemble },
  question: (view: OutputView, ctx: CheckContext) => JudgeQuestion<T> | CheckOutcome,
  toVote: (answer: JudgeAnswer<T>) => JudgeVote,
  verdict: { threshold: number; describe: (v: JudgeVote) => string },
): Evaluate {
  const models = modelsOf(spec);
  return async (view, ctx) => {
    const asked = question(view, ctx);
    if (!('parse' in asked)) return asked;
    return askBinary(ctx, models, asked, toVote, { ensemble: spec.ensemble, ...verdict });
  };
}
