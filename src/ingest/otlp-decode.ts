// OTLP/HTTP trace export bodies → plain spans. JSON (the OTLP JSON mapping: hex ids, 64-bit integers as strings,
// AnyValue kinds) and protobuf (decoded by the OpenTelemetry project's generated decoder, never by hand), identity or
// gzip. Every way a body can be wrong is an `IngestHttpError` carrying the HTTP status the receiver answers with.
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

/** A span attribute value after decoding: OTLP AnyValue as plain JSON (arrays and kvlists nested). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** One span as the mappers read it, whatever the wire encoding was. */
export interface IngestSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** Epoch milliseconds (fractional); null when the span carried no time. */
  startTimeMs: number | null;
  endTimeMs: number | null;
  attributes: Attributes;
  resourceAttributes: Attributes;
  events: { name: string; attributes: Attributes }[];
}

/** Ingest input the receiver refuses, with the status it answers (415, 413, 400) and the fix. */
export class IngestHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'IngestHttpError';
  }
}

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

type OtlpContentType = 'json' | 'protobuf';

/** The media type without parameters, as one of the two OTLP encodings, or a 415. */
export function otlpContentType(header: string | undefined): OtlpContentType {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  throw new IngestHttpError(415, `unsupported content type "${header ?? ''}"`, 'send OTLP/HTTP as application/json or application/x-protobuf');
}

/** Identity or gzip, else a 415 (checked before the body is read). */
export function checkContentEncoding(header: string | undefined): 'identity' | 'gzip' {
  const encoding = (header ?? 'identity').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  throw new IngestHttpError(415, `unsupported content encoding "${header}"`, 'send the body uncompressed or with Content-Encoding: gzip');
}

/** The body after Content-Encoding, never longer than `maxBytes` once inflated (a gzip bomb is a 413, not an OOM). */
export function decodeContentEncoding(body: Uint8Array, contentEncoding: string | undefined, maxBytes = DEFAULT_MAX_BODY_BYTES): Buffer {
  if (checkContentEncoding(contentEncoding) === 'identity') return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new IngestHttpError(413, `the gzip body inflates to more than ${maxBytes} bytes`, 'export smaller batches (BatchSpanProcessor maxExportBatchSize)');
    }
    throw new IngestHttpError(400, `the body is not valid gzip: ${(err as Error).message}`, 'send Content-Encoding: gzip only with a gzip body');
  }
}

interface ProtobufType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): unknown;
}
interface TraceServiceRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtobufType; ExportTraceServiceResponse: ProtobufType } } } } };
}
// The generated decoder is CommonJS without types; loaded once, lazily (only protobuf senders need it).
let traceService: TraceServiceRoot['opentelemetry']['proto']['collector']['trace']['v1'] | undefined;
function otlpTraceService() {
  if (!traceService) {
    const required = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as
      TraceServiceRoot | { default: TraceServiceRoot };
    const root = 'default' in required ? required.default : required;
    traceService = root.opentelemetry.proto.collector.trace.v1;
  }
  return traceService;
}

/** An ExportTraceServiceRequest (plain object, the generated code's field names) protobuf-encoded: the warm-up's body. */
export function encodeOtlpTraceRequest(request: Record<string, unknown>): Uint8Array {
  const type = otlpTraceService().ExportTraceServiceRequest;
  return type.encode(type.fromObject(request)).finish();
}

/** The empty ExportTraceServiceResponse (full success) in the request's encoding. */
export function exportTraceResponse(type: OtlpContentType): { contentType: string; body: Uint8Array | string } {
  if (type === 'json') return { contentType: 'application/json', body: '{}' };
  return { contentType: 'application/x-protobuf', body: otlpTraceService().ExportTraceServiceResponse.encode({}).finish() };
}

/** Decode one OTLP/HTTP trace export body into spans (throws IngestHttpError: 415, 413 or 400). */
export function decodeOtlpTraces(body: Uint8Array, contentType: string | undefined, contentEncoding?: string, maxBytes = DEFAULT_MAX_BODY_BYTES): IngestSpan[] {
  const type = otlpContentType(contentType);
  const bytes = decodeContentEncoding(body, contentEncoding, maxBytes);
  let request: unknown;
  if (type === 'json') {
    try {
      request = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new IngestHttpError(400, `the body is not valid JSON: ${(err as Error).message}`, 'send an OTLP JSON ExportTraceServiceRequest');
    }
  } else {
    const { ExportTraceServiceRequest } = otlpTraceService();
    try {
      // longs as decimal strings and bytes as base64: the same shapes the OTLP JSON mapping uses, so one walker reads both.
      request = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), { longs: String, bytes: String, defaults: false, arrays: true });
    } catch (err) {
      throw new IngestHttpError(
        400,
        `the body is not a valid protobuf ExportTraceServiceRequest: ${(err as Error).message}`,
        'send the bytes the OTLP exporter produced, complete',
      );
    }
  }
  return requestSpans(request, type === 'json' ? 'hex' : 'base64');
}

const notRequest = (why: string) =>
  new IngestHttpError(400, `the body is not an ExportTraceServiceRequest: ${why}`, 'send {"resourceSpans": [...]} as the OTLP exporters do');

function requestSpans(request: unknown, idEncoding: 'hex' | 'base64'): IngestSpan[] {
  if (!isObject(request) || !Array.isArray(request.resourceSpans)) throw notRequest('no resourceSpans array');
  const spans: IngestSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    if (!isObject(resourceSpans)) throw notRequest('a resourceSpans entry is not an object');
    const resourceAttributes = isObject(resourceSpans.resource) ? keyValues(resourceSpans.resource.attributes) : {};
    const scopes = resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans ?? [];
    if (!Array.isArray(scopes)) throw notRequest('scopeSpans is not an array');
    for (const scope of scopes) {
      if (!isObject(scope) || (scope.spans !== undefined && !Array.isArray(scope.spans))) throw notRequest('a scopeSpans entry has no spans array');
      for (const span of (scope.spans ?? []) as unknown[]) spans.push(toSpan(span, resourceAttributes, idEncoding));
    }
  }
  return spans;
}

function toSpan(span: unknown, resourceAttributes: Attributes, idEncoding: 'hex' | 'base64'): IngestSpan {
  if (!isObject(span)) throw notRequest('a span is not an object');
  const traceId = spanId(span.traceId, 16, idEncoding);
  const id = spanId(span.spanId, 8, idEncoding);
  if (!traceId || !id) throw notRequest(`a span has no valid ${traceId ? 'spanId (8 bytes)' : 'traceId (16 bytes)'}`);
  const parent = spanId(span.parentSpanId, 8, idEncoding);
  return {
    traceId,
    spanId: id,
    parentSpanId: parent && !/^0+$/.test(parent) ? parent : null,
    name: typeof span.name === 'string' ? span.name : '',
    startTimeMs: nanosToMs(span.startTimeUnixNano),
    endTimeMs: nanosToMs(span.endTimeUnixNano),
    attributes: keyValues(span.attributes),
    resourceAttributes,
    events: Array.isArray(span.events) ? span.events.filter(isObject).map((e) => ({ name: String(e.name ?? ''), attributes: keyValues(e.attributes) })) : [],
  };
}

/**
 * An id as lowercase hex of `bytes` bytes, or undefined when absent or malformed. OTLP JSON says hex, but senders
 * built on protobuf's generic JSON mapping send base64: in JSON a value that is not hex of the right length is read
 * as base64 (the two cannot be confused: 16 bytes are 32 hex characters or 24 base64 ones).
 */
function spanId(value: unknown, bytes: number, encoding: 'hex' | 'base64'): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (encoding === 'hex' && value.length === bytes * 2) return /^[0-9a-fA-F]+$/.test(value) ? value.toLowerCase() : undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const hex = Buffer.from(value, 'base64').toString('hex');
  return hex.length === bytes * 2 ? hex : undefined;
}

function nanosToMs(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value / 1e6 : null;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || /^0+$/.test(value)) return null;
  // Split so the nanoseconds of a 2026 timestamp (19 digits) keep their millisecond precision in a double.
  const millis = value.length > 6 ? Number(value.slice(0, -6)) : 0;
  return millis + Number(value.slice(-6)) / 1e6;
}

function keyValues(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

function anyValue(value: unknown): AttributeValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue === true || value.boolValue === 'true';
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (isObject(value.arrayValue)) return Array.isArray(value.arrayValue.values) ? value.arrayValue.values.map(anyValue) : [];
  if (isObject(value.kvlistValue)) return keyValues(value.kvlistValue.values);
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
