// The ingest stage (issue #15): live traffic in. OTLP/HTTP spans (JSON or protobuf, gzip), JSONL logs and the AI SDK
// middleware become `ProductionRecord`s (store/production-types.ts), redacted and tagged by the suite's rules, and
// are committed to the store with their monitors' queue entries before the sender is acknowledged.
export {};
