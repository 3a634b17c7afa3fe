// The Monitor page's data (#15): the suites' monitors with their state, one monitor's status and series, the
// production records behind a point, one record with its scores, and the flag a reviewer sets. Every figure comes
// from monitor/'s evaluation (evaluateMonitor, monitorStatusAndSeries): the viewer never computes a second one.
import type { ProductionRecord, ProductionRecordQuery, ProductionScore, Store } from '../store/index.js';
import { evaluateMonitor, monitorStatusAndSeries, type MetricState } from '../monitor/index.js';
import { BadRequest, NotFound } from './data.js';
import type { MonitorDetailResponse, MonitorListResponse, ProductionRecordItem, ProductionRecordsResponse, ProductionRecordResponse } from './monitor-types.js';
import { monitorWords } from './monitor-words.js';

/** A loaded suite (suite/'s Suite; the viewer does not import suite/, so named through monitor/'s signature). */
export type MonitoredSuite = Parameters<typeof evaluateMonitor>[1];

const STATE_RANK: Record<MetricState, number> = { alert: 3, 'insufficient-data': 2, 'no-baseline': 1, ok: 0 };
const MAX_RECORDS = 500;
const PREVIEW_CHARS = 200;
const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;

export interface RecordsQuery {
  suite?: string;
  monitor?: string;
  since?: string;
  until?: string;
  failed?: string;
  tag?: string;
  limit?: string;
}

export class MonitorData {
  private readonly suites: Map<string, MonitoredSuite>;

  constructor(
    private readonly store: Store,
    suites: MonitoredSuite[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.suites = new Map(suites.map((s) => [s.name, s]));
  }

  private monitorOf(suiteName: string, monitor: string): MonitoredSuite {
    const suite = this.suites.get(suiteName);
    if (!suite) throw new NotFound(`no suite file for "${suiteName}": start the viewer with \`evalspec view --suite FILE\``);
    if (!suite.monitors.some((m) => m.name === monitor)) throw new NotFound(`suite "${suiteName}" has no monitor "${monitor}"`);
    return suite;
  }

  async list(): Promise<MonitorListResponse> {
    const now = this.now();
    const suites = [];
    for (const suite of this.suites.values()) {
      const monitors = [];
      for (const m of suite.monitors) {
        const item = { name: m.name, description: m.description ?? null, window: m.window, stage: m.stage ?? null };
        try {
          const status = await evaluateMonitor(this.store, suite, m.name, { now });
          const all = [...status.metrics, ...status.inputDrift];
          const state = all.reduce<MetricState>((worst, s) => (STATE_RANK[s.state] > STATE_RANK[worst] ? s.state : worst), 'ok');
          monitors.push({ ...item, state, openAlerts: status.openAlerts.length, scored: status.samples.scored, error: null });
        } catch (error) {
          monitors.push({ ...item, state: null, openAlerts: 0, scored: null, error: (error as Error).message });
        }
      }
      suites.push({ suite: suite.name, monitors });
    }
    const stored = await this.store.production.suites();
    return { suites, withoutSuiteFile: stored.filter((name) => !this.suites.has(name)).sort() };
  }

  async detail(suiteName: string, monitor: string): Promise<MonitorDetailResponse> {
    const suite = this.monitorOf(suiteName, monitor);
    const now = this.now();
    const { status, series } = await monitorStatusAndSeries(this.store, suite, monitor, { now });
    return { status, series, words: monitorWords(status) };
  }

  /** The records behind a point: a monitor's failed ones first (then the rest), newest first within each. */
  async records(q: RecordsQuery): Promise<ProductionRecordsResponse> {
    if (!q.suite) throw new BadRequest('give suite (and monitor, since, until to narrow it)');
    for (const [name, value] of [
      ['since', q.since],
      ['until', q.until],
    ] as const) {
      if (value !== undefined && value !== '' && (!ISO.test(value) || Number.isNaN(Date.parse(value))))
        throw new BadRequest(`${name} must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z`);
    }
    if (q.failed !== undefined && q.failed !== '' && q.failed !== 'true' && q.failed !== 'false') throw new BadRequest('failed must be true or false');
    if (q.failed === 'true' && !q.monitor) throw new BadRequest('failed=true needs monitor (failed by which monitor’s checks)');
    const limit = q.limit ? Number(q.limit) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECORDS) throw new BadRequest(`limit must be a whole number 1–${MAX_RECORDS}`);
    const query: ProductionRecordQuery = {
      suite: q.suite,
      monitor: q.monitor || undefined,
      since: q.since || undefined,
      until: q.until || undefined,
      failed: q.failed === 'true' ? true : undefined,
      tags: q.tag ? [q.tag] : undefined,
      // One more than asked: whether the list was cut.
      limit: limit + 1,
    };
    // Failed first: the failed records are asked for on their own, then the rest fill the list.
    const failedFirst = q.monitor && q.failed !== 'true' ? await this.collect({ ...query, failed: true }) : [];
    const seen = new Set(failedFirst.map((r) => r.id));
    const rest = (await this.collect(query)).filter((r) => !seen.has(r.id));
    const newestFirst = (a: ProductionRecord, b: ProductionRecord) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0);
    const all = [...failedFirst.sort(newestFirst), ...rest.sort(newestFirst)];
    const records = await Promise.all(all.slice(0, limit).map((r) => this.item(r, q.monitor || null)));
    return { records, truncated: all.length > limit };
  }

  private async collect(query: ProductionRecordQuery): Promise<ProductionRecord[]> {
    const out: ProductionRecord[] = [];
    for await (const record of this.store.production.records(query)) out.push(record);
    return out;
  }

  private async item(r: ProductionRecord, monitor: string | null): Promise<ProductionRecordItem> {
    const score: ProductionScore | undefined = monitor ? (await this.store.production.scores(r.id)).find((s) => s.monitor === monitor) : undefined;
    return {
      id: r.id,
      startedAt: r.startedAt,
      model: r.model,
      tags: r.tags,
      flagged: r.flagged,
      latencyMs: r.latencyMs,
      costUsd: r.costUsd,
      outputPreview: r.output === null ? null : r.output.slice(0, PREVIEW_CHARS),
      score: score ? { status: score.status, passed: score.passed, criticalFailed: score.criticalFailed, reason: score.reason } : null,
    };
  }

  async record(id: string): Promise<ProductionRecordResponse> {
    const record = await this.store.production.get(id);
    if (!record) throw new NotFound(`no production record ${id}`);
    return { record, scores: await this.store.production.scores(id) };
  }

  async flag(id: string, body: unknown): Promise<{ id: string; flagged: boolean }> {
    const flagged = body && typeof body === 'object' ? (body as Record<string, unknown>).flagged : undefined;
    if (typeof flagged !== 'boolean') throw new BadRequest('send {"flagged": true} or {"flagged": false}');
    if (!(await this.store.production.get(id))) throw new NotFound(`no production record ${id}`);
    await this.store.production.setFlagged(id, flagged);
    return { id, flagged };
  }
}
