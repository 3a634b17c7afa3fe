// --max-cost: a spending cap for one invocation of `evalspec run`. Before a call starts, an estimated cost is
// reserved; a call whose reservation would take spent + reserved past the cap is not started, the workers
// stop taking new work, and the run ends incomplete (exit 3) with everything finished stored: `--resume`
// continues it. Cache hits cost nothing and reserve nothing.
//
// The reservation for one call: its input tokens counted with the tokenizer, plus `max_tokens` output
// tokens when the model sets it (a true upper bound), else the larger of --expected-output-tokens and the
// longest output this variant has produced so far; and never less than the dearest call of this variant
// seen so far. Without max_tokens an unexpectedly long answer can overshoot the cap by that one call's
// excess; set max_tokens for a hard guarantee.
//
// LLM judges spend from the same budget: every judge call (first and second phase, each ask of an unusable
// answer) reserves before it starts — its prompt counted with the tokenizer, plus the judge's max_tokens, else
// the larger of --expected-output-tokens and its longest answer so far — and a judge call that does not fit
// is not made (the result is stored as a judge-error; --resume judges it, the model's answer then served from
// the cache). A model call is admitted only when the judging its variant's results needed so far fits too.
// So spend never passes the cap except by what in-flight calls cost beyond their reservation (answers longer
// than assumed, for models or judges without max_tokens).
//
// An agent item (a network model of a suite with tools) reserves the upper bound of a conversation of up to
// max_steps steps (agent-bound.ts states it), and each of its steps is admitted again on its real prompt just
// before it is sent (stepGate): a step that would take the item past its reservation grows it, and one that does
// not fit stops the run (the item is not stored; its paid steps are in the cache, so --resume does not pay them
// again). The item settles at what its fresh steps cost. So an agent overshoots only by a step's output beyond
// the assumed length, never by a whole conversation.
import { EvalspecError } from '../errors.js';
import { repeatMajorItems, type Plan, type WorkItem } from '../plan/index.js';
import type { ModelRef } from '../suite/index.js';
import type { Pricer } from '../pricing/index.js';
import { countMessageTokens } from './tokens.js';
import { isNetworkProvider } from './providers/registry.js';
import { judgeModelRef, judgeModelsInPlan } from './judge-client.js';
import type { JudgeBudget, Reservation } from './judge-budget.js';
import { agentTokenBound, runsAsAgent, toolDefinitionTokens } from './agent-bound.js';

export type { JudgeBudget, Reservation } from './judge-budget.js';

export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;

export interface BudgetSummary {
  maxCostUsd: number;
  /** What the calls of this invocation cost (known costs only). */
  spentUsd: number;
  /** True when a call was held back because it would have passed the cap. */
  stopped: boolean;
}

/** One agent item's steps against the budget (CostBudget.stepGate; step-model.ts asks it before each fresh step). */
export interface StepGate {
  /** Before a step's provider call, with its prompt's tokens: false when it would pass the cap (the run stops). */
  admit(promptTokens: number): boolean;
  /** After the call: the step's usage (unknown tokens: the step is counted at what it was admitted for). */
  paid(inputTokens: number | undefined, outputTokens: number | undefined, cachedInputTokens: number | undefined): void;
  /** What the item's fresh steps cost so far (settle the item with it). */
  readonly paidUsd: number;
}

export class CostBudget implements JudgeBudget {
  spentUsd = 0;
  reservedUsd = 0;
  stopped = false;
  private readonly dearest = new Map<string, number>();
  private readonly longest = new Map<string, number>();
  private readonly inputTokens = new Map<string, number>();
  /** Per variant: the most its results' judging cost (first phase), held back when a call is admitted. */
  private readonly judgingPerResult = new Map<string, number>();

  /** Per variant: the largest growth between two consecutive steps' prompts (agents). */
  private readonly stepGrowth = new Map<string, number>();

  constructor(
    readonly maxCostUsd: number,
    private readonly pricer: Pricer,
    private readonly expectedOutputTokens = DEFAULT_EXPECTED_OUTPUT_TOKENS,
    /** Set when the suite declares tools: its step limit and its tool definitions' tokens. */
    private readonly agents?: { plan: Pick<Plan, 'suite'>; maxSteps: number; toolTokens: number },
  ) {}

  /** A step's output length assumed for this variant: max_tokens, else the expected or longest seen. */
  private outputPerCall(item: WorkItem): number {
    return item.variant.model.params.max_tokens ?? Math.max(this.expectedOutputTokens, this.longest.get(item.variantId) ?? 0);
  }

  /** The cost to hold back before starting this call (0 when it cannot cost anything we know of). */
  estimate(item: WorkItem): number {
    const model = item.variant.model;
    const key = `${item.caseId}\u0000${item.variant.prompt.id}`;
    let input = this.inputTokens.get(key);
    if (input === undefined) {
      input = countMessageTokens(item.messages);
      if (this.inputTokens.size > 10_000) this.inputTokens.clear();
      this.inputTokens.set(key, input);
    }
    const output = this.outputPerCall(item);
    if (this.agents && runsAsAgent(this.agents.plan, item)) {
      const bound = agentTokenBound({
        promptTokens: input,
        toolTokens: this.agents.toolTokens,
        outputPerStep: output,
        growthPerStep: Math.max(output + this.expectedOutputTokens, this.stepGrowth.get(item.variantId) ?? 0),
        maxSteps: this.agents.maxSteps,
      });
      return Math.max(this.pricer.cost(model, bound.input, bound.output) ?? 0, this.dearest.get(item.variantId) ?? 0);
    }
    const estimated = this.pricer.cost(model, input, output) ?? 0;
    return Math.max(estimated, this.dearest.get(item.variantId) ?? 0);
  }

  /** The gate of one admitted agent item's steps (see the header): grows its reservation when a step needs more. */
  stepGate(reservation: Reservation, item: WorkItem): StepGate {
    const model = item.variant.model;
    const toolTokens = this.agents?.toolTokens ?? 0;
    let paidUsd = 0;
    let lastPrompt: number | undefined;
    let admittedUsd = 0;
    return {
      admit: (promptTokens) => {
        if (lastPrompt !== undefined && promptTokens - lastPrompt > (this.stepGrowth.get(item.variantId) ?? 0)) {
          this.stepGrowth.set(item.variantId, promptTokens - lastPrompt);
        }
        lastPrompt = promptTokens;
        admittedUsd = this.pricer.cost(model, promptTokens + toolTokens, this.outputPerCall(item)) ?? 0;
        // Held for the item beyond its judging: what its steps may still spend.
        const room = reservation.amountUsd - (reservation.judgeHoldUsd ?? 0) - paidUsd;
        if (admittedUsd <= room) return true;
        if (!this.hold(admittedUsd - room)) return false;
        reservation.amountUsd += admittedUsd - room;
        return true;
      },
      paid: (inputTokens, outputTokens, cachedInputTokens) => {
        const cost =
          inputTokens === undefined || outputTokens === undefined ? undefined : this.pricer.cost(model, inputTokens, outputTokens, cachedInputTokens);
        paidUsd += cost ?? admittedUsd;
        if (outputTokens !== undefined) this.longest.set(item.variantId, Math.max(outputTokens, this.longest.get(item.variantId) ?? 0));
      },
      get paidUsd() {
        return paidUsd;
      },
    };
  }

  /** Hold amountUsd, or return false (and stop) when it would pass the cap. */
  private hold(amountUsd: number): boolean {
    if (this.stopped) return false;
    // A tiny tolerance so a cap set to exactly n calls' cost admits n calls despite float rounding.
    if (this.spentUsd + this.reservedUsd + amountUsd > this.maxCostUsd * (1 + 1e-9)) {
      this.stopped = true;
      return false;
    }
    this.reservedUsd += amountUsd;
    return true;
  }

  /** Reserve the estimate (plus the judging its variant's results needed so far), or null (and stop) when it would pass the cap. */
  reserve(item: WorkItem): Reservation | null {
    const amountUsd = this.estimate(item);
    const judgeHoldUsd = this.judgingPerResult.get(item.variantId) ?? 0;
    if (!this.hold(amountUsd + judgeHoldUsd)) return null;
    return { variantId: item.variantId, amountUsd: amountUsd + judgeHoldUsd, judgeHoldUsd };
  }

  /** The model call returned: give back what was held for its judging, just before the judges reserve their own calls. */
  releaseJudgeHold(reservation: Reservation | undefined): void {
    if (!reservation?.judgeHoldUsd) return;
    this.reservedUsd = Math.max(0, this.reservedUsd - reservation.judgeHoldUsd);
    reservation.amountUsd -= reservation.judgeHoldUsd;
    reservation.judgeHoldUsd = 0;
  }

  /** What judging one result of this variant cost (learned for the hold of later calls). */
  noteJudging(variantId: string, judgeCostUsd: number): void {
    if (judgeCostUsd > (this.judgingPerResult.get(variantId) ?? 0)) this.judgingPerResult.set(variantId, judgeCostUsd);
  }

  reserveJudge(ref: ModelRef, name: string, request: { system: string; prompt: string }): Reservation | null {
    const key = `judge:${name}`;
    const input = countMessageTokens([
      { role: 'system', content: request.system },
      { role: 'user', content: request.prompt },
    ]);
    const output = ref.params.max_tokens ?? Math.max(this.expectedOutputTokens, this.longest.get(key) ?? 0);
    const amountUsd = Math.max(this.pricer.cost(ref, input, output) ?? 0, this.dearest.get(key) ?? 0);
    return this.hold(amountUsd) ? { variantId: key, amountUsd } : null;
  }

  settleJudge(reservation: Reservation, costUsd: number | null | undefined, outputTokens?: number | null): void {
    this.settle(reservation, costUsd, outputTokens);
  }

  /** The call finished (or failed): swap its reservation for what it actually cost (judges settle their own calls). */
  settle(reservation: Reservation | undefined, costUsd: number | null | undefined, outputTokens?: number | null): void {
    if (!reservation) return;
    this.reservedUsd = Math.max(0, this.reservedUsd - reservation.amountUsd);
    if (typeof costUsd === 'number') {
      this.spentUsd += costUsd;
      this.dearest.set(reservation.variantId, Math.max(costUsd, this.dearest.get(reservation.variantId) ?? 0));
    }
    if (typeof outputTokens === 'number') {
      this.longest.set(reservation.variantId, Math.max(outputTokens, this.longest.get(reservation.variantId) ?? 0));
    }
  }

  summary(): BudgetSummary {
    return { maxCostUsd: this.maxCostUsd, spentUsd: this.spentUsd, stopped: this.stopped };
  }

  /**
   * What other processes spent of the same cap (a distributed run's workers, distribute/shared-cost.ts), and whether
   * it stopped them: counted here, so the coordinator's judge phase and its summary see the whole run's spend.
   */
  spentElsewhere(spentUsd: number, stopped: boolean): void {
    this.spentUsd += spentUsd;
    if (stopped) this.stopped = true;
  }
}

/**
 * What one distributed job's calls will hold back against --max-cost before they start (issue #14): the estimate of
 * each of its items, summed (what a worker leases from the run's shared budget for the job), and its cheapest and
 * dearest call. Judges are not in it.
 */
export function estimatePartCost(
  plan: Plan,
  part: { repeat: number; caseFrom: number; caseTo: number },
  pricer: Pricer,
  expectedOutputTokens?: number,
): { totalUsd: number; cheapestUsd: number; dearestUsd: number } {
  const budget = createBudget(plan, pricer, Number.MAX_VALUE, expectedOutputTokens);
  let totalUsd = 0;
  let cheapestUsd = Infinity;
  let dearestUsd = 0;
  for (const item of repeatMajorItems(plan.variants, plan.cases.slice(part.caseFrom, part.caseTo), part.repeat, part.repeat + 1)) {
    const usd = budget.estimate(item);
    totalUsd += usd;
    cheapestUsd = Math.min(cheapestUsd, usd);
    dearestUsd = Math.max(dearestUsd, usd);
  }
  return { totalUsd, cheapestUsd: Number.isFinite(cheapestUsd) ? cheapestUsd : 0, dearestUsd };
}

/**
 * A budget for this plan, or an error (exit 2, nothing run) when a model that makes paid calls has no known
 * price: its spend could not be counted against the cap.
 */
export function createBudget(plan: Plan, pricer: Pricer, maxCostUsd: number, expectedOutputTokens?: number): CostBudget {
  if (!(maxCostUsd >= 0) || !Number.isFinite(maxCostUsd)) {
    throw new EvalspecError('USAGE', `--max-cost must be a non-negative amount in USD, got ${maxCostUsd}`, { hint: 'e.g. --max-cost 5' });
  }
  const judges = judgeModelsInPlan(plan).map((m) => judgeModelRef(plan.suite, m));
  const unpriced = [
    ...new Set([...plan.variants.map((v) => v.model), ...judges].filter((m) => isNetworkProvider(m.providerType) && !pricer.price(m)).map((m) => m.label)),
  ];
  if (unpriced.length) {
    throw new EvalspecError('USAGE', `--max-cost needs a price for every model it calls, judges included; no known price for ${unpriced.join(', ')}`, {
      file: plan.suite.file,
      hint: 'add a price to the model in the suite: - { id: …, price: { input_per_mtok: 0.15, output_per_mtok: 0.6 } } (or price_as: provider:model); a judge takes the same: judge: { id: …, price: {…} }',
    });
  }
  const agents = plan.suite.tools.length > 0 ? { plan, maxSteps: plan.suite.maxSteps, toolTokens: toolDefinitionTokens(plan.suite.tools) } : undefined;
  return new CostBudget(maxCostUsd, pricer, expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS, agents);
}

/** What LLM judges cost to grade one result: the sum of its checks' judgeCostUsd. */
export function judgeCostOf(checks: readonly unknown[]): number {
  let total = 0;
  for (const c of checks) {
    const v = c && typeof c === 'object' ? (c as { judgeCostUsd?: unknown }).judgeCostUsd : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) total += v;
  }
  return total;
}
