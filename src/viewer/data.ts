// What the viewer's API answers, computed from the store: run lists with headline intervals, the run page
// (report, heatmap, facets), pages of filtered results, one case with every repeat, paired comparisons.
import { runState, type Store, type RunRecord, type ResultRow } from '../store/index.js';
import { buildRunReport, resumeCommand, type RunReport } from '../report/index.js';
import { costsOfAggregate, reducedPassValue, runPricing, runRepeatReducer, sumCosts, type CostFigures } from '../analysis/index.js';
import { comparePaired, passVerdict, wilsonInterval, type Interval } from '../stats/index.js';
import { hasClusteredCases, passRateOf, summarize } from './run-summary.js';

export { summarize } from './run-summary.js';
import { buildReportInWorker } from './report-worker.js';
import { RunIndexCache, type IndexedResult, type RunIndex } from './run-index.js';
import {
  DEFAULT_ERROR_TAGS,
  WIDE_INTERVAL,
  type CaseResponse,
  type CompareResponse,
  type CompareRow,
  type LabelRecord,
  type PairedSummary,
  type ReportView,
  type ReportResponse,
  type ResultListItem,
  type ResultsResponse,
  type RunListItem,
  type RunResponse,
  type RunsResponse,
  type SegmentRow,
} from './types.js';

const FINAL: ReadonlySet<string> = new Set(['completed', 'incomplete', 'cancelled', 'failed']);

/** The run page as cached with the run's index: everything but what changes without a new result (labels, state). */
type RunPage = Omit<RunResponse, 'labels' | 'run'> & { run: Omit<RunResponse['run'], 'state' | 'resume'> };

/** A run's state now (running or interrupted, for a `started` run: store/run-state.ts) and the command that finishes it. */
async function liveState(store: Store, run: RunRecord): Promise<Pick<RunListItem, 'state' | 'resume'>> {
  const state = await runState(store, run);
  return { state, resume: state === 'interrupted' ? resumeCommand(run.id) : null };
}
const PREVIEW_CHARS = 200;
const MAX_PAGE = 500;

export class NotFound extends Error {}
export class BadRequest extends Error {}

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

const keyOf = (r: { caseId: string; variantId: string; repeat: number }) => `${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`;

/** The API's view of the one paired comparison (stats comparePaired) that `run` and `select` print too. */
function paired(summary: ReturnType<typeof comparePaired>): PairedSummary | null {
  if (!summary) return null;
  return {
    n: summary.n,
    meanA: summary.meanA,
    meanB: summary.meanB,
    difference: summary.difference,
    interval: summary.interval,
    pValue: summary.pValue,
    test: summary.test,
  };
}

/**
 * The heatmap from the report's own `segments` section when it has one (its intervals and its "too small /
 * too wide" warnings, which then hatch the cell), else undefined.
 */
function fromReportSegments(report: ReportView, variantIds: string[]): SegmentRow[] | undefined {
  const segments = report.segments;
  if (!Array.isArray(segments) || segments.length === 0) return undefined;
  const rows: SegmentRow[] = [];
  for (const seg of segments as { tag?: unknown; cases?: unknown; variants?: unknown }[]) {
    if (typeof seg?.tag !== 'string' || !Array.isArray(seg.variants)) return undefined;
    const byId = new Map((seg.variants as { id: string; cases?: number; passRate?: number | null; passRateCi?: Interval | null; warning?: string | null }[]).map((v) => [v.id, v]));
    rows.push({
      segment: seg.tag,
      cases: typeof seg.cases === 'number' ? seg.cases : 0,
      cells: variantIds.map((id) => {
        const v = byId.get(id);
        const ci = v?.passRateCi ?? null;
        return {
          variantId: id,
          cases: v?.cases ?? 0,
          passRate: v?.passRate ?? null,
          ci,
          wide: !ci || ci.high - ci.low > WIDE_INTERVAL || !!v?.warning,
          warning: v?.warning ?? null,
        };
      }),
    });
  }
  return rows;
}

export class ViewerData {
  readonly index: RunIndexCache;
  private reports = new Map<string, { key: string; report: RunReport }>();
  private pendingReports = new Map<string, Promise<RunReport>>();
  private headlines = new Map<string, { key: string; variants: RunListItem['variants'] }>();

  constructor(readonly store: Store) {
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
    const inWorker = this.store.kind === 'sqlite' && this.store.location !== ':memory:';
    const build = (inWorker ? buildReportInWorker(this.store.location, run.id).catch(() => buildRunReport(this.store, run.id)) : buildRunReport(this.store, run.id))
      .then((report) => {
        this.reports.set(run.id, { key, report });
        if (this.reports.size > 200) this.reports.delete(this.reports.keys().next().value as string);
        return report;
      })
      .finally(() => this.pendingReports.delete(`${run.id}\u0000${key}`));
    this.pendingReports.set(`${run.id}\u0000${key}`, build);
    return build;
  }

  /** Headline pass rates for the runs list: from the store's SQL aggregate (one repeat), else the index. Cached for finished runs. */
  private async headline(run: RunRecord): Promise<RunListItem['variants']> {
    const key = `${run.status}\u0000${run.endedAt}`;
    const cached = this.headlines.get(run.id);
    if (cached && cached.key === key && FINAL.has(run.status)) return cached.variants;
    let variants: RunListItem['variants'];
    // One repeat and no clusters: the store's SQL aggregate gives the run report's Wilson figure; else the index.
    const clustered = run.repeat === 1 && (await this.store.cases.list(run.id)).some((c) => c.cluster !== null);
    if (run.repeat === 1 && !clustered) {
      const aggregates = new Map((await this.store.results.aggregate(run.id)).map((a) => [a.variantId, a]));
      // Costs from the aggregate when it decides them (analysis/cost-figures.ts), else from the rows.
      const pricing = runPricing(run);
      let costs = new Map(run.variants.map((v) => [v.id, costsOfAggregate(pricing, aggregates.get(v.id), v.id)]));
      if ([...costs.values()].some((c) => c === undefined)) costs = new Map(summarize(await this.loadIndex(run.id)).map((v) => [v.id, { paidUsd: v.costUsd, listUsd: v.listCostUsd }]));
      variants = run.variants.map((v) => {
        const a = aggregates.get(v.id);
        const cost: CostFigures = costs.get(v.id) ?? { paidUsd: null, listUsd: null };
        return {
          id: v.id,
          model: v.model,
          cases: a?.results ?? 0,
          passRate: a && a.results ? a.passed / a.results : null,
          passRateCi: a && a.results ? (wilsonInterval(a.passed, a.results) ?? null) : null,
          costUsd: cost.paidUsd,
          listCostUsd: cost.listUsd,
        };
      });
    } else {
      variants = summarize(await this.loadIndex(run.id)).map((v) => ({ id: v.id, model: v.model, cases: v.cases, passRate: v.passRate, passRateCi: v.passRateCi, costUsd: v.costUsd, listCostUsd: v.listCostUsd }));
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
    return { report, heatmap: fromReportSegments(report, run.variants.map((v) => v.id)) };
  }

  async loadIndex(runId: string): Promise<RunIndex> {
    const index = await this.index.get(runId);
    if (!index) throw new NotFound(`no run ${runId}`);
    return index;
  }

  async run(runId: string): Promise<RunResponse> {
    const index = await this.loadIndex(runId);
    const labels = (await this.store.labels.list(runId)).length;
    let base = index.derived.get('run') as RunPage | undefined;
    if (!base) index.derived.set('run', (base = this.runPage(index)));
    // Not cached: a running run's process may die at any moment (the index of a started run is reused a while).
    const stored = (await this.store.runs.get(runId)) ?? index.run;
    return { ...base, run: { ...base.run, status: stored.status, ...(await liveState(this.store, stored)) }, labels };
  }

  private runPage(index: RunIndex): RunPage {
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
      summary: summarize(index),
      heatmap: this.heatmap(index, segments.slice(0, 40)),
      facets: {
        variants: run.variants.map((v) => ({ id: v.id, label: v.label, model: v.model, prompt: v.prompt })),
        checks: [...checks].sort(),
        segments,
        errorClasses: [...errorClasses].sort(),
      },
      errorTags: fromSuite ? (suiteTags as string[]) : DEFAULT_ERROR_TAGS,
      errorTagsFromSuite: fromSuite,
      results: index.results.length,
    };
  }

  private heatmap(index: RunIndex, segments: string[]): SegmentRow[] {
    const rows: SegmentRow[] = [];
    const wanted = new Set(segments);
    // segment → variant → case → {passed, total}
    const acc = new Map<string, Map<string, Map<string, { passed: number; total: number }>>>();
    for (const r of index.results) {
      for (const tag of r.tags) {
        if (!wanted.has(tag)) continue;
        let byVariant = acc.get(tag);
        if (!byVariant) acc.set(tag, (byVariant = new Map()));
        let byCase = byVariant.get(r.variantId);
        if (!byCase) byVariant.set(r.variantId, (byCase = new Map()));
        const e = byCase.get(r.caseId) ?? { passed: 0, total: 0 };
        e.total++;
        if (r.pass === true) e.passed++;
        byCase.set(r.caseId, e);
      }
    }
    for (const segment of segments) {
      const byVariant = acc.get(segment);
      let caseCount = 0;
      for (const c of index.cases.values()) if (c.tags.includes(segment)) caseCount++;
      rows.push({
        segment,
        cases: caseCount,
        cells: index.run.variants.map((v) => {
          const byCase = byVariant?.get(v.id);
          if (!byCase || byCase.size === 0) return { variantId: v.id, cases: 0, passRate: null, ci: null, wide: true, warning: null };
          const { rate, ci } = passRateOf(index, byCase);
          return { variantId: v.id, cases: byCase.size, passRate: rate, ci, wide: !ci || ci.high - ci.low > WIDE_INTERVAL, warning: null };
        }),
      });
    }
    return rows;
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
    const index = await this.loadIndex(runId);
    const labels = await this.labelMap(runId);
    const searchHits = f.q && f.q.trim() ? await this.index.search(index, f.q.trim()) : undefined;
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
    const offset = Math.max(0, f.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, f.limit ?? 100));
    let total = 0;
    const page: IndexedResult[] = [];
    for (let i = 0; i < index.results.length; i++) {
      const r = index.results[i];
      if (!keep(r, i)) continue;
      if (total >= offset && page.length < limit) page.push(r);
      total++;
    }
    const previews = await this.previews(runId, page);
    const rows: ResultListItem[] = page.map((r) => {
      const l = labels.get(keyOf(r));
      return { ...r, preview: previews.get(keyOf(r)) ?? null, label: l?.label ?? null, labelTag: l?.tag ?? null };
    });
    return { total, offset, rows };
  }

  /** The start of each output on a page, read case by case (the primary key makes each read an index lookup). */
  private async previews(runId: string, page: IndexedResult[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = new Set(page.map(keyOf));
    for (const caseId of new Set(page.map((r) => r.caseId))) {
      for await (const r of this.store.results.list(runId, { caseId })) {
        const k = keyOf(r);
        if (wanted.has(k) && r.output !== null) out.set(k, r.output.length > PREVIEW_CHARS ? `${r.output.slice(0, PREVIEW_CHARS)}…` : r.output);
      }
    }
    return out;
  }

  async caseDetail(runId: string, caseId: string): Promise<CaseResponse> {
    const run = await this.store.runs.get(runId);
    if (!run) throw new NotFound(`no run ${runId}`);
    const index = await this.loadIndex(runId);
    const results: ResultRow[] = [];
    for await (const r of this.store.results.list(runId, { caseId })) results.push(r);
    const info = index.cases.get(caseId);
    if (!info && results.length === 0) throw new NotFound(`no case ${caseId} in run ${runId}`);
    const caseRow = index.caseRows.get(caseId) ?? null;
    const order = new Map(run.variants.map((v, i) => [v.id, i]));
    results.sort((a, b) => (order.get(a.variantId) ?? 1e9) - (order.get(b.variantId) ?? 1e9) || a.repeat - b.repeat);
    const labels = await this.store.labels.list(runId, { caseId });
    return { runId, case: caseRow, variants: run.variants, results, labels };
  }

  async compare(
    sides: { runA: string; variantA: string; runB: string; variantB: string },
    opts: { offset?: number; limit?: number; only?: 'flipped' | 'all'; segment?: string },
  ): Promise<CompareResponse> {
    const ia = await this.loadIndex(sides.runA);
    const ib = sides.runB === sides.runA ? ia : await this.loadIndex(sides.runB);
    if (!ia.run.variants.some((v) => v.id === sides.variantA)) throw new BadRequest(`run ${sides.runA} has no variant ${sides.variantA}`);
    if (!ib.run.variants.some((v) => v.id === sides.variantB)) throw new BadRequest(`run ${sides.runB} has no variant ${sides.variantB}`);
    // The list is paged: pair the cases once per comparison and serve every page from that.
    const memoKey = `compare\u0000${JSON.stringify([sides, opts.only ?? 'all', opts.segment ?? '', ib.builtAt])}`;
    let paired = ia.derived.get(memoKey) as Omit<CompareResponse, 'offset' | 'rows'> & { ordered: CompareRow[] } | undefined;
    if (!paired) {
      ia.derived.set(memoKey, (paired = this.pairCases(ia, ib, sides, opts)));
      if (ia.derived.size > 32) ia.derived.delete([...ia.derived.keys()].find((k) => k.startsWith('compare'))!);
    }
    const offset = Math.max(0, opts.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, opts.limit ?? 100));
    const { ordered, ...summary } = paired;
    return { ...summary, offset, rows: ordered.slice(offset, offset + limit) };
  }

  private pairCases(
    ia: RunIndex,
    ib: RunIndex,
    sides: { runA: string; variantA: string; runB: string; variantB: string },
    opts: { only?: 'flipped' | 'all'; segment?: string },
  ): Omit<CompareResponse, 'offset' | 'rows'> & { ordered: CompareRow[] } {
    const perCase = (index: RunIndex, variantId: string) => {
      const m = new Map<string, { passed: number; total: number; scoreSum: number; scored: number }>();
      for (const r of index.results) {
        if (r.variantId !== variantId) continue;
        const e = m.get(r.caseId) ?? { passed: 0, total: 0, scoreSum: 0, scored: 0 };
        e.total++;
        if (r.pass === true) e.passed++;
        if (r.score !== null) (e.scoreSum += r.score), e.scored++;
        m.set(r.caseId, e);
      }
      return m;
    };
    const a = perCase(ia, sides.variantA);
    const b = perCase(ib, sides.variantB);
    const common = [...a.keys()].filter((k) => b.has(k));
    // Each run's pass values under its suite's repeat reducer, as the run report and `evalspec diff` use them.
    const [reduceA, reduceB] = [runRepeatReducer(ia.run), runRepeatReducer(ib.run)];
    const rows: CompareRow[] = common.map((caseId) => {
      const ea = a.get(caseId)!;
      const eb = b.get(caseId)!;
      const passA = reducedPassValue(reduceA, ea.total, ea.passed);
      const passB = reducedPassValue(reduceB, eb.total, eb.passed);
      // A flip: the verdicts differ (stats passVerdict, as `evalspec diff`: a tie is not a pass).
      const va = passVerdict(passA);
      const vb = passVerdict(passB);
      const ca = ia.cases.get(caseId);
      const cb = ib.cases.get(caseId);
      return {
        caseId,
        passA,
        passB,
        scoreA: ea.scored ? ea.scoreSum / ea.scored : null,
        scoreB: eb.scored ? eb.scoreSum / eb.scored : null,
        flip: va === vb ? 'same' : vb ? 'b-better' : 'a-better',
        tags: ca?.tags ?? [],
        contentChanged: !!ca && !!cb && ca.contentHash !== cb.contentHash,
      };
    });
    const scope = opts.segment ? rows.filter((r) => r.tags.includes(opts.segment!)) : rows;
    // Cluster ids, when cases declare clusters: the SE of the difference is then clustered. Keys as the
    // run report builds them (a case without a cluster is its own), so both give the same figures.
    const clustered = hasClusteredCases(ia);
    const clusterOf = (caseId: string) => {
      const cluster = ia.cases.get(caseId)?.cluster;
      return cluster ? `cluster:${cluster}` : `case:${caseId}`;
    };
    const clusterIds = clustered ? scope.map((r) => clusterOf(r.caseId)) : undefined;
    const both1 = ia.run.repeat === 1 && ib.run.repeat === 1;
    const pass = comparePaired(scope.map((r) => r.passA!), scope.map((r) => r.passB!), { clusterIds, binary: both1 });
    const passSummary = paired(pass);
    const scored = scope.filter((r) => r.scoreA !== null && r.scoreB !== null);
    const scoreClusters = clustered ? scored.map((r) => clusterOf(r.caseId)) : undefined;
    const scoreSummary = paired(comparePaired(scored.map((r) => r.scoreA!), scored.map((r) => r.scoreB!), { clusterIds: scoreClusters }));
    const aBetter = scope.filter((r) => r.flip === 'a-better').length;
    const bBetter = scope.filter((r) => r.flip === 'b-better').length;
    // Flipped cases first (B's wins, then A's wins), then the rest in case order.
    const rank = (r: CompareRow) => (r.flip === 'b-better' ? 0 : r.flip === 'a-better' ? 1 : 2);
    const ordered = scope
      .map((r, i) => ({ r, i }))
      .sort((x, y) => rank(x.r) - rank(y.r) || x.i - y.i)
      .map((x) => x.r)
      .filter((r) => opts.only !== 'flipped' || r.flip !== 'same');
    const side = (index: RunIndex, variantId: string) => ({ runId: index.run.id, variantId, suiteName: index.run.suiteName, runLabel: index.run.label });
    return {
      a: side(ia, sides.variantA),
      b: side(ib, sides.variantB),
      commonCases: common.length,
      onlyA: a.size - common.length,
      onlyB: b.size - common.length,
      pass: passSummary,
      score: scoreSummary,
      flips: { aBetter, bBetter },
      mcnemarPValue: pass?.mcnemar?.pValue ?? null,
      total: ordered.length,
      ordered,
    };
  }

  async labels(runId: string): Promise<LabelRecord[]> {
    if (!(await this.store.runs.get(runId))) throw new NotFound(`no run ${runId}`);
    return this.store.labels.list(runId);
  }

  async putLabel(runId: string, input: LabelInput): Promise<LabelRecord> {
    const index = await this.loadIndex(runId);
    const exists = index.results.some((r) => r.caseId === input.caseId && r.variantId === input.variantId && r.repeat === input.repeat);
    if (!exists) throw new NotFound(`no result for case ${input.caseId}, variant ${input.variantId}, repeat ${input.repeat} in run ${runId}`);
    // The form edits pass/fail, tag and comment: rubric scores the labeller imported stay (so does the preference, in the store).
    const stored = input.scores ? undefined : (await this.store.labels.list(runId, { caseId: input.caseId, variantId: input.variantId, labeller: input.labeller })).find((l) => l.repeat === input.repeat);
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
