// The verdict of `evalspec ci` for a pull request, as data: which rule decided it and the counts behind it. The
// rules, in order: a refused key stops the run (fail); an incomplete or cancelled run decides nothing (warn);
// bars not met, bars not proven (unless allowed) or a non-zero exit fail; otherwise significant regressions or
// new critical failures against the baseline warn, accepted inconclusive bars warn, a run that measured nothing
// warns, and the rest passes. The sentences are report/ci-comment.ts's.

export type CiVerdict = 'pass' | 'fail' | 'warn';

/** What the verdict is read from: the gate, the exit code and the diff against the baseline, as counts. */
export interface CiFacts {
  exitCode: number;
  /** The exit codes that mean "a key was refused", "incomplete" and "cancelled" (errors.ts EXIT). */
  codes: { ok: number; auth: number; incomplete: number; cancelled: number };
  gate: { pass: boolean; met: number; notMet: number; inconclusive: number };
  allowInconclusive: boolean;
  /** Figures that got significantly worse than the baseline (0 without a baseline run). */
  regressions: number;
  /** Flipped cases that newly fail a critical check against the baseline. */
  newCriticalFailures: number;
  /** Whether any variant has cases, and whether any passed at all. */
  anyCases: boolean;
  anyPassed: boolean;
}

/** The rule that decided the verdict. */
export type CiRule =
  | 'key-refused'
  | 'cancelled'
  | 'incomplete'
  | 'bars-failed'
  | 'regressed'
  | 'inconclusive-allowed'
  | 'nothing-measured'
  | 'nothing-gated'
  | 'bars-met'
  | 'no-bars';

export interface CiVerdictFigures {
  verdict: CiVerdict;
  rule: CiRule;
  /** The failing rule's bar counts (bars-failed): not met, and not proven when that is not allowed. */
  notMet: number;
  notProven: number;
  regressions: number;
  newCriticalFailures: number;
}

export function ciVerdict(f: CiFacts): CiVerdictFigures {
  const base = { notMet: 0, notProven: 0, regressions: f.regressions, newCriticalFailures: f.newCriticalFailures };
  const is = (verdict: CiVerdict, rule: CiRule, extra: Partial<CiVerdictFigures> = {}): CiVerdictFigures => ({ ...base, verdict, rule, ...extra });
  if (f.exitCode === f.codes.auth) return is('fail', 'key-refused');
  if (f.exitCode === f.codes.cancelled) return is('warn', 'cancelled');
  if (f.exitCode === f.codes.incomplete) return is('warn', 'incomplete');
  if (f.exitCode !== f.codes.ok || !f.gate.pass) {
    return is('fail', 'bars-failed', { notMet: f.gate.notMet, notProven: f.gate.inconclusive && !f.allowInconclusive ? f.gate.inconclusive : 0 });
  }
  if (f.regressions || f.newCriticalFailures) return is('warn', 'regressed');
  if (f.gate.inconclusive) return is('warn', 'inconclusive-allowed');
  // No bars and nothing passed (or no case at all): a green tick would say the change is safe.
  if (!f.gate.met && !f.anyPassed) return is('warn', f.anyCases ? 'nothing-gated' : 'nothing-measured');
  return is('pass', f.gate.met ? 'bars-met' : 'no-bars');
}
