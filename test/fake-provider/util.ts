// Small helpers shared by the wire modules and the server.
import type { ServerResponse } from 'node:http';

/** FNV-1a 32-bit; good enough to spread keys uniformly. */
export function fnv(str: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Deterministic uniform draw in [0, 1) from a string. FNV-1a alone barely moves its top bits when only the
 * last character changes (attempt 1 vs 2 drew almost the same u, so a faulted prompt faulted on every retry);
 * the murmur3 finaliser spreads every input bit over the whole word.
 */
export const unit = (str: string): number => {
  let h = fnv(str);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
};

export function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** Text of a message content: a string, or an array of parts (text parts, tool results) joined by newlines. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const p of content) {
    if (typeof p === 'string') out.push(p);
    else if (p && typeof p === 'object') {
      const part = p as Record<string, unknown>;
      if (typeof part.text === 'string') out.push(part.text);
      else if (part.type === 'tool_result') out.push(textOf(part.content));
    }
  }
  return out.join('\n');
}

/** A JSON object parsed from text, or undefined when the text is not a JSON object. */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Mask a secret the way providers do in error messages: never echo it whole. */
export function maskKey(key: string | undefined): string {
  if (!key) return '';
  if (key.length < 12) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

export function sendJson(res: ServerResponse, status: number, obj: unknown, headers: Record<string, string> = {}): void {
  const s = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(s)), ...headers });
  res.end(s);
}

export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
}

/** Split text into streaming pieces: each word with its trailing whitespace (leading whitespace kept on the first). */
export function pieces(text: string): string[] {
  const out = text.match(/\s*\S+\s*/g) ?? [];
  return out.length > 0 ? out : text ? [text] : [];
}

/** Map a finish reason given in either wire's vocabulary to the target wire's. */
const TO_ANTHROPIC: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };
const TO_OPENAI: Record<string, string> = { end_turn: 'stop', max_tokens: 'length', tool_use: 'tool_calls', stop_sequence: 'stop' };
export function finishFor(wire: 'openai' | 'anthropic', reason: string | undefined, fallback: string): string {
  if (!reason) return fallback;
  return (wire === 'openai' ? TO_OPENAI[reason] : TO_ANTHROPIC[reason]) ?? reason;
}

/** Tool-call arguments sent as JSON text (openai, responses): the parsed value, or the raw text when it is not JSON. */
export function argsOf(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A tool result's content as text: a string as is, text parts joined, anything else as JSON. */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((p) => typeof p === 'string' || typeof (p as { text?: unknown })?.text === 'string')) return textOf(content);
  return content === undefined ? '' : JSON.stringify(content);
}

/** The JSON text of tool-call arguments as the wires that send text carry it. */
export const argsText = (args: unknown): string => (typeof args === 'string' ? args : JSON.stringify(args ?? {}));
