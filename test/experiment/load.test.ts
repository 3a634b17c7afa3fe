// The experiment loader: unit values folded from outcome rows as the definitions say, the day-by-day sweep, and
// every data problem counted with its file:row (nothing silently dropped). Expected values are worked by hand
// in small-experiment.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiment/schema.js';
import { loadExperimentData } from '../../src/experiment/load.js';
import { accumulate, sweepMeasure, ACC_SIZE } from '../../src/experiment/measures.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { EXP_YAML, writeSmallExperiment } from './small-experiment.js';

afterAll(cleanupTempDirs);

async function load() {
  const config = loadExperiment(writeSmallExperiment());
  return loadExperimentData(config);
}

function valuesOf(data: Awaited<ReturnType<typeof load>>, metric: string, units: string[]): number[] {
  const values = sweepMeasure(
    data,
    data.measures.find((m) => m.id === metric)!,
  );
  return units.map((u) => values.value[data.unitIds.get(u)!]);
}

describe('experiment data loading', () => {
  it('folds outcome rows into unit values per definition', async () => {
    const data = await load();
    const units = ['u1', 'u2', 'u3', 'u4', 'u8'];
    // any(accepted > 0): u1 has a 1, u2 only 0, u3's early row is ignored but its later one is 1, u4 2, u8 nothing.
    expect(valuesOf(data, 'acceptance', units)).toEqual([1, 0, 1, 1, 0]);
    // sum of accepted: 1+0, 0, 1, 2, and 0 for a unit without rows.
    expect(valuesOf(data, 'accepted_total', units)).toEqual([1, 0, 1, 2, 0]);
    // mean of seconds: (10+20)/2; u2's only value is not a number and u8 has no rows: both left out (NaN).
    expect(valuesOf(data, 'seconds', units)).toEqual([15, Number.NaN, 5, 7, Number.NaN]);
    const ratio = sweepMeasure(
      data,
      data.measures.find((m) => m.id === 'accept_rate')!,
    );
    expect(units.map((u) => [ratio.value[data.unitIds.get(u)!], ratio.denominator![data.unitIds.get(u)!]])).toEqual([
      [1, 5],
      [0, 1],
      [1, 4],
      [2, 2],
      [0, 0],
    ]);
  });

  it('keeps the excluded unit out of every arm and counts the units per arm', async () => {
    const data = await load();
    const acceptance = sweepMeasure(data, data.measures[0]);
    const [control, treatment] = accumulate(data, acceptance, 'raw', null);
    // control: u1 (1), u2 (0); treatment: u3 (1), u4 (1), u8 (0). u5 (both arms) is in neither.
    expect([...control.slice(0, 3)]).toEqual([2, 1, 1]);
    expect([...treatment.slice(0, 3)]).toEqual([3, 2, 2]);
  });

  it('sweeps the days: each day holds the units exposed so far with their outcomes so far', async () => {
    const data = await load();
    expect(data.days).toBe(2);
    const acceptance = sweepMeasure(data, data.measures[0]);
    const day = (d: number, arm: number) => [...acceptance.daily.subarray((d * 2 + arm) * ACC_SIZE, (d * 2 + arm) * ACC_SIZE + 2)];
    // End of Nov 1: control u1 (1), u2 (0); treatment u3 (1). End of Nov 2: u4 (1) and u8 (0) join treatment.
    expect(day(0, 0)).toEqual([2, 1]);
    expect(day(0, 1)).toEqual([1, 1]);
    expect(day(1, 0)).toEqual([2, 1]);
    expect(day(1, 1)).toEqual([3, 2]);
    // accepted_total with CUPED (deciding): only units with a covariate (u1, u3, u4; u2's is not a number, u8 has none).
    const total = sweepMeasure(data, data.measures[1]);
    const last = [...total.daily.subarray((1 * 2 + 1) * ACC_SIZE, (1 * 2 + 2) * ACC_SIZE)];
    // treatment u3 (y 1, x 0.2), u4 (y 2, x 0.1): n 2, Σy 3, Σy² 5, Σx 0.3, Σx² 0.05, Σxy 0.4.
    expect(last[0]).toBe(2);
    expect(last[1]).toBe(3);
    expect(last[2]).toBe(5);
    expect(last[3]).toBeCloseTo(0.3, 12);
    expect(last[4]).toBeCloseTo(0.05, 12);
    expect(last[5]).toBeCloseTo(0.4, 12);
  });

  it('counts every data problem with the first rows named', async () => {
    const data = await load();
    const issues = Object.fromEntries(data.quality.list().map((i) => [i.kind, i]));
    const at = (kind: string) => issues[kind].examples.map((e) => `${e.file.split('/').pop()}:${e.row}`);
    expect(issues['units-in-both-arms'].count).toBe(1);
    expect(at('units-in-both-arms')).toEqual(['exposures.csv:8']);
    expect(at('unknown-arm')).toEqual(['exposures.csv:9']);
    expect(at('bad-timestamp')).toEqual(['exposures.csv:10']);
    expect(at('missing-unit')).toEqual(['exposures.csv:11']);
    expect(at('non-numeric')).toEqual(['outcomes.jsonl:3']);
    expect(at('outcome-before-exposure')).toEqual(['outcomes.jsonl:4']);
    expect(at('outcome-excluded-unit')).toEqual(['outcomes.jsonl:7']);
    expect(at('outcome-unknown-unit')).toEqual(['outcomes.jsonl:8']);
    expect(issues['exposed-without-outcomes'].count).toBe(1); // u8
    expect(at('covariate-non-numeric')).toEqual(['pre.csv:3']);
    expect(at('pre-period-unknown-unit')).toEqual(['pre.csv:6']);
    expect(issues['missing-covariate'].count).toBe(2); // u2 (not a number) and u8 (no row)
    expect(data.rows).toEqual({ exposures: 11, outcomes: 8, pre: 5 });
  });

  it('names the file, line and fix of a structural error', async () => {
    const { analyzeExperimentFileError } = await import('./expect-error.js');
    await analyzeExperimentFileError(
      writeSmallExperiment(undefined, { 'exposures.csv': 'user_id,variant,timestamp\nu1,control,2026-11-01T10:00:00Z\n' }),
      /exposures: the header has no column "arm"/,
      'exposures.csv:1',
    );
    // An unknown key is named at its own line (line 5: the treatment arm), with the valid keys as the fix.
    const yaml = EXP_YAML.replace('{ id: treatment, weight: 0.5 }', '{ id: treatment, weight: 0.5, colour: red }');
    await analyzeExperimentFileError(writeSmallExperiment(yaml), /unknown key colour/, 'exp.yaml:5');
  });
});

describe('experiment cell parsing', () => {
  it('reads timestamps as ISO 8601 or epoch milliseconds', async () => {
    const { parseTimestamp } = await import('../../src/experiment/load.js');
    expect(parseTimestamp('2026-11-01T10:00:00Z')).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseTimestamp('2026-11-01T10:00:00.250+01:00')).toBe(Date.UTC(2026, 10, 1, 9, 0, 0, 250));
    expect(parseTimestamp('1793527200000')).toBe(1793527200000);
    expect(parseTimestamp(1793527200000)).toBe(1793527200000);
    expect(parseTimestamp('yesterday')).toBeNaN();
    expect(parseTimestamp('')).toBeNaN();
  });

  it('reads metric cells as numbers, booleans as 1/0, blanks as missing and anything else as not a number', async () => {
    const { parseNumber } = await import('../../src/experiment/load.js');
    expect([parseNumber('12.5'), parseNumber(' 3 '), parseNumber(7), parseNumber(true), parseNumber('FALSE'), parseNumber('True')]).toEqual([
      12.5, 3, 7, 1, 0, 1,
    ]);
    expect([parseNumber(''), parseNumber('  '), parseNumber(undefined), parseNumber(null)]).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseNumber('n/a')).toBeNaN();
    expect(parseNumber('Infinity')).toBeNaN();
    expect(parseNumber({})).toBeNaN();
  });
});

describe('experiment analysis window', () => {
  it('ignores and counts exposures and outcomes outside analysis.start/end', async () => {
    const yaml = EXP_YAML.replace(
      'analysis: { min_segment_units: 2, novelty_days: 1 }',
      'analysis: { min_segment_units: 2, novelty_days: 1, end: "2026-11-02T00:00:00Z" }',
    );
    const data = await loadExperimentData(loadExperiment(writeSmallExperiment(yaml)));
    const issues = Object.fromEntries(data.quality.list().map((i) => [i.kind, i]));
    // Exposures after Nov 2 00:00: u4 (line 5), u1's repeat (6), both of u5's (7, 8) and u8 (12); so u5 is no
    // longer in both arms, and only u1, u2, u3 are units.
    expect(issues['outside-window'].examples.filter((e) => e.file.endsWith('exposures.csv')).map((e) => e.row)).toEqual([5, 6, 7, 8, 12]);
    expect(issues['units-in-both-arms']).toBeUndefined();
    expect([...data.unitIds.keys()]).toEqual(['u1', 'u2', 'u3']);
    // Outcomes: u1's Nov 2 row is after the end (line 2); u4's, u5's and u9's rows belong to no unit.
    expect(issues['outside-window'].count).toBe(6);
    expect(issues['outcome-unknown-unit'].examples.map((e) => e.row)).toEqual([6, 7, 8]);
  });
});
