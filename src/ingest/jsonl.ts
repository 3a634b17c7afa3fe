// The JSONL line format (batch import with `evalspec ingest FILE`, and the body of POST /v1/records the middleware
// sends): one model call per line, documented in docs/monitoring.md. Lines without trace/span ids get stable ones
// (traceId = sha256 of the line, spanId = sha256 of the line number), so importing the same file twice stores it once.
import { z } from 'zod';
import { EvalspecError } from '../errors.js';
import type { ProductionRecord, ProductionSource } from '../store/index.js';
import { finishRecord, sha256, type IngestContext } from './finish-record.js';
import { providerName } from './map-spans.js';

const tokens = z.number().int().min(0).nullable().optional();
// A time zone is required: a local time without one would be read differently on each machine.
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i, 'write an ISO 8601 time with a zone, such as 2026-12-01T09:30:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date: write an ISO 8601 time such as 2026-12-01T09:30:00Z');

export const jsonlRecordSchema = z.strictObject({
  trace_id: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'write 32 hex characters (an OTel trace id)')
    .optional(),
  span_id: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/, 'write 16 hex characters (an OTel span id)')
    .optional(),
  parent_span_id: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/)
    .optional(),
  conversation_id: z.string().optional(),
  /** When the call started. */
  timestamp: isoTime,
  end_timestamp: isoTime.optional(),
  model: z.string().min(1),
  provider: z.string().min(1).optional(),
  response_model: z.string().min(1).optional(),
  /** The user's text, or the prompt messages. */
  input: z.union([z.string(), z.array(z.strictObject({ role: z.string().min(1), content: z.string() }))]),
  output: z.string().nullable(),
  tool_calls: z
    .array(z.strictObject({ name: z.string().min(1), arguments: z.string().nullable().optional(), result: z.string().nullable().optional() }))
    .optional(),
  usage: z.strictObject({ input_tokens: tokens, output_tokens: tokens, cached_input_tokens: tokens }).optional(),
  latency_ms: z.number().min(0).nullable().optional(),
  ttft_ms: z.number().min(0).nullable().optional(),
  finish_reason: z.string().nullable().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type JsonlRecord = z.infer<typeof jsonlRecordSchema>;

const MAX_REPORTED = 10;

/** One valid line → a record (redacted, tagged, priced by the shared step). */
export function jsonlLineToRecord(line: JsonlRecord, rawLine: string, lineNumber: number, ctx: IngestContext, source: ProductionSource): ProductionRecord {
  const startMs = Date.parse(line.timestamp);
  const endMs = line.end_timestamp ? Date.parse(line.end_timestamp) : line.latency_ms != null ? startMs + line.latency_ms : null;
  return finishRecord(ctx, {
    traceId: (line.trace_id ?? sha256(rawLine).slice(0, 32)).toLowerCase(),
    spanId: (line.span_id ?? sha256(String(lineNumber)).slice(0, 16)).toLowerCase(),
    parentSpanId: line.parent_span_id?.toLowerCase() ?? null,
    conversationId: line.conversation_id ?? null,
    startedAt: new Date(startMs).toISOString(),
    endedAt: endMs === null ? null : new Date(endMs).toISOString(),
    source,
    provider: providerName(line.provider ?? null),
    model: line.model,
    responseModel: line.response_model ?? null,
    input: typeof line.input === 'string' ? [{ role: 'user', content: line.input }] : line.input,
    output: line.output,
    toolCalls: (line.tool_calls ?? []).map((t) => ({ name: t.name, arguments: t.arguments ?? null, result: t.result ?? null })),
    inputTokens: line.usage?.input_tokens ?? null,
    outputTokens: line.usage?.output_tokens ?? null,
    cachedInputTokens: line.usage?.cached_input_tokens ?? null,
    latencyMs: line.latency_ms ?? (endMs === null ? null : endMs - startMs),
    ttftMs: line.ttft_ms ?? null,
    finishReason: line.finish_reason ?? null,
    attributes: line.attributes ?? {},
  });
}

/** One line → its record, or what is wrong with it (null for a blank line). For streaming a large file line by line. */
export function parseJsonlLine(
  raw: string,
  lineNumber: number,
  ctx: IngestContext,
  source: ProductionSource = 'jsonl',
): ProductionRecord | { problem: string } | null {
  if (raw.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { problem: `not valid JSON (${(err as Error).message})` };
  }
  const parsed = jsonlRecordSchema.safeParse(value);
  if (!parsed.success)
    return { problem: parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'line'}: ${issue.message}`).join('; ') };
  return jsonlLineToRecord(parsed.data, raw.trim(), lineNumber, ctx, source);
}

/** The INGEST_INPUT error for a file's bad lines: each as file:line with what is wrong, and the format as the fix. */
export function jsonlError(file: string, problems: { line: number; message: string }[], total = problems.length): EvalspecError {
  const listed = problems.map((p) => `  ${file}:${p.line}: ${p.message}`).join('\n');
  const more = total > problems.length ? `\n  … and ${total - problems.length} more` : '';
  return new EvalspecError('INGEST_INPUT', `${total} invalid line${total === 1 ? '' : 's'}, nothing imported:\n${listed}${more}`, {
    file,
    line: problems[0]?.line,
    hint: 'each line is one JSON object: {"timestamp": "2026-12-01T09:30:00Z", "model": "gpt-4o-mini", "input": "…", "output": "…"} (docs/monitoring.md, "JSONL import")',
  });
}

/**
 * Parse a JSONL text (blank lines skipped) into records. Any invalid line → one INGEST_INPUT error listing the
 * first few bad lines as file:line with the fix; no record of the file is returned (all or nothing).
 */
export function parseJsonlRecords(text: string, ctx: IngestContext, options: { file?: string; source?: ProductionSource } = {}): ProductionRecord[] {
  const records: ProductionRecord[] = [];
  const problems: { line: number; message: string }[] = [];
  let bad = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const result = parseJsonlLine(raw, i + 1, ctx, options.source ?? 'jsonl');
    if (result === null) return;
    if ('problem' in result) {
      bad++;
      if (problems.length < MAX_REPORTED) problems.push({ line: i + 1, message: result.problem });
    } else records.push(result);
  });
  if (bad > 0) throw jsonlError(options.file ?? '<body>', problems, bad);
  return records;
}

/** A JSON array of line-format objects (the POST /v1/records body as JSON) → the same records. */
export function parseJsonRecordArray(body: unknown, ctx: IngestContext, source: ProductionSource): ProductionRecord[] {
  if (!Array.isArray(body))
    throw new EvalspecError('INGEST_INPUT', 'the body is not a JSON array of records', { hint: 'send [ {record}, … ] or one record per line (JSONL)' });
  return parseJsonlRecords(body.map((r) => JSON.stringify(r)).join('\n'), ctx, { file: '<body>', source });
}
