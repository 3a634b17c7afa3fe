// The ingest stage (issue #15): live traffic in. OTLP/HTTP spans (JSON or protobuf, gzip), JSONL logs and the AI SDK
// middleware become `ProductionRecord`s (store/production-types.ts), redacted and tagged by the suite's rules, and
// are committed to the store with their monitors' queue entries before the sender is acknowledged.
export { startCollector, type Collector, type CollectorOptions, type CollectorStats } from './collector.js';
export {
  createRedactor,
  finishRecord,
  ingestContext,
  productionRecordId,
  tagsFor,
  type IngestContext,
  type IngestContextOptions,
  type RecordDraft,
  type Redactor,
} from './finish-record.js';
export { jsonlError, jsonlRecordSchema, parseJsonlLine, parseJsonlRecords, parseJsonRecordArray, type JsonlRecord } from './jsonl.js';
export { detectLanguage, loadLanguageDetector, languageName, languageText, letterCount, recordLanguage, CJK_WEIGHT, MIN_LETTERS } from './language.js';
export { CallParentMemory, spansToRecords, userAttributes, type SpanMapping } from './map-spans.js';
export { evalspecMiddleware, type EvalspecMiddleware, type EvalspecMiddlewareOptions } from './middleware.js';
export {
  decodeOtlpTraces,
  DEFAULT_MAX_BODY_BYTES,
  exportTraceResponse,
  IngestHttpError,
  type AttributeValue,
  type Attributes,
  type IngestSpan,
} from './otlp-decode.js';
export { matchesFilter, queueEntriesFor, sampled } from './sample.js';
