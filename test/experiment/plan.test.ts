// planExperiment: the variance from the control arm's unit values (or the pre-period before outcomes exist) and
// the traffic from the exposures, into the textbook sample size.
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiment } from '../../src/experiment/index.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { writeSmallExperiment } from './small-experiment.js';

afterAll(cleanupTempDirs);

describe('planExperiment', () => {
  it('uses the control arm’s variance and the observed traffic', async () => {
    const plan = await planExperiment(writeSmallExperiment(), { mde: 0.1 });
    const acceptance = plan.metrics.find((m) => m.metric === 'acceptance')!;
    // Control acceptance values [1, 0]: mean 0.5, sample sd √0.5. Equal arms at 95% / 80% power:
    // n = 2 (z.975 + z.8)² σ² / mde² = 2 × (1.959964 + 0.841621)² × 0.5 / 0.01 = 784.89 → 785 per arm.
    expect(acceptance.controlMean).toBe(0.5);
    expect(acceptance.sd!).toBeCloseTo(Math.SQRT1_2, 12);
    expect(acceptance.unitsPerArm).toEqual([785, 785]);
    expect(acceptance.totalUnits).toBe(1570);
    // 5 units first exposed over 2 days: 2.5 a day, so 1570 / 2.5 = 628 days.
    expect(plan.unitsPerDay).toBe(2.5);
    expect(acceptance.days).toBe(628);
    expect(acceptance.varianceFrom).toBe('control arm');
  });
});
