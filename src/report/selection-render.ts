// `evalspec select` output: the terminal text and the chart-ready JSON for the web viewer.
import type { Interval } from '../stats/index.js';
import { formatPValue } from '../stats/index.js';
import { ms, pct, ciText, textTable, usd } from './format.js';
import type { Comparison, Projection, Selection, SwitchProjection, VariantFigures } from '../analysis/index.js';

export interface SelectionContext {
  runId: string;
  /** Whether any check reported a judge cost (else the judge column is left out). */
  judgeCosts?: boolean;
  suite: string;
  status: string;
  segmentBy: string;
  unpricedModels: string[];
  errors: number;
}

/** Points, signed: "+21.8" / "-3.0". */
const points = (x: number, digits = 1): string => `${x >= 0 ? '+' : '-'}${Math.abs(x * 100).toFixed(digits)}`;
const pointsCi = (ci: Interval | null): string => (ci ? `${points(ci.low)} to ${points(ci.high)}` : 'n/a');

/** Dollars with thousands separators, cents below $1,000. */
export const money = (x: number | null | undefined): string => {
  if (x === null || x === undefined) return 'n/a';
  const sign = x < 0 ? '-' : '';
  const v = Math.abs(x);
  if (v >= 1000) return `${sign}$${Math.round(v).toLocaleString('en-US')}`;
  if (v >= 1) return `${sign}$${v.toFixed(2)}`;
  return `${sign}${usd(v)}`;
};

/** "1/23.8 of the cost" or "2.3× the cost". */
export function costRatioText(ratio: number | null | undefined, what = 'the cost per case'): string {
  if (ratio === null || ratio === undefined) return `${what}: unknown (unpriced)`;
  if (Math.abs(ratio - 1) < 0.005) return `the same ${what.replace(/^the /, '')}`;
  return ratio < 1 ? `1/${(1 / ratio).toFixed(1)} of ${what} (${points(ratio - 1, 0)}%)` : `${ratio.toFixed(1)}× ${what}`;
}

/** "p = 0.006", small ones in scientific notation ("p = 5.1e-42"). */
const pText = (p: number): string => (p > 0 && p < 0.001 ? `p = ${p.toExponential(1)}` : formatPValue(p));

/**
 * "-21.8 points (95% CI -24.8 to -18.8; McNemar mid-p = 3.2e-42, exact p = 5.1e-42)": the figures `evalspec
 * run` prints for the pair (mid-p headline, exact p beside it).
 */
export function differenceText(c: Comparison, level: number): string {
  const exact = c.mcnemarExactP === null ? '' : `, exact ${pText(c.mcnemarExactP)}`;
  const test = c.pValue === null ? '' : `; ${c.test === 'newcombe-paired' ? `McNemar mid-${pText(c.pValue)}${exact}` : `paired t ${pText(c.pValue)}`}`;
  return `${points(c.difference)} points (${Math.round(level * 100)}% CI ${pointsCi(c.interval)}${test})`;
}

const latencyText = (f: VariantFigures): string => (f.latencyMs.p50 === null ? 'n/a' : `${ms(f.latencyMs.p50)}/${ms(f.latencyMs.p95)}/${ms(f.latencyMs.p99)}`);

/**
 * The second half of "X points … at Y": the ratio on the axis being minimised. With --by latency that is the
 * p95 latency of the two variants (a cost ratio there would answer a question nobody asked).
 */
function axisRatioText(
  selection: Selection,
  c: Comparison,
  p95Of: (variant: string) => number | null = (v) => selection.points.find((p) => p.variant === v)?.latencyMs.p95 ?? null,
): string {
  if (selection.by === 'cost') return costRatioText(c.costRatio);
  const a = p95Of(c.against);
  const b = p95Of(c.variant);
  if (a === null || b === null || !(a > 0)) return 'an unknown p95 latency (not measured)';
  const ratio = b / a;
  if (Math.abs(ratio - 1) < 0.005) return 'the same p95 latency';
  return ratio < 1 ? `${ratio.toFixed(2)}× the p95 latency (${points(ratio - 1, 0)}%)` : `${ratio.toFixed(1)}× the p95 latency`;
}

function axisLabel(selection: Selection): string {
  return selection.by === 'cost' ? 'cost per case' : 'p95 latency';
}

/** "saves $273,600/yr at -21.8 points (95% CI -24.8 to -18.8)". */
function switchText(s: SwitchProjection, level: number): string {
  const saving = s.yearlySavingUsd;
  const verb = saving === null ? 'saves an unknown amount (unpriced)' : saving >= 0 ? `saves ${money(saving)}/yr` : `costs ${money(-saving)}/yr more`;
  const quality =
    s.qualityChange === null
      ? 'an unknown quality change'
      : `${points(s.qualityChange)} points (${Math.round(level * 100)}% CI ${pointsCi(s.qualityChangeCi)})`;
  return `${verb} at ${quality}`;
}

export function renderSelection(selection: Selection, context: SelectionContext, projection?: Projection): string {
  const level = selection.level;
  const L = `${Math.round(level * 100)}%`;
  const lines: string[] = [];
  const cases = Math.max(0, ...selection.points.map((p) => p.cases));
  const method = selection.points.find((p) => p.qualityCi)?.qualityCi?.method.split(' ')[0] ?? 'wilson';
  lines.push(`${context.suite} · run ${context.runId} · ${context.status} · ${cases.toLocaleString('en-US')} cases × ${selection.points.length} variants`);
  lines.push(
    `quality = pass rate (${L} CI ${method}); cost = list price of one answer per case${context.errors ? `; ${context.errors} errored results count as failures` : ''}`,
  );
  lines.push('');

  const judge = context.judgeCosts === true;
  const rows = selection.points.map((p) => [
    p.variant,
    pct(p.quality),
    ciText(p.qualityCi),
    usd(p.costPerCase),
    usd(p.costPerPass),
    ...(judge ? [usd(p.judgeCostPerCase)] : []),
    latencyText(p),
    p.latencyMs.tokensPerSecond === null ? 'n/a' : p.latencyMs.tokensPerSecond.toFixed(0),
    [
      p.onFrontier
        ? 'frontier'
        : p.dominatedBy.length
          ? `dominated by ${p.dominatedBy[0]}`
          : 'off (no ' + (selection.by === 'cost' ? 'price' : 'latency') + ')',
      p.variant === selection.best ? 'best' : '',
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  lines.push(
    textTable(['variant', 'pass rate', `${L} CI`, 'cost/case', 'cost/pass', ...(judge ? ['judge/case'] : []), 'p50/p95/p99 latency', 'tok/s', ''], rows, [
      false,
      true,
      true,
      true,
      true,
      ...(judge ? [true] : []),
      true,
      true,
      false,
    ]),
  );

  // The frontier, step by step.
  lines.push('');
  if (selection.frontier.length) {
    lines.push(
      `Pareto frontier (quality vs ${axisLabel(selection)}), ${selection.by === 'cost' ? 'cheapest' : 'fastest'} first: ${selection.frontier.join(' → ')}`,
    );
  } else {
    lines.push(`Pareto frontier: none (no variant has both a pass rate and a ${selection.by === 'cost' ? 'price' : 'measured latency'})`);
  }

  // Against the best.
  const others = selection.points.filter((p) => p.vsBest);
  if (selection.best && others.length) {
    lines.push('', `against the best (${selection.best}), paired on the same cases:`);
    for (const p of others) {
      const c = p.vsBest!;
      lines.push(`  ${p.variant}: ${differenceText(c, level)} at ${axisRatioText(selection, c)}`);
    }
  }

  // Dominated variants.
  const dominated = selection.points.filter((p) => p.dominance.length);
  if (dominated.length) {
    lines.push('', 'dominated (another variant is at least as good and at least as ' + (selection.by === 'cost' ? 'cheap' : 'fast') + '):');
    for (const p of dominated) {
      const d = p.dominance[0];
      lines.push(
        `  ${p.variant} by ${d.variant}: ${d.variant} is ${differenceText(d, level)} at ${axisRatioText(selection, d)}${
          p.dominance.length > 1
            ? ` (also by ${p.dominance
                .slice(1)
                .map((x) => x.variant)
                .join(', ')})`
            : ''
        }`,
      );
    }
  }

  // The floor.
  const within = (selection.within * 100).toFixed(1);
  lines.push('', `floor: within ${within} points of the best at ${L} (the lower end of the ${L} CI of the paired difference ≥ -${within} points)`);
  const o = selection.overall;
  if (!o.choice) lines.push(`  overall: no variant meets it with a known ${selection.by === 'cost' ? 'price' : 'latency'}`);
  else if (o.choice === o.reference) {
    lines.push(`  overall: ${o.choice} (the best; no ${selection.by === 'cost' ? 'cheaper' : 'faster'} variant is proven within ${within} points)`);
  } else {
    lines.push(`  overall: ${o.choice}: ${differenceText(o.comparison!, level)} against ${o.reference}, at ${axisRatioText(selection, o.comparison!)}`);
  }

  // Segments.
  if (selection.segments.length) {
    lines.push('', `per segment (tag ${context.segmentBy}:NAME), each against ${selection.best} on the segment's cases:`);
    const segRows = selection.segments.map((s) => {
      const refFig = s.points.find((p) => p.variant === s.floor.reference);
      const choiceFig = s.points.find((p) => p.variant === s.floor.choice);
      const c = s.floor.comparison;
      // When nothing cheaper is proven, show how close the nearest cheaper variant came.
      const refValue = refFig ? (selection.by === 'cost' ? refFig.costPerCase : refFig.latencyMs.p95) : null;
      const nearest = s.floor.comparisons
        .filter((x) => {
          const f = s.points.find((p) => p.variant === x.variant);
          const v = f ? (selection.by === 'cost' ? f.costPerCase : f.latencyMs.p95) : null;
          return x.interval && v !== null && refValue !== null && v < refValue;
        })
        .sort((a, b) => b.interval!.low - a.interval!.low)[0];
      return [
        s.segment,
        String(s.cases),
        pct(refFig?.quality),
        s.floor.choice ?? 'none',
        c ? `${points(c.difference)} (${pointsCi(c.interval)})` : s.floor.choice ? '(the reference)' : '',
        choiceFig ? (selection.by === 'cost' ? usd(choiceFig.costPerCase) : ms(choiceFig.latencyMs.p95)) : 'n/a',
        !c && nearest ? `${nearest.variant} ${points(nearest.difference)} (${pointsCi(nearest.interval)})` : '',
      ];
    });
    lines.push(
      textTable(
        [
          'segment',
          'cases',
          `${selection.best} pass rate`,
          `${selection.by === 'cost' ? 'cheapest' : 'fastest'} within ${within} pts`,
          `vs ${selection.best}, points (${L} CI)`,
          selection.by === 'cost' ? 'cost/case' : 'p95 latency',
          `nearest ${selection.by === 'cost' ? 'cheaper' : 'faster'} (points, ${L} CI)`,
        ],
        segRows,
        [false, true, true, false, false, true, false],
      ).replace(/^/gm, '  '),
    );
    const r = selection.routing;
    if (r) {
      lines.push('', `routing suggestion (segments have different ${selection.by === 'cost' ? 'cheapest' : 'fastest'} adequate variants):`);
      for (const route of r.routes) lines.push(`  ${route.segment} (${pct(route.share, 0)} of cases) → ${route.variant}`);
      lines.push(
        `  blended: pass rate ${pct(r.quality)} (${L} CI ${ciText(r.qualityCi)}), ${selection.by === 'cost' ? `${usd(r.costPerCase)} per case` : `p95 latency ${ms(r.p95LatencyMs)}`}${r.vsBest ? `; against ${selection.best}: ${differenceText(r.vsBest, level)} at ${axisRatioText(selection, r.vsBest, (v) => (v === r.vsBest!.variant ? r.p95LatencyMs : (selection.points.find((p) => p.variant === v)?.latencyMs.p95 ?? null)))}` : ''}`,
      );
      lines.push(`  note: ${r.note}`);
    } else if (selection.noRoutingReason) {
      lines.push('', `no routing: ${selection.noRoutingReason}`);
    }
  }

  if (projection) {
    const v = projection.volume;
    const perMonth = v.period === 'month' ? '' : `${Math.round(v.perMonth).toLocaleString('en-US')}/month, `;
    lines.push(
      '',
      `projection at ${Math.round(v.count).toLocaleString('en-US')} cases/${v.period} (${perMonth}${Math.round(v.perYear).toLocaleString('en-US')}/year):`,
    );
    const spendRows = projection.spend.map((s) => [
      s.variant,
      usd(s.costPerCase),
      money(s.monthlyUsd),
      money(s.yearlyUsd),
      s.yearlyUsdCi ? `${money(s.yearlyUsdCi.low)}–${money(s.yearlyUsdCi.high)}` : 'n/a',
    ]);
    lines.push(
      textTable(['variant', 'cost/case', 'per month', 'per year', `per year, ${L} CI`], spendRows, [false, true, true, true, true]).replace(/^/gm, '  '),
    );
    lines.push(`  from ${projection.baseline}:`);
    for (const s of projection.switches) {
      const traffic = s.scope === 'overall' ? 'all traffic' : `${s.scope} traffic (${pct(s.casesPerYear / v.perYear, 0)})`;
      lines.push(`    switching ${traffic} to ${s.to} ${switchText(s, level)}`);
    }
    if (projection.routing) lines.push(`    routing as suggested ${switchText(projection.routing, level)}`);
    lines.push(`  assumes: ${projection.assumptions.join('; ')}`);
  }

  const warnings = [...selection.warnings];
  if (context.unpricedModels.length && !warnings.some((w) => w.startsWith('no known price'))) {
    warnings.push(`no known price for ${context.unpricedModels.join(', ')}: cost shown as unknown (add price: to the model in the suite)`);
  }
  if (selection.segments.length > 1 && selection.segments.some((g) => g.floor.choice && g.floor.choice !== g.floor.reference))
    warnings.push(
      `with ${selection.segments.length} segments × ${selection.points.length} variants, some "within" claims will be wrong by chance (each holds at ${L}); prefer few, planned segments`,
    );
  if (warnings.length) lines.push('', ...warnings.map((w) => `note: ${w}`));
  return lines.join('\n');
}

/** The chart-ready JSON for the web viewer (`evalspec select RUN --json FILE`). */
export function selectionJson(selection: Selection, context: SelectionContext, projection?: Projection) {
  return {
    formatVersion: 1 as const,
    kind: 'evalspec-selection' as const,
    runId: context.runId,
    suite: context.suite,
    status: context.status,
    by: selection.by,
    level: selection.level,
    within: selection.within,
    quality: { metric: 'pass rate', method: selection.points.find((p) => p.qualityCi)?.qualityCi?.method ?? null },
    best: selection.best,
    frontier: selection.frontier,
    points: selection.points.map((p) => ({
      variant: p.variant,
      model: p.model,
      cases: p.cases,
      quality: p.quality,
      qualityCi: p.qualityCi,
      costPerCase: p.costPerCase,
      costPerCaseCi: p.costPerCaseCi,
      costPerPass: p.costPerPass,
      judgeCostPerCase: p.judgeCostPerCase,
      p50LatencyMs: p.latencyMs.p50,
      p95LatencyMs: p.latencyMs.p95,
      p99LatencyMs: p.latencyMs.p99,
      tokensPerSecond: p.latencyMs.tokensPerSecond,
      onFrontier: p.onFrontier,
      dominatedBy: p.dominatedBy,
      vsBest: p.vsBest,
      meetsFloor: p.meetsFloor,
    })),
    overall: selection.overall,
    segmentBy: context.segmentBy,
    segments: selection.segments,
    routing: selection.routing,
    projection: projection ?? null,
    unpricedModels: context.unpricedModels,
    warnings: selection.warnings,
  };
}
