// The viewer's former paths over the in-memory index of every result (run-index.ts): the run page's figures, the
// results table's pages and the paired comparison. The viewer serves all three from store queries (issue #22);
// these stay as the reference the tests compare the store's answers with (`new ViewerData(store, false)`).
import type { Store } from '../store/index.js';
import { pairCases } from './compare.js';
import { heatmapFromIndex } from './heatmap.js';
import { keyOf, previewOf, type ResultFilter } from './result-pages.js';
import type { RunIndex, RunIndexCache, IndexedResult } from './run-index.js';
import type { RunPageFigures } from './run-page-figures.js';
import { summarize } from './run-summary.js';
import type { CompareResponse, CompareRow, LabelRecord, ResultListItem, ResultsResponse } from './types.js';

/** The run page's figures from the in-memory index (the former path). */
export function runPageFromIndex(index: RunIndex): RunPageFigures {
  const run = index.run;
  const checks = new Set<string>();
  const errorClasses = new Set<string>();
  const tagCounts = new Map<string, number>();
  for (const c of index.cases.values()) for (const t of c.tags) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
  for (const r of index.results) {
    for (const c of r.failedChecks) checks.add(c);
    if (r.errorClass) errorClasses.add(r.errorClass);
  }
  const segments = [...tagCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  return {
    summary: summarize(index),
    heatmap: heatmapFromIndex(index, segments.slice(0, 40)),
    facets: {
      variants: run.variants.map((v) => ({ id: v.id, label: v.label, model: v.model, prompt: v.prompt })),
      checks: [...checks].sort(),
      segments,
      errorClasses: [...errorClasses].sort(),
    },
    results: index.results.length,
  };
}

/** A page of the results table from the in-memory index (the former path). */
export async function resultsFromIndex(
  cache: RunIndexCache,
  store: Store,
  index: RunIndex,
  labels: ReadonlyMap<string, LabelRecord>,
  f: ResultFilter,
  { offset, limit }: { offset: number; limit: number },
): Promise<ResultsResponse> {
  const searchHits = f.q && f.q.trim() ? await cache.search(index, f.q.trim()) : undefined;
  const keep = (r: IndexedResult, i: number): boolean => {
    if (f.variant && r.variantId !== f.variant) return false;
    if (f.outcome === 'pass' && r.pass !== true) return false;
    if (f.outcome === 'fail' && r.pass !== false) return false;
    if (f.outcome === 'error' && !r.errorClass) return false;
    if (f.check && !r.failedChecks.includes(f.check)) return false;
    if (f.segment && !r.tags.includes(f.segment)) return false;
    if (f.severity === 'critical' && !r.critical) return false;
    if (f.severity === 'normal' && (r.critical || r.failedChecks.length === 0)) return false;
    if (f.labelled === 'yes' && !labels.has(keyOf(r))) return false;
    if (f.labelled === 'no' && labels.has(keyOf(r))) return false;
    if (searchHits && !searchHits.has(i)) return false;
    return true;
  };
  let total = 0;
  const page: IndexedResult[] = [];
  for (let i = 0; i < index.results.length; i++) {
    const r = index.results[i];
    if (!keep(r, i)) continue;
    if (total >= offset && page.length < limit) page.push(r);
    total++;
  }
  const previews = await previewsOf(store, index.run.id, page);
  const rows: ResultListItem[] = page.map((r) => {
    const l = labels.get(keyOf(r));
    return { ...r, preview: previews.get(keyOf(r)) ?? null, label: l?.label ?? null, labelTag: l?.tag ?? null };
  });
  return { total, offset, rows };
}

/** The start of each output on a page, read case by case (the primary key makes each read an index lookup). */
async function previewsOf(store: Store, runId: string, page: IndexedResult[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = new Set(page.map(keyOf));
  for (const caseId of new Set(page.map((r) => r.caseId))) {
    for await (const r of store.results.list(runId, { caseId, omitTranscript: true })) {
      const k = keyOf(r);
      const preview = previewOf(r.output);
      if (wanted.has(k) && preview !== null) out.set(k, preview);
    }
  }
  return out;
}

/** The comparison from the in-memory index of both runs (the former path), its pairing kept with run A's index. */
export function compareFromIndex(
  ia: RunIndex,
  ib: RunIndex,
  sides: { runA: string; variantA: string; runB: string; variantB: string },
  opts: { only?: 'flipped' | 'all'; segment?: string },
  { offset, limit }: { offset: number; limit: number },
): CompareResponse {
  // The list is paged: pair the cases once per comparison and serve every page from that.
  const memoKey = `compare\u0000${JSON.stringify([sides, opts.only ?? 'all', opts.segment ?? '', ib.builtAt])}`;
  let paired = ia.derived.get(memoKey) as (Omit<CompareResponse, 'offset' | 'rows'> & { ordered: CompareRow[] }) | undefined;
  if (!paired) {
    ia.derived.set(memoKey, (paired = pairCases(ia, ib, sides, opts)));
    if (ia.derived.size > 32) ia.derived.delete([...ia.derived.keys()].find((k) => k.startsWith('compare'))!);
  }
  const { ordered, ...summary } = paired;
  return { ...summary, offset, rows: ordered.slice(offset, offset + limit) };
}
