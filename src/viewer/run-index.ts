// A compact in-memory index of one run's results (no outputs, no messages): what the results table filters,
// the heatmap groups and the comparison pairs. 50,000 results take a few MB; outputs stay in the store and
// are read a page at a time. Indexes of finished runs are kept (a few, least recently used first out); a
// run still being written is re-read when it is older than a second or two.
import type { Store, RunRecord, CaseRow, ResultRow } from '../store/index.js';
import type { ResultListItem } from './types.js';

/** A result as the results list shows it (without preview and label, read per page), plus what the figures need. */
export interface IndexedResult extends Omit<ResultListItem, 'preview' | 'label' | 'labelTag'> {
  cached: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  /** A streamed call's time to first token (issue #20); null when not streamed. */
  ttftMs: number | null;
}

export interface RunIndex {
  run: RunRecord;
  results: IndexedResult[];
  cases: Map<string, { tags: string[]; cluster: string | null; contentHash: string }>;
  /** The stored cases (variables and all), for the case page. */
  caseRows: Map<string, CaseRow>;
  builtAt: number;
  /** Text searches already answered: query → result positions. */
  searches: Map<string, Set<number>>;
  /** Figures derived from the index once (the run page's summary, heatmap, facets). */
  derived: Map<string, unknown>;
}

const FINAL: ReadonlySet<string> = new Set(['completed', 'incomplete', 'cancelled', 'failed']);
const NO_TAGS: string[] = [];

/** A stored result as the results list and the figures see it (the store-paged list uses it too: one row shape). */
export function indexedResult(r: ResultRow, tags: string[]): IndexedResult {
  const failed = r.checks.filter((c) => !c.pass);
  return {
    caseId: r.caseId,
    variantId: r.variantId,
    repeat: r.repeat,
    pass: r.pass,
    score: r.score,
    errorClass: r.errorClass,
    latencyMs: r.latencyMs,
    costUsd: r.costUsd,
    cached: r.cached,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    ttftMs: r.ttftMs ?? null,
    failedChecks: failed.map((c) => c.metric || c.type),
    critical: failed.some((c) => c.severity === 'critical'),
    tags,
  };
}

export class RunIndexCache {
  private entries = new Map<string, RunIndex>();
  private building = new Map<string, Promise<RunIndex | undefined>>();

  constructor(
    private store: Store,
    private capacity = 4,
    private liveMaxAgeMs = 1500,
  ) {}

  async get(runId: string): Promise<RunIndex | undefined> {
    const cached = this.entries.get(runId);
    if (cached) {
      const fresh = FINAL.has(cached.run.status) || Date.now() - cached.builtAt < this.liveMaxAgeMs;
      if (fresh) {
        // A finished run may have been resumed since: its status tells.
        const run = FINAL.has(cached.run.status) ? await this.store.runs.get(runId) : cached.run;
        if (run && run.status === cached.run.status && run.endedAt === cached.run.endedAt) {
          this.entries.delete(runId);
          this.entries.set(runId, cached);
          return cached;
        }
      }
    }
    const pending = this.building.get(runId);
    if (pending) return pending;
    const promise = this.build(runId).finally(() => this.building.delete(runId));
    this.building.set(runId, promise);
    return promise;
  }

  private async build(runId: string): Promise<RunIndex | undefined> {
    const run = await this.store.runs.get(runId);
    if (!run) return undefined;
    const cases = new Map<string, { tags: string[]; cluster: string | null; contentHash: string }>();
    const caseRows = new Map<string, CaseRow>();
    for (const c of await this.store.cases.list(runId)) {
      cases.set(c.caseId, { tags: c.tags, cluster: c.cluster, contentHash: c.contentHash });
      caseRows.set(c.caseId, c);
    }
    const results: IndexedResult[] = [];
    for await (const r of this.store.results.list(runId, { slim: true })) {
      results.push(indexedResult(r, cases.get(r.caseId)?.tags ?? NO_TAGS));
    }
    // Variant order as in the suite, then case order, then repeat.
    const variantOrder = new Map(run.variants.map((v, i) => [v.id, i]));
    const caseOrder = new Map([...cases.keys()].map((id, i) => [id, i]));
    results.sort(
      (a, b) =>
        (caseOrder.get(a.caseId) ?? 1e9) - (caseOrder.get(b.caseId) ?? 1e9) ||
        (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
        (variantOrder.get(a.variantId) ?? 1e9) - (variantOrder.get(b.variantId) ?? 1e9) ||
        a.repeat - b.repeat,
    );
    const index: RunIndex = { run, results, cases, caseRows, builtAt: Date.now(), searches: new Map(), derived: new Map() };
    this.entries.delete(runId);
    this.entries.set(runId, index);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return index;
  }

  /** Positions (in index.results) of results whose output, error, check reasons or case id contain the text. */
  async search(index: RunIndex, text: string): Promise<Set<number>> {
    const needle = text.toLowerCase();
    const hit = index.searches.get(needle);
    if (hit) return hit;
    const position = new Map(index.results.map((r, i) => [`${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`, i]));
    const found = new Set<number>();
    const caseMatches = new Set<string>();
    for (const [caseId] of index.cases) if (caseId.toLowerCase().includes(needle)) caseMatches.add(caseId);
    for await (const r of this.store.results.list(index.run.id, { omitTranscript: true })) {
      const matches =
        caseMatches.has(r.caseId) ||
        (r.output?.toLowerCase().includes(needle) ?? false) ||
        (r.errorMessage?.toLowerCase().includes(needle) ?? false) ||
        r.checks.some((c) => c.reason.toLowerCase().includes(needle));
      if (!matches) continue;
      const at = position.get(`${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`);
      if (at !== undefined) found.add(at);
    }
    index.searches.set(needle, found);
    if (index.searches.size > 16) index.searches.delete(index.searches.keys().next().value as string);
    return found;
  }
}
