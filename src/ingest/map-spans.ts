// Spans → production records. Which span is a record (the design's rule): a span with GenAI attributes that
// carries one model call. The AI SDK's outer spans (ai.generateText, ai.streamText, …) and any call span whose
// child in the batch is itself a call span repeat their children's usage: no record, no tokens added. Tool spans
// (ai.toolCall, gen_ai.operation.name = execute_tool) attach to the call that requested them. Attribute names come
// from the OTel GenAI conventions (current and older) and the AI SDK's telemetry (node_modules/ai: recordSpan).
import type { ProductionRecord } from '../store/index.js';
import { finishRecord, type IngestContext, type RecordDraft } from './finish-record.js';
import {
  contentText,
  indexedMessages,
  messagesFrom,
  outputFinishReason,
  outputText,
  structured,
  systemInstructions,
  toolCallsFrom,
  type ToolCallDraft,
} from './genai-content.js';
import type { AttributeValue, Attributes, IngestSpan } from './otlp-decode.js';

export interface SpanMapping {
  records: ProductionRecord[];
  /** Spans without GenAI attributes (HTTP, database, app spans): skipped, never stored half. */
  ignored: number;
  /** GenAI spans folded into a record: outer spans repeating their children's usage, attached tool spans. */
  merged: number;
  /** Tool spans whose call was not in the same batch (export a trace's spans together: BatchSpanProcessor). */
  unattachedTools: number;
}

/** The AI SDK's outer operations: they wrap the doGenerate/doStream spans and repeat their usage. */
const AI_SDK_OUTER = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject', 'ai.embed', 'ai.embedMany']);
/** The AI SDK's inner spans: exactly one provider call each. */
const AI_SDK_CALL = new Set(['ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.generateObject.doGenerate', 'ai.streamObject.doStream']);
/** gen_ai.operation.name values that are not one model call (agent wrappers repeat usage; embeddings have no output). */
const NOT_A_CALL = new Set(['invoke_agent', 'create_agent', 'embeddings', 'execute_tool']);

type Kind = 'call' | 'outer' | 'tool' | 'other' | 'none';

const str = (v: AttributeValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: AttributeValue | undefined): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};
const first = <T>(...values: (T | null)[]): T | null => values.find((v) => v !== null) ?? null;

function kindOf(span: IngestSpan): Kind {
  const a = span.attributes;
  const operationId = str(a['ai.operationId']) ?? span.name;
  if (AI_SDK_CALL.has(operationId)) return 'call';
  if (AI_SDK_OUTER.has(operationId)) return 'outer';
  if (operationId === 'ai.toolCall' || a['gen_ai.operation.name'] === 'execute_tool') return 'tool';
  const keys = Object.keys(a);
  if (!keys.some((k) => k.startsWith('gen_ai.') || k.startsWith('ai.'))) return 'none';
  const operation = str(a['gen_ai.operation.name']);
  if (operation && NOT_A_CALL.has(operation)) return 'outer';
  if (operationId.startsWith('ai.')) return 'other'; // other AI SDK spans (embed calls, …): no model answer to score
  const carriesCall = [
    'gen_ai.request.model',
    'gen_ai.response.model',
    'gen_ai.input.messages',
    'gen_ai.output.messages',
    'gen_ai.prompt',
    'gen_ai.completion',
  ].some((k) => a[k] !== undefined);
  return carriesCall || keys.some((k) => k.startsWith('gen_ai.prompt.') || k.startsWith('gen_ai.completion.')) ? 'call' : 'other';
}

/** "openai.chat" / "openai.responses" (the AI SDK's provider ids) → "openai"; semantic-convention names kept. */
export function providerName(value: string | null): string | null {
  if (!value) return null;
  const sdk = /^([\w-]+)\.(chat|responses|completion|messages|generative-ai|embedding|image|transcription|speech)$/.exec(value);
  return (sdk ? sdk[1]! : value).toLowerCase();
}

/** Attribute keys that describe the telemetry itself, not the user's traffic (OpenLLMetry's llm.* / traceloop.* too). */
const INTERNAL = /^(gen_ai\.|ai\.|llm\.|traceloop\.|telemetry\.|otel\.|operation\.name$|resource\.name$|process\.)/;
/** Where SDKs put the user's own metadata: kept under the key after the prefix. */
const METADATA = /^(ai\.telemetry\.metadata\.|traceloop\.association\.properties\.)/;

/** User attributes: resource + span attributes that are not GenAI/SDK internals; SDK metadata (ai.telemetry.metadata.*) by its own key. */
export function userAttributes(span: IngestSpan): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const add = (key: string, value: AttributeValue) => {
    if (value === null) return;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : value;
  };
  for (const source of [span.resourceAttributes, span.attributes]) {
    for (const [key, value] of Object.entries(source)) {
      const metadata = METADATA.exec(key);
      if (metadata) add(key.slice(metadata[0].length), value);
      else if (!INTERNAL.test(key)) add(key, value);
    }
  }
  return out;
}

function inputOf(a: Attributes): RecordDraft['input'] {
  const current = messagesFrom(a['gen_ai.input.messages']);
  const system = systemInstructions(a['gen_ai.system_instructions']);
  if (current) return system ? [system, ...current] : current;
  return messagesFrom(a['ai.prompt.messages']) ?? indexedMessages(a, 'gen_ai.prompt') ?? messagesFrom(a['gen_ai.prompt']);
}

function outputOf(a: Attributes): string | null {
  const current = outputText(a['gen_ai.output.messages']);
  if (current !== null) return current;
  if (typeof a['ai.response.text'] === 'string') return a['ai.response.text'];
  if (typeof a['ai.response.object'] === 'string') return a['ai.response.object'];
  const indexed = indexedMessages(a, 'gen_ai.completion');
  if (indexed) return indexed.map((m) => m.content).join('\n');
  const completion = structured(a['gen_ai.completion']);
  if (completion === undefined || completion === null) return null;
  return typeof completion === 'string' ? completion : (outputText(completion) ?? contentText(completion));
}

function ttftOf(span: IngestSpan): number | null {
  const direct = num(span.attributes['ai.response.msToFirstChunk']) ?? num(span.attributes['gen_ai.response.time_to_first_chunk']);
  if (direct !== null) return direct;
  const event = span.events.find((e) => e.name === 'ai.stream.firstChunk');
  return event ? num(event.attributes['ai.response.msToFirstChunk']) : null;
}

interface CallDraft {
  span: IngestSpan;
  draft: RecordDraft;
  toolCalls: ToolCallDraft[];
}

function callDraft(span: IngestSpan, now: () => Date): CallDraft {
  const a = span.attributes;
  const finishReasons = a['gen_ai.response.finish_reasons'];
  const toolCalls = [...toolCallsFrom(a['gen_ai.output.messages']), ...toolCallsFrom(a['ai.response.toolCalls'])];
  const startedAt = span.startTimeMs === null ? null : new Date(span.startTimeMs).toISOString();
  const draft: RecordDraft = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    conversationId: str(a['gen_ai.conversation.id']),
    // A span without a start time is still a call; its receipt time stands in (the store orders by startedAt).
    startedAt: startedAt ?? now().toISOString(),
    endedAt: span.endTimeMs === null ? null : new Date(span.endTimeMs).toISOString(),
    source: 'otlp',
    provider: providerName(first(str(a['gen_ai.provider.name']), str(a['gen_ai.system']), str(a['ai.model.provider']))),
    model: first(str(a['gen_ai.request.model']), str(a['ai.model.id']), str(a['gen_ai.response.model'])),
    responseModel: first(str(a['gen_ai.response.model']), str(a['ai.response.model'])),
    input: inputOf(a),
    output: outputOf(a),
    toolCalls: [],
    inputTokens: first(
      num(a['gen_ai.usage.input_tokens']),
      num(a['gen_ai.usage.prompt_tokens']),
      num(a['ai.usage.inputTokens']),
      num(a['ai.usage.promptTokens']),
    ),
    outputTokens: first(
      num(a['gen_ai.usage.output_tokens']),
      num(a['gen_ai.usage.completion_tokens']),
      num(a['ai.usage.outputTokens']),
      num(a['ai.usage.completionTokens']),
    ),
    cachedInputTokens: first(num(a['gen_ai.usage.cache_read.input_tokens']), num(a['ai.usage.cachedInputTokens'])),
    latencyMs: span.startTimeMs !== null && span.endTimeMs !== null && span.endTimeMs >= span.startTimeMs ? span.endTimeMs - span.startTimeMs : null,
    ttftMs: ttftOf(span),
    finishReason: first(
      Array.isArray(finishReasons) ? str(finishReasons[0]) : str(finishReasons ?? undefined),
      str(a['ai.response.finishReason']),
      outputFinishReason(a['gen_ai.output.messages']),
    ),
    attributes: userAttributes(span),
  };
  return { span, draft, toolCalls };
}

function toolOf(span: IngestSpan): ToolCallDraft {
  const a = span.attributes;
  const text = (v: AttributeValue | undefined) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    id: str(a['ai.toolCall.id']) ?? str(a['gen_ai.tool.call.id']),
    name: str(a['ai.toolCall.name']) ?? str(a['gen_ai.tool.name']) ?? span.name,
    arguments: text(a['ai.toolCall.args'] ?? a['gen_ai.tool.call.arguments']),
    result: text(a['ai.toolCall.result'] ?? a['gen_ai.tool.call.result']),
  };
}

/** The call a tool span belongs to: the call that requested it by id, its parent call, else the latest earlier call of the trace. */
function attachTool(tool: ToolCallDraft, span: IngestSpan, calls: CallDraft[]): boolean {
  const sameTrace = calls.filter((c) => c.span.traceId === span.traceId);
  const byId = tool.id === null ? undefined : sameTrace.find((c) => c.toolCalls.some((t) => t.id === tool.id));
  if (byId) {
    const requested = byId.toolCalls.find((t) => t.id === tool.id)!;
    requested.result = tool.result;
    requested.arguments ??= tool.arguments;
    return true;
  }
  const before = (c: CallDraft) => (c.span.startTimeMs ?? 0) <= (span.startTimeMs ?? Infinity);
  const target =
    sameTrace.find((c) => c.span.spanId === span.parentSpanId) ??
    sameTrace.filter((c) => c.span.parentSpanId === span.parentSpanId && before(c)).sort((x, y) => (y.span.startTimeMs ?? 0) - (x.span.startTimeMs ?? 0))[0] ??
    sameTrace.filter(before).sort((x, y) => (y.span.startTimeMs ?? 0) - (x.span.startTimeMs ?? 0))[0];
  if (!target) return false;
  target.toolCalls.push(tool);
  return true;
}

/**
 * Parents of call spans seen in earlier batches ("traceId/spanId"). A parent ends after its children, so an exporter
 * that sends each span as it ends (SimpleSpanProcessor) delivers the wrapper after its inner call: the collector keeps
 * this memory so the wrapper is still recognised. Bounded: the oldest keys are forgotten first.
 */
export class CallParentMemory {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity = 100_000) {}
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
  }
}

/** Map one batch of spans to records (redacted, tagged, priced) and the counts of what was not a record. */
export function spansToRecords(spans: IngestSpan[], ctx: IngestContext, memory: CallParentMemory = new CallParentMemory()): SpanMapping {
  const kinds = spans.map(kindOf);
  // A call span with a call span below it (in this batch or an earlier one) is a wrapper repeating the inner call's usage.
  spans.forEach((s, i) => {
    if (kinds[i] === 'call' && s.parentSpanId) memory.add(`${s.traceId}/${s.parentSpanId}`);
  });
  const calls: CallDraft[] = [];
  let ignored = 0;
  let merged = 0;
  const tools: IngestSpan[] = [];
  spans.forEach((span, i) => {
    const kind = kinds[i];
    if (kind === 'none') ignored++;
    else if (kind === 'tool') tools.push(span);
    else if (kind === 'call' && !memory.has(`${span.traceId}/${span.spanId}`)) calls.push(callDraft(span, ctx.now));
    else merged++;
  });
  calls.sort((x, y) => (x.span.startTimeMs ?? 0) - (y.span.startTimeMs ?? 0));
  let unattachedTools = 0;
  for (const span of tools) {
    if (attachTool(toolOf(span), span, calls)) merged++;
    else unattachedTools++;
  }
  const records = calls.map((c) => finishRecord(ctx, { ...c.draft, toolCalls: c.toolCalls.map(({ id: _id, ...t }) => t) }));
  return { records, ignored, merged, unattachedTools };
}
