// The last step every ingest path shares (OTLP spans, JSONL lines, the middleware): redact by the suite's
// `production.redact` rules, tag by `production.attributes`, price, hash, and give the record its stable id.
// Redaction happens here, before a record leaves ingest: secrets never reach the sink (the store). The input's
// language is detected after redaction (language.ts), from the text that is stored.
import { hash } from 'node:crypto';
import { EvalspecError } from '../errors.js';
import { createPricer, type Pricer, type PricedModel } from '../pricing/index.js';
import type { ProductionMessage, ProductionRecord, ProductionToolCall } from '../store/index.js';
import type { ProductionSpec } from '../suite/index.js';
import { recordLanguage } from './language.js';

/** What the ingest paths need to know about the suite whose monitors watch the traffic. */
export interface IngestContext {
  suite: string;
  production: ProductionSpec;
  /** USD of one call at the list price in force at `at` (the call's start), or undefined when unpriced. */
  cost: (model: PricedModel, inputTokens: number, outputTokens: number, cachedInputTokens: number | undefined, at: Date) => number | undefined;
  /** The suite's own models: a record of one of them is priced with its `price:` / `price_as:` override. */
  models: PricedModel[];
  now: () => Date;
}

export interface IngestContextOptions {
  suite: { name: string; production?: ProductionSpec; models?: PricedModel[] };
  pricer?: Pricer;
  now?: () => Date;
}

const NO_PRODUCTION: ProductionSpec = { attributes: {}, redact: { attributes: [], patterns: [] } };

export function ingestContext(options: IngestContextOptions): IngestContext {
  // genai-prices keeps dated prices: a log imported next month is priced as of its calls, not as of the import.
  let callTime = new Date();
  const pricer = options.pricer ?? createPricer({ now: () => callTime });
  return {
    suite: options.suite.name,
    production: options.suite.production ?? NO_PRODUCTION,
    cost: (model, inputTokens, outputTokens, cached, at) => {
      callTime = at;
      return pricer.cost(model, inputTokens, outputTokens, cached);
    },
    models: options.suite.models ?? [],
    now: options.now ?? (() => new Date()),
  };
}

/** Record id: the first 32 hex chars of sha256(suite \0 traceId \0 spanId) (the design's shared rule). */
export function productionRecordId(suite: string, traceId: string, spanId: string): string {
  return sha256(`${suite}\0${traceId}\0${spanId}`).slice(0, 32);
}

// One-shot hash (no Hash object per call): three hashes per ingested span (id, content, sample).
export const sha256 = (text: string): string => hash('sha256', text, 'hex');

/** A record before the shared step: what a span, a line or a call said, unredacted, without id, tags, cost or hash. */
export type RecordDraft = Omit<ProductionRecord, 'id' | 'suite' | 'ingestedAt' | 'tags' | 'contentHash' | 'flagged' | 'costUsd' | 'language'> & {
  cachedInputTokens?: number | null;
};

export interface Redactor {
  text(value: string): string;
  /** Attributes without the dropped keys, with string values redacted. */
  attributes(attributes: Record<string, string | number | boolean>): Record<string, string | number | boolean>;
}

const redactors = new WeakMap<ProductionSpec, Redactor>();

/** The suite's redaction rules as functions (compiled once per spec); an invalid regex is a suite error. */
export function createRedactor(production: ProductionSpec): Redactor {
  const cached = redactors.get(production);
  if (cached) return cached;
  const patterns = production.redact.patterns.map((p, i) => {
    try {
      return { regex: new RegExp(p.regex, 'gu'), replace: p.replace };
    } catch (err) {
      throw new EvalspecError('SUITE_SCHEMA', `production.redact.patterns[${i}] is not a valid regular expression: ${(err as Error).message}`, {
        hint: 'write a JavaScript regular expression (flags g and u are added)',
      });
    }
  });
  const dropped = new Set(production.redact.attributes);
  const text = (value: string) => patterns.reduce((s, p) => s.replace(p.regex, p.replace), value);
  const redactor: Redactor = {
    text,
    attributes(attributes) {
      const out: Record<string, string | number | boolean> = {};
      for (const [key, value] of Object.entries(attributes)) if (!dropped.has(key)) out[key] = typeof value === 'string' ? text(value) : value;
      return out;
    },
  };
  redactors.set(production, redactor);
  return redactor;
}

/** Segment tags from `production.attributes` (key → template with {{value}}), sorted, each once. */
export function tagsFor(attributes: Record<string, string | number | boolean>, mapping: Record<string, string>): string[] {
  const tags = new Set<string>();
  for (const [key, template] of Object.entries(mapping)) {
    const value = attributes[key];
    if (value !== undefined) tags.add(template.split('{{value}}').join(String(value)));
  }
  return [...tags].sort();
}

/** USD of the call at list price: the suite's own model override first, else genai-prices by provider; null when unknown. */
function costOf(ctx: IngestContext, draft: RecordDraft): number | null {
  if (!draft.model || draft.inputTokens === null || draft.outputTokens === null) return null;
  const modelId = draft.model;
  const own = ctx.models.find((m) => m.modelId === modelId && (draft.provider === null || m.providerType === draft.provider));
  const priced: PricedModel = own ?? { providerType: 'openai', modelId, priceAs: draft.provider ? { providerType: draft.provider, modelId } : undefined };
  // Without a provider the model id alone cannot be priced: unknown, never guessed.
  if (!own && !draft.provider) return null;
  return ctx.cost(priced, draft.inputTokens, draft.outputTokens, draft.cachedInputTokens ?? undefined, new Date(draft.startedAt)) ?? null;
}

/** The draft as a stored record: redacted, tagged, priced, hashed, with its id. */
export function finishRecord(ctx: IngestContext, draft: RecordDraft): ProductionRecord {
  const redact = createRedactor(ctx.production);
  const input: ProductionMessage[] | null = draft.input?.map((m) => ({ role: m.role, content: redact.text(m.content) })) ?? null;
  const output = draft.output === null ? null : redact.text(draft.output);
  const toolCalls: ProductionToolCall[] = draft.toolCalls.map((t) => ({
    name: t.name,
    arguments: t.arguments === null ? null : redact.text(t.arguments),
    result: t.result === null ? null : redact.text(t.result),
  }));
  const attributes = redact.attributes(draft.attributes);
  // Every field written out (not `...draft`): a literal of one fixed shape is several times cheaper per span than a
  // spread of the draft whose fields are then overwritten (W5 profile).
  return {
    id: productionRecordId(ctx.suite, draft.traceId, draft.spanId),
    suite: ctx.suite,
    traceId: draft.traceId,
    spanId: draft.spanId,
    parentSpanId: draft.parentSpanId,
    conversationId: draft.conversationId === null ? null : redact.text(draft.conversationId),
    startedAt: draft.startedAt,
    endedAt: draft.endedAt,
    ingestedAt: ctx.now().toISOString(),
    source: draft.source,
    provider: draft.provider,
    model: draft.model,
    responseModel: draft.responseModel,
    input,
    language: recordLanguage(input),
    output,
    toolCalls,
    inputTokens: draft.inputTokens,
    outputTokens: draft.outputTokens,
    costUsd: costOf(ctx, draft),
    latencyMs: draft.latencyMs,
    ttftMs: draft.ttftMs,
    finishReason: draft.finishReason,
    attributes,
    tags: tagsFor(attributes, ctx.production.attributes),
    contentHash: sha256(JSON.stringify({ input, output })),
    flagged: false,
  };
}
