// The suite's `repeat:` key: a count (`repeat: 5`), or a count with the reducer that folds a case's repeats
// into the case's pass value for every pass-rate figure (`repeat: { n: 5, reduce: pass^k }`). The reducers
// are the ones of repeats.ts; `k` written as the letter means k = n (the run's repeat count). Here in stats/
// (suite/ validates the key with this pattern) so that reading a stored run's reducer back needs no suite
// schemas (issue #22).

/** mean | majority | all | pass@K | pass^K, K a whole number or the letter k. */
export const REPEAT_REDUCE_PATTERN = /^(mean|majority|all|pass[@^]([1-9]\d*|k))$/;

export type RepeatReducerName = 'mean' | 'majority' | 'all' | `pass@${number}` | `pass^${number}`;

export interface RepeatReducer {
  /** As stats reduceRepeats takes it, with k resolved: "pass^5". */
  name: RepeatReducerName;
  /** For pass@k / pass^k. */
  k?: number;
  /** What the per-case value is, for reports and interval method names. */
  valueName: string;
  /** The estimator, named. */
  estimator: string;
}

/** The count of a parsed `repeat:` value. */
export function repeatCount(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (raw && typeof raw === 'object' && typeof (raw as { n?: unknown }).n === 'number') return (raw as { n: number }).n;
  return 1;
}

/** The raw reducer text of a `repeat:` value ("mean" when none is given, as in `repeat: 5`). */
export function repeatReduceText(raw: unknown): string {
  if (raw && typeof raw === 'object' && typeof (raw as { reduce?: unknown }).reduce === 'string') return (raw as { reduce: string }).reduce;
  return 'mean';
}

/** k of a pass@k / pass^k reducer text for n repeats (the letter k means n); undefined for other reducers. */
export function reducerK(reduce: string, n: number): number | undefined {
  const match = REPEAT_REDUCE_PATTERN.exec(reduce);
  if (!match || match[2] === undefined) return undefined;
  return match[2] === 'k' ? n : Number(match[2]);
}

/**
 * The reducer of a stored or loaded `repeat:` value, resolved for a run of `n` repeats (a `--repeat`
 * override may differ from the suite's n). An unreadable value (an old or hand-edited run) reads as mean.
 */
export function resolveRepeatReducer(raw: unknown, n: number): RepeatReducer {
  const reduce = repeatReduceText(raw);
  const match = REPEAT_REDUCE_PATTERN.exec(reduce);
  if (!match || match[1] === 'mean') {
    return { name: 'mean', valueName: 'per-case pass shares', estimator: "share of the case's repeats that passed" };
  }
  if (match[1] === 'majority') {
    return { name: 'majority', valueName: 'per-case majority verdicts', estimator: "1 when more than half of the case's repeats passed (a tie fails), else 0" };
  }
  if (match[1] === 'all') return { name: 'all', valueName: 'per-case all-passed verdicts', estimator: '1 when every repeat of the case passed, else 0' };
  const k = reducerK(reduce, n)!;
  if (reduce.startsWith('pass@')) {
    return {
      name: `pass@${k}`,
      k,
      valueName: `per-case pass@${k} estimates`,
      estimator: `unbiased pass@${k} per case, 1 − C(n−c, ${k})/C(n, ${k}) for c of n repeats passed (Chen et al. 2021)`,
    };
  }
  return {
    name: `pass^${k}`,
    k,
    valueName: `per-case pass^${k} estimates`,
    estimator: `unbiased pass^${k} per case, C(c, ${k})/C(n, ${k}) for c of n repeats passed (Yao et al. 2024)`,
  };
}
