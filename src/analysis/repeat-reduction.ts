// How the suite's repeat reducer (`repeat: { n, reduce }`, suite/repeat-spec.ts) turns one case's repeats
// into the case's pass value, for every pass-rate figure of a report. Errored repeats count as not passed,
// as everywhere in the pass rate.
import type { RunRecord } from '../store/index.js';
import { resolveRepeatReducer, type RepeatReducer } from '../suite/index.js';
import { allPassed, majorityPassed, passAtK, passHatK } from '../stats/index.js';

/** The reducer stored with the run, resolved for its repeat count. */
export function runRepeatReducer(run: Pick<RunRecord, 'config' | 'repeat'>): RepeatReducer {
  return resolveRepeatReducer(run.config.repeat, run.repeat);
}

/**
 * The pass value of a case with `passed` of `results` repeats passed. A case with fewer results than k (a
 * run stopped early) is estimated with k = its result count: say so with {@link shortOfK}.
 */
export function reducedPassValue(reducer: RepeatReducer, results: number, passed: number): number {
  if (results === 0) return 0;
  switch (reducer.name) {
    case 'mean':
      return passed / results;
    case 'majority':
      return majorityPassed([...Array<boolean>(passed).fill(true), ...Array<boolean>(results - passed).fill(false)]) ? 1 : 0;
    case 'all':
      return allPassed([...Array<boolean>(passed).fill(true), ...Array<boolean>(results - passed).fill(false)]) ? 1 : 0;
    default: {
      const k = Math.min(reducer.k!, results);
      return reducer.name.startsWith('pass@') ? passAtK(results, passed, k) : passHatK(results, passed, k);
    }
  }
}

/** Whether a case has fewer results than the reducer's k (its value then uses k = its result count). */
export function shortOfK(reducer: RepeatReducer, results: number): boolean {
  return reducer.k !== undefined && results > 0 && results < reducer.k;
}

/** The report's description of the reducer (JSON `repeatReduce`), or null for the default with one repeat. */
export function repeatReduceSummary(
  reducer: RepeatReducer,
  repeat: number,
  shortCases: number,
): { reducer: string; k: number | null; estimator: string; shortCases: number } | null {
  if (repeat === 1 && reducer.name === 'mean') return null;
  return { reducer: reducer.name, k: reducer.k ?? null, estimator: reducer.estimator, shortCases };
}
