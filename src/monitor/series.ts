// One metric over time for the viewer's Monitor page: a point per window, each computed by the same per-window
// function as the status's current window (window-figures.ts), the baseline line, and the alert markers. One pass
// over the stream; only the window being filled is held in memory. `monitorStatusAndSeries` fills the points in the
// status's own pass (evaluate's tap): the Monitor page reads the stream once, not twice.
import type { Store } from '../store/index.js';
import { durationMs, type MonitorMetric, type MonitorSpec, type Suite } from '../suite/index.js';
import { resolveBaseline } from './baseline.js';
import { evaluate, findMonitor, metricBaseline } from './evaluate.js';
import type { MetricBaseline, MetricWindow, MonitorSeries, MonitorStatus } from './status-types.js';
import { WindowAccumulator, windowFigure, type WindowCall, type WindowMetric } from './window-figures.js';

export interface SeriesOptions {
  now?: Date;
  /** How many windows back from `now` (default 30). */
  windows?: number;
}

/** The points of every metric of a monitor, filled from calls given in time order (any span; outside is skipped). */
class SeriesPoints {
  readonly first: number;
  private readonly width: number;
  private readonly points: Map<WindowMetric, MetricWindow[]>;
  private index = 0;
  private accs: WindowAccumulator[];

  constructor(
    private readonly metrics: readonly WindowMetric[],
    private readonly now: number,
    private readonly count: number,
    window: string,
    private readonly minSamples: number,
  ) {
    this.width = durationMs(window);
    this.first = now - count * this.width;
    this.points = new Map(metrics.map((m) => [m, []]));
    this.accs = this.open(this.first);
  }

  private open(start: number): WindowAccumulator[] {
    return this.metrics.map((m) => new WindowAccumulator(m, start, start + this.width));
  }

  private flushUntil(target: number): void {
    while (this.index < target) {
      for (const acc of this.accs) this.points.get(acc.metric)!.push(windowFigure(acc, { minSamples: this.minSamples }).window);
      this.index++;
      this.accs = this.open(this.first + this.index * this.width);
    }
  }

  add(call: WindowCall, t: number): void {
    if (t < this.first || t >= this.now) return;
    this.flushUntil(Math.floor((t - this.first) / this.width));
    for (const acc of this.accs) acc.add(call);
  }

  finish(): Map<WindowMetric, MetricWindow[]> {
    this.flushUntil(this.count);
    return this.points;
  }
}

function windowCount(options: SeriesOptions): number {
  return Math.max(1, Math.floor(options.windows ?? 30));
}

async function assemble(
  store: Store,
  suite: Suite,
  monitor: MonitorSpec,
  points: Map<WindowMetric, MetricWindow[]>,
  baselineOf: (metric: MonitorMetric) => MetricBaseline,
): Promise<MonitorSeries[]> {
  const alerts = await store.production.alerts.list({ suite: suite.name, monitor: monitor.name });
  return monitor.metrics.map((metric) => ({
    suite: suite.name,
    monitor: monitor.name,
    metric,
    points: points.get(metric)!,
    baseline: baselineOf(metric),
    alerts: alerts
      .filter((a) => a.metric === metric)
      .map((a) => ({ at: a.openedAt, alertId: a.id }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  }));
}

export async function monitorSeries(store: Store, suite: Suite, monitorName: string, options: SeriesOptions = {}): Promise<MonitorSeries[]> {
  const monitor = findMonitor(suite, monitorName);
  const now = (options.now ?? new Date()).getTime();
  const metrics = monitor.metrics;
  const baseline = await resolveBaseline(store, suite, monitor);
  // A reference window's calls are added to one accumulator per metric as they stream by, not held.
  const reference = new Map(metrics.map((m) => [m, new WindowAccumulator(m, 0, 0)]));
  const series = new SeriesPoints(metrics, now, windowCount(options), monitor.window, monitor.alert.min_samples);
  const since = baseline.kind === 'window' ? new Date(Math.min(series.first, Date.parse(baseline.since))).toISOString() : new Date(series.first).toISOString();
  // The reference window as epoch ms, parsed once (an empty range when the baseline is not a window).
  const [referenceSince, referenceUntil] = baseline.kind === 'window' ? [Date.parse(baseline.since), Date.parse(baseline.until)] : [Infinity, -Infinity];
  for await (const call of store.production.observations({ suite: suite.name, monitor: monitor.name, since, until: new Date(now).toISOString() })) {
    const t = Date.parse(call.startedAt);
    if (t >= referenceSince && t < referenceUntil) for (const acc of reference.values()) acc.add(call);
    series.add(call, t);
  }
  return assemble(store, suite, monitor, series.finish(), (metric) =>
    baseline.kind === 'none'
      ? { value: null, n: null, source: baseline.source }
      : metricBaseline(metric, baseline.kind === 'run' ? baseline.calls : reference.get(metric)!, baseline.source).shown,
  );
}

/**
 * The status and the series of a monitor from one pass over its stream (the viewer's Monitor page): the same
 * figures as evaluateMonitor and monitorSeries called one after the other, the baseline line being the status's.
 */
export async function monitorStatusAndSeries(
  store: Store,
  suite: Suite,
  monitorName: string,
  options: SeriesOptions = {},
): Promise<{ status: MonitorStatus; series: MonitorSeries[] }> {
  const monitor = findMonitor(suite, monitorName);
  const now = options.now ?? new Date();
  const points = new SeriesPoints(monitor.metrics, now.getTime(), windowCount(options), monitor.window, monitor.alert.min_samples);
  const { status } = await evaluate(store, suite, monitorName, { now, tap: points });
  const shown = new Map([...status.metrics, ...status.inputDrift].map((m) => [m.metric as WindowMetric, m.baseline]));
  const series = await assemble(store, suite, monitor, points.finish(), (metric) => shown.get(metric)!);
  return { status, series };
}
