// One way to read any experiment data source row by row: a CSV/JSONL file, a SQL query or the production records
// of a suite (all streamed). The caller asks for
// columns and gets their values per row with a location (file:row) for the data-quality ledger.
import type { ExperimentConfig, SourceSpec } from '../schema.js';
import { sourcePath } from '../schema.js';
import { forEachSqlRow, sqlLabel } from './sql-rows.js';
import { forEachProductionRow, productionLabel } from './production-rows.js';
import { forEachRow, type ColumnRequest, type RowHandler } from './file-rows.js';

export type { ColumnRequest, RawValue, RowHandler } from './file-rows.js';

export interface SourceRead {
  /** For people and the data-quality examples: the file path, or "sql" / "production". */
  label: string;
  rows: number;
}

/** What names a source in messages and data-quality examples: its file path, or the kind of source. */
export function sourceLabel(config: ExperimentConfig, spec: SourceSpec): string {
  if ('file' in spec) return sourcePath(config, spec.file);
  return 'sql' in spec ? sqlLabel(spec.store, config.dir) : productionLabel(spec.production.suite, spec.production.store);
}

/** Stream one source's rows; `what` names its role (exposures, outcomes, pre_period) in errors. */
export async function readSource(
  config: ExperimentConfig,
  spec: SourceSpec,
  what: string,
  columns: readonly ColumnRequest[],
  onRow: RowHandler,
): Promise<SourceRead> {
  if ('file' in spec) {
    const file = sourceLabel(config, spec);
    return { label: file, rows: await forEachRow(file, what, columns, onRow) };
  }
  if ('sql' in spec) return forEachSqlRow(spec.sql, spec.store, config.dir, config.file ?? undefined, what, columns, onRow);
  return forEachProductionRow(spec.production, config.file ?? undefined, what, columns, onRow);
}
