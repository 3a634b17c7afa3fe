// An AI SDK agent run (generateText's steps) as evalspec's Transcript: the prompt's messages, then per model step
// the assistant message (text, tool calls with parsed arguments, usage, latency, finish reason) and the tool
// messages answering its calls (results as the model saw them, or the error class of a call that failed).
import { NoSuchToolError, type StepResult, type ToolSet } from 'ai';
import type { Message } from '../../suite/index.js';
import type { ToolErrorClass, Transcript, TranscriptMessage, TranscriptToolCall } from '../../score/index.js';
import type { StepRecord } from './step-model.js';

/** What the tool answerer recorded per tool call id: its time and, when it failed, why. */
export interface ToolCallLog {
  latencyMs: number;
  error?: { class: ToolErrorClass; message: string };
}

/** A tool result as the model saw it: text as is, anything else as JSON text. */
export function toolResultText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'null';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}

export function buildAgentTranscript(
  prompt: Message[],
  steps: StepResult<ToolSet>[],
  records: StepRecord[],
  toolLog: ReadonlyMap<string, ToolCallLog>,
  maxSteps: number,
  /** One turn of a conversation: its steps are numbered after the earlier turns' (`stepOffset`) and carry `turn`. */
  turn?: { turn: number; stepOffset: number },
): Transcript {
  const messages: TranscriptMessage[] = prompt.map((m) => ({ role: m.role, content: m.content }));
  steps.forEach((s, index) => {
    const step = (turn?.stepOffset ?? 0) + index + 1;
    const record = records[index];
    const toolCalls: TranscriptToolCall[] = [];
    const answers: TranscriptMessage[] = [];
    for (const part of s.content) {
      if (part.type === 'tool-call') {
        const call: TranscriptToolCall = { id: part.toolCallId, name: part.toolName, args: part.input };
        const logged = toolLog.get(part.toolCallId)?.error;
        if (part.invalid) {
          const cls = NoSuchToolError.isInstance(part.error) ? 'unknown-tool' : 'invalid-args';
          call.invalid = { class: cls, message: errorText(part.error) };
        } else if (logged?.class === 'invalid-args') {
          call.invalid = { class: 'invalid-args', message: logged.message };
        }
        toolCalls.push(call);
      } else if (part.type === 'tool-result' || part.type === 'tool-error') {
        const log = toolLog.get(part.toolCallId);
        const invalid = toolCalls.find((c) => c.id === part.toolCallId)?.invalid;
        const message: TranscriptMessage = {
          role: 'tool',
          toolCallId: part.toolCallId,
          name: part.toolName,
          content: part.type === 'tool-result' ? toolResultText(part.output) : errorText(part.error),
          step,
          latencyMs: log?.latencyMs ?? null,
        };
        if (part.type === 'tool-error') message.error = log?.error ?? invalid ?? { class: 'tool-error', message: errorText(part.error) };
        answers.push(message);
      }
    }
    messages.push({
      role: 'assistant',
      content: s.text,
      ...(toolCalls.length ? { toolCalls } : {}),
      step,
      ...(turn ? { turn: turn.turn } : {}),
      usage: { inputTokens: s.usage.inputTokens ?? null, outputTokens: s.usage.outputTokens ?? null },
      latencyMs: record?.latencyMs ?? null,
      finishReason: s.finishReason,
    });
    messages.push(...answers);
  });
  const last = steps.at(-1);
  const pending = last !== undefined && last.content.some((p) => p.type === 'tool-call');
  return { messages, steps: steps.length, stop: pending && steps.length >= maxSteps ? 'max-steps' : 'final', maxSteps };
}
