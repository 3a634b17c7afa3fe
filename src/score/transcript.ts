// What an agent did, as checks see it and the store keeps it (issue #16): the conversation in order (system and
// user messages, each model step's assistant message with its tool calls, each tool's result), why the agent
// stopped, and what a target returned besides its answer (retrieved context, a replayed log's metadata). A plain
// single-call result has no transcript; every behaviour check treats that as a conversation with no tool calls.
// Defined in score/ because checks read it; suite, run, store and the viewer import it from here.

/** Why a tool call could not be answered, or its tool failed. */
export type ToolErrorClass =
  /** The model called a tool the suite does not declare. */
  | 'unknown-tool'
  /** The arguments were not JSON, or failed the tool's parameters schema. */
  | 'invalid-args'
  /** The tool's function threw (or returned something that is not JSON). */
  | 'tool-error'
  /** The tool's function did not return within the timeout. */
  | 'tool-timeout'
  /** No fixed result matches the call and the tool has no default and no function. */
  | 'no-result'
  /** A replayed log: an assistant tool call with no tool message answering it. */
  | 'dangling-call'
  /** A replayed log: a tool message that answers no tool call (unknown or repeated tool_call_id). */
  | 'orphan-result';

export interface TranscriptToolCall {
  /** The provider's tool-call id (a replayed log's, or one we assign when the log has none). */
  id: string;
  name: string;
  /** The parsed arguments; the raw text when they were not valid JSON (`invalid` then says so). */
  args: unknown;
  /** Set when the call could not be run (unknown tool, arguments not JSON or failing the schema). */
  invalid?: { class: 'unknown-tool' | 'invalid-args'; message: string };
}

export interface TranscriptUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

export type TranscriptMessage =
  | { role: 'system'; content: string }
  /** `turn`: the 0-based conversation turn this user message opens (scripted turns, simulated user). */
  | { role: 'user'; content: string; turn?: number; simulated?: boolean }
  | {
      role: 'assistant';
      /** The step's text ('' when it only called tools). */
      content: string;
      toolCalls?: TranscriptToolCall[];
      /** 1-based model step over the whole conversation. */
      step?: number;
      turn?: number;
      usage?: TranscriptUsage;
      latencyMs?: number | null;
      finishReason?: string | null;
    }
  | {
      role: 'tool';
      toolCallId: string;
      name: string;
      /** The result as the model saw it (JSON text for structured results). */
      content: string;
      /** The step whose tool call this answers. */
      step?: number;
      error?: { class: ToolErrorClass; message: string };
      latencyMs?: number | null;
    };

/** Why the agent stopped. */
export type TranscriptStop =
  /** The model answered without calling a tool. */
  | 'final'
  /** The step limit (`max_steps`) was reached with tool calls still pending. */
  | 'max-steps'
  /** The simulated user's stop rule ended the conversation. */
  | 'user-stop'
  /** The scripted turns or the simulated user's turn limit ran out. */
  | 'max-turns'
  /** A replayed log: it ends where it ends. */
  | 'logged';

export interface RetrievedDocument {
  id: string;
  text: string;
  score?: number;
}

export interface Transcript {
  messages: TranscriptMessage[];
  /** Model steps taken (assistant messages the target produced). */
  steps: number;
  stop: TranscriptStop;
  /** The step limit it ran under; null when none applied (a replayed log, a function target). */
  maxSteps: number | null;
  /** Documents a RAG target returned, in rank order. */
  context?: RetrievedDocument[];
  /** Fields a replayed record or a function target returned besides the conversation (e.g. tau-bench's reward). */
  metadata?: Record<string, unknown>;
  /** Problems found in the transcript itself (a replayed log's dangling tool calls), each with its step. */
  problems?: { step: number | null; class: ToolErrorClass; message: string }[];
  /**
   * A simulated user's calls (docs/agents.md "Conversations"), counted apart from the agent's: the result's tokens
   * are the agent's, its cost is the agent's plus `paidCostUsd`. Unknown figures are null, never 0.
   */
  simulatedUser?: SimulatedUserFigures;
  /** A `function:` chain's steps in order (issue #20, docs/playground.md "Chains"): which step went wrong. */
  chain?: ChainStep[];
}

/** One step of a prompt chain a `function:` target ran (its model call, or any named piece of work). */
export interface ChainStep {
  name: string;
  /** provider:model of the step's call; null for a step that called no model. */
  model: string | null;
  /** What the step sent (rendered messages), when it called a model. */
  messages?: { role: string; content: string }[];
  /** Its output (text, or JSON of an object). */
  output: string;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Priced by run/ from model and tokens (or what the step reported); null: unpriced or unknown. */
  costUsd: number | null;
  /** The step failed: its message (the chain then stopped there or went on, as the function chose). */
  error?: string;
}

/** What the model playing the user was asked and cost in one conversation. */
export interface SimulatedUserFigures {
  /** provider:model. */
  model: string;
  /** Messages it was asked for (the stopping one included). */
  calls: number;
  /** Of them, served from the cache. */
  cached: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Its calls at list price, cached or not (null: unpriced). */
  costUsd: number | null;
  /** What this run paid for them: the calls not served from the cache (null: unpriced). */
  paidCostUsd: number | null;
}

/** One tool call in order, with the step it was made in and the tool message that answered it (if any). */
export interface ToolCallRecord {
  call: TranscriptToolCall;
  /** 1-based step of the assistant message that made it (its position when the log has no step numbers). */
  step: number;
  /** Index of the assistant message in `messages`. */
  messageIndex: number;
  result?: Extract<TranscriptMessage, { role: 'tool' }>;
}

/** Every tool call of a transcript in the order made (an empty list for no transcript). */
export function toolCallsOf(transcript: Transcript | undefined | null): ToolCallRecord[] {
  if (!transcript) return [];
  const out: ToolCallRecord[] = [];
  const byId = new Map<string, ToolCallRecord>();
  let assistantSeen = 0;
  transcript.messages.forEach((message, messageIndex) => {
    if (message.role === 'assistant') {
      assistantSeen++;
      for (const call of message.toolCalls ?? []) {
        const record: ToolCallRecord = { call, step: message.step ?? assistantSeen, messageIndex };
        out.push(record);
        byId.set(call.id, record);
      }
    } else if (message.role === 'tool') {
      const record = byId.get(message.toolCallId);
      if (record && !record.result) record.result = message;
    }
  });
  return out;
}

/** The last assistant message's text: the agent's final answer ('' when it ended on a tool call). */
export function finalAnswerOf(transcript: Transcript): string {
  for (let i = transcript.messages.length - 1; i >= 0; i--) {
    const m = transcript.messages[i];
    if (m.role === 'assistant') return m.content;
  }
  return '';
}
