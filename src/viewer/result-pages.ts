// The results table's pages served by SQL on the store (issue #22): variant, outcome, segment, failed check,
// severity, labelled and text filters, the run's order, LIMIT/OFFSET (store results.page, both dialects), so the
// table needs no index of every result.
// Rows are the ones the in-memory index path (data.ts) answers, field for field (test/viewer/result-pages).
import type { RunRecord, Store } from '../store/index.js';
import { indexedResult, type IndexedResult } from './run-index.js';
import type { LabelRecord, ResultListItem, ResultsResponse } from './types.js';

const PREVIEW_CHARS = 200;

/** The start of an output as the results table shows it. */
export const previewOf = (output: string | null): string | null =>
  output === null ? null : output.length > PREVIEW_CHARS ? `${output.slice(0, PREVIEW_CHARS)}…` : output;

/** The results table's filters and window (GET /api/runs/:id/results). */
export interface ResultFilter {
  variant?: string;
  outcome?: 'pass' | 'fail' | 'error';
  check?: string;
  segment?: string;
  severity?: 'critical' | 'normal';
  q?: string;
  labelled?: 'yes' | 'no';
  offset?: number;
  limit?: number;
}

export const keyOf = (r: { caseId: string; variantId: string; repeat: number }) => `${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`;

export async function pageFromStore(
  store: Store,
  run: RunRecord,
  f: {
    variant?: string;
    outcome?: 'pass' | 'fail' | 'error';
    segment?: string;
    check?: string;
    severity?: 'critical' | 'normal';
    labelled?: 'yes' | 'no';
    q?: string;
  },
  window: { offset: number; limit: number },
  labels: ReadonlyMap<string, LabelRecord>,
): Promise<ResultsResponse> {
  const page = await store.results.page(run.id, {
    variantOrder: run.variants.map((v) => v.id),
    variantId: f.variant || undefined,
    outcome: f.outcome,
    segment: f.segment || undefined,
    failedCheck: f.check || undefined,
    severity: f.severity,
    labelled: f.labelled,
    // Lower-cased here, as the former index did (JavaScript's toLowerCase): the store compares with its lower-cased text.
    text: f.q && f.q.trim() ? f.q.trim().toLowerCase() : undefined,
    ...window,
  });
  const rows = page.rows.map((r) => {
    const l = labels.get(keyOf(r));
    // The same row the index path sends (IndexedResult's extra fields included): a row is the same whichever path served it.
    const item: ResultListItem & Pick<IndexedResult, 'cached' | 'inputTokens' | 'outputTokens'> = {
      ...indexedResult(r, r.tags),
      preview: previewOf(r.output),
      label: l?.label ?? null,
      labelTag: l?.tag ?? null,
    };
    return item;
  });
  return { total: page.total, offset: window.offset, rows };
}
