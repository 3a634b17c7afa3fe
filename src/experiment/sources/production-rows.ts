// The production records that monitoring ingests (issue #15) as an experiment source: one row per record of a
// suite, streamed from the store. A column is read, in order, from: `arm` → the attribute the experiment names;
// timestamp/ts/time → the call's start; conversation_id; the record's figures (latency_ms, ttft_ms, cost_usd,
// input_tokens, output_tokens); the record's attributes; its segment tags (`plan` reads the tag `plan:pro`).
import { EvalspecError } from '../../errors.js';
import { openStore, redactLocation, storeLocation, type ProductionRecord } from '../../store/index.js';
import type { ColumnRequest, RawValue, RowHandler } from './file-rows.js';

const FIGURES: Record<string, (r: ProductionRecord) => RawValue> = {
  latency_ms: (r) => r.latencyMs,
  ttft_ms: (r) => r.ttftMs,
  cost_usd: (r) => r.costUsd,
  input_tokens: (r) => r.inputTokens,
  output_tokens: (r) => r.outputTokens,
  conversation_id: (r) => r.conversationId,
};
const TIME = new Set(['timestamp', 'ts', 'time']);

function cell(record: ProductionRecord, name: string, armAttribute: string): RawValue {
  if (name === 'arm') return record.attributes[armAttribute];
  if (TIME.has(name)) return record.startedAt;
  const figure = FIGURES[name];
  if (figure) return figure(record);
  if (name in record.attributes) return record.attributes[name];
  const tag = record.tags.find((t) => t.startsWith(`${name}:`));
  return tag === undefined ? undefined : tag.slice(name.length + 1);
}

export function productionLabel(suite: string, store: string | undefined): string {
  return `production records of ${suite} (${redactLocation(storeLocation(store))})`;
}

export async function forEachProductionRow(
  spec: { suite: string; arm: string; store?: string },
  configFile: string | undefined,
  what: string,
  columns: readonly ColumnRequest[],
  onRow: RowHandler,
): Promise<{ label: string; rows: number }> {
  const label = productionLabel(spec.suite, spec.store);
  let store;
  try {
    store = openStore(spec.store, { access: 'read' });
  } catch (error) {
    throw new EvalspecError('EXPERIMENT_DATA', `${what}: cannot open the store for ${label}: ${(error as Error).message}`, {
      file: configFile,
      hint: 'set production.store (or --db / $EVALSPEC_DB) to the store `evalspec collect` writes to',
      cause: error,
    });
  }
  const values: RawValue[] = new Array<RawValue>(columns.length);
  let rows = 0;
  try {
    for await (const record of store.production.records({ suite: spec.suite })) {
      rows++;
      for (let c = 0; c < columns.length; c++) {
        values[c] = undefined;
        for (const name of columns[c].names) {
          const v = cell(record, name, spec.arm);
          if (v !== undefined) {
            values[c] = v;
            break;
          }
        }
      }
      onRow(values, rows);
    }
  } finally {
    await store.close();
  }
  return { label, rows };
}
