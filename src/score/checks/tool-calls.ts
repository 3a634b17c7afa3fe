// What the behaviour checks (behaviour.ts, trajectory.ts) share: argument matching on JSON values and how a
// call is named in a reason. Tool names and arguments come from the model, so a reason shows them the way
// every other reason shows untrusted text: JSON-quoted (no raw control characters) and cut short.
import { z } from 'zod';
import { jsonEqual, preview } from '../output-view.js';
import { toolCallsOf, type ToolCallRecord, type Transcript } from '../transcript.js';

/**
 * True when every key of `expected` is in `actual` with a matching value: objects match as subsets again
 * (nested keys the reference does not name are ignored), everything else (arrays included) by deep equality.
 */
export function argsContain(actual: unknown, expected: unknown): boolean {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(expected).every(([key, value]) => Object.hasOwn(actual, key) && argsContain(actual[key], value));
  }
  return jsonEqual(actual, expected);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How arguments are compared: `exact` deep equality, `subset` (argsContain), `ignore` (names only). */
export type ArgsMode = 'exact' | 'subset' | 'ignore';

/** Whether a call's arguments satisfy a reference's (`undefined` expected args match any arguments). */
export function argsMatch(actual: unknown, expected: unknown, mode: ArgsMode): boolean {
  if (expected === undefined || mode === 'ignore') return true;
  return mode === 'exact' ? jsonEqual(actual, expected) : argsContain(actual, expected);
}

const PLAIN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A tool name as a reason shows it: as is when it is a plain identifier, JSON-quoted otherwise. */
export function shownName(name: string): string {
  return PLAIN_NAME.test(name) ? name : preview(name, 64);
}

/** `name({"key":"value"})`, the arguments as compact JSON cut to `max` characters. */
export function describeCall(name: string, args: unknown, max = 120): string {
  return `${shownName(name)}(${argsText(args, max)})`;
}

/** Arguments as a reason shows them: compact JSON cut to `max` characters ('' when there are none). */
export function argsText(args: unknown, max = 120): string {
  // The raw text of arguments that were not JSON goes through preview() (JSON-quoted); JSON.stringify
  // already escapes control characters inside the strings of parsed arguments.
  if (typeof args === 'string') return preview(args, max);
  let text: string;
  try {
    text = args === undefined ? '' : (JSON.stringify(args) ?? String(args));
  } catch {
    text = String(args);
  }
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

/** `step 3: cancel_reservation({...})` for one call the agent made. */
export function describeRecord(record: ToolCallRecord): string {
  return `step ${record.step}: ${describeCall(record.call.name, record.call.args)}`;
}

/** Tool text that reports a failure: "Error: …" (τ-bench's rejected writes, many tool frameworks), any case. */
const ERROR_TEXT = /^error\s*:/i;

/**
 * A call that did not take effect (trajectory's `ignore_failed_calls`): it was invalid (unknown tool, arguments
 * that are not JSON or fail the schema), its tool message carries an error class (the tool threw, timed out,
 * had no answer), or the tool answered with a rejection: text starting "Error:" (any case, leading space
 * ignored) or a JSON object whose `error` is set (not null/false; the suite's own `result: { error: … }`
 * convention). A call no tool message answered (a log's dangling call) is not known to have failed: kept.
 */
export function failedCall(record: ToolCallRecord): boolean {
  if (record.call.invalid) return true;
  const result = record.result;
  if (!result) return false;
  if (result.error) return true;
  const text = result.content.trimStart();
  if (ERROR_TEXT.test(text)) return true;
  if (!text.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) && value.error !== undefined && value.error !== null && value.error !== false;
  } catch {
    return false;
  }
}

/** The calls of a transcript, without those of the named tools. */
export function callsOf(transcript: Transcript | undefined, ignore: readonly string[] = []): ToolCallRecord[] {
  const calls = toolCallsOf(transcript);
  return ignore.length === 0 ? calls : calls.filter((c) => !ignore.includes(c.call.name));
}

/** A tool name as suites write it (what every provider accepts). */
export const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, { error: 'must be a tool name: 1-64 letters, digits, "_" or "-"' });

/** One expected call: a name and optionally the arguments it must carry. */
export const expectedCall = z.strictObject({ name: toolName, args: z.json().optional() });
export type ExpectedCall = z.output<typeof expectedCall>;
