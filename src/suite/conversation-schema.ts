// Conversations (issue #16, docs/agents.md "Conversations"): a case's scripted `turns:` (user messages, each with
// checks on the agent's reply to it), or a simulated user (`simulated_user:` on the suite or the case: a model
// that plays the user from an instruction until it says the stop text or runs out of turns). Checked when the
// suite loads: both on one case, an unknown key, a provider that cannot play the user are errors naming the
// file, the line and the fix.
import { z } from 'zod';
import { EvalspecError } from '../errors.js';
import { isDeferredCheck, paramsSchema, priceSchema, type GenerationParams, type PriceOverride } from '../score/index.js';
import { validateCheckSpec, type CheckSpec } from './check-specs.js';
import type { ProviderType } from './provider-types.js';

/** The simulated user's defaults: what each key is when neither the suite nor the case gives it. */
export const SIMULATED_USER_DEFAULTS = { instruction: '{{instruction}}', max_turns: 10, stop: '###STOP###', seed: 0 } as const;

export const turnSchema = z.union([
  z.string().min(1),
  z.strictObject({
    user: z.string().min(1),
    /** Checks on the agent's reply to this turn (its final text, with the transcript up to the end of the turn). */
    checks: z.array(z.unknown()).default([]),
  }),
]);
export const turnsSchema = z.array(turnSchema).min(1).optional();

export const simulatedUserSchema = z.strictObject({
  /** provider:model of the model that plays the user. */
  model: z.string().min(1).optional(),
  /** The persona and goal, the user model's system message; templated from the case's vars. */
  instruction: z.string().min(1).optional(),
  /** How many messages the simulated user may write (the conversation ends after its last is answered). */
  max_turns: z.number().int().min(1).max(200).optional(),
  /** The user model ends the conversation by writing this text (it is not sent to the agent). */
  stop: z.string().min(1).optional(),
  seed: z.number().int().optional(),
  params: paramsSchema.optional(),
  price: priceSchema.optional(),
});
export type SimulatedUserInput = z.infer<typeof simulatedUserSchema>;

export const VALID_TURN_KEYS = ['user', 'checks'];
export const VALID_SIMULATED_USER_KEYS = Object.keys(simulatedUserSchema.shape);

/** A scripted user turn: the message (a template over the case's vars) and the checks on the reply to it. */
export interface ConversationTurn {
  user: string;
  /** Metrics already named `turn<N>:<metric>` (N: the turn's number, 1 for the first entry of `turns:`). */
  checks: CheckSpec[];
}

/** The simulated user of a case: the suite's settings with the case's own over them. */
export interface SimulatedUser {
  /** provider:model as written. */
  model: string;
  providerId: string;
  modelId: string;
  providerType: ProviderType;
  /** A template over the case's vars (rendered by the plan). */
  instruction: string;
  maxTurns: number;
  stop: string;
  /** The params the user model is called with; `seed` set from `seed:` (default 0). */
  params: GenerationParams;
  price?: PriceOverride;
}

/** The metric a turn's check stores under: `turn2:contains`, so reports and bars tell the turns apart. */
export function turnMetric(turn: number, metric: string): string {
  const prefix = `turn${turn}:`;
  return metric.startsWith(prefix) ? metric : `${prefix}${metric}`;
}

interface Where {
  file: string;
  line?: number;
  caseId?: string;
}

/** A case's `turns:` as ConversationTurns: checks validated, their metrics named per turn. */
export function normaliseTurns(raw: z.infer<typeof turnsSchema>, where: Where): ConversationTurn[] | undefined {
  if (raw === undefined) return undefined;
  return raw.map((entry, index) => {
    const turn = index + 1;
    if (typeof entry === 'string') return { user: entry, checks: [] };
    const checks = entry.checks.map((spec) => {
      const check = validateCheckSpec(spec, where);
      if (isDeferredCheck(check)) {
        throw new EvalspecError('CHECK_INVALID', `turn ${turn}: a pairwise check compares whole outputs and cannot be a turn's check`, {
          ...where,
          hint: "put it in the case's checks: (it then compares the conversations' final answers)",
        });
      }
      return { ...check, metric: turnMetric(turn, check.metric ?? check.type) } as CheckSpec;
    });
    return { user: entry.user, checks };
  });
}

/** The simulated user of a case (the suite's, the case's over it), or undefined when neither sets one. */
export function resolveSimulatedUser(
  suiteLevel: SimulatedUserInput | undefined,
  caseLevel: SimulatedUserInput | undefined,
  providers: Record<string, { type: ProviderType }>,
  where: Where,
): SimulatedUser | undefined {
  if (suiteLevel === undefined && caseLevel === undefined) return undefined;
  const spec = { ...suiteLevel, ...caseLevel, params: { ...suiteLevel?.params, ...caseLevel?.params } };
  if (spec.model === undefined) {
    throw new EvalspecError('SUITE_SCHEMA', 'simulated_user has no model: which model plays the user?', {
      ...where,
      hint: 'add model: provider:model (e.g. simulated_user: { model: openai:gpt-4o-mini, instruction: "{{instruction}}" })',
    });
  }
  const colon = spec.model.indexOf(':');
  const providerId = colon > 0 ? spec.model.slice(0, colon) : '';
  const provider = providers[providerId];
  if (colon <= 0 || colon === spec.model.length - 1 || provider === undefined) {
    throw new EvalspecError('PROVIDER_UNKNOWN', `simulated_user model "${spec.model}" is not provider:model with a known provider`, {
      ...where,
      hint: `write e.g. openai:gpt-4o-mini; the providers: ${Object.keys(providers).join(', ')}`,
    });
  }
  if (provider.type === 'replay') {
    throw new EvalspecError('PROVIDER_CONFIG', `simulated_user model "${spec.model}": a replayed log cannot play the user`, {
      ...where,
      hint: 'name a network model (openai:…, anthropic:…, an openai-compatible server) or a function: model',
    });
  }
  return {
    model: spec.model,
    providerId,
    modelId: spec.model.slice(colon + 1),
    providerType: provider.type,
    instruction: spec.instruction ?? SIMULATED_USER_DEFAULTS.instruction,
    maxTurns: spec.max_turns ?? SIMULATED_USER_DEFAULTS.max_turns,
    stop: spec.stop ?? SIMULATED_USER_DEFAULTS.stop,
    params: { ...spec.params, seed: spec.seed ?? SIMULATED_USER_DEFAULTS.seed },
    ...(spec.price ? { price: spec.price } : {}),
  };
}
