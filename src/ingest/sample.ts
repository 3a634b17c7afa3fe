// Which monitors score a record: each monitor's filter (models, tags, attributes; every listed condition must
// hold) and its deterministic sample. The sample hashes the monitor name with the trace id, so re-ingesting the
// same traffic queues the same records, and all calls of one trace are kept or dropped together.
import type { ProductionQueueEntry, ProductionRecord } from '../store/index.js';
import type { MonitorSpec } from '../suite/index.js';
import { sha256 } from './finish-record.js';

/** keep ⇔ parseInt(sha256(monitor + "\0" + traceId)[0..13], 16) / 2^52 < rate (13 hex digits = 52 bits, exact in a double). */
export function sampled(monitor: string, traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  return parseInt(sha256(`${monitor}\0${traceId}`).slice(0, 13), 16) / 2 ** 52 < rate;
}

/** The record passes the monitor's filter (the model filter matches the requested or the response model). */
export function matchesFilter(record: ProductionRecord, filter: MonitorSpec['filter']): boolean {
  if (filter.models && !filter.models.some((m) => m === record.model || m === record.responseModel)) return false;
  if (filter.tags && !filter.tags.every((t) => record.tags.includes(t))) return false;
  // Compared as text: a YAML `tier: 2` matches the attribute "2" (OTel senders differ in how they type values).
  for (const [key, value] of Object.entries(filter.attributes ?? {})) {
    if (record.attributes[key] === undefined || String(record.attributes[key]) !== String(value)) return false;
  }
  return true;
}

/** One queue entry per monitor whose filter matches and whose sample keeps the record's trace. */
export function queueEntriesFor(record: ProductionRecord, monitors: readonly MonitorSpec[]): ProductionQueueEntry[] {
  return monitors
    .filter((m) => matchesFilter(record, m.filter) && sampled(m.name, record.traceId, m.sample))
    .map((m) => ({ recordId: record.id, monitor: m.name }));
}
