// One metric over time for the viewer's Monitor page: a point per window, each computed by the same per-window
// function as the status's current window (window-figures.ts), the baseline line, and the alert markers. One pass
// over the stream; only the window being filled is held in memory.
import type { Store } from '../store/index.js';
import { durationMs, type Suite } from '../suite/index.js';
import { resolveBaseline } from './baseline.js';
import { findMonitor, metricBaseline } from './evaluate.js';
import type { MetricWindow, MonitorSeries } from './status-types.js';
import { WindowAccumulator, windowFigure, type WindowMetric } from './window-figures.js';

export interface SeriesOptions {
  now?: Date;
  /** How many windows back from `now` (default 30). */
  windows?: number;
}

export async function monitorSeries(store: Store, suite: Suite, monitorName: string, options: SeriesOptions = {}): Promise<MonitorSeries[]> {
  const monitor = findMonitor(suite, monitorName);
  const now = (options.now ?? new Date()).getTime();
  const count = Math.max(1, Math.floor(options.windows ?? 30));
  const width = durationMs(monitor.window);
  const first = now - count * width;
  const minSamples = monitor.alert.min_samples;
  const metrics = monitor.metrics;
  const baseline = await resolveBaseline(store, suite, monitor);
  // A reference window's calls are added to one accumulator per metric as they stream by, not held.
  const reference = new Map(metrics.map((m) => [m, new WindowAccumulator(m, 0, 0)]));
  const points = new Map<WindowMetric, MetricWindow[]>(metrics.map((m) => [m, []]));
  let index = 0;
  let accs = metrics.map((m) => new WindowAccumulator(m, first, first + width));
  const flushUntil = (target: number) => {
    while (index < target) {
      for (const acc of accs) points.get(acc.metric)!.push(windowFigure(acc, { minSamples }).window);
      index++;
      const start = first + index * width;
      accs = metrics.map((m) => new WindowAccumulator(m, start, start + width));
    }
  };
  const since = baseline.kind === 'window' ? new Date(Math.min(first, Date.parse(baseline.since))).toISOString() : new Date(first).toISOString();
  for await (const call of store.production.observations({ suite: suite.name, monitor: monitor.name, since, until: new Date(now).toISOString() })) {
    const t = Date.parse(call.startedAt);
    if (baseline.kind === 'window' && t >= Date.parse(baseline.since) && t < Date.parse(baseline.until)) for (const acc of reference.values()) acc.add(call);
    if (t < first || t >= now) continue;
    flushUntil(Math.floor((t - first) / width));
    for (const acc of accs) acc.add(call);
  }
  flushUntil(count);
  const alerts = await store.production.alerts.list({ suite: suite.name, monitor: monitor.name });
  return metrics.map((metric) => ({
    suite: suite.name,
    monitor: monitor.name,
    metric,
    points: points.get(metric)!,
    baseline:
      baseline.kind === 'none'
        ? { value: null, n: null, source: baseline.source }
        : metricBaseline(metric, baseline.kind === 'run' ? baseline.calls : reference.get(metric)!, baseline.source).shown,
    alerts: alerts
      .filter((a) => a.metric === metric)
      .map((a) => ({ at: a.openedAt, alertId: a.id }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  }));
}
