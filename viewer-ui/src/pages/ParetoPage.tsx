// Cost–quality: each variant's pass rate with its 95% interval against its cost per case (or p95 latency).
// The Pareto frontier joins the variants no other variant beats on both axes. Drawn with Observable Plot.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Interval, type VariantSummary } from '../api';
import { asArray, type CostVariantLike, type CostsLike } from '../report-types';
import { useAsync } from '../hooks';
import { ErrorBox, Loading, Section } from '../components/common';
import { ciText, ms, pct, usd } from '../format';
import { paretoFrontier } from '../pareto';

interface Point {
  id: string;
  model: string;
  x: number;
  xLow: number;
  xHigh: number;
  rate: number;
  low: number;
  high: number;
  frontier: boolean;
}

type Axis = 'cost' | 'latency';

interface Row {
  id: string;
  model: string;
  rate: number | null;
  ci: Interval | null;
  costPerCase: number | null;
  costPerCaseCi: Interval | null;
  costPerPass: number | null;
  totalCost: number | null;
  p95: number | null;
}

/** The report's cost-of-quality block when it has one (list prices, with intervals), else the variant summary. */
function rowsOf(variants: VariantSummary[], costs: CostsLike | undefined): Row[] {
  const byId = new Map(asArray<CostVariantLike>(costs?.variants).map((c) => [c.variant, c]));
  return variants.map((v) => {
    const c = byId.get(v.id);
    // List prices, as the cost block (a run served from the cache paid $0 but its calls still cost that much).
    const perCase = c ? (c.costPerCase ?? null) : v.listCostUsd === null || !v.cases ? null : v.listCostUsd / v.cases;
    return {
      id: v.id,
      model: v.model,
      rate: c?.quality ?? v.passRate,
      ci: c?.qualityCi ?? v.passRateCi,
      costPerCase: perCase,
      costPerCaseCi: c?.costPerCaseCi ?? null,
      costPerPass: c ? (c.costPerPass ?? null) : perCase !== null && v.passRate ? perCase / v.passRate : null,
      totalCost: v.listCostUsd,
      p95: c?.latencyMs?.p95 ?? v.latencyMs.p95,
    };
  });
}

const xOf = (r: Row, axis: Axis): number | null => (axis === 'latency' ? r.p95 : r.costPerCase);

export function ParetoPage({ runId }: { runId: string }) {
  const run = useAsync(() => api.run(runId), [runId]);
  const full = useAsync(() => api.report(runId), [runId]);
  const [axis, setAxis] = useState<Axis>('cost');
  const [log, setLog] = useState<boolean | null>(null);
  const holder = useRef<HTMLDivElement>(null);
  const [plotError, setPlotError] = useState<Error | null>(null);
  const costs = full.data?.report.costs as CostsLike | undefined;
  const rows = useMemo(() => rowsOf(full.data?.report.variants ?? run.data?.summary ?? [], costs), [run.data, full.data, costs]);
  const { points, missing } = useMemo(() => {
    const raw: Point[] = rows
      .filter((r) => xOf(r, axis) !== null && r.rate !== null)
      .map((r) => {
        const x = xOf(r, axis) as number;
        const xCi = axis === 'cost' ? r.costPerCaseCi : null;
        return {
          id: r.id,
          model: r.model,
          x,
          xLow: xCi?.low ?? x,
          xHigh: xCi?.high ?? x,
          rate: r.rate as number,
          low: r.ci?.low ?? (r.rate as number),
          high: r.ci?.high ?? (r.rate as number),
          frontier: false,
        };
      });
    const frontier = paretoFrontier(raw);
    for (const p of raw) p.frontier = frontier.has(p);
    return { points: raw, missing: rows.filter((r) => xOf(r, axis) === null || r.rate === null).map((r) => r.id) };
  }, [rows, axis]);
  const spread = points.length ? Math.max(...points.map((p) => p.x)) / Math.max(1e-12, Math.min(...points.map((p) => p.x))) : 1;
  const useLog = log ?? (spread > 20 && points.every((p) => p.x > 0));

  useEffect(() => {
    document.title = `Cost–quality · ${runId} · evalspec`;
  }, [runId]);

  useEffect(() => {
    let cancelled = false;
    const el = holder.current;
    if (!el || points.length === 0) return;
    import('@observablehq/plot').then(
      (Plot) => {
        if (cancelled) return;
        const frontier = points.filter((p) => p.frontier).sort((a, b) => a.x - b.x);
        const chart = Plot.plot({
          width: Math.max(480, Math.min(980, el.clientWidth || 900)),
          height: 440,
          marginLeft: 56,
          marginRight: 120,
          marginBottom: 46,
          style: { fontSize: '12px', background: 'transparent' },
          x: {
            label: axis === 'cost' ? 'cost per case (USD) →' : 'p95 latency (ms) →',
            type: useLog ? 'log' : 'linear',
            grid: true,
            nice: true,
            ...(useLog ? {} : { zero: true }),
          },
          y: {
            label: '↑ pass rate (95% CI)',
            domain: [Math.max(0, Math.floor((Math.min(...points.map((p) => p.low)) - 0.05) * 10) / 10), 1],
            tickFormat: (d: number) => `${Math.round(d * 100)}%`,
            grid: true,
          },
          marks: [
            Plot.line(frontier, { x: 'x', y: 'rate', stroke: '#1f6feb', strokeDasharray: '5,4', strokeWidth: 1.5, curve: 'step-after' }),
            Plot.ruleX(points, { x: 'x', y1: 'low', y2: 'high', stroke: (d: Point) => (d.frontier ? '#1f6feb' : '#8b949e'), strokeWidth: 2.5 }),
            Plot.ruleY(
              points.filter((p) => p.xHigh > p.xLow),
              { y: 'rate', x1: 'xLow', x2: 'xHigh', stroke: (d: Point) => (d.frontier ? '#1f6feb' : '#8b949e'), strokeWidth: 1.5, strokeOpacity: 0.7 },
            ),
            Plot.dot(points, {
              x: 'x',
              y: 'rate',
              r: 6,
              fill: (d: Point) => (d.frontier ? '#1f6feb' : '#8b949e'),
              stroke: 'white',
              strokeWidth: 1.5,
              title: (d: Point) =>
                `${d.id} (${d.model})\npass rate ${pct(d.rate)} (95% CI ${(d.low * 100).toFixed(1)}–${(d.high * 100).toFixed(1)})\n${axis === 'cost' ? `${usd(d.x)} per case` : `p95 ${ms(d.x)}`}${d.frontier ? '\non the Pareto frontier' : ''}`,
            }),
            Plot.text(points, { x: 'x', y: 'rate', text: 'id', dx: 10, textAnchor: 'start', fontSize: 12, fontWeight: 500 }),
          ],
        });
        // The strict CSP refuses inline <style> elements: Plot's default styles live in styles.css instead.
        chart.querySelectorAll('style').forEach((s) => s.remove());
        el.replaceChildren(chart);
        performance.mark('evalspec:rendered:pareto');
      },
      (e: Error) => setPlotError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [points, axis, useLog]);

  if (run.error) return <ErrorBox error={run.error} />;
  if (!run.data) return <Loading what="Loading the run" />;
  return (
    <div className="pareto-page">
      <Section
        title="Cost–quality"
        actions={
          <div className="toolbar" role="group" aria-label="x axis">
            <button type="button" className={`seg-btn ${axis === 'cost' ? 'on' : ''}`} onClick={() => setAxis('cost')} aria-pressed={axis === 'cost'}>
              cost per case
            </button>
            <button
              type="button"
              className={`seg-btn ${axis === 'latency' ? 'on' : ''}`}
              onClick={() => setAxis('latency')}
              aria-pressed={axis === 'latency'}
              data-testid="axis-latency"
            >
              p95 latency
            </button>
            <label className="small">
              <input type="checkbox" checked={useLog} onChange={(e) => setLog(e.target.checked)} /> log scale
            </label>
          </div>
        }
      >
        <p className="small muted">
          {run.data.run.suiteName} · {run.data.run.id}. Each dot is a variant; the vertical bar is its 95% interval (the horizontal one, the cost's, when the
          report has it). Blue: the Pareto frontier (nothing else is both
          {axis === 'cost' ? ' cheaper' : ' faster'} and better). Overlapping intervals mean the data cannot tell those variants apart.
        </p>
        {plotError && <ErrorBox error={plotError} />}
        {points.length === 0 ? (
          <p className="muted">No variant has both a pass rate and a known {axis === 'cost' ? 'cost' : 'latency'}.</p>
        ) : (
          <div ref={holder} className="plot-holder" data-testid="pareto-plot" />
        )}
        {missing.length > 0 && (
          <p className="small muted">
            Not shown (unknown {axis === 'cost' ? 'cost: the model has no price' : 'latency'}): {missing.join(', ')}.
          </p>
        )}
        <table className="table">
          <thead>
            <tr>
              <th>variant</th>
              <th className="num">pass rate</th>
              <th>95% CI</th>
              <th className="num">cost per case</th>
              <th className="num">cost per passing case</th>
              <th className="num">cost this run</th>
              <th className="num">p95 latency</th>
              <th>frontier</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const p = points.find((q) => q.id === r.id);
              return (
                <tr key={r.id}>
                  <td>{r.id}</td>
                  <td className="num">{pct(r.rate)}</td>
                  <td>{ciText(r.ci)}</td>
                  <td className="num">{usd(r.costPerCase)}</td>
                  <td className="num">{usd(r.costPerPass)}</td>
                  <td className="num">{usd(r.totalCost)}</td>
                  <td className="num">{ms(r.p95)}</td>
                  <td>{p?.frontier ? '✓' : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
