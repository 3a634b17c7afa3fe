// Threshold advice for `evalspec calibrate`: at which score threshold a judge check would keep its false-pass
// rate (it passes what humans fail) under a target. The advice replays the decision the check itself makes
// (one judge's score, an ensemble's mean, or an ensemble's majority of votes), so the rate it gives for the
// current threshold is the rate of the stored verdicts. Verdicts change only at the scores seen, so the
// thresholds fall into ranges (a, b] that give the same verdicts on the labelled results: the advice names
// the least strict range that meets the target, and says nothing when the current threshold already does.
import { upperBound, wilsonInterval, type Interval } from '../stats/index.js';

export interface Rate {
  count: number;
  of: number;
  rate: number | null;
  /** Two-sided Wilson interval. */
  interval: Interval | null;
  /** One-sided Clopper–Pearson upper bound at the level: the rate is at most this, with that confidence. */
  upper: number | null;
}

export interface ThresholdChoice {
  /** Pass iff the check's decision at this threshold passes (for one judge: score >= threshold). */
  threshold: number;
  /** Every threshold t with above < t <= threshold gives the same verdicts on the labelled results (null: any lower t too). */
  above: number | null;
  falsePass: Rate;
  falseFail: Rate;
}

/**
 * How the check decides at a threshold: one judge's score, the mean of an ensemble's scores, or the majority
 * of the judges' votes (each judge votes pass when its score >= threshold; an even split goes by the
 * ensemble's mean score, or its median level for a rubric).
 */
export type DecisionRule = 'score' | 'mean' | 'majority';

export interface ThresholdAdvice {
  /** The threshold the suite uses now. */
  current: number;
  rule: DecisionRule;
  /** Judges in the ensemble (1 for one judge). */
  judges: number;
  currentFalsePass: Rate;
  /** The range of thresholds that give the same verdicts as the current one on these labels: (above, upTo]; null: unbounded. */
  currentRange: { above: number | null; upTo: number | null };
  target: number;
  /** The current threshold's observed false-pass rate is at most the target. */
  meetsTarget: boolean;
  /** Every score seen is 0 or 1 (yes/no answers): every threshold in (0, 1] gives the same verdicts. */
  yesNo: boolean;
  /** The check has no threshold to tune (closed-qa, factuality: a yes/no verdict, fixed at 0.5). */
  fixed: boolean;
  /**
   * The least strict threshold range whose observed false-pass rate is at most the target; null when the
   * current threshold already meets it, when the threshold is fixed, or when no threshold does.
   */
  recommended: ThresholdChoice | null;
  /** The least strict threshold (the current one when it does) whose false-pass upper bound is at most the target; null: the labels cannot show it. */
  provable: ThresholdChoice | null;
  /** Human-failed labels needed to show the target with zero false passes (one-sided Clopper–Pearson). */
  failLabelsNeeded: number;
}

/** One labelled result: the human verdict, the value the check compares (score, mean or median) and, for a majority ensemble, each judge's score. */
export interface ThresholdItem {
  human: boolean;
  raw: number;
  votes?: number[];
}

export function rate(count: number, of: number, level: number): Rate {
  return {
    count,
    of,
    rate: of > 0 ? count / of : null,
    interval: wilsonInterval(count, of, level) ?? null,
    upper: upperBound(count, of, { method: 'clopper-pearson', level })?.high ?? null,
  };
}

/** The smallest n with 0 failures in n whose one-sided upper bound is at most target. */
function zeroFailureN(target: number, level: number): number {
  if (!(target > 0)) return Infinity;
  return Math.max(1, Math.ceil(Math.log(1 - level) / Math.log(1 - target)));
}

/** The check's verdict at threshold t, as score/judges/checks.ts decides it. */
export function passesAt(item: ThresholdItem, rule: DecisionRule, t: number): boolean {
  if (rule !== 'majority' || !item.votes || item.votes.length < 2) return item.raw >= t;
  const passes = item.votes.filter((v) => v >= t).length;
  return passes * 2 === item.votes.length ? item.raw >= t : passes * 2 > item.votes.length;
}

export function thresholdAdvice(
  items: ThresholdItem[],
  options: { current: number; rule: DecisionRule; judges: number; fixed: boolean; target: number; level: number },
): ThresholdAdvice {
  const { current, rule, target, level } = options;
  const fails = items.filter((i) => !i.human);
  const passes = items.filter((i) => i.human);
  const at = (t: number, above: number | null): ThresholdChoice => ({
    threshold: t,
    above,
    falsePass: rate(fails.filter((i) => passesAt(i, rule, t)).length, fails.length, level),
    falseFail: rate(passes.filter((i) => !passesAt(i, rule, t)).length, passes.length, level),
  });
  // The verdicts change only where t crosses a value the decision compares with.
  // With a majority rule the tie-break value (mean or median) counts only when the votes can split evenly.
  const compared = (i: ThresholdItem) =>
    rule === 'majority' && i.votes && i.votes.length >= 2 ? (i.votes.length % 2 === 0 ? [i.raw, ...i.votes] : i.votes) : [i.raw];
  const points = [...new Set(items.flatMap(compared))].sort((a, b) => a - b);
  const below = (t: number) => points.filter((p) => p < t).at(-1) ?? null;
  const now = at(current, below(current));
  const meetsTarget = now.falsePass.rate !== null && now.falsePass.rate <= target;
  const stricter = points.filter((p) => p > current);

  let recommended: ThresholdChoice | null = null;
  if (!meetsTarget && !options.fixed && fails.length > 0) {
    for (const t of stricter) {
      const c = at(t, below(t));
      if (c.falsePass.rate !== null && c.falsePass.rate <= target) {
        recommended = c;
        break;
      }
    }
  }
  let provable: ThresholdChoice | null = null;
  if (now.falsePass.upper !== null && now.falsePass.upper <= target) provable = now;
  else if (!options.fixed && fails.length > 0) {
    for (const t of stricter) {
      const c = at(t, below(t));
      if (c.falsePass.upper !== null && c.falsePass.upper <= target) {
        provable = c;
        break;
      }
    }
  }
  return {
    current,
    rule,
    judges: options.judges,
    currentFalsePass: now.falsePass,
    currentRange: { above: now.above, upTo: points.find((p) => p >= current) ?? null },
    target,
    meetsTarget,
    yesNo: points.length > 0 && points.every((p) => p === 0 || p === 1),
    fixed: options.fixed,
    recommended,
    provable,
    failLabelsNeeded: zeroFailureN(target, level),
  };
}
