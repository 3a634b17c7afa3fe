// What the viewer's API answers, computed from the store: run lists with headline intervals, the run page
// (report, heatmap, facets: run-page-figures.ts), pages of filtered results (result-pages.ts), one case with every
// repeat, paired comparisons (store-compare.ts). The former paths over an in-memory index are in index-reference.ts.
import { runState, type Store, type RunRecord, type ResultRow } from '../store/index.js';
import { buildRunReport, resumeCommand, type RunReport } from '../report/index.js';
import { aggregateHeadline, sumCosts } from '../analysis/index.js';
export { summarize } from './run-summary.js';
import { buildReportInWorker, runPageFiguresInWorker } from './report-worker.js';
import { RunIndexCache, type RunIndex } from './run-index.js';
import { keyOf, pageFromStore, type ResultFilter } from './result-pages.js';
import { compareFromIndex, resultsFromIndex, runPageFromIndex } from './index-reference.js';
import { pairFromStore, type StorePairing } from './store-compare.js';
import { fromReportSegments } from './heatmap.js';
import { runPageFigures, type RunPageFigures } from './run-page-figures.js';
import {
  DEFAULT_ERROR_TAGS,
  type CaseResponse,
  type CompareResponse,
  type LabelRecord,
  type ReportView,
  type ReportResponse,
  type ResultsResponse,
  type RunListItem,
  type RunResponse,
  type RunsResponse,
} from './types.js';

const FINAL: ReadonlySet<string> = new Set(['completed', 'incomplete', 'cancelled', 'failed']);

/** The run page as cached with the run's index: everything but what changes without a new result (labels, state). */
type RunPage = Omit<RunResponse, 'labels' | 'run'> & { run: Omit<RunResponse['run'], 'state' | 'resume'> };

/** A run's state now (running or interrupted, for a `started` run: store/run-state.ts) and the command that finishes it. */
async function liveState(store: Store, run: RunRecord): Promise<Pick<RunListItem, 'state' | 'resume'>> {
  const state = await runState(store, run);
  return { state, resume: state === 'interrupted' ? resumeCommand(run.id) : null };
}
const MAX_PAGE = 500;
/** How long the figures of a run still being written are reused. */
const LIVE_MAX_AGE_MS = 1500;
/** From this many calls a run's figures are worth a worker thread's start-up (~0.3 s). */
const WORKER_MIN_CALLS = 20_000;

export class NotFound extends Error {}
export class BadRequest extends Error {}

export type { ResultFilter } from './result-pages.js';

export interface LabelInput {
  caseId: string;
  variantId: string;
  repeat: number;
  label: 'pass' | 'fail' | null;
  tag: string | null;
  comment: string | null;
  labeller: string;
  scores?: Record<string, number> | null;
}

export class ViewerData {
  readonly index: RunIndexCache;
  private reports = new Map<string, { key: string; report: RunReport }>();
  private pendingReports = new Map<string, Promise<RunReport>>();
  private headlines = new Map<string, { key: string; variants: RunListItem['variants'] }>();
  /** The run page's figures by run (a few; a run still being written is recomputed after LIVE_MAX_AGE_MS). */
  private pages = new Map<string, { key: string; at: number; figures: Promise<RunPageFigures> }>();
  /** Paired comparisons being paged (the last two). */
  private pairings = new Map<string, { at: number; pairing: Promise<StorePairing> }>();

  /**
   * `pageFromStore: false` serves the run page and every results page from the former in-memory index of every result
   * (the reference the store's queries are compared with in tests); the viewer never builds it.
   */
  /** `workerMinCalls`: runs this large (and larger) compute their figures in a worker thread (worksInThreads). */
  constructor(
    readonly store: Store,
    private pageFromStore = true,
    private readonly workerMinCalls = WORKER_MIN_CALLS,
  ) {
    this.index = new RunIndexCache(store);
  }

  /** The run report, cached for finished runs (a 50,000-result report streams every result once). */
  async report(run: RunRecord): Promise<RunReport> {
    const key = `${run.status}\u0000${run.endedAt}`;
    const cached = this.reports.get(run.id);
    if (cached && cached.key === key && FINAL.has(run.status)) return cached.report;
    // A file store: built in a worker thread (its own connection), so the server keeps answering meanwhile.
    const pending = this.pendingReports.get(`${run.id}\u0000${key}`);
    if (pending) return pending;
    // Always in a worker on a file store (a report is seconds of CPU from 50,000 results, and is asked for one run at a time).
    const inWorker = this.store.capabilities.reopenByLocation && this.store.location !== ':memory:';
    // Started at once, beside the run page's figures if they are being computed: at 1M results the two side by side
    // show the summary 0.1–0.2 s later and the full report ~2 s sooner (6.2–6.9 s vs 8.0–8.7 s, issue #22) than the
    // report waiting for the figures did (when the report took 15 s and 1.3 GB, side by side delayed the summary by
    // most of it).
    const build = Promise.resolve()
      .then(() =>
        inWorker ? buildReportInWorker(this.store.location, run.id).catch(() => buildRunReport(this.store, run.id)) : buildRunReport(this.store, run.id),
      )
      .then((report) => {
        this.reports.set(run.id, { key, report });
        if (this.reports.size > 200) this.reports.delete(this.reports.keys().next().value as string);
        return report;
      })
      .finally(() => this.pendingReports.delete(`${run.id}\u0000${key}`));
    this.pendingReports.set(`${run.id}\u0000${key}`, build);
    return build;
  }

  /** Headline pass rates for the runs list: from the store's SQL aggregate (one repeat), else the run page's figures. Cached for finished runs. */
  private async headline(run: RunRecord): Promise<RunListItem['variants']> {
    const key = `${run.status}\u0000${run.endedAt}`;
    const cached = this.headlines.get(run.id);
    if (cached && cached.key === key && FINAL.has(run.status)) return cached.variants;
    // One repeat and no clusters: the store's SQL aggregate gives the run report's Wilson figure (analysis/run-headline.ts);
    // else the run page's figures. Costs the aggregate cannot decide come from the run page's figures.
    const fromAggregate = await aggregateHeadline(
      this.store,
      run,
      async () => new Map((await this.figures(run)).summary.map((v) => [v.id, { paidUsd: v.costUsd, listUsd: v.listCostUsd }])),
    );
    let variants: RunListItem['variants'];
    if (fromAggregate) {
      variants = fromAggregate;
    } else {
      variants = (await this.figures(run)).summary.map((v) => ({
        id: v.id,
        model: v.model,
        cases: v.cases,
        passRate: v.passRate,
        passRateCi: v.passRateCi,
        costUsd: v.costUsd,
        listCostUsd: v.listCostUsd,
      }));
    }
    this.headlines.set(run.id, { key, variants });
    return variants;
  }

  async runs(filter: { suite?: string; limit?: number }): Promise<RunsResponse> {
    const all = await this.store.runs.list({ limit: 1000 });
    const suites = [...new Set(all.map((r) => r.suiteName))].sort();
    const runs = filter.suite ? all.filter((r) => r.suiteName === filter.suite) : all;
    const items: RunListItem[] = [];
    for (const run of runs.slice(0, filter.limit ?? 200)) {
      const variants = await this.headline(run);
      const total = sumCosts(variants.map((v) => ({ paidUsd: v.costUsd, listUsd: v.listCostUsd })));
      items.push({
        id: run.id,
        suiteName: run.suiteName,
        label: run.label,
        status: run.status,
        ...(await liveState(this.store, run)),
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        repeat: run.repeat,
        totalCalls: run.totalCalls,
        variants,
        costUsd: total.paidUsd,
        listCostUsd: total.listUsd,
      });
    }
    return { suites, runs: items };
  }

  /** The full report (comparisons, bars, segments, costs): seconds on a large run, so the run page asks for it after its first render. */
  async fullReport(runId: string): Promise<ReportResponse> {
    const run = await this.store.runs.get(runId);
    if (!run) throw new NotFound(`no run ${runId}`);
    const report = (await this.report(run)) as unknown as ReportView;
    return {
      report,
      heatmap: fromReportSegments(
        report,
        run.variants.map((v) => v.id),
      ),
    };
  }

  async loadIndex(runId: string): Promise<RunIndex> {
    const index = await this.index.get(runId);
    if (!index) throw new NotFound(`no run ${runId}`);
    return index;
  }

  /**
   * Whether a run's figures are computed in a worker thread over its own connection: a file store and a run large
   * enough for the worker's start-up (~0.3 s) to pay, so the server keeps answering during seconds of CPU. A small
   * run is computed here (the runs list computes figures for each listed run with repeats or clusters, one by one).
   */
  private worksInThreads(run: RunRecord): boolean {
    return this.store.capabilities.reopenByLocation && this.store.location !== ':memory:' && run.totalCalls >= this.workerMinCalls;
  }

  /** The run page's summary, heatmap and facets from the store's aggregates, cached (finished runs) or briefly (running). */
  private figures(run: RunRecord): Promise<RunPageFigures> {
    const key = `${run.status}\u0000${run.endedAt}`;
    const cached = this.pages.get(run.id);
    if (cached && cached.key === key && (FINAL.has(run.status) || Date.now() - cached.at < LIVE_MAX_AGE_MS)) return cached.figures;
    // A large run on a file store: computed in a worker thread (its own connection), so the results table is served meanwhile.
    const figures = this.worksInThreads(run)
      ? runPageFiguresInWorker(this.store.location, run.id).catch(() => runPageFigures(this.store, run))
      : runPageFigures(this.store, run);
    this.pages.set(run.id, { key, at: Date.now(), figures });
    figures.catch(() => this.pages.delete(run.id));
    while (this.pages.size > 16) this.pages.delete(this.pages.keys().next().value as string);
    return figures;
  }

  async run(runId: string): Promise<RunResponse> {
    const stored = await this.store.runs.get(runId);
    if (!stored) throw new NotFound(`no run ${runId}`);
    const labels = (await this.store.labels.list(runId)).length;
    let base: RunPage;
    if (this.pageFromStore) {
      base = { ...this.runHead(stored), ...(await this.figures(stored)) };
    } else {
      const index = await this.loadIndex(runId);
      base = index.derived.get('run') as RunPage;
      if (!base) index.derived.set('run', (base = { ...this.runHead(index.run), ...runPageFromIndex(index) }));
    }
    // Not cached: a running run's process may die at any moment.
    return { ...base, run: { ...base.run, status: stored.status, ...(await liveState(this.store, stored)) }, labels };
  }

  /** The run page's description of the run (what the figures do not hold). */
  private runHead(run: RunRecord): Omit<RunPage, keyof RunPageFigures> {
    const suiteTags = (run.config as { error_tags?: unknown }).error_tags;
    const fromSuite = Array.isArray(suiteTags) && suiteTags.every((t) => typeof t === 'string') && suiteTags.length > 0;
    return {
      run: {
        id: run.id,
        suiteName: run.suiteName,
        suiteFile: run.suiteFile,
        label: run.label,
        status: run.status,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        repeat: run.repeat,
        variants: run.variants,
        gitCommit: run.gitCommit,
        gitBranch: run.gitBranch,
      },
      errorTags: fromSuite ? (suiteTags as string[]) : DEFAULT_ERROR_TAGS,
      errorTagsFromSuite: fromSuite,
    };
  }

  private async labelMap(runId: string): Promise<Map<string, LabelRecord>> {
    const map = new Map<string, LabelRecord>();
    // The latest label per result wins (several labellers may have labelled it).
    for (const l of await this.store.labels.list(runId)) {
      const k = keyOf(l);
      const prev = map.get(k);
      if (!prev || prev.createdAt <= l.createdAt) map.set(k, l);
    }
    return map;
  }

  async results(runId: string, f: ResultFilter): Promise<ResultsResponse> {
    const offset = Math.max(0, f.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, f.limit ?? 100));
    // Every filter is SQL on the store (issue #22): a page at a time, no index of every result.
    if (!this.pageFromStore) return resultsFromIndex(this.index, this.store, await this.loadIndex(runId), await this.labelMap(runId), f, { offset, limit });
    const run = await this.store.runs.get(runId);
    if (!run) throw new NotFound(`no run ${runId}`);
    return pageFromStore(this.store, run, f, { offset, limit }, await this.labelMap(runId));
  }

  async caseDetail(runId: string, caseId: string): Promise<CaseResponse> {
    const run = await this.store.runs.get(runId);
    if (!run) throw new NotFound(`no run ${runId}`);
    const results: ResultRow[] = [];
    for await (const r of this.store.results.list(runId, { caseId })) results.push(r);
    // The one case row (an index lookup), not every case of the run.
    const caseRow = (await this.store.cases.get(runId, caseId)) ?? null;
    if (!caseRow && results.length === 0) throw new NotFound(`no case ${caseId} in run ${runId}`);
    const order = new Map(run.variants.map((v, i) => [v.id, i]));
    results.sort((a, b) => (order.get(a.variantId) ?? 1e9) - (order.get(b.variantId) ?? 1e9) || a.repeat - b.repeat);
    const labels = await this.store.labels.list(runId, { caseId });
    return { runId, case: caseRow, variants: run.variants, results, labels };
  }

  async compare(
    sides: { runA: string; variantA: string; runB: string; variantB: string },
    opts: { offset?: number; limit?: number; only?: 'flipped' | 'all'; segment?: string },
  ): Promise<CompareResponse> {
    const offset = Math.max(0, opts.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, opts.limit ?? 100));
    if (!this.pageFromStore) {
      const ia = await this.loadIndex(sides.runA);
      const ib = sides.runB === sides.runA ? ia : await this.loadIndex(sides.runB);
      if (!ia.run.variants.some((v) => v.id === sides.variantA)) throw new BadRequest(`run ${sides.runA} has no variant ${sides.variantA}`);
      if (!ib.run.variants.some((v) => v.id === sides.variantB)) throw new BadRequest(`run ${sides.runB} has no variant ${sides.variantB}`);
      return compareFromIndex(ia, ib, sides, opts, { offset, limit });
    }
    const runA = await this.store.runs.get(sides.runA);
    const runB = sides.runB === sides.runA ? runA : await this.store.runs.get(sides.runB);
    if (!runA) throw new NotFound(`no run ${sides.runA}`);
    if (!runB) throw new NotFound(`no run ${sides.runB}`);
    if (!runA.variants.some((v) => v.id === sides.variantA)) throw new BadRequest(`run ${sides.runA} has no variant ${sides.variantA}`);
    if (!runB.variants.some((v) => v.id === sides.variantB)) throw new BadRequest(`run ${sides.runB} has no variant ${sides.variantB}`);
    // The list is paged: pair the cases once per comparison (until a side changes) and serve every page from that.
    // The flipped-only list is the start of the whole one: both share a pairing.
    const key = JSON.stringify([sides, opts.segment ?? '', runA.status, runA.endedAt, runB.status, runB.endedAt]);
    const cached = this.pairings.get(key);
    const final = FINAL.has(runA.status) && FINAL.has(runB.status);
    let pairing = cached && (final || Date.now() - cached.at < LIVE_MAX_AGE_MS) ? cached.pairing : undefined;
    if (!pairing) {
      const pending = pairFromStore(this.store, runA, runB, sides, { segment: opts.segment });
      this.pairings.set(key, { at: Date.now(), pairing: pending });
      pending.catch(() => this.pairings.delete(key));
      // A 1,000,000-result comparison keeps a few numbers per case: two comparisons at a time.
      while (this.pairings.size > 2) this.pairings.delete(this.pairings.keys().next().value as string);
      pairing = pending;
    }
    const { page, ...summary } = await pairing;
    return { ...summary, offset, ...page(offset, limit, opts.only ?? 'all') };
  }

  async labels(runId: string): Promise<LabelRecord[]> {
    if (!(await this.store.runs.get(runId))) throw new NotFound(`no run ${runId}`);
    return this.store.labels.list(runId);
  }

  async putLabel(runId: string, input: LabelInput): Promise<LabelRecord> {
    if (!(await this.store.runs.get(runId))) throw new NotFound(`no run ${runId}`);
    // The case's stored keys (an index lookup), not the run's index: labelling builds no index of every result.
    const exists = (await this.store.results.storedKeys(runId, [input.caseId])).has(keyOf(input));
    if (!exists) throw new NotFound(`no result for case ${input.caseId}, variant ${input.variantId}, repeat ${input.repeat} in run ${runId}`);
    // The form edits pass/fail, tag and comment: rubric scores the labeller imported stay (so does the preference, in the store).
    const stored = input.scores
      ? undefined
      : (await this.store.labels.list(runId, { caseId: input.caseId, variantId: input.variantId, labeller: input.labeller })).find(
          (l) => l.repeat === input.repeat,
        );
    const record: LabelRecord = {
      runId,
      caseId: input.caseId,
      variantId: input.variantId,
      repeat: input.repeat,
      label: input.label,
      scores: input.scores ?? stored?.scores ?? null,
      tag: input.tag,
      comment: input.comment,
      labeller: input.labeller,
      createdAt: new Date().toISOString(),
    };
    await this.store.labels.putMany([record]);
    return record;
  }

  async deleteLabel(runId: string, key: { caseId: string; variantId: string; repeat: number; labeller: string }): Promise<void> {
    await this.store.labels.delete({ runId, ...key });
  }
}
