// Reading prompt and completion content from the shapes real traffic carries: OTel GenAI messages with `parts`
// (current conventions), messages with `content` strings or part lists (older conventions, the AI SDK's
// ai.prompt.messages), each either as a JSON string or as a structured AnyValue; and the indexed
// gen_ai.prompt.N.role / gen_ai.prompt.N.content form.
import type { ProductionMessage, ProductionToolCall } from '../store/index.js';
import type { AttributeValue, Attributes } from './otlp-decode.js';

/** A tool call with the id that links it to its tool span (the id is not stored). */
export interface ToolCallDraft extends ProductionToolCall {
  id: string | null;
}

/** Structured content as-is; a string that parses as JSON → the parsed value; other strings stay strings. */
export function structured(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed) as AttributeValue;
  } catch {
    return value;
  }
}

const isRecord = (v: unknown): v is Record<string, AttributeValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonText = (v: AttributeValue | undefined): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** The text of message content: a string, or the text parts of a part list (OTel `content`, AI SDK `text`). */
export function contentText(content: AttributeValue | undefined): string {
  if (typeof content === 'string') return content;
  if (isRecord(content)) return contentText([content]);
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : String(content);
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part)) {
      const type = typeof part.type === 'string' ? part.type : 'text';
      if (type === 'text' || type === 'output_text' || type === 'input_text') texts.push(String(part.content ?? part.text ?? ''));
      // A tool's answer fed back to the model is part of what it read: keep it (as JSON when structured).
      else if (type === 'tool_call_response' || type === 'tool-result') texts.push(jsonText(part.response ?? part.result ?? part.output) ?? '');
    }
  }
  return texts.join('');
}

/** Messages from any of the message-list shapes (JSON string or structured); null when there are none. */
export function messagesFrom(value: AttributeValue | undefined): ProductionMessage[] | null {
  const parsed = structured(value);
  if (parsed === undefined || parsed === null) return null;
  if (typeof parsed === 'string') return [{ role: 'user', content: parsed }];
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const messages: ProductionMessage[] = [];
  for (const m of list) {
    if (typeof m === 'string') messages.push({ role: 'user', content: m });
    else if (isRecord(m)) messages.push({ role: typeof m.role === 'string' ? m.role : 'user', content: contentText(m.parts ?? m.content) });
  }
  return messages.length > 0 ? messages : null;
}

/** gen_ai.system_instructions (parts or a string) as one system message. */
export function systemInstructions(value: AttributeValue | undefined): ProductionMessage | null {
  const parsed = structured(value);
  if (parsed === undefined || parsed === null) return null;
  const text = contentText(parsed);
  return text === '' ? null : { role: 'system', content: text };
}

/** The indexed form: `${prefix}.0.role`, `${prefix}.0.content`, … in index order; null when absent. */
export function indexedMessages(attributes: Attributes, prefix: string): ProductionMessage[] | null {
  const byIndex = new Map<number, { role?: string; content?: string }>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(role|content)$`);
  for (const [key, value] of Object.entries(attributes)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const entry = byIndex.get(Number(m[1])) ?? {};
    entry[m[2] as 'role' | 'content'] = contentText(structured(value));
    byIndex.set(Number(m[1]), entry);
  }
  if (byIndex.size === 0) return null;
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => ({ role: e.role ?? 'user', content: e.content ?? '' }));
}

/** Tool calls in output messages (OTel `tool_call` parts) or the AI SDK's ai.response.toolCalls list. */
export function toolCallsFrom(value: AttributeValue | undefined): ToolCallDraft[] {
  const parsed = structured(value);
  if (!Array.isArray(parsed)) return [];
  const calls: ToolCallDraft[] = [];
  for (const item of parsed) {
    if (!isRecord(item)) continue;
    const parts = Array.isArray(item.parts) ? item.parts : [item];
    for (const part of parts) {
      if (!isRecord(part)) continue;
      const isCall = part.type === 'tool_call' || part.type === 'tool-call' || typeof part.toolName === 'string';
      const name = part.name ?? part.toolName;
      if (!isCall || typeof name !== 'string') continue;
      const id = part.id ?? part.toolCallId;
      calls.push({ id: typeof id === 'string' ? id : null, name, arguments: jsonText(part.arguments ?? part.input ?? part.args), result: null });
    }
  }
  return calls;
}

/** The text of output messages (assistant parts), joined; null when there is none. */
export function outputText(value: AttributeValue | undefined): string | null {
  const messages = messagesFrom(value);
  if (!messages) return null;
  const assistant = messages.filter((m) => m.role !== 'user' && m.role !== 'system');
  return (assistant.length > 0 ? assistant : messages).map((m) => m.content).join('\n');
}

/** finish_reason of the first output message (OTel output messages carry it per message). */
export function outputFinishReason(value: AttributeValue | undefined): string | null {
  const parsed = structured(value);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  return isRecord(first) && typeof first.finish_reason === 'string' ? first.finish_reason : null;
}
