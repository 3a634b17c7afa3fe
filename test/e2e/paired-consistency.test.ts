// One number per figure: `evalspec run --json`, `evalspec select --json` and the viewer's /api/compare give
// the same paired difference, interval and p-value for the same pair of variants (one result per case:
// Newcombe's paired interval with the corrected φ and McNemar's mid-p). Reference values are worked out
// here from the 2×2 table, independently of evalspec's code.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { cases, runScenario, writeScenario, type ScenarioSpec } from '../stats-integration/scenario.js';
import type { RunResponse } from '../../src/viewer/index.js';
import { startOver } from '../viewer/helpers.js';

afterAll(() => cleanupTempDirs());

const N = 40;
const A = (i: number) => i < 20; // 20 of 40
const B = (i: number) => (i < 20 && i !== 0 && i !== 1 && i !== 2 && i !== 3 && i !== 4) || i === 20 || i === 21; // 5 only A, 2 only B
const D = (i: number) => A(i); // agrees with A on every case

const SPEC: ScenarioSpec = {
  name: 'paired-consistency',
  cases: cases(N),
  variants: [
    { label: 'A', answer: (i) => ({ pass: A(i) }) },
    { label: 'B', answer: (i) => ({ pass: B(i) }) },
    { label: 'D', answer: (i) => ({ pass: D(i) }) },
  ],
  baseline: 'A',
};

/** Wilson 95% interval (two-sided), written out. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = x / n;
  const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [x === 0 ? 0 : center - half, x === n ? 1 : center + half];
}

/** Newcombe (1998) method 10 for B − A, with his corrected φ (A = ad − bc shrunk by n/2 when positive). */
function newcombe10(both: number, onlyA: number, onlyB: number, neither: number): [number, number] {
  const n = both + onlyA + onlyB + neither;
  const [pA, pB] = [(both + onlyA) / n, (both + onlyB) / n];
  const [lA, uA] = wilson(both + onlyA, n);
  const [lB, uB] = wilson(both + onlyB, n);
  const cross = both * neither - onlyA * onlyB;
  const margins = (both + onlyA) * (onlyB + neither) * (both + onlyB) * (onlyA + neither);
  const phi = margins === 0 ? 0 : (cross > n / 2 ? cross - n / 2 : cross >= 0 ? 0 : cross) / Math.sqrt(margins);
  const d = pB - pA;
  const low = d - Math.sqrt((pB - lB) ** 2 - 2 * phi * (pB - lB) * (uA - pA) + (uA - pA) ** 2);
  const high = d + Math.sqrt((uB - pB) ** 2 - 2 * phi * (uB - pB) * (pA - lA) + (pA - lA) ** 2);
  return [low, high];
}

/** McNemar mid-p from the discordant counts: 2·(P(X ≤ k) − P(X = k)/2), X ~ Bin(m, ½), k the smaller count. */
function midP(x: number, y: number): number {
  const m = x + y;
  const k = Math.min(x, y);
  const choose = (r: number): number => (r === 0 ? 1 : (choose(r - 1) * (m - r + 1)) / r);
  let tail = 0;
  for (let r = 0; r <= k; r++) tail += choose(r) / 2 ** m;
  return Math.min(1, 2 * (tail - choose(k) / 2 ** m / 2));
}

describe('run, select and the viewer agree on a paired comparison', () => {
  const dir = tempDir();
  let run: any, select: any, compareB: any, compareD: any;

  it('collects the three views of the same run', async () => {
    const suite = writeScenario(dir, SPEC);
    const result = await runScenario(dir, suite, ['--db', 'e.db']);
    expect(result.result.exitCode, result.result.stderr).toBe(0);
    run = result.report;
    const sel = await runCli(['select', run.runId, '--db', 'e.db', '--json', 'select.json'], { cwd: dir });
    expect(sel.exitCode, sel.stderr).toBe(0);
    select = JSON.parse(readFileSync(join(dir, 'select.json'), 'utf8'));
    const viewer = await startOver(join(dir, 'e.db'));
    try {
      const [a, b, d] = run.variants.map((v: { id: string }) => encodeURIComponent(v.id));
      const get = async (path: string) => (await fetch(`${viewer.url}api${path}`)).json();
      compareB = await get(`/compare?runA=${run.runId}&variantA=${a}&variantB=${b}`);
      compareD = await get(`/compare?runA=${run.runId}&variantA=${a}&variantB=${d}`);
    } finally {
      await viewer.closeAll();
    }
  });

  it('B − A: the same difference, Newcombe interval and McNemar mid-p in all three', () => {
    // Table: both 15, only A 5, only B 2, neither 18.
    const [low, high] = newcombe10(15, 5, 2, 18);
    const p = midP(5, 2);
    const fromRun = run.comparisons.find((c: { variant: string }) => c.variant === run.variants[1].id);
    const fromSelect = select.points.find((pt: { variant: string }) => pt.variant === run.variants[1].id).vsBest;
    expect(fromSelect.against).toBe(run.variants[0].id); // A is the best (20 of 40)
    for (const [name, c] of [
      ['run', { difference: fromRun.difference, interval: fromRun.interval, pValue: fromRun.pValue, test: fromRun.test }],
      ['select', fromSelect],
      ['viewer', compareB.pass],
    ] as const) {
      expect(c.test, name).toBe('newcombe-paired');
      expect(c.difference, name).toBeCloseTo(-3 / 40, 12);
      expect(c.interval.low, name).toBeCloseTo(low, 12);
      expect(c.interval.high, name).toBeCloseTo(high, 12);
      expect(c.pValue, name).toBeCloseTo(p, 12);
    }
  });

  it('D agrees with A on every case (20 pass, 20 fail): about ±4.7 points in all three, never "0.0 to 0.0"', () => {
    const [low, high] = newcombe10(20, 0, 0, 20);
    expect(high).toBeCloseTo(0.0468, 4); // the corrected φ is 0 here: the Wilson half-widths added in quadrature
    const fromRun = run.comparisons.find((c: { variant: string }) => c.variant === run.variants[2].id);
    const fromSelect = select.points.find((pt: { variant: string }) => pt.variant === run.variants[2].id).vsBest;
    for (const [name, interval] of [
      ['run', fromRun.interval],
      ['select', fromSelect.interval],
      ['viewer', compareD.pass.interval],
    ] as const) {
      expect(interval.low, name).toBeCloseTo(low, 12);
      expect(interval.high, name).toBeCloseTo(high, 12);
    }
    expect(compareD.pass.pValue).toBe(1);
  });
});

describe('no spread between cases with repeats: the viewer and the report give the same honest interval', () => {
  it('every case passing 2 of 3: the no-spread interval in both, not a zero-width one', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, { name: 'flat', cases: cases(12), repeat: 3, variants: [{ label: 'A', answer: (_i, r) => ({ pass: r < 2 }) }] });
    const result = await runScenario(dir, suite, ['--db', 'e.db']);
    expect(result.result.exitCode, result.result.stderr).toBe(0);
    const fromRun = result.report.variants[0].passRateCi;
    // 12 cases at 2/3 each: 2/3 ∓ (distance to the end of [0, 1])·u, u = 1 − 0.025^(1/12) (two-sided 95%).
    const u = 1 - 0.025 ** (1 / 12);
    expect(fromRun.low).toBeCloseTo(2 / 3 - (2 / 3) * u, 12);
    expect(fromRun.high).toBeCloseTo(2 / 3 + (1 / 3) * u, 12);
    const viewer = await startOver(join(dir, 'e.db'));
    try {
      const body = (await (await fetch(`${viewer.url}api/runs/${result.report.runId}`)).json()) as RunResponse;
      expect(body.summary[0].passRateCi).toEqual(fromRun);
    } finally {
      await viewer.closeAll();
    }
  });
});
