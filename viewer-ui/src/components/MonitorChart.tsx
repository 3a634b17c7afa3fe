// One monitor metric over time (Observable Plot): a point per window with its interval band, the baseline as a
// dashed line and each alert as a red rule. A click on a point opens the records of that window. The figures are
// the server's (monitorSeries): nothing is estimated here.
import { useEffect, useRef, useState } from 'react';
import type { MetricWindow, MonitorSeries } from '../api';
import { ErrorBox } from './common';
import { metricValue } from '../monitor-format';

interface Point {
  t: Date;
  estimate: number;
  low: number;
  high: number;
  w: MetricWindow;
}

export function MonitorChart({ series, onSelect }: { series: MonitorSeries; onSelect: (w: MetricWindow) => void }) {
  const holder = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<Error | null>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;

  useEffect(() => {
    let cancelled = false;
    const el = holder.current;
    if (!el) return;
    // A window with no estimate (no samples) is a gap, never a zero.
    const points: Point[] = series.points
      .filter((w) => w.estimate !== null)
      // Drawn at the window's middle: the window [start, end) is what the point stands for.
      .map((w) => ({
        t: new Date((Date.parse(w.start) + Date.parse(w.end)) / 2),
        estimate: w.estimate!,
        low: w.low ?? w.estimate!,
        high: w.high ?? w.estimate!,
        w,
      }));
    const alerts = series.alerts.map((a) => ({ t: new Date(a.at), id: a.alertId }));
    const base = series.baseline.value;
    import('@observablehq/plot').then(
      (Plot) => {
        if (cancelled) return;
        const fmt = (d: number) => metricValue(series.metric, d);
        const chart = Plot.plot({
          width: Math.max(420, Math.min(760, el.clientWidth || 640)),
          height: 220,
          marginLeft: 76,
          marginBottom: 34,
          style: { fontSize: '11px', background: 'transparent' },
          x: { type: 'utc', label: null },
          // Pass rate zooms to its range; the others start at zero (a flat cost is a flat line, not a range of 0).
          y: { label: null, grid: true, tickFormat: fmt, nice: true, zero: series.metric !== 'pass_rate' },
          marks: [
            Plot.areaY(points, { x: 't', y1: 'low', y2: 'high', fill: '#1f6feb', fillOpacity: 0.15 }),
            Plot.line(points, { x: 't', y: 'estimate', stroke: '#1f6feb', strokeWidth: 1.5 }),
            ...(base === null ? [] : [Plot.ruleY([base], { stroke: '#57606a', strokeDasharray: '5,4', className: 'baseline-line' })]),
            Plot.ruleX(alerts, { x: 't', stroke: '#d1242f', strokeWidth: 2, className: 'alert-marker' }),
            Plot.dot(points, {
              x: 't',
              y: 'estimate',
              r: 4,
              fill: '#1f6feb',
              stroke: 'white',
              className: 'monitor-point',
              title: (d: Point) =>
                `${d.w.start.slice(0, 16).replace('T', ' ')} – ${d.w.end.slice(0, 16).replace('T', ' ')}\n${fmt(d.estimate)} (${Math.round(d.w.level * 100)}% interval ${fmt(d.low)}–${fmt(d.high)}${d.w.method ? `, ${d.w.method}` : ''})\n${d.w.n} sampled calls — click for the records`,
            }),
          ],
        });
        // The strict CSP refuses inline <style> elements: Plot's default styles live in styles.css instead.
        chart.querySelectorAll('style').forEach((s) => s.remove());
        // Plot draws the dots in data order: the i-th circle is the i-th point.
        chart.querySelectorAll('.monitor-point circle').forEach((circle, i) => {
          const p = points[i];
          if (!p) return;
          circle.setAttribute('data-start', p.w.start);
          circle.setAttribute('tabindex', '0');
          circle.setAttribute('role', 'button');
          circle.addEventListener('click', () => selectRef.current(p.w));
          circle.addEventListener('keydown', (e) => {
            if ((e as KeyboardEvent).key === 'Enter') selectRef.current(p.w);
          });
        });
        el.replaceChildren(chart);
        performance.mark('evalspec:rendered:monitor-chart');
      },
      (e: Error) => setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [series]);

  if (error) return <ErrorBox error={error} />;
  if (!series.points.some((w) => w.estimate !== null)) return <div className="muted small">No window has a figure to draw yet.</div>;
  return <div className="monitor-chart" ref={holder} data-metric={series.metric} />;
}
