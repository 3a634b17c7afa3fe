// Which cases flipped between two runs (fixed, broken, still failing) and which started or stopped being flaky,
// for run-diff.ts. A case's verdict is its pass value under the suite's repeat reducer (the value every
// pass-rate figure uses: outcomes.ts caseValue, set by analysis/repeat-reduction.ts), so `repeat: { n: 3,
// reduce: pass^k }` flips a case that went from 3/3 to 2/3, where the mean of repeats would not.
import { caseAt, caseValue, type CaseList, type CaseOutcome, type OutcomeList } from './outcomes.js';
import type { CasePairs } from './case-pairs.js';

export type FlipKind = 'fixed' | 'broken' | 'still-failing';

export interface CaseSideSummary {
  results: number;
  passed: number;
  errored: number;
  /** The case's pass value under its run's repeat reducer (the share passed for mean); the verdict is value > 1/2. */
  passValue: number;
  score: number | null;
}

export interface CaseFlip {
  caseId: string;
  kind: FlipKind;
  tags: string[];
  before: CaseSideSummary;
  after: CaseSideSummary;
  /**
   * Critical check metrics (severity: critical) that failed in some repeat after and in none before: the case
   * newly fails a zero-tolerance check (the reading of failure-rate bars, stats/outcomes.ts caseFailure).
   */
  newCriticalFailures: string[];
}

export interface FlakyChange {
  caseId: string;
  /** Judged repeats and how many passed, in each run. */
  before: { judged: number; passed: number };
  after: { judged: number; passed: number };
}

/**
 * A case passes when its pass value is above one half: for the mean reducer the majority of its results (a tie
 * is not passed; errored results count as not passed), for majority / all their 0-or-1 verdict, for pass@k /
 * pass^k an estimated chance above one half.
 */
export function casePassed(o: CaseOutcome): boolean {
  return passVerdict(caseValue(o, 'pass_rate') ?? 0);
}

/** The verdict of a case's pass value (in [0, 1], under the suite's repeat reducer): above one half. */
export function passVerdict(passValue: number): boolean {
  return passValue > 0.5;
}

/**
 * Side summaries, one frozen object per distinct set of figures: a large diff has hundreds of thousands of flips
 * (every still-failing case) whose sides repeat a handful of figures (1 result, 0 passed, score 0), and two objects
 * per flip were ~40 MB at 500,000 cases (issue #22). Readers never modify them.
 */
class SideSummaries {
  private readonly known = new Map<string, CaseSideSummary>();

  of(o: CaseOutcome): CaseSideSummary {
    const passValue = caseValue(o, 'pass_rate') ?? 0;
    const key = `${o.results} ${o.passed} ${o.errored} ${passValue} ${o.score}`;
    let summary = this.known.get(key);
    if (summary === undefined) {
      summary = Object.freeze({ results: o.results, passed: o.passed, errored: o.errored, passValue, score: o.score });
      // Continuous scores can make most summaries distinct: stop remembering rather than grow without bound.
      if (this.known.size < 65536) this.known.set(key, summary);
    }
    return summary;
  }
}

/** The flips' shared empty list of new critical failures (most flips have none). */
const NONE: string[] = Object.freeze([]) as unknown as string[];

/** Critical check metrics that failed in at least one repeat. */
function criticalFailures(o: CaseOutcome): Set<string> {
  return new Set(
    Object.entries(o.checks.critical ?? {})
      .filter(([, c]) => c.failed > 0)
      .map(([m]) => m),
  );
}

function newCriticalFailures(before: CaseOutcome, after: CaseOutcome): string[] {
  // Most flips (every still-failing case of a large run) fail no critical check: skip the two sets.
  if (after.checkCounts && after.checkCounts({ severity: 'critical' }).failed === 0) return NONE;
  const was = criticalFailures(before);
  const failures = [...criticalFailures(after)].filter((m) => !was.has(m)).sort();
  return failures.length ? failures : NONE;
}

function judgedRepeats(o: CaseOutcome | undefined): { judged: number; passed: number } {
  if (!o) return { judged: 0, passed: 0 };
  return { judged: o.results - o.errored, passed: o.passed };
}

function isFlaky(r: { judged: number; passed: number }): boolean {
  return r.judged >= 2 && r.passed > 0 && r.passed < r.judged;
}

/** Flips over the paired cases (before index, after index) that have results on both sides. */
export function caseFlips(
  before: OutcomeList,
  after: OutcomeList,
  pairs: CasePairs,
  cases: CaseList,
): { fixed: CaseFlip[]; broken: CaseFlip[]; stillFailing: CaseFlip[] } {
  const flips = { fixed: [] as CaseFlip[], broken: [] as CaseFlip[], stillFailing: [] as CaseFlip[] };
  const summaries = new SideSummaries();
  for (let k = 0; k < pairs.length; k++) {
    const ia = pairs.before[k];
    const ib = pairs.after[k];
    const a = before.at(ia)!;
    const b = after.at(ib)!;
    const pa = casePassed(a);
    const pb = casePassed(b);
    if (pa && pb) continue;
    const kind: FlipKind = pa ? 'broken' : pb ? 'fixed' : 'still-failing';
    const info = caseAt(cases, ib);
    const flip: CaseFlip = {
      caseId: info.id,
      kind,
      // The case's tag list itself (shared by the cases with the same tags, never modified), not a copy per flip.
      tags: info.tags as string[],
      before: summaries.of(a),
      after: summaries.of(b),
      newCriticalFailures: newCriticalFailures(a, b),
    };
    (kind === 'fixed' ? flips.fixed : kind === 'broken' ? flips.broken : flips.stillFailing).push(flip);
  }
  return flips;
}

/** With repeats: the paired cases whose judged repeats started or stopped disagreeing. */
export function flakyChanges(before: OutcomeList, after: OutcomeList, pairs: CasePairs, cases: CaseList): { became: FlakyChange[]; stopped: FlakyChange[] } {
  const flaky = { became: [] as FlakyChange[], stopped: [] as FlakyChange[] };
  for (let k = 0; k < pairs.length; k++) {
    const ia = pairs.before[k];
    const ib = pairs.after[k];
    const rb = judgedRepeats(before.at(ia));
    const ra = judgedRepeats(after.at(ib));
    const was = isFlaky(rb);
    const is = isFlaky(ra);
    if (is && !was && rb.judged > 0) flaky.became.push({ caseId: caseAt(cases, ib).id, before: rb, after: ra });
    else if (was && !is && ra.judged > 0) flaky.stopped.push({ caseId: caseAt(cases, ib).id, before: rb, after: ra });
  }
  return flaky;
}
