// The judges' share of `evalspec run --dry-run`: how many judge calls the plan makes and what they cost. The
// plan's judge checks are run as they would be, over a stand-in output of the variant's expected length, with
// a judge client that records each question instead of asking it: so the count (ensembles, both orders of a
// pairwise comparison, second-phase comparisons against another variant) and the prompt sizes (counted with
// the tokenizer) come from the checks themselves. An unusable answer asked once more is not counted.
import {
  JudgeCallError,
  judgeModelName,
  prepareChecks,
  scoreOutput,
  type JudgeClient,
  type JudgeModelSpec,
  type PreparedCheck,
  isJudgeCheckType,
} from '../score/index.js';
import { resultKey, type Plan, type PlannedCase } from '../plan/index.js';
import { judgeModelKey, judgeModelRef, judgeModelsInPlan } from './judge-client.js';
import type { Pricer } from '../pricing/index.js';
import { countMessageTokens } from './tokens.js';
import type { CallsEstimate } from './calls-estimate.js';

/** One judge's calls in a dry run (model: the judge's name). */
export type JudgeEstimate = CallsEstimate;

interface Asked {
  key: string;
  spec: JudgeModelSpec;
  inputTokens: number;
}

/** Records every question a check asks, then fails it (the check's outcome does not matter here). */
function recordingJudge(into: Asked[]): JudgeClient {
  return {
    async ask(request) {
      into.push({
        key: judgeModelKey(request.model),
        spec: request.model,
        inputTokens: countMessageTokens([
          { role: 'system', content: request.system },
          { role: 'user', content: request.prompt },
        ]),
      });
      throw new JudgeCallError('dry run: not asked', 'estimate');
    },
  };
}

async function questions(
  checks: PreparedCheck[],
  planned: PlannedCase,
  output: string,
  messages: { role: string; content: string }[],
  baseDir: string,
  opponent?: string,
): Promise<Asked[]> {
  const asked: Asked[] = [];
  await scoreOutput(checks, {
    output,
    vars: planned.case.vars,
    caseId: planned.case.id,
    latencyMs: undefined,
    costUsd: undefined,
    baseDir,
    judge: recordingJudge(asked),
    messages,
    opponent: opponent === undefined ? undefined : { variantId: opponent, output },
  });
  return asked;
}

export async function estimateJudges(
  plan: Plan,
  options: { outputTokensPerCall: Map<string, number>; expectedOutputTokens: number; done?: Set<string>; pricer: Pricer },
): Promise<JudgeEstimate[]> {
  const models = judgeModelsInPlan(plan);
  if (models.length === 0) return [];
  const totals = new Map<string, { spec: JudgeModelSpec; calls: number; inputTokens: number }>(
    models.map((m) => [judgeModelKey(m), { spec: m, calls: 0, inputTokens: 0 }]),
  );
  const add = (asked: Asked[], times: number) => {
    for (const a of asked) {
      const t = totals.get(a.key) ?? { spec: a.spec, calls: 0, inputTokens: 0 };
      t.calls += times;
      t.inputTokens += a.inputTokens * times;
      totals.set(a.key, t);
    }
  };
  for (const planned of plan.cases) {
    const specs = planned.checks.filter((s) => isJudgeCheckType(s.type));
    if (specs.length === 0) continue;
    const where = { file: planned.case.source.file, line: planned.case.source.line, caseId: planned.case.id };
    const firstPhase = await prepareChecks(specs, plan.suite.dir, where);
    const secondPhase = await prepareChecks(specs, plan.suite.dir, where, { deferred: true });
    const messages = planned.messages;
    // One set of questions per stand-in length and prompt: variants that share both ask the same.
    const memo = new Map<string, { first: Asked[]; second: { against: string; asked: Asked[] }[] }>();
    for (const variant of plan.variants) {
      let calls = 0;
      for (let r = 0; r < plan.repeat; r++) if (!options.done?.has(resultKey(planned.case.id, variant.id, r))) calls++;
      if (calls === 0) continue;
      const length = Math.max(1, Math.round(options.outputTokensPerCall.get(variant.id) ?? options.expectedOutputTokens));
      const key = `${length}\u0000${variant.prompt.id}`;
      let entry = memo.get(key);
      if (!entry) {
        const output = 'x '.repeat(length).trimEnd(); // ~1 token per "x"
        const msgs = messages.get(variant.prompt.id) ?? [];
        const first = await questions(firstPhase, planned, output, msgs, plan.suite.dir);
        const second = [];
        for (const check of secondPhase) {
          const against = (check.spec as { against: string }).against;
          second.push({ against, asked: await questions([check], planned, output, msgs, plan.suite.dir, against) });
        }
        memo.set(key, (entry = { first, second }));
      }
      add(entry.first, calls);
      for (const s of entry.second) if (s.against !== variant.id) add(s.asked, calls); // a variant is not compared with itself
    }
  }
  return [...totals.values()].map(({ spec, calls, inputTokens }) => {
    const ref = judgeModelRef(plan.suite, spec);
    const cap = ref.params.max_tokens;
    const perCall = cap !== undefined && cap < options.expectedOutputTokens ? cap : options.expectedOutputTokens;
    const outputSource = `--expected-output-tokens ${options.expectedOutputTokens}${perCall === cap ? ` (capped at max_tokens ${cap})` : ''}`;
    const outputTokens = perCall * calls;
    const paidCalls = ref.providerType !== 'function';
    const price = paidCalls ? (options.pricer.price(ref) ?? null) : null;
    const costUsd = !paidCalls ? 0 : price ? (options.pricer.cost(ref, inputTokens, outputTokens) ?? null) : null;
    return { model: judgeModelName(spec), calls, inputTokens, outputTokensPerCall: perCall, outputTokens, outputSource, paidCalls, price, costUsd };
  });
}
