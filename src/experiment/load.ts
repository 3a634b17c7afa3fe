// Streams an experiment's exposures, outcomes and pre-period into flat per-unit state: a Map from unit id to an
// index, typed arrays per unit (arm, first exposure, segment values, covariates) and the outcome events as
// typed columns (unit, day, values) for the day-by-day sweep (measures.ts). Memory stays flat in the row count:
// 10 million exposure rows of a million users hold a few arrays of a million entries.
import type { ExperimentConfig, GuardrailSpec, MetricSpec } from './schema.js';
import { DataQuality } from './data-quality.js';
import { readSource, sourceLabel, type RawValue } from './sources/index.js';
import { BOTH_ARMS, Column, ExposureTable, parseTimestamp, unitKey } from './exposure-table.js';
import { readExposures } from './parallel-exposures.js';

const DAY_MS = 86_400_000;
export { BOTH_ARMS, parseTimestamp } from './exposure-table.js';

/** A metric or guardrail as the loader and the sweep see it: which outcome columns and how they fold per unit. */
export interface Measure {
  id: string;
  guardrail: GuardrailSpec | null;
  spec: MetricSpec | GuardrailSpec;
  /** Index into the outcome columns: the value (proportion/mean) or numerator (ratio). */
  valueColumn: number;
  /** Ratio: the denominator's outcome column. */
  denominatorColumn: number | null;
  /** Index into the pre-period covariate columns, or null. */
  covariate: number | null;
}

export interface ExperimentData {
  armIds: string[];
  controlIndex: number;
  unitIds: Map<string, number>;
  units: number;
  /** Per unit: arm index, BOTH_ARMS, or -1 (never validly exposed). */
  arm: Int8Array;
  /** Per unit: day index (from day0) of the first exposure. */
  exposureDay: Int32Array;
  /** UTC midnight (ms) of day 0 and the number of days covered. */
  day0: number;
  days: number;
  firstExposure: number | null;
  lastExposure: number | null;
  /** Per segment attribute: per unit an index into its values (-1 unknown). */
  segments: { name: string; values: string[]; of: Int32Array }[];
  /** Per covariate column: per unit the pre-period value (NaN when missing). */
  covariates: { name: string; of: Float64Array }[];
  measures: Measure[];
  outcomeColumns: string[];
  /** Outcome events in file order: unit index, day index, and the values of every outcome column (NaN = none). */
  events: { count: number; unit: Int32Array; day: Int32Array; values: Float64Array };
  quality: DataQuality;
  rows: { exposures: number; outcomes: number; pre: number };
  /** Labels of the sources (file paths) for messages. */
  sources: { exposures: string; outcomes: string; pre: string | null };
}

/** A metric cell: number, boolean (1/0) or numeric text; undefined when empty; NaN when not a number. */
export function parseNumber(value: RawValue): number | undefined {
  if (typeof value === 'number') return value;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    // Number() trims blanks and reads "" as 0: a blank-only cell is empty, not 0.
    const n = Number(value);
    if (Number.isFinite(n) && value.trim() !== '') return n;
    const t = value.trim().toLowerCase();
    if (t === 'true') return 1;
    if (t === 'false') return 0;
    return t === '' ? undefined : Number.NaN;
  }
  return Number.NaN;
}

function measuresOf(config: ExperimentConfig): { measures: Measure[]; outcomeColumns: string[]; covariateColumns: string[] } {
  const outcomeColumns: string[] = [];
  const covariateColumns: string[] = [];
  const col = (name: string) => (outcomeColumns.includes(name) ? outcomeColumns.indexOf(name) : outcomeColumns.push(name) - 1);
  const cov = (name: string | undefined) =>
    name === undefined ? null : covariateColumns.includes(name) ? covariateColumns.indexOf(name) : covariateColumns.push(name) - 1;
  const make = (spec: MetricSpec | GuardrailSpec, guardrail: GuardrailSpec | null, mid: string): Measure => ({
    id: mid,
    guardrail,
    spec,
    valueColumn: col(spec.type === 'ratio' ? spec.numerator : spec.column),
    denominatorColumn: spec.type === 'ratio' ? col(spec.denominator) : null,
    covariate: cov(spec.covariate),
  });
  const measures = [...config.metrics.map((m) => make(m, null, m.id)), ...config.guardrails.map((g) => make(g, g, g.id ?? g.metric))];
  return { measures, outcomeColumns, covariateColumns };
}

const TIME = ['timestamp', 'ts', 'time'] as const;

export async function loadExperimentData(config: ExperimentConfig): Promise<ExperimentData> {
  const quality = new DataQuality();
  const armIds = config.arms.map((a) => a.id);
  const { start, end } = { start: config.analysis.start ?? -Infinity, end: config.analysis.end ?? Infinity };
  const exposureFile = sourceLabel(config, config.exposures);
  const outcomeFile = sourceLabel(config, config.outcomes);
  const preFile = config.pre_period ? sourceLabel(config, config.pre_period) : null;
  // Exposures: a unit's arm (two different arms: excluded) and its first exposure; a large CSV on two threads.
  const exposureOptions = { unit: config.unit, armIds, segments: config.segments, start, end, label: exposureFile };
  const table = new ExposureTable(exposureOptions, quality);
  const exposureColumns = [
    { names: [config.unit], required: true },
    { names: ['arm'], required: true },
    { names: TIME, required: true },
    ...config.segments.map((s) => ({ names: [s], required: false })),
  ];
  const exposures = await readExposures(config, table, exposureColumns, exposureOptions);
  const { unitIds, arm, firstTs } = table;
  const units = arm.length;
  let first = Infinity;
  let last = -Infinity;
  for (let u = 0; u < units; u++) {
    if (arm.data[u] === BOTH_ARMS) continue;
    if (firstTs.data[u] < first) first = firstTs.data[u];
    if (firstTs.data[u] > last) last = firstTs.data[u];
  }
  const day0 = Number.isFinite(first) ? Math.floor((Number.isFinite(start) ? Math.min(start, first) : first) / DAY_MS) * DAY_MS : 0;
  const exposureDay = new Int32Array(units);
  for (let u = 0; u < units; u++) exposureDay[u] = Math.floor((firstTs.data[u] - day0) / DAY_MS);

  // Outcomes: kept as events (unit, day, values) at or after the unit's first exposure.
  const { measures, outcomeColumns, covariateColumns } = measuresOf(config);
  const k = outcomeColumns.length;
  const evUnit = new Column((n) => new Int32Array(n));
  const evDay = new Column((n) => new Int32Array(n));
  const evValues = new Column((n) => new Float64Array(n));
  const hasOutcome = new Uint8Array(units);
  let maxDay = 0;
  for (const d of exposureDay) if (d > maxDay) maxDay = d;
  const outcomes = await readSource(
    config,
    config.outcomes,
    'outcomes',
    [{ names: [config.unit], required: true }, { names: TIME, required: true }, ...outcomeColumns.map((c) => ({ names: [c], required: false }))],
    (values, line) => {
      const key = unitKey(values[0]);
      if (key === null) return quality.add('missing-unit', outcomeFile, line, `no ${config.unit}`);
      const u = unitIds.get(key);
      if (u === undefined) return quality.add('outcome-unknown-unit', outcomeFile, line, `${config.unit} ${key}`);
      if (arm.data[u] === BOTH_ARMS) return quality.add('outcome-excluded-unit', outcomeFile, line, `${config.unit} ${key}`);
      const ts = parseTimestamp(values[1]);
      if (Number.isNaN(ts)) return quality.add('bad-timestamp', outcomeFile, line, `timestamp "${String(values[1] ?? '')}"`);
      if (ts > end) return quality.add('outside-window', outcomeFile, line, new Date(ts).toISOString());
      if (ts < firstTs.data[u]) return quality.add('outcome-before-exposure', outcomeFile, line, `${config.unit} ${key} at ${new Date(ts).toISOString()}`);
      const day = Math.floor((ts - day0) / DAY_MS);
      if (day > maxDay) maxDay = day;
      evUnit.push(u);
      evDay.push(day);
      hasOutcome[u] = 1;
      for (let c = 0; c < k; c++) {
        const v = parseNumber(values[2 + c]);
        if (v !== undefined && Number.isNaN(v)) quality.add('non-numeric', outcomeFile, line, `${outcomeColumns[c]} = ${JSON.stringify(values[2 + c])}`);
        evValues.push(v === undefined || Number.isNaN(v) ? Number.NaN : v);
      }
    },
  );
  let withoutOutcomes = 0;
  for (let u = 0; u < units; u++) if (arm.data[u] >= 0 && !hasOutcome[u]) withoutOutcomes++;
  if (withoutOutcomes > 0) quality.add('exposed-without-outcomes', outcomeFile, null, `${withoutOutcomes} exposed units have no outcome row`, withoutOutcomes);

  // Pre-period: one covariate value per unit and column.
  const covariates = covariateColumns.map((name) => ({ name, of: new Float64Array(units).fill(Number.NaN) }));
  let pre: { label: string; rows: number } | null = null;
  if (config.pre_period && covariateColumns.length > 0) {
    pre = await readSource(
      config,
      config.pre_period,
      'pre_period',
      [{ names: [config.unit], required: true }, ...covariateColumns.map((c) => ({ names: [c], required: true }))],
      (values, line) => {
        const key = unitKey(values[0]);
        if (key === null) return quality.add('missing-unit', preFile ?? '', line, `no ${config.unit}`);
        const u = unitIds.get(key);
        if (u === undefined) return quality.add('pre-period-unknown-unit', preFile ?? '', line, `${config.unit} ${key}`);
        for (let c = 0; c < covariates.length; c++) {
          const v = parseNumber(values[1 + c]);
          if (v === undefined) continue;
          if (Number.isNaN(v)) quality.add('covariate-non-numeric', preFile ?? '', line, `${covariateColumns[c]} = ${JSON.stringify(values[1 + c])}`);
          else covariates[c].of[u] = v;
        }
      },
    );
    for (const c of covariates) {
      let missing = 0;
      for (let u = 0; u < units; u++) if (arm.data[u] >= 0 && Number.isNaN(c.of[u])) missing++;
      if (missing > 0) quality.add('missing-covariate', pre.label, null, `${missing} units have no ${c.name}`, missing);
    }
  }

  return {
    armIds,
    controlIndex: Math.max(0, armIds.indexOf(config.controlId)),
    unitIds,
    units,
    arm: arm.data.subarray(0, units),
    exposureDay,
    day0,
    days: units > 0 ? maxDay + 1 : 0,
    firstExposure: Number.isFinite(first) ? first : null,
    lastExposure: Number.isFinite(last) ? last : null,
    segments: config.segments.map((name, s) => ({ name, values: [...table.segmentValues[s].keys()], of: table.segmentOf[s].data.subarray(0, units) })),
    covariates,
    measures,
    outcomeColumns,
    events: { count: evUnit.length, unit: evUnit.data, day: evDay.data, values: evValues.data },
    quality,
    rows: { exposures: exposures.rows, outcomes: outcomes.rows, pre: pre?.rows ?? 0 },
    sources: { exposures: exposures.label, outcomes: outcomes.label, pre: pre?.label ?? null },
  };
}
