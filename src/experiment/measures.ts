// Folds outcome events into unit values per metric, and sweeps the days in order so that each day's cumulative
// moments are exactly what a PM would have seen that day: units first exposed up to that day, with their
// outcomes up to that day. Moments are sufficient statistics (n, sums, sums of squares and cross-products): the
// statistics never need the units themselves.
import type { ExperimentData, Measure } from './load.js';

/** Sufficient statistics of one group: [n, Σv, Σv², Σw, Σw², Σvw]; w = the covariate (CUPED) or the denominator (ratio). */
export type Acc = Float64Array;
export const ACC_SIZE = 6;

export interface MeasureValues {
  measure: Measure;
  /** Per unit: the metric value (ratio: numerator sum); NaN when the unit does not count for this metric. */
  value: Float64Array;
  /** Ratio metrics: per unit denominator sum; else null. */
  denominator: Float64Array | null;
  /** Per day × arm: the deciding estimator's moments at the end of that day (ACC_SIZE numbers each). */
  daily: Float64Array;
}

export type AccumulateMode = 'raw' | 'deciding';

/** How the unit's value is folded from its rows, as the definition says it. */
export function aggregateOf(measure: Measure): 'any' | 'sum' | 'mean' | 'max' | 'count' | 'ratio' {
  const spec = measure.spec;
  if (spec.type === 'proportion') return 'any';
  if (spec.type === 'ratio') return 'ratio';
  return spec.aggregate;
}

/** Add (sign 1) or remove (sign −1) unit u's contribution to acc. Returns nothing when the unit does not count. */
function contribute(acc: Acc, sign: number, v: number, w: number, useW: boolean): void {
  if (Number.isNaN(v) || (useW && Number.isNaN(w))) return;
  acc[0] += sign;
  acc[1] += sign * v;
  acc[2] += sign * v * v;
  if (useW) {
    acc[3] += sign * w;
    acc[4] += sign * w * w;
    acc[5] += sign * v * w;
  }
}

interface DayOrder {
  unitStart: Int32Array;
  unitOrder: Int32Array;
  eventStart: Int32Array;
  eventOrder: Int32Array;
}

const dayOrders = new WeakMap<ExperimentData, DayOrder>();

/** Units (by first exposure) and events bucketed by day (counting sort), once per data set: every metric's sweep reads them. */
function dayOrder(data: ExperimentData): DayOrder {
  const cached = dayOrders.get(data);
  if (cached) return cached;
  const { units, arm, exposureDay, days, events } = data;
  const unitStart = new Int32Array(days + 1);
  for (let u = 0; u < units; u++) if (arm[u] >= 0) unitStart[exposureDay[u] + 1]++;
  for (let d = 0; d < days; d++) unitStart[d + 1] += unitStart[d];
  const unitOrder = new Int32Array(unitStart[days]);
  const unitFill = unitStart.slice(0, days);
  for (let u = 0; u < units; u++) if (arm[u] >= 0) unitOrder[unitFill[exposureDay[u]]++] = u;
  const eventStart = new Int32Array(days + 1);
  for (let e = 0; e < events.count; e++) eventStart[events.day[e] + 1]++;
  for (let d = 0; d < days; d++) eventStart[d + 1] += eventStart[d];
  const eventOrder = new Int32Array(events.count);
  const eventFill = eventStart.slice(0, days);
  for (let e = 0; e < events.count; e++) eventOrder[eventFill[events.day[e]]++] = e;
  const order = { unitStart, unitOrder, eventStart, eventOrder };
  dayOrders.set(data, order);
  return order;
}

/** Sweep the days: unit values at the end and the deciding moments per day and arm. */
export function sweepMeasure(data: ExperimentData, measure: Measure): MeasureValues {
  const { units, arm, days, events } = data;
  const arms = data.armIds.length;
  const kind = aggregateOf(measure);
  const k = data.outcomeColumns.length;
  const a = new Float64Array(units).fill(kind === 'max' ? -Infinity : 0);
  const b = new Float64Array(units);
  const covariate = measure.covariate === null || kind === 'ratio' ? null : data.covariates[measure.covariate].of;
  const useW = kind === 'ratio' || covariate !== null;
  const valueOf = (u: number): number => {
    switch (kind) {
      case 'any':
        return a[u] > 0 ? 1 : 0;
      case 'sum':
      case 'ratio':
        return a[u];
      case 'count':
        return b[u];
      case 'mean':
        return b[u] > 0 ? a[u] / b[u] : Number.NaN;
      case 'max':
        return b[u] > 0 ? a[u] : Number.NaN;
    }
  };
  const wOf = (u: number): number => (kind === 'ratio' ? b[u] : covariate ? covariate[u] : 0);

  const { unitStart, unitOrder, eventStart, eventOrder } = dayOrder(data);
  const accs = Array.from({ length: arms }, () => new Float64Array(ACC_SIZE));
  const daily = new Float64Array(days * arms * ACC_SIZE);
  const vc = measure.valueColumn;
  const dc = measure.denominatorColumn;
  for (let d = 0; d < days; d++) {
    for (let i = unitStart[d]; i < unitStart[d + 1]; i++) {
      const u = unitOrder[i];
      contribute(accs[arm[u]], 1, valueOf(u), wOf(u), useW);
    }
    for (let i = eventStart[d]; i < eventStart[d + 1]; i++) {
      const e = eventOrder[i];
      const u = events.unit[e];
      const x = events.values[e * k + vc];
      const y = dc === null ? Number.NaN : events.values[e * k + dc];
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      const acc = accs[arm[u]];
      contribute(acc, -1, valueOf(u), wOf(u), useW);
      switch (kind) {
        case 'any':
          if (x > 0) a[u] = 1;
          break;
        case 'ratio':
          if (!Number.isNaN(x)) a[u] += x;
          if (!Number.isNaN(y)) b[u] += y;
          break;
        case 'max':
          if (!Number.isNaN(x)) {
            if (x > a[u]) a[u] = x;
            b[u]++;
          }
          break;
        default:
          if (!Number.isNaN(x)) {
            a[u] += x;
            b[u]++;
          }
      }
      contribute(acc, 1, valueOf(u), wOf(u), useW);
    }
    for (let g = 0; g < arms; g++) daily.set(accs[g], (d * arms + g) * ACC_SIZE);
  }
  const value = new Float64Array(units).fill(Number.NaN);
  for (let u = 0; u < units; u++) if (arm[u] >= 0) value[u] = valueOf(u);
  return { measure, value, denominator: kind === 'ratio' ? b : null, daily };
}

/**
 * Moments per arm over the units that pass `keep` (null: all). 'deciding' uses the covariate (CUPED: only units
 * that have one) or the denominator; 'raw' ignores the covariate.
 */
export function accumulate(data: ExperimentData, values: MeasureValues, mode: AccumulateMode, keep: ((u: number) => boolean) | null): Acc[] {
  return accumulateGroups(data, values, mode, keep ? (u) => (keep(u) ? 0 : -1) : () => 0, 1)[0];
}

/** Moments per group × arm in one pass over the units; `groupOf(u)` < 0 leaves the unit out. */
export function accumulateGroups(data: ExperimentData, values: MeasureValues, mode: AccumulateMode, groupOf: (u: number) => number, groups: number): Acc[][] {
  const arms = data.armIds.length;
  const accs = Array.from({ length: groups }, () => Array.from({ length: arms }, () => new Float64Array(ACC_SIZE)));
  const kind = aggregateOf(values.measure);
  const covariate = mode === 'raw' || values.measure.covariate === null || kind === 'ratio' ? null : data.covariates[values.measure.covariate].of;
  const useW = kind === 'ratio' || covariate !== null;
  for (let u = 0; u < data.units; u++) {
    const g = data.arm[u];
    if (g < 0) continue;
    const group = groupOf(u);
    if (group < 0) continue;
    const w = values.denominator ? values.denominator[u] : covariate ? covariate[u] : 0;
    contribute(accs[group][g], 1, values.value[u], w, useW);
  }
  return accs;
}
