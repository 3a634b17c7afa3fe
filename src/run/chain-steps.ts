// A `function:` chain's steps (issue #20, docs/playground.md "Chains"): what the function returned as `steps`,
// checked, and the chain's totals. Pure (no provider registry, no prices), so providers/function.ts can import it
// without a cycle; chain-targets.ts prices the steps and tells the function of the suite's providers.
import type { ChainStep } from '../score/index.js';
import type { ProviderType } from '../suite/index.js';
import { CallFailure } from './errors.js';

/** A network provider of the suite as a `function:` model's `input.providers[id]` sees it. */
export interface ChainProvider {
  type: ProviderType;
  /** providers.<id>.baseURL with ${ENV} resolved; absent: the provider package's default endpoint. */
  baseURL?: string;
  /** providers.<id>.api (openai: chat or responses). */
  api?: string;
  /** The environment variable the key is read from, in the function's worker; absent: the server needs none. */
  apiKeyEnv?: string;
  /** providers.<id>.apiKey is written out (not `${VAR}`): a chain step refuses it rather than receive the key. */
  apiKeyWrittenOut?: true;
  /** providers.<id>.headers as written: ${ENV} placeholders are resolved in the worker. */
  headers?: Record<string, string>;
}

const SHAPE = 'return `steps` as a list of { name, model?, messages?, output, latencyMs?, inputTokens?, outputTokens?, costUsd?, error? }';

/** A finite number ≥ 0, null when absent; anything else is the function's error. */
function figure(value: unknown, bad: (what: string) => CallFailure, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw bad(`${what} that is not a number >= 0`);
  return value;
}

/**
 * The `steps` a function returned, checked (a step's `costUsd` is what it reported: chain-targets.ts prices the
 * others). A malformed step is the function's own error (function-error), named with the case.
 */
export function parseChainSteps(steps: unknown, who: string): ChainStep[] {
  const bad = (what: string) => new CallFailure('function-error', `${who} returned \`steps\` ${what}; ${SHAPE}`);
  if (!Array.isArray(steps)) throw bad(`that is ${typeof steps}, not a list`);
  return steps.map((raw: unknown, i) => {
    const at = `whose item ${i + 1}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(`${at} is not an object`);
    const s = raw as Record<string, unknown>;
    if (typeof s.name !== 'string' || s.name === '') throw bad(`${at} has no \`name\` (a non-empty string)`);
    const named = `${at} ("${s.name}")`;
    if (s.model !== undefined && s.model !== null && (typeof s.model !== 'string' || !/^[^:]+:.+$/.test(s.model)))
      throw bad(`${named} has a \`model\` that is not "provider:model"`);
    const model = typeof s.model === 'string' ? s.model : null;
    const step: ChainStep = {
      name: s.name,
      model,
      output: s.output === undefined || s.output === null ? '' : typeof s.output === 'string' ? s.output : JSON.stringify(s.output),
      latencyMs: figure(s.latencyMs, bad, `${named} has a \`latencyMs\``),
      inputTokens: figure(s.inputTokens, bad, `${named} has \`inputTokens\``),
      outputTokens: figure(s.outputTokens, bad, `${named} has \`outputTokens\``),
      costUsd: figure(s.costUsd, bad, `${named} has a \`costUsd\``),
    };
    if (s.messages !== undefined && s.messages !== null)
      step.messages = stepMessages(s.messages, () => bad(`${named} has \`messages\` that are not [{ role, content }]`));
    if (s.error !== undefined && s.error !== null) step.error = typeof s.error === 'string' ? s.error : JSON.stringify(s.error);
    return step;
  });
}

function stepMessages(messages: unknown, bad: () => CallFailure): { role: string; content: string }[] {
  if (!Array.isArray(messages)) throw bad();
  return messages.map((m: unknown) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || content === undefined) throw bad();
    return { role, content: typeof content === 'string' ? content : JSON.stringify(content) };
  });
}

/**
 * A figure of the whole chain from its steps: the sum, or undefined (unknown) when a step that called a model
 * and answered does not know it. Steps that called no model, and failed steps (an errored call is counted as
 * not billed, as everywhere else), add what they report and nothing otherwise; no step reporting anything is
 * undefined too.
 */
export function chainTotal(steps: ChainStep[], key: 'inputTokens' | 'outputTokens' | 'costUsd'): number | undefined {
  let total: number | undefined;
  for (const step of steps) {
    const value = step[key];
    if (value === null) {
      if (step.model !== null && step.error === undefined) return undefined;
      continue;
    }
    total = (total ?? 0) + value;
  }
  return total;
}
