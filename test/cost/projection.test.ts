// Scale projection: volume parsing and the spend / saving arithmetic.
import { describe, expect, it } from 'vitest';
import { parseVolume, projectSelection, selectModels, type CaseOutcome, type SelectionVariant } from '../../src/analysis/index.js';

describe('parseVolume', () => {
  it.each([
    ['2M/month', 2e6, 'month', 2e6, 24e6],
    ['500k/day', 5e5, 'day', (5e5 * 365) / 12, 5e5 * 365],
    ['1e6', 1e6, 'month', 1e6, 12e6],
    ['2m per month', 2e6, 'month', 2e6, 24e6],
    ['120,000/week', 1.2e5, 'week', (1.2e5 * 52) / 12, 1.2e5 * 52],
    ['1.5B/yr', 1.5e9, 'year', 1.5e9 / 12, 1.5e9],
    ['750K /mo', 7.5e5, 'month', 7.5e5, 9e6],
    ['3000 daily', 3000, 'day', (3000 * 365) / 12, 3000 * 365],
  ])('%s', (text, count, period, perMonth, perYear) => {
    const v = parseVolume(text);
    expect(v.count).toBeCloseTo(count, 6);
    expect(v.period).toBe(period);
    expect(v.perMonth).toBeCloseTo(perMonth, 6);
    expect(v.perYear).toBeCloseTo(perYear, 6);
  });

  it.each(['', 'lots', '-5/month', '0', '2M/fortnight', '2X'])('rejects %j', (text) => {
    expect(() => parseVolume(text)).toThrow(/cannot read the volume/);
  });
});

describe('projectSelection', () => {
  const outcome = (pass: boolean, costUsd: number): CaseOutcome => ({
    pass: pass ? 1 : 0,
    costUsd,
    judgeCostUsd: 0,
    latenciesMs: [],
    generated: { outputTokens: 0, latencyMs: 0 },
  });
  // 100 cases: 80 "consumer" (cheap prompts), 20 "enterprise" (long prompts, twice the cost).
  const mk = (id: string, passes: (i: number) => boolean, base: number): SelectionVariant => ({
    id,
    cases: new Map(Array.from({ length: 100 }, (_, i) => [`c${i}`, outcome(passes(i), i < 80 ? base : 2 * base)])),
  });
  const big = mk('big', (i) => i % 10 !== 0, 0.01); // 90%
  const small = mk('small', (i) => i % 10 !== 0 && i !== 85, 0.001); // 89%, misses one enterprise case more
  const segments = new Map(Array.from({ length: 100 }, (_, i) => [`c${i}`, i < 80 ? 'consumer' : 'enterprise']));
  const input = { variants: [big, small], segments, binary: true, within: 0.3 };
  const selection = selectModels(input);
  const volume = parseVolume('2M/month');
  const projection = projectSelection(input, selection, volume);

  it('turns cost per case into monthly and yearly spend', () => {
    const costBig = (80 * 0.01 + 20 * 0.02) / 100;
    const costSmall = (80 * 0.001 + 20 * 0.002) / 100;
    expect(projection.baseline).toBe('big');
    const spend = new Map(projection.spend.map((s) => [s.variant, s]));
    expect(spend.get('big')!.monthlyUsd).toBeCloseTo(costBig * 2e6, 6);
    expect(spend.get('big')!.yearlyUsd).toBeCloseTo(costBig * 24e6, 6);
    expect(spend.get('small')!.yearlyUsd).toBeCloseTo(costSmall * 24e6, 6);
    const all = projection.switches.find((s) => s.scope === 'overall')!;
    expect(all.to).toBe('small');
    expect(all.yearlySavingUsd).toBeCloseTo((costBig - costSmall) * 24e6, 6);
    expect(all.monthlySavingUsd).toBeCloseTo((costBig - costSmall) * 2e6, 6);
    expect(all.qualityChange).toBeCloseTo(-0.01, 12);
    expect(all.qualityChangeCi!.low).toBeLessThan(-0.01);
  });

  it("projects a segment switch on that segment's share of the volume and cost", () => {
    const enterprise = projection.switches.find((s) => s.scope === 'enterprise')!;
    expect(enterprise.casesPerYear).toBeCloseTo(24e6 * 0.2, 6);
    expect(enterprise.yearlySavingUsd).toBeCloseTo((0.02 - 0.002) * 24e6 * 0.2, 6);
    expect(enterprise.qualityChange).toBeCloseTo(-0.05, 12); // 1 of 20 enterprise cases
  });

  it('measures savings from a given baseline instead of the best', () => {
    const fromSmall = projectSelection(input, selection, volume, 'small');
    expect(fromSmall.baseline).toBe('small');
    const toBig = fromSmall.switches.find((s) => s.scope === 'overall')!;
    expect(toBig.yearlySavingUsd).toBeLessThan(0);
    expect(toBig.qualityChange).toBeCloseTo(0.01, 12);
    expect(() => projectSelection(input, selection, volume, 'nope')).toThrow(/no variant/);
  });
});
