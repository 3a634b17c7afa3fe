// The offline ↔ online link (src/experiment/offline-link.ts) on the ab-suggestions example's suite, run through the
// built CLI on a temporary copy: the paired offline difference is the one `show` prints for the same pair, its
// McNemar mid-p matches scipy, the per-segment differences match counts made here from the replay logs with the
// suite's two checks written again in the test, two runs (one per arm, `run:`) give the same figures as one run
// holding both, and agreement in direction follows the online effect (sign, interval across 0, lower-is-better).
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { offlineLink, directionAgreement, type ArmComparison, type EffectEstimate, type MetricResult } from '../../src/experiment/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const EXAMPLE = join(REPO, 'examples/ab-suggestions');
let dir: string;
let store: Store;
let bothRun: string;
let v1Run: string;
let v2Run: string;

const cli = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 120_000 });
const runId = (stdout: string) => /as run (\S+);/.exec(stdout)![1];

/** The suite's checks, written again: a time word or "by …day", and at most 25 words. */
const passes = (output: string) => /\b(today|tomorrow|by \w+day)\b/i.test(output) && output.trim().split(/\s+/).length <= 25;
const lines = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Hand count: mean pass of v2 − mean pass of v1 over the cases with the tag (all cases when null). */
function handDifference(tag: string | null): number {
  const cases = lines('cases.jsonl').filter((c) => tag === null || c.tags.includes(tag));
  const ids = new Set(cases.map((c) => c.id));
  const rate = (file: string) => lines(file).filter((o) => ids.has(o.id) && passes(o.output)).length / ids.size;
  return rate('outputs/suggest-v2.jsonl') - rate('outputs/suggest-v1.jsonl');
}

const effect = (estimate: number, low: number, high: number): EffectEstimate => ({
  estimate,
  se: 0.01,
  low,
  high,
  p: 0.01,
  df: null,
  level: 0.95,
  method: 'test',
});

/** A primary metric as analyzeExperiment would give it: online effect overall and in the two plan segments. */
function primary(overall: EffectEstimate, segments: Record<string, EffectEstimate>, higherIsBetter = true): MetricResult {
  const comparison = (e: EffectEstimate) => ({
    arm: 'treatment',
    control: 'control',
    effect: { absolute: { ...e, low: e.low - 1, high: e.high + 1 }, relative: null, note: null },
    raw: { absolute: e, relative: null, note: null },
    cuped: null,
    // The deciding interval is the sequential one: the link must use it, not the (wider here) fixed one.
    sequential: { absolute: e, relative: null },
    deciding: 'sequential' as const,
    adjustedP: 0.01,
    conclusion: null as ArmComparison['conclusion'],
  });
  return {
    id: 'accept_rate',
    type: 'ratio',
    higherIsBetter,
    definition: 'accepted / shown',
    covariate: null,
    arms: [],
    comparisons: [comparison(overall)],
    segments: Object.entries(segments).map(([segment, e]) => ({ segment, units: [100, 100], tooSmall: false, comparisons: [comparison(e)] })),
    novelty: [],
    series: [],
  };
}

const arms = [
  { id: 'control', variant: 'suggest-v1' },
  { id: 'treatment', variant: 'suggest-v2' },
];

beforeAll(async () => {
  dir = tempDir('evalspec-offline-link-');
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, '.evalspec'), { recursive: true, force: true });
  const one = await cli(['run', 'evalspec.yaml']);
  expect(one.exitCode, one.stderr).toBe(0);
  bothRun = runId(one.stdout);
  const v1 = await cli(['run', 'evalspec.yaml', '--model', 'suggest-v1']);
  const v2 = await cli(['run', 'evalspec.yaml', '--model', 'suggest-v2']);
  expect([v1.exitCode, v2.exitCode]).toEqual([0, 0]);
  [v1Run, v2Run] = [runId(v1.stdout), runId(v2.stdout)];
  store = openStore(dbPath(dir));
}, 180_000);
afterAll(async () => {
  await store?.close();
  cleanupTempDirs();
});

describe('offlineLink', () => {
  it('gives the paired difference `show` prints, with scipy’s McNemar mid-p, per segment too', async () => {
    const shown = await cli(['show', bothRun, '--json', 'show.json']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8'));
    const fromShow = report.comparisons.find((c: { variant: string }) => c.variant.includes('suggest-v2'));

    const link = await offlineLink(store, { suite: join(dir, 'evalspec.yaml'), control: 'control', arms }, primary(effect(0.03, 0.01, 0.05), {}));
    expect(link!.note).toBeNull();
    expect(link!.suite).toBe('smart-suggestions');
    const [c] = link!.comparisons;
    expect(c.runIds).toEqual({ control: bothRun, treatment: bothRun });
    expect(c.difference!.estimate).toBeCloseTo(handDifference(null), 12);
    expect(c.difference!.low).toBeCloseTo(fromShow.interval.low, 12);
    expect(c.difference!.high).toBeCloseTo(fromShow.interval.high, 12);
    // 35 cases only v2 passed, 7 only v1 (the run's McNemar line); scipy: 2·binom.cdf(6, 42, .5) + binom.pmf(7, 42, .5).
    expect(c.difference!.p).toBeCloseTo(8.963039363152332e-6, 12);
    expect(c.difference!.method).toMatch(/Newcombe/);
    expect(c.agree).toBe('yes');

    const bySegment = await offlineLink(
      store,
      { suite: 'smart-suggestions', control: 'control', arms },
      primary(effect(0.03, 0.01, 0.05), {
        'plan=pro': effect(0.04, 0.01, 0.07),
        'plan=free': effect(-0.01, -0.03, 0.01),
        'plan=trial': effect(0.1, 0.05, 0.15),
      }),
    );
    const segments = Object.fromEntries(bySegment!.comparisons[0].segments.map((s) => [s.segment, s]));
    expect(segments['plan=pro'].difference!.estimate).toBeCloseTo(handDifference('segment:plan=pro'), 12);
    expect(segments['plan=free'].difference!.estimate).toBeCloseTo(handDifference('segment:plan=free'), 12);
    expect(segments['plan=pro'].agree).toBe(segments['plan=pro'].difference!.low > 0 ? 'yes' : 'unclear');
    expect(segments['plan=free'].agree).toBe('unclear'); // the online interval spans 0
    // No case carries the tag: no offline figure, never a 0.
    expect(segments['plan=trial']).toMatchObject({ difference: null, agree: 'unclear' });
  });

  it('pairs cases by id across two runs (`run:` per arm) with the same figures as one run', async () => {
    const one = await offlineLink(store, { suite: 'smart-suggestions', control: 'control', arms: arms.map((a) => ({ ...a, run: bothRun })) }, undefined);
    const two = await offlineLink(
      store,
      {
        suite: 'smart-suggestions',
        control: 'control',
        arms: [
          { ...arms[0], run: v1Run },
          { ...arms[1], run: v2Run },
        ],
      },
      undefined,
    );
    expect(two!.comparisons[0].runIds).toEqual({ control: v1Run, treatment: v2Run });
    expect(two!.comparisons[0].difference).toEqual(one!.comparisons[0].difference);
    // No online side given: agreement cannot be judged.
    expect(two!.comparisons[0]).toMatchObject({ online: null, agree: 'unclear' });
  });

  it('does not judge agreement when the sample ratio check fired (the online side is not readable)', async () => {
    const blocked = primary(effect(0.03, 0.01, 0.05), { 'plan=pro': effect(0.04, 0.01, 0.07) });
    for (const c of [...blocked.comparisons, ...blocked.segments.flatMap((s) => s.comparisons)]) c.conclusion = 'blocked';
    const link = await offlineLink(store, { suite: 'smart-suggestions', control: 'control', arms }, blocked);
    expect(link!.comparisons[0].agree).toBe('unclear');
    expect(link!.comparisons[0].segments[0].agree).toBe('unclear');
    expect(link!.comparisons[0].difference).not.toBeNull();
    expect(link!.note).toMatch(/sample ratio check fired/);
  });

  it('says what is missing instead of guessing', async () => {
    expect(await offlineLink(store, { suite: 'smart-suggestions', control: 'control', arms: [{ id: 'control' }, { id: 'treatment' }] }, undefined)).toBeNull();
    const noSuite = await offlineLink(store, { suite: null, control: 'control', arms }, undefined);
    expect(noSuite).toMatchObject({ comparisons: [], note: expect.stringMatching(/no `suite:`/) });
    const unknown = await offlineLink(
      store,
      { suite: 'smart-suggestions', control: 'control', arms: [arms[0], { id: 'treatment', variant: 'suggest-v9' }] },
      undefined,
    );
    expect(unknown!.comparisons).toEqual([]);
    expect(unknown!.note).toMatch(/no completed run of suite smart-suggestions holds both suggest-v1 and suggest-v9/);
    await expect(
      offlineLink(store, { suite: 'smart-suggestions', control: 'control', arms: [{ ...arms[0], run: 'no-such-run' }, arms[1]] }, undefined),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/run no-such-run is not in the store/),
    });
  });
});

describe('directionAgreement', () => {
  const up = effect(0.1, 0.05, 0.15);
  const down = effect(-0.1, -0.15, -0.05);
  const flat = effect(0.01, -0.02, 0.04);
  it('agrees when both intervals exclude 0 on the same side, for a metric where higher is better', () => {
    expect(directionAgreement(up, up, true)).toBe('yes');
    expect(directionAgreement(up, down, true)).toBe('no');
    expect(directionAgreement(down, down, true)).toBe('yes');
  });
  it('reads a lower-is-better metric the other way round (fewer seconds is better)', () => {
    expect(directionAgreement(up, down, false)).toBe('yes');
    expect(directionAgreement(up, up, false)).toBe('no');
  });
  it('is unclear when either interval spans 0 or a side is unknown', () => {
    expect(directionAgreement(up, flat, true)).toBe('unclear');
    expect(directionAgreement(flat, up, true)).toBe('unclear');
    expect(directionAgreement(null, up, true)).toBe('unclear');
  });
});
