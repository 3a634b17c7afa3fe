// The pre-run estimate behind `evalspec run --dry-run`: what a plan would cost and how long it would take,
// without calling any provider. Input tokens are counted with the tokenizer on the rendered messages;
// output tokens per call come from a previous run of the same suite (its mean per variant) when there is
// one, else --expected-output-tokens (default 256), capped by max_tokens. Duration: calls × latency per call
// spread over the concurrency, where the latency per call is the previous run's p50 or, failing that, an
// assumed generation speed. See docs/cost-and-selection.md.
import type { Plan, Variant } from '../plan/index.js';
import type { Store } from '../store/index.js';
import { DEFAULT_EXPECTED_OUTPUT_TOKENS } from './budget.js';
import { createPricer, type Pricer } from '../pricing/index.js';
import { countMessageTokens, TOKENIZER_NAME } from './tokens.js';
import { isNetworkProvider, providerDefinition } from './providers/registry.js';
import type { JudgeEstimate } from './judge-estimate.js';
import type { CallsEstimate } from './calls-estimate.js';
import { agentTokenBound, runsAsAgent, toolDefinitionTokens } from './agent-bound.js';

/** Assumed when no previous run measured the latency: a typical hosted API's streaming speed and overhead. */
export const ASSUMED_OUTPUT_TOKENS_PER_SECOND = 50;
export const ASSUMED_OVERHEAD_MS = 500;

/** What an earlier run measured for one variant. */
export interface VariantHistory {
  runId: string;
  /** Mean output tokens over its successful calls with known usage. */
  meanOutputTokens: number | null;
  /** Median latency of its successful calls. */
  p50LatencyMs: number | null;
}

export interface VariantEstimate extends CallsEstimate {
  id: string;
  /** Latency per call used for the duration, null when unknown. */
  latencyMsPerCall: number | null;
  latencySource: string;
}

export interface RunEstimate {
  suite: { name: string; file: string };
  totalCalls: number;
  calls: number;
  concurrency: number;
  variants: VariantEstimate[];
  /** LLM judge calls (judge-estimate.ts), filled by estimateSuite; [] when the plan has no judge checks. */
  judges: JudgeEstimate[];
  /** Sum over priced variants and judges. */
  costUsd: number;
  /** Models (and judges) with no known price: their calls are not in costUsd. */
  unpriced: string[];
  /** Wall time, null when a variant's latency is unknown. */
  durationMs: number | null;
  tokenizer: string;
  notes: string[];
}

export interface EstimateOptions {
  expectedOutputTokens?: number;
  /** Previous measurements per variant id. */
  history?: Map<string, VariantHistory>;
  /** Keys of calls already done (a resumed run). */
  done?: Set<string>;
  concurrency?: number;
  pricer?: Pricer;
}

/** Latency assumed for one call when nothing was measured; null for user functions (unknowable). */
function assumedLatencyMs(variant: Variant, outputTokens: number): number | null {
  const kind = providerDefinition(variant.model.providerType).kind;
  if (kind === 'replay') return 0;
  if (kind === 'function') return null;
  return ASSUMED_OVERHEAD_MS + (outputTokens / ASSUMED_OUTPUT_TOKENS_PER_SECOND) * 1000;
}

export function estimatePlan(plan: Plan, options: EstimateOptions = {}): RunEstimate {
  const pricer = options.pricer ?? createPricer();
  const expected = options.expectedOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS;
  const concurrency = options.concurrency ?? plan.suite.concurrency;
  const notes: string[] = [];
  // Input tokens per (case, prompt), counted once: variants sharing a prompt see the same messages.
  const inputByVariant = new Map<string, { calls: number; inputTokens: number }>(plan.variants.map((v) => [v.id, { calls: 0, inputTokens: 0 }]));
  const counted = new Map<string, number>();
  for (const item of plan.items()) {
    if (options.done?.has(item.key)) continue;
    const key = `${item.caseId}\u0000${item.variant.prompt.id}`;
    let tokens = counted.get(key);
    if (tokens === undefined) {
      tokens = countMessageTokens(item.messages);
      counted.set(key, tokens);
    }
    const entry = inputByVariant.get(item.variantId)!;
    entry.calls++;
    entry.inputTokens += tokens;
  }

  const maxSteps = plan.suite.maxSteps;
  const toolTokens = toolDefinitionTokens(plan.suite.tools);
  const variants: VariantEstimate[] = plan.variants.map((v) => {
    const { calls, inputTokens: promptTokens } = inputByVariant.get(v.id)!;
    const history = options.history?.get(v.id);
    let perCall = expected;
    let outputSource = `--expected-output-tokens ${expected}`;
    if (history?.meanOutputTokens != null) {
      perCall = history.meanOutputTokens;
      outputSource = `mean of run ${history.runId}`;
    }
    const cap = v.model.params.max_tokens;
    if (cap !== undefined && perCall > cap) {
      perCall = cap;
      outputSource += ` (capped at max_tokens ${cap})`;
    }
    // An agent item is counted at its upper bound of max_steps steps (agent-bound.ts states it).
    const agent = runsAsAgent(plan, { variant: v });
    const bound = agentTokenBound({ promptTokens: 0, toolTokens, outputPerStep: perCall, growthPerStep: perCall + expected, maxSteps });
    const inputTokens = agent ? Math.round(maxSteps * promptTokens + calls * bound.input) : promptTokens;
    if (agent) {
      perCall = bound.output;
      outputSource += ` × up to ${maxSteps} steps (max_steps)`;
    }
    const outputTokens = Math.round(perCall * calls);
    const price = pricer.price(v.model) ?? null;
    const costUsd = price ? (pricer.cost(v.model, inputTokens, outputTokens) ?? null) : null;
    let latencyMsPerCall: number | null;
    let latencySource: string;
    if (history?.p50LatencyMs != null) {
      latencyMsPerCall = history.p50LatencyMs;
      latencySource = `p50 of run ${history.runId}`;
    } else {
      latencyMsPerCall = assumedLatencyMs(v, perCall);
      if (agent && latencyMsPerCall !== null) latencyMsPerCall += (maxSteps - 1) * ASSUMED_OVERHEAD_MS; // one request per step
      latencySource =
        providerDefinition(v.model.providerType).kind === 'replay'
          ? 'replayed: no call'
          : latencyMsPerCall === null
            ? 'unknown (a function: measure it with a run)'
            : `assumed ${ASSUMED_OUTPUT_TOKENS_PER_SECOND} tokens/s + ${ASSUMED_OVERHEAD_MS} ms`;
    }
    const paidCalls = isNetworkProvider(v.model.providerType);
    return {
      id: v.id,
      model: v.model.ref,
      calls,
      inputTokens,
      outputTokensPerCall: perCall,
      outputTokens,
      outputSource,
      paidCalls,
      price,
      costUsd,
      latencyMsPerCall,
      latencySource,
    };
  });

  // Workers pull calls of every variant from one queue: the run takes the total work over the concurrency,
  // or longer when a provider's own limit is the bottleneck.
  let durationMs: number | null = 0;
  const work = new Map<string, { ms: number; limit: number }>();
  for (const v of variants) {
    if (v.calls === 0) continue;
    if (v.latencyMsPerCall === null) {
      durationMs = null;
      break;
    }
    const variant = plan.variants.find((x) => x.id === v.id)!;
    const provider = plan.suite.providers[variant.model.providerId];
    const key = variant.model.providerId;
    const entry = work.get(key) ?? { ms: 0, limit: Math.min(provider?.concurrency ?? concurrency, concurrency) };
    entry.ms += v.calls * v.latencyMsPerCall;
    work.set(key, entry);
  }
  if (durationMs !== null) {
    const total = [...work.values()].reduce((s, w) => s + w.ms, 0);
    durationMs = Math.max(total / Math.max(1, concurrency), ...[...work.values()].map((w) => w.ms / Math.max(1, w.limit)));
  }
  // A declared rate_limit is a floor: the model's calls (every prompt of it) cannot go faster than its limits.
  for (const floor of rateLimitFloors(plan, variants)) {
    notes.push(floor.note);
    if (durationMs !== null) durationMs = Math.max(durationMs, floor.ms);
  }

  const unpriced = variants.filter((v) => v.costUsd === null && v.calls > 0).map((v) => v.id);
  if (variants.some((v) => v.calls > 0 && v.model.startsWith('replay:')))
    notes.push('replayed variants make no call: their cost is what the logged outputs would cost at the price given');
  if (variants.some((v) => !v.outputSource.startsWith('mean'))) {
    notes.push('no previous run for some variants: output length is the assumed --expected-output-tokens; a previous run of the suite replaces it');
  }
  if (plan.suite.tools.length > 0 && plan.variants.some((v) => providerDefinition(v.model.providerType).kind === 'network')) {
    // How many steps an agent takes is known only when it runs: each of its items is counted at the most it may take.
    notes.push(
      `the suite's tools make every network model an agent of up to ${maxSteps} steps (max_steps) per case: each case is counted as ${maxSteps} steps, step s re-reading the prompt, the tool definitions and s−1 earlier steps (each an output plus a tool result of --expected-output-tokens): an upper bound; agents that answer in fewer steps cost less`,
    );
  }
  let conversations = 0;
  for (const { case: c } of plan.cases) if (c.turns || c.simulatedUser) conversations++;
  if (conversations > 0 && plan.variants.some((v) => providerDefinition(v.model.providerType).kind === 'network')) {
    // A conversation's turns (and its simulated user's calls) are known only when it is played.
    notes.push(
      `${conversations} case${conversations > 1 ? 's are conversations' : ' is a conversation'} (turns: or simulated_user:): each is estimated as its first turn only (one call, or max_steps steps with tools), though every further turn costs at least one more model call, and each simulated user's message a call of its model (not counted here)`,
    );
  }
  notes.push(
    `input tokens counted with the ${TOKENIZER_NAME} tokenizer (exact for GPT-3.5/4-era OpenAI models, an estimate for others); the response cache is not consulted, so this is an upper bound`,
  );
  return {
    suite: { name: plan.suite.name, file: plan.suite.file },
    totalCalls: plan.totalCalls,
    calls: variants.reduce((s, v) => s + v.calls, 0),
    concurrency,
    variants,
    judges: [],
    costUsd: variants.reduce((s, v) => s + (v.costUsd ?? 0), 0),
    unpriced,
    durationMs,
    tokenizer: TOKENIZER_NAME,
    notes,
  };
}

/** Per model with a declared rate_limit: the least time its calls take at that limit (requests, and tokens as estimated). */
function rateLimitFloors(plan: Plan, variants: VariantEstimate[]): { ms: number; note: string }[] {
  const byModel = new Map<string, { rpm?: number; tpm?: number; calls: number; tokens: number }>();
  for (const v of variants) {
    const model = plan.variants.find((x) => x.id === v.id)!.model;
    if (!model.rateLimit || v.calls === 0) continue;
    const key = `${model.providerId}:${model.modelId}`;
    const entry = byModel.get(key) ?? { ...model.rateLimit, calls: 0, tokens: 0 };
    entry.calls += v.calls;
    entry.tokens += v.inputTokens + v.outputTokens;
    byModel.set(key, entry);
  }
  return [...byModel].map(([model, e]) => {
    const byRequests = e.rpm ? (e.calls / e.rpm) * 60_000 : 0;
    const byTokens = e.tpm ? (e.tokens / e.tpm) * 60_000 : 0;
    const ms = Math.max(byRequests, byTokens);
    const limit = [e.rpm ? `${e.rpm} requests/min` : null, e.tpm ? `${e.tpm} tokens/min` : null].filter(Boolean).join(', ');
    return {
      ms,
      note: `${model}: its declared rate_limit (${limit}) takes at least ${Math.ceil(ms / 1000)} s for ${e.calls} calls (judge calls on it not counted)`,
    };
  });
}

/** Median of ascending values (mean of the middle two for an even count), null for none. */
function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measurements of the newest earlier run of the same suite (by name) that has results for each variant:
 * mean output tokens and p50 latency over its successful calls.
 */
export async function variantHistory(store: Store, suiteName: string, variantIds: string[]): Promise<Map<string, VariantHistory>> {
  const out = new Map<string, VariantHistory>();
  const wanted = new Set(variantIds);
  for (const run of await store.runs.list({ suite: suiteName, limit: 20 })) {
    if (wanted.size === 0) break;
    for (const v of run.variants) {
      if (!wanted.has(v.id)) continue;
      let sum = 0;
      let n = 0;
      for await (const r of store.results.list(run.id, { variantId: v.id, slim: true })) {
        if (r.errorClass === null && r.outputTokens !== null) {
          sum += r.outputTokens;
          n++;
        }
      }
      const latencies = await store.results.latencies(run.id, v.id);
      if (n === 0 && latencies.length === 0) continue;
      out.set(v.id, {
        runId: run.id,
        meanOutputTokens: n > 0 ? sum / n : null,
        p50LatencyMs: median(latencies),
      });
      wanted.delete(v.id);
    }
  }
  return out;
}
