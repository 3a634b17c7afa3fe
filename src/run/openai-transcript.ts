// A logged conversation in OpenAI chat format (what most agent frameworks and tau-bench write: system, user,
// assistant with `tool_calls` whose arguments are JSON text, `tool` messages answering them by `tool_call_id`)
// turned into a Transcript, so a logged agent run is scored by the same checks as one evalspec ran itself.
// The log is taken as it is: nothing is invented. A tool call no tool message answers (the log stops, or the
// logger lost it) is a `problems` entry, not a made-up result; so is a tool message that answers no call.
import type { ToolErrorClass, Transcript, TranscriptMessage, TranscriptToolCall } from '../score/index.js';

/** A log that is not a conversation (not an array, a message without a role, a tool call without a name). */
export class OpenAIMessagesError extends Error {
  constructor(
    message: string,
    /** The fix, for the caller's error (a replay file's REPLAY_FILE, a function target's failure). */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'OpenAIMessagesError';
  }
}

const MESSAGE_HINT =
  'messages in OpenAI chat format: {"role":"user","content":"…"}, {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"…","arguments":"{…}"}}]}, {"role":"tool","tool_call_id":"call_1","content":"…"}';

type Problem = NonNullable<Transcript['problems']>[number];
type ToolMessage = Extract<TranscriptMessage, { role: 'tool' }>;

/** Message content as text: a string, null (an assistant that only called tools), or OpenAI content parts. */
function contentText(content: unknown, where: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    // Content parts: the text parts in order; an image or audio part has no text to score.
    return content
      .map((part: unknown) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join('');
  }
  throw new OpenAIMessagesError(`${where}: "content" is ${typeof content}, not text`, MESSAGE_HINT);
}

/** One logged tool call; arguments that are not JSON stay as their raw text and the call is marked invalid. */
function toolCallOf(raw: unknown, where: string, fallbackId: string): TranscriptToolCall {
  const call = (raw ?? {}) as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
  const name = call.function?.name;
  if (typeof name !== 'string' || name === '') {
    throw new OpenAIMessagesError(`${where}: a tool call has no function.name`, MESSAGE_HINT);
  }
  const id = typeof call.id === 'string' && call.id !== '' ? call.id : fallbackId;
  const args = call.function?.arguments;
  // Some loggers store the parsed object; OpenAI's wire format is JSON text.
  if (typeof args !== 'string') return { id, name, args: args ?? {} };
  if (args.trim() === '') return { id, name, args: {} };
  try {
    return { id, name, args: JSON.parse(args) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { id, name, args, invalid: { class: 'invalid-args', message: `arguments are not JSON (${reason})` } };
  }
}

/**
 * The Transcript of a logged OpenAI-format conversation. `where` prefixes error messages (e.g. "log.jsonl
 * line 3"). Steps are the assistant messages in order (1-based); a tool message carries the step of the call
 * it answers. Throws OpenAIMessagesError when the log is not a conversation at all.
 */
export function fromOpenAIMessages(messages: unknown, where: string): Transcript {
  if (!Array.isArray(messages)) {
    throw new OpenAIMessagesError(`${where}: "messages" is ${messages === null ? 'null' : typeof messages}, not an array of messages`, MESSAGE_HINT);
  }
  const out: TranscriptMessage[] = [];
  const problems: Problem[] = [];
  const pending = new Map<string, { call: TranscriptToolCall; step: number }>();
  const answered = new Set<string>();
  let step = 0;
  const problem = (at: number | null, cls: ToolErrorClass, message: string) => problems.push({ step: at, class: cls, message });

  messages.forEach((raw: unknown, index) => {
    const at = `${where}, message ${index + 1}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new OpenAIMessagesError(`${at}: not an object`, MESSAGE_HINT);
    const m = raw as Record<string, unknown>;
    switch (m.role) {
      case 'system':
      case 'developer': // OpenAI's newer name for the system message
        out.push({ role: 'system', content: contentText(m.content, at) });
        break;
      case 'user':
        out.push({ role: 'user', content: contentText(m.content, at) });
        break;
      case 'assistant': {
        step++;
        const rawCalls = m.tool_calls ?? [];
        if (!Array.isArray(rawCalls)) throw new OpenAIMessagesError(`${at}: "tool_calls" is not an array`, MESSAGE_HINT);
        const toolCalls = rawCalls.map((c: unknown, i) => toolCallOf(c, at, `step${step}-call${i + 1}`));
        for (const call of toolCalls) pending.set(call.id, { call, step });
        out.push({ role: 'assistant', content: contentText(m.content, at), step, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
        break;
      }
      case 'tool': {
        const id = typeof m.tool_call_id === 'string' ? m.tool_call_id : '';
        const call = pending.get(id);
        const message: ToolMessage = {
          role: 'tool',
          toolCallId: id,
          name: typeof m.name === 'string' ? m.name : (call?.call.name ?? ''),
          content: contentText(m.content, at),
        };
        if (call) {
          message.step = call.step;
          pending.delete(id);
          answered.add(id);
        } else {
          // Kept as logged (the agent saw it), but it answers nothing: said, with the step it follows.
          const why = answered.has(id) ? 'answers a call already answered' : id ? 'answers no tool call of the log' : 'has no tool_call_id';
          problem(step === 0 ? null : step, 'orphan-result', `message ${index + 1}: tool message ${id ? `"${id}" ` : ''}${why}`);
        }
        out.push(message);
        break;
      }
      default:
        throw new OpenAIMessagesError(
          m.role === undefined ? `${at}: the message has no "role"` : `${at}: unknown role ${JSON.stringify(m.role)}`,
          `${MESSAGE_HINT}; roles: system, developer, user, assistant, tool`,
        );
    }
  });
  for (const [id, { call, step: at }] of pending) {
    problem(at, 'dangling-call', `step ${at}: tool call "${call.name}" (${id}) has no tool message answering it`);
  }
  problems.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
  return { messages: out, steps: step, stop: 'logged', maxSteps: null, ...(problems.length > 0 ? { problems } : {}) };
}
