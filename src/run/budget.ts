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
import { EvalspecError } from '../errors.js';
import type { Plan, WorkItem } from '../plan/index.js';
import type { Pricer } from './pricing.js';
import { countMessageTokens } from './tokens.js';

export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;

/** Provider types that make a paid call: a budget needs a price for each of them. */
const CALLED = new Set(['openai', 'anthropic', 'google', 'openai-compatible']);

export interface Reservation {
  variantId: string;
  amountUsd: number;
}

export interface BudgetSummary {
  maxCostUsd: number;
  /** What the calls of this invocation cost (known costs only). */
  spentUsd: number;
  /** True when a call was held back because it would have passed the cap. */
  stopped: boolean;
}

export class CostBudget {
  spentUsd = 0;
  reservedUsd = 0;
  stopped = false;
  private readonly dearest = new Map<string, number>();
  private readonly longest = new Map<string, number>();
  private readonly inputTokens = new Map<string, number>();

  constructor(
    readonly maxCostUsd: number,
    private readonly pricer: Pricer,
    private readonly expectedOutputTokens = DEFAULT_EXPECTED_OUTPUT_TOKENS,
  ) {}

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
    const output = model.params.max_tokens ?? Math.max(this.expectedOutputTokens, this.longest.get(item.variantId) ?? 0);
    const estimated = this.pricer.cost(model, input, output) ?? 0;
    return Math.max(estimated, this.dearest.get(item.variantId) ?? 0);
  }

  /** Reserve the estimate, or null (and stop) when it would pass the cap. */
  reserve(item: WorkItem): Reservation | null {
    if (this.stopped) return null;
    const amountUsd = this.estimate(item);
    // A tiny tolerance so a cap set to exactly n calls' cost admits n calls despite float rounding.
    if (this.spentUsd + this.reservedUsd + amountUsd > this.maxCostUsd * (1 + 1e-9)) {
      this.stopped = true;
      return null;
    }
    this.reservedUsd += amountUsd;
    return { variantId: item.variantId, amountUsd };
  }

  /**
   * The call finished (or failed): swap its reservation for what it actually cost, the model's call plus
   * any LLM judge that graded it (judged checks report judgeCostUsd).
   */
  settle(reservation: Reservation | undefined, costUsd: number | null | undefined, outputTokens?: number | null, judgeCostUsd = 0): void {
    if (!reservation) return;
    this.reservedUsd = Math.max(0, this.reservedUsd - reservation.amountUsd);
    const total = (typeof costUsd === 'number' ? costUsd : 0) + judgeCostUsd;
    if (typeof costUsd === 'number' || judgeCostUsd > 0) {
      this.spentUsd += total;
      this.dearest.set(reservation.variantId, Math.max(total, this.dearest.get(reservation.variantId) ?? 0));
    }
    if (typeof outputTokens === 'number') {
      this.longest.set(reservation.variantId, Math.max(outputTokens, this.longest.get(reservation.variantId) ?? 0));
    }
  }

  /** Spend with no reservation behind it (a judge grading a cached answer). */
  charge(usd: number): void {
    if (usd > 0) this.spentUsd += usd;
  }

  summary(): BudgetSummary {
    return { maxCostUsd: this.maxCostUsd, spentUsd: this.spentUsd, stopped: this.stopped };
  }
}

/**
 * A budget for this plan, or an error (exit 2, nothing run) when a model that makes paid calls has no known
 * price: its spend could not be counted against the cap.
 */
export function createBudget(plan: Plan, pricer: Pricer, maxCostUsd: number, expectedOutputTokens?: number): CostBudget {
  if (!(maxCostUsd >= 0) || !Number.isFinite(maxCostUsd)) {
    throw new EvalspecError('USAGE', `--max-cost must be a non-negative amount in USD, got ${maxCostUsd}`, { hint: 'e.g. --max-cost 5' });
  }
  const unpriced = [...new Set(plan.variants.filter((v) => CALLED.has(v.model.providerType) && !pricer.price(v.model)).map((v) => v.model.label))];
  if (unpriced.length) {
    throw new EvalspecError('USAGE', `--max-cost needs a price for every model it calls; no known price for ${unpriced.join(', ')}`, {
      file: plan.suite.file,
      hint: 'add a price to the model in the suite: - { id: …, price: { input_per_mtok: 0.15, output_per_mtok: 0.6 } } (or price_as: provider:model)',
    });
  }
  return new CostBudget(maxCostUsd, pricer, expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS);
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
