// Who speaks for the user in a conversation (issue #16, docs/agents.md "Conversations"): the case's scripted
// `turns:`, or a simulated user — a model that sees the conversation with the roles flipped (its instruction as
// the system message, the agent's answers as the user's messages) and writes the user's next message, until it
// says its stop text or has written `max_turns` messages. Its calls go through the run's retries, rate
// controller, slots and cache, like a model call; its tokens and cost are counted apart from the agent's.
import { createHash } from 'node:crypto';
import { type ConversationTurn, type Message, type ModelRef, type SimulatedUser, type Suite } from '../../suite/index.js';
import { stableStringify } from '../../stable-json.js';
import type { SimulatedUserFigures, TranscriptMessage } from '../../score/index.js';
import type { CachedResponse } from '../../store/index.js';
import type { CallTarget } from '../call-target.js';
import { callWithRetries } from '../call-with-retries.js';
import type { ClassifiedError } from '../errors.js';
import { countMessageTokens } from '../tokens.js';
import type { StepModelOptions } from './step-model.js';

/** The user's next message, or why the conversation ends (`text`: what the user said last, never sent to the agent). */
export type NextTurn = { text: string; simulated?: true } | { end: 'max-turns' | 'user-stop'; text?: string; simulated?: true };

/** Speaks for the user: asked once before each turn after the prompt's own. */
export interface ConversationDriver {
  /** `turn`: the number the next user message would have (1 for the first after the prompt). */
  next(messages: readonly TranscriptMessage[], turn: number, signal?: AbortSignal): Promise<NextTurn>;
  /** The simulated user's figures for the transcript (undefined for a script). */
  figures?(): SimulatedUserFigures;
}

/** The case's script: turn N is the N-th entry of `turns:`; when it runs out the conversation ends ('max-turns'). */
export function scriptedTurns(turns: readonly ConversationTurn[]): ConversationDriver {
  return {
    next: (_messages, turn) => Promise.resolve(turn <= turns.length ? { text: turns[turn - 1].user } : { end: 'max-turns' }),
  };
}

/** The simulated user's provider failed after the retries: the item's error, naming the turn. */
export class SimulatedUserFailure extends Error {
  constructor(
    readonly turn: number,
    readonly error: ClassifiedError,
    readonly attempts: number,
  ) {
    super(`simulated user, turn ${turn}: ${error.message}`);
    this.name = 'SimulatedUserFailure';
  }
}

/** The agent's greeting that opens every conversation the simulated user sees (as in τ-bench's user simulator). */
export const SIMULATED_USER_OPENING = 'Hi! How can I help you today?';

/**
 * The conversation as the user model sees it: its instruction as the system message, the agent's greeting
 * (SIMULATED_USER_OPENING: the user model is asked to speak, and some providers need a user message first), then
 * each user message as its own (assistant) message and each turn's answer of the agent (the turn's last assistant
 * text) as a user message. The agent's system prompt, its tool calls and their results stay hidden, as from a user.
 */
export function flippedConversation(instruction: string, messages: readonly TranscriptMessage[]): Message[] {
  const out: Message[] = [
    { role: 'system', content: instruction },
    { role: 'user', content: SIMULATED_USER_OPENING },
  ];
  let answer: string | undefined;
  const flush = () => {
    if (answer) out.push({ role: 'user', content: answer });
    answer = undefined;
  };
  for (const m of messages) {
    if (m.role === 'user') {
      flush();
      out.push({ role: 'assistant', content: m.content });
    } else if (m.role === 'assistant') answer = m.content || answer;
  }
  flush();
  return out;
}

export interface SimulatedUserTarget {
  target: CallTarget;
  model: ModelRef;
}

export interface SimulatedUserOptions {
  spec: SimulatedUser;
  user: SimulatedUserTarget;
  item: { caseId: string; repeat: number; vars: Record<string, unknown> };
  /** The item's retry settings (no rate gate: the target's controller is added here). */
  retry: StepModelOptions['retry'];
  cache?: { get(key: string): Promise<CachedResponse | undefined>; put(key: string, response: CachedResponse): void };
  price(model: ModelRef, input: number | undefined, output: number | undefined, cachedInput: number | undefined): number | undefined;
}

/** A simulated user's call's cache key: the endpoint, the flipped conversation, its params (seed included), the repeat. */
export function simulatedUserCacheKey(identity: Record<string, unknown>, messages: Message[], params: unknown, repeat: number): string {
  return createHash('sha256')
    .update(stableStringify({ v: 'simulated-user-1', ...identity, messages, params, repeat }))
    .digest('hex');
}

function add(total: number | null, part: number | undefined | null): number | null {
  return total === null || part === undefined || part === null ? null : total + part;
}

export function simulatedUser(options: SimulatedUserOptions): ConversationDriver {
  const { spec, user, item } = options;
  const figures: SimulatedUserFigures = { model: spec.model, calls: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, paidCostUsd: 0 };
  const identity = options.cache ? user.target.cacheIdentity : null;

  async function ask(messages: Message[], turn: number): Promise<string> {
    const key = identity ? simulatedUserCacheKey(identity, messages, spec.params, item.repeat) : undefined;
    const hit = key ? await options.cache!.get(key) : undefined;
    figures.calls++;
    if (hit) {
      figures.cached++;
      figures.inputTokens = add(figures.inputTokens, hit.inputTokens);
      figures.outputTokens = add(figures.outputTokens, hit.outputTokens);
      figures.costUsd = add(figures.costUsd, hit.costUsd);
      return hit.text;
    }
    const { target } = user;
    const outcome = await callWithRetries(({ signal }) => target.call({ ...item, messages, params: spec.params, signal }), {
      ...options.retry,
      rate: target.rateController && {
        controller: target.rateController,
        promptTokens: () => countMessageTokens(messages),
        maxOutputTokens: spec.params.max_tokens,
        usage: (r) => ({ input: r.inputTokens, output: r.outputTokens }),
      },
    });
    if (!outcome.ok) throw new SimulatedUserFailure(turn, outcome.error, outcome.attempts);
    const r = outcome.value;
    const cost = r.costUsd ?? options.price(user.model, r.inputTokens, r.outputTokens, r.cachedInputTokens);
    figures.inputTokens = add(figures.inputTokens, r.inputTokens);
    figures.outputTokens = add(figures.outputTokens, r.outputTokens);
    figures.costUsd = add(figures.costUsd, cost);
    figures.paidCostUsd = add(figures.paidCostUsd, cost);
    if (key) {
      options.cache!.put(key, {
        text: r.text,
        inputTokens: r.inputTokens ?? null,
        outputTokens: r.outputTokens ?? null,
        latencyMs: r.latencyMs ?? outcome.latencyMs ?? null,
        costUsd: cost ?? null,
        finishReason: r.finishReason ?? null,
      });
    }
    return r.text;
  }

  return {
    async next(messages, turn) {
      if (turn > spec.maxTurns) return { end: 'max-turns' };
      const text = await ask(flippedConversation(spec.instruction, messages), turn);
      if (text.includes(spec.stop)) {
        const said = text.split(spec.stop).join('').trim();
        return { end: 'user-stop', simulated: true, ...(said ? { text: said } : {}) };
      }
      return { text, simulated: true };
    },
    figures: () => ({ ...figures }),
  };
}

/** The key of a simulated user's target: cases sharing model, params and price share one target. */
export function simulatedUserKey(spec: SimulatedUser): string {
  return stableStringify({ model: spec.model, params: spec.params, price: spec.price ?? null });
}

/**
 * Every simulated user's target, built before the first call (a missing key fails the run up front), each priced
 * like the suite's model of the same ref when it sets no price of its own.
 */
export async function buildSimulatedUserTargets(
  suite: Suite,
  specs: Iterable<SimulatedUser>,
  build: (models: ModelRef[]) => Promise<Map<string, CallTarget>>,
): Promise<Map<string, SimulatedUserTarget>> {
  const out = new Map<string, SimulatedUserTarget>();
  for (const spec of specs) {
    const key = simulatedUserKey(spec);
    if (out.has(key)) continue;
    const same = suite.models.find((m) => m.ref === spec.model);
    const model: ModelRef = {
      ref: spec.model,
      providerId: spec.providerId,
      providerType: spec.providerType,
      modelId: spec.modelId,
      label: spec.model,
      params: spec.params,
      price: spec.price ?? same?.price,
      priceAs: same?.priceAs,
      rateLimit: same?.rateLimit ?? suite.providers[spec.providerId]?.rate_limit,
    };
    const target = (await build([model])).get(model.label)!;
    out.set(key, { target, model });
  }
  return out;
}
