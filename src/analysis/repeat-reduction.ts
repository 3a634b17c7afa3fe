// How the suite's repeat reducer (`repeat: { n, reduce }`, suite/repeat-spec.ts) turns one case's repeats
// into the case's pass value, for every pass-rate figure of a report. Errored repeats count as not passed,
// as everywhere in the pass rate.
import type { RunRecord } from '../store/index.js';
import { EvalspecError } from '../errors.js';
import { REPEAT_REDUCE_PATTERN, reducerK, resolveRepeatReducer, type RepeatReducer } from '../stats/index.js';
import { allPassed, majorityPassed, passAtK, passHatK } from '../stats/index.js';

/** The reducer stored with the run, resolved for its repeat count. */
export function runRepeatReducer(run: Pick<RunRecord, 'config' | 'repeat'>): RepeatReducer {
  return resolveRepeatReducer(run.config.repeat, run.repeat);
}

/**
 * The run as if its suite had said `repeat: { n, reduce }` (`show` / `gate --reduce`): every figure and bar
 * verdict built from the view uses that reducer. Returns the view and the reducer the suite stored. A reducer
 * that does not parse, a k above the run's repeats or a run of one repeat is a usage error (exit 2).
 */
export function withRepeatReducer<R extends Pick<RunRecord, 'id' | 'config' | 'repeat'>>(run: R, reduce: string): { run: R; stored: string } {
  const stored = runRepeatReducer(run).name;
  const fix = `use mean, majority, all, pass@K or pass^K with K from 1 to ${run.repeat} (or the letter k for ${run.repeat})`;
  if (!REPEAT_REDUCE_PATTERN.test(reduce)) throw new EvalspecError('USAGE', `--reduce ${reduce} is not a repeat reducer`, { hint: fix });
  if (run.repeat < 2)
    throw new EvalspecError('USAGE', `--reduce: run ${run.id} has one repeat per case, so there is nothing to reduce`, {
      hint: 'run the suite with repeat: N (or --repeat N) first',
    });
  const k = reducerK(reduce, run.repeat);
  if (k !== undefined && k > run.repeat)
    throw new EvalspecError('USAGE', `--reduce ${reduce}: run ${run.id} has ${run.repeat} repeats per case, fewer than k = ${k}`, { hint: fix });
  // Keep the rest of the stored `repeat:` value; only the reducer changes.
  const raw = run.config.repeat;
  const repeat = { ...(raw && typeof raw === 'object' ? raw : {}), n: run.repeat, reduce };
  return { run: { ...run, config: { ...run.config, repeat } }, stored };
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
