// How a distributed run's plan is cut into jobs: per repeat, consecutive slices of whole cases (every variant of a
// case in the same job) of about `batchItems` items. Counts worked by hand in each case.
import { describe, expect, it } from 'vitest';
import { planJobs } from '../../src/distribute/index.js';
import type { Plan } from '../../src/plan/index.js';

// planJobs reads only the counts of cases and variants and the repeat count.
const plan = (cases: number, variants: number, repeat: number) =>
  ({ cases: Array.from({ length: cases }), variants: Array.from({ length: variants }), repeat }) as unknown as Plan;
const slices = (p: Plan, batchItems: number) =>
  planJobs(p, 'r1', { batchItems, cache: true, isolateChecks: false, leaseSeconds: 60 }).map((j) => [j.repeat, j.caseFrom, j.caseTo]);

describe('planJobs', () => {
  it('slices whole cases per repeat: 5 cases x 2 variants x 2 repeats in jobs of 4 items = 2 cases a job, 3 jobs a repeat', () => {
    expect(slices(plan(5, 2, 2), 4)).toEqual([
      [0, 0, 2],
      [0, 2, 4],
      [0, 4, 5],
      [1, 0, 2],
      [1, 2, 4],
      [1, 4, 5],
    ]);
  });
  it('a batch smaller than a case (3 variants, 2 items) still holds one whole case', () => {
    expect(slices(plan(2, 3, 1), 2)).toEqual([
      [0, 0, 1],
      [0, 1, 2],
    ]);
  });
  it('covers every item exactly once: 1,000 cases x 2 variants in jobs of 200 items = 10 jobs of 100 cases', () => {
    const jobs = planJobs(plan(1000, 2, 1), 'r1', { batchItems: 200, cache: false, isolateChecks: true, leaseSeconds: 45 });
    expect(jobs).toHaveLength(10);
    expect(jobs.reduce((n, j) => n + (j.caseTo - j.caseFrom) * 2, 0)).toBe(2000);
    expect(jobs.every((j) => j.runId === 'r1' && j.cache === false && j.isolateChecks === true && j.leaseSeconds === 45)).toBe(true);
  });
  it('each job says its items (its cases x the variants), which its worker counts against its slots: 5 cases x 3 variants in jobs of 6 = 2+2+1 cases', () => {
    expect(planJobs(plan(5, 3, 1), 'r1', { batchItems: 6, cache: true, isolateChecks: false, leaseSeconds: 60 }).map((j) => j.items)).toEqual([6, 6, 3]);
  });
});
