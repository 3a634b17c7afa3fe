// One metric's effect over time (Observable Plot, as the Monitor page): per day, the cumulative effect a PM would have
// seen that day, with the fixed-horizon interval (valid only at the planned end) and the always-valid sequential one
// (wider, narrowing as users accrue), and zero as a dashed line. The figures are the server's daily series.
import { useEffect, useRef, useState } from 'react';
import type { DailyPoint, MetricType } from '../api';
import { ErrorBox } from './common';
import { effectValue } from '../experiment-format';

interface Point {
  t: Date;
  estimate: number;
  fixedLow: number | null;
  fixedHigh: number | null;
  sequentialLow: number | null;
  sequentialHigh: number | null;
  p: DailyPoint;
}

export function ExperimentChart({ points: days, type, metric, arm }: { points: DailyPoint[]; type: MetricType; metric: string; arm: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<Error | null>(null);
  // A day with no estimate yet (too few users) is a gap, never a zero.
  const points: Point[] = days
    .filter((d) => d.estimate !== null)
    .map((d) => ({
      t: new Date(`${d.day}T12:00:00Z`),
      estimate: d.estimate!,
      fixedLow: d.fixedLow,
      fixedHigh: d.fixedHigh,
      sequentialLow: d.sequentialLow,
      sequentialHigh: d.sequentialHigh,
      p: d,
    }));

  useEffect(() => {
    let cancelled = false;
    const el = holder.current;
    if (!el || points.length === 0) return;
    import('@observablehq/plot').then(
      (Plot) => {
        if (cancelled) return;
        const fmt = (x: number) => effectValue(type, x);
        const sequential = points.filter((d) => d.sequentialLow !== null && d.sequentialHigh !== null);
        const fixed = points.filter((d) => d.fixedLow !== null && d.fixedHigh !== null);
        // The first days' sequential interval can be very wide: the y range follows the fixed one and the estimate.
        const values = [...fixed.flatMap((d) => [d.fixedLow!, d.fixedHigh!]), ...points.map((d) => d.estimate), 0];
        const span = Math.max(...values) - Math.min(...values) || 1;
        const chart = Plot.plot({
          width: Math.max(420, Math.min(760, el.clientWidth || 640)),
          height: 220,
          marginLeft: 76,
          marginBottom: 34,
          style: { fontSize: '11px', background: 'transparent' },
          x: { type: 'utc', label: null },
          y: { label: null, grid: true, tickFormat: fmt, domain: [Math.min(...values) - span * 0.6, Math.max(...values) + span * 0.6], clamp: true },
          marks: [
            Plot.areaY(sequential, { x: 't', y1: 'sequentialLow', y2: 'sequentialHigh', fill: '#8250df', fillOpacity: 0.12, className: 'sequential-band' }),
            Plot.areaY(fixed, { x: 't', y1: 'fixedLow', y2: 'fixedHigh', fill: '#1f6feb', fillOpacity: 0.18, className: 'fixed-band' }),
            Plot.ruleY([0], { stroke: '#57606a', strokeDasharray: '5,4', className: 'zero-line' }),
            Plot.line(points, { x: 't', y: 'estimate', stroke: '#1f6feb', strokeWidth: 1.5 }),
            Plot.dot(points, {
              x: 't',
              y: 'estimate',
              r: 3,
              fill: '#1f6feb',
              stroke: 'white',
              className: 'effect-point',
              title: (d: Point) =>
                `${d.p.day}: ${fmt(d.estimate)}\nfixed-horizon ${d.fixedLow === null ? 'n/a' : `${fmt(d.fixedLow)} to ${fmt(d.fixedHigh!)}`}\nsequential ${d.sequentialLow === null ? 'n/a' : `${fmt(d.sequentialLow)} to ${fmt(d.sequentialHigh!)}`}\n${d.p.units.join(' / ')} users`,
            }),
          ],
        });
        // The strict CSP refuses inline <style> elements: Plot's default styles live in styles.css instead.
        chart.querySelectorAll('style').forEach((s) => s.remove());
        chart.querySelectorAll('.effect-point circle').forEach((circle, i) => {
          const p = points[i];
          if (p) circle.setAttribute('data-day', p.p.day);
        });
        el.replaceChildren(chart);
        performance.mark('evalspec:rendered:experiment-chart');
      },
      (e: Error) => setError(e),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [days, type]);

  if (error) return <ErrorBox error={error} />;
  if (points.length === 0) return <div className="muted small">No day has an effect to draw yet.</div>;
  return (
    <div className="experiment-chart-wrap">
      <div className="experiment-chart" ref={holder} data-metric={metric} data-arm={arm} />
      <div className="muted small">
        <span className="legend-fixed">■</span> fixed-horizon interval (valid at the planned end only) · <span className="legend-sequential">■</span> sequential
        interval (valid at every look) · dashed: no effect
      </div>
    </div>
  );
}
