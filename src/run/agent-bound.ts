// How many tokens an agent item can cost before it runs (issue #16), for --max-cost (budget.ts) and --dry-run
// (estimate.ts). How many steps an agent takes is known only when it runs, so both count the most it may take:
// `max_steps` steps, each re-reading the conversation so far. The stated upper bound, for prompt P (the case's
// messages), tool definitions T (sent with every step), a step's output O and its tool results R:
//
//   step s (1-based) reads   P + T + (s − 1) × g     where g = O + R (what one step adds to the conversation)
//   N = max_steps steps:     input  = N × (P + T) + g × N × (N − 1) / 2
//                            output = N × O
//
// O is `max_tokens` when the model sets it (a true bound), else the larger of --expected-output-tokens and the
// longest step output seen so far; R is --expected-output-tokens (a tool result's length is not known before the
// tool answers). During the run g is also never less than the largest growth between two steps' prompts seen for
// the variant, and each step is admitted on its real prompt before it is sent (CostBudget.stepGate), so a tool
// result longer than R cannot carry the spend past the cap either.
import type { Plan, WorkItem } from '../plan/index.js';
import type { SuiteTool } from '../suite/index.js';
import { providerDefinition } from './providers/registry.js';
import { countTokens } from './tokens.js';

export interface AgentBoundInput {
  promptTokens: number;
  toolTokens: number;
  outputPerStep: number;
  growthPerStep: number;
  maxSteps: number;
}

/** The upper bound above: input and output tokens of one agent item of up to maxSteps steps. */
export function agentTokenBound(b: AgentBoundInput): { input: number; output: number } {
  const n = b.maxSteps;
  return { input: n * (b.promptTokens + b.toolTokens) + (b.growthPerStep * n * (n - 1)) / 2, output: n * b.outputPerStep };
}

/** The tokens of the tool definitions each step sends (names, descriptions, JSON Schemas as JSON text). */
export function toolDefinitionTokens(tools: readonly Pick<SuiteTool, 'name' | 'description' | 'parameters'>[]): number {
  if (tools.length === 0) return 0;
  return countTokens(JSON.stringify(tools.map((t) => ({ name: t.name, description: t.description ?? '', parameters: t.parameters }))));
}

/** Whether an item runs as an agent: a network model of a suite that declares tools (as execute.ts decides). */
export function runsAsAgent(plan: Pick<Plan, 'suite'>, item: Pick<WorkItem, 'variant'>): boolean {
  return plan.suite.tools.length > 0 && providerDefinition(item.variant.model.providerType).kind === 'network';
}
