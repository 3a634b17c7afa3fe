// One agent conversation (issue #16): a network model with the suite's tools, run by the AI SDK's generateText
// until the model answers without a tool call or `max_steps` model steps were taken. Each step is a provider
// call through the run's retries, rate controller, slots and cache (step-model.ts); each tool call is answered
// by the suite (tool-answers.ts). The result is the final answer with the conversation as its transcript; the
// agent's own failures (unknown tool, bad arguments, a tool that throws or hangs, the step limit) are in the
// transcript, and only a step the retries could not bring through is the item's error.
import { generateText, jsonSchema, stepCountIs, tool, type ModelMessage, type ToolSet } from 'ai';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { GenerationParams, Message, ModelRef, Suite, SuiteTool } from '../../suite/index.js';
import type { WorkItem } from '../../plan/index.js';
import type { CachedResponse } from '../../store/index.js';
import type { CallTarget } from '../call-target.js';
import { finalAnswerOf, type Transcript, type TranscriptMessage, type TranscriptStop } from '../../score/index.js';
import type { CallResponse } from '../call-target.js';
import type { CallOutcome } from '../call-with-retries.js';
import { classifyError } from '../errors.js';
import { buildAgentTranscript, type ToolCallLog } from './agent-transcript.js';
import { StepFailure, stepModel, type StepModelOptions, type StepRecord } from './step-model.js';
import { ToolAnswerer, type ToolItem, type ToolModules } from './tool-answers.js';
import { scriptedTurns, simulatedUser, simulatedUserKey, SimulatedUserFailure, type ConversationDriver, type SimulatedUserTarget } from './conversation.js';

export interface AgentRun {
  model: LanguageModelV3;
  tools: readonly SuiteTool[];
  modules: ToolModules;
  maxSteps: number;
  item: ToolItem;
  messages: Message[];
  params: GenerationParams;
  step: StepModelOptions;
  /** The list price of one step's tokens (undefined: unpriced). */
  price: (inputTokens: number | undefined, outputTokens: number | undefined, cachedInputTokens: number | undefined) => number | undefined;
  /** Ctrl-C: aborts the step or the tool call in flight. */
  cancel?: AbortSignal;
  /** A conversation: who speaks for the user after the prompt (scripted turns or a simulated user). */
  conversation?: ConversationDriver;
}

/** Thrown by a tool's execute so the AI SDK records a tool error and tells the model its message. */
class ToolAnswerError extends Error {}

function sum(values: (number | null | undefined)[]): number | undefined {
  let total = 0;
  for (const v of values) {
    if (v === null || v === undefined) return undefined; // one unknown part makes the whole unknown, never 0
    total += v;
  }
  return total;
}

export async function runAgent(run: AgentRun): Promise<CallOutcome<CallResponse & { cached: boolean }>> {
  const { model, steps: records } = stepModel(run.model, run.step);
  const answerer = new ToolAnswerer(new Map(run.tools.map((t) => [t.name, t])), run.modules, run.item);
  const toolLog = new Map<string, ToolCallLog>();
  const never = new AbortController().signal;
  const tools: ToolSet = {};
  for (const t of run.tools) {
    tools[t.name] = tool({
      description: t.description,
      inputSchema: jsonSchema<unknown>(t.parameters),
      execute: async (args, { toolCallId, abortSignal }) => {
        const started = performance.now();
        const answer = await answerer.answer(t.name, args, abortSignal ?? run.cancel ?? never);
        toolLog.set(toolCallId, { latencyMs: performance.now() - started, ...(answer.ok ? {} : { error: { class: answer.class, message: answer.message } }) });
        if (!answer.ok) throw new ToolAnswerError(answer.message);
        return answer.value;
      },
    });
  }
  const attempts = () => records.reduce((n, r) => n + r.attempts, 0);
  const conversation = run.conversation;
  // The conversation as the model is sent it (tool calls and results included), and as the transcript keeps it.
  const history: ModelMessage[] = run.messages.map((m) => ({ role: m.role, content: m.content }));
  const messages: TranscriptMessage[] = run.messages.map((m, i) =>
    conversation && m.role === 'user' && i === run.messages.length - 1 ? { role: 'user', content: m.content, turn: 0 } : { role: m.role, content: m.content },
  );
  let finishReason: string | undefined;
  let stop: TranscriptStop = 'final';

  /** One turn: the loop of model steps and tool calls until the model answers (or max_steps). */
  async function playTurn(turn: number | undefined): Promise<TranscriptStop> {
    const before = records.length;
    const result = await generateText({
      model,
      messages: history,
      // The system messages are the suite author's own prompt, not text from a user or a model: without this the
      // SDK prints a prompt-injection warning to stderr for every conversation (500 cases, 500 warnings).
      allowSystemInMessages: true,
      tools,
      stopWhen: stepCountIs(run.maxSteps),
      temperature: run.params.temperature,
      maxOutputTokens: run.params.max_tokens,
      topP: run.params.top_p,
      seed: run.params.seed,
      stopSequences: run.params.stop,
      maxRetries: 0, // retries live in run/ only, per step (step-model.ts)
      abortSignal: run.cancel,
    });
    const part = buildAgentTranscript(
      [],
      result.steps,
      records.slice(before),
      toolLog,
      run.maxSteps,
      turn === undefined ? undefined : { turn, stepOffset: before },
    );
    messages.push(...part.messages);
    history.push(...result.response.messages);
    finishReason = result.finishReason;
    return part.stop;
  }

  try {
    if (!conversation) stop = await playTurn(undefined);
    else {
      // Turn 0 is the prompt's own last user message (when it ends with one); the driver speaks from turn 1.
      if (run.messages.at(-1)?.role === 'user') stop = await playTurn(0);
      for (let turn = 1; stop !== 'max-steps' && !run.cancel?.aborted; turn++) {
        const next = await conversation.next(messages, turn, run.cancel);
        const said = next.text === undefined ? [] : [{ role: 'user' as const, content: next.text, turn, ...(next.simulated ? { simulated: true } : {}) }];
        messages.push(...said);
        if ('end' in next) {
          stop = next.end;
          break;
        }
        history.push({ role: 'user', content: next.text });
        stop = await playTurn(turn);
      }
    }
  } catch (error) {
    if (error instanceof StepFailure || error instanceof SimulatedUserFailure) {
      const cancelled = error.error.errorClass === 'cancelled';
      return { ok: false, error: cancelled ? error.error : { ...error.error, message: error.message }, attempts: attempts() + error.attempts };
    }
    return { ok: false, error: classifyError(error, { timedOut: false, cancelled: run.cancel?.aborted ?? false }), attempts: attempts() };
  }
  // Ctrl-C during a tool call: the SDK records the aborted call as a tool error and may end the loop; not a result.
  if (run.cancel?.aborted) return { ok: false, error: classifyError(undefined, { timedOut: false, cancelled: true }), attempts: attempts() };
  const user = conversation?.figures?.();
  const transcript: Transcript = { messages, steps: records.length, stop, maxSteps: run.maxSteps, ...(user ? { simulatedUser: user } : {}) };
  const fresh = records.filter((r) => !r.cached);
  const priced = (r: StepRecord) => run.price(r.inputTokens, r.outputTokens, r.cachedInputTokens);
  const agentPaid = sum(fresh.map(priced));
  return {
    ok: true,
    attempts: attempts(),
    latencyMs: 0, // the response's own latencyMs is the conversation's (below)
    value: {
      text: finalAnswerOf(transcript),
      inputTokens: sum(records.map((r) => r.inputTokens)),
      outputTokens: sum(records.map((r) => r.outputTokens)),
      finishReason,
      // The conversation's cost at list price (what cost checks see, cached or not: the agent's alone), and what
      // this run paid: its fresh steps only (a cached step costs nothing now, as a cached single call), plus the
      // simulated user's fresh calls.
      costUsd: sum(records.map(priced)),
      paidCostUsd: (user ? sum([agentPaid, user.paidCostUsd]) : agentPaid) ?? null,
      // The conversation's time: its model steps (each from its slot, a cached one at its recorded latency) and its
      // tool calls; the simulated user's time is the test's, not the agent's.
      latencyMs: sum([...records.map((r) => r.latencyMs), ...[...toolLog.values()].map((l) => l.latencyMs)]),
      transcript,
      cached: records.length > 0 && fresh.length === 0 && (user === undefined || user.cached === user.calls),
    },
  };
}

/** The retry settings of one item's calls (execute.ts builds them), without the rate gate (step-model.ts adds it). */
export type AgentRetry = StepModelOptions['retry'];

/** What the run gives every agent item. */
export interface AgentContext {
  suite: Pick<Suite, 'tools' | 'maxSteps'>;
  modules: ToolModules;
  retryFor(target: CallTarget, item: WorkItem): AgentRetry;
  /** The run's cache (absent with --no-cache). */
  cache?: { get(key: string): Promise<CachedResponse | undefined>; put(key: string, response: CachedResponse): void };
  price(model: ModelRef, input: number | undefined, output: number | undefined, cachedInput: number | undefined): number | undefined;
  cancel?: AbortSignal;
  /** The simulated users' targets (conversation.ts buildSimulatedUserTargets), by simulatedUserKey. */
  simulatedUsers?: ReadonlyMap<string, SimulatedUserTarget>;
}

/** Who speaks for the user of a conversation item: its script or its simulated user (undefined: not a conversation). */
function conversationOf(context: AgentContext, item: WorkItem): ConversationDriver | undefined {
  const planned = item.planned.conversation;
  if (planned?.turns) return scriptedTurns(planned.turns);
  if (!planned?.simulatedUser) return undefined;
  const spec = planned.simulatedUser;
  const user = context.simulatedUsers?.get(simulatedUserKey(spec));
  if (!user) throw new Error(`internal: no target for the simulated user ${spec.model}`);
  return simulatedUser({
    spec,
    user,
    item: { caseId: item.caseId, repeat: item.repeat, vars: item.planned.case.vars },
    retry: context.retryFor(user.target, item),
    cache: context.cache,
    price: context.price,
  });
}

/** One work item of a network target run as an agent, with the run's retries, cache and prices. */
export function runAgentItem(context: AgentContext, target: CallTarget, item: WorkItem, gate?: StepModelOptions['gate']): ReturnType<typeof runAgent> {
  const { caseId, repeat, messages } = item;
  const model = item.variant.model;
  const identity = context.cache ? target.cacheIdentity : null;
  return runAgent({
    model: target.languageModel!,
    tools: context.suite.tools,
    modules: context.modules,
    maxSteps: context.suite.maxSteps,
    item: { caseId, repeat, vars: item.planned.case.vars, toolResults: item.planned.case.toolResults },
    messages,
    params: model.params,
    step: {
      retry: context.retryFor(target, item),
      rateController: target.rateController,
      maxOutputTokens: model.params.max_tokens,
      cache: identity && context.cache ? { identity, repeat, ...context.cache } : undefined,
      gate,
    },
    price: (input, output, cachedInput) => context.price(model, input, output, cachedInput),
    cancel: context.cancel,
    conversation: conversationOf(context, item),
  });
}
