// The figures behind `evalspec doctor` (report/doctor.ts words them as findings): which cases every variant
// passes, none passes or all errored, the first failing check of each unpassed case, the check metrics that never
// failed, and what a diff with the previous run of the suite can detect.
import type { Store, RunRecord } from '../store/index.js';
import type { CaseOutcome, RunOutcomes } from '../stats/index.js';
import { diffFigures } from './diff-figures.js';

/** The least sensitive pass-rate comparison with the newest earlier run that differs from this one. */
export interface PreviousRunDetectable {
  runId: string;
  variant: string;
  n: number;
  se: number;
  /** Its minimum detectable difference (80% power). */
  mdd: number;
}

function allPassed(o: CaseOutcome | undefined): boolean {
  return !!o && o.results > 0 && o.errored === 0 && o.passed === o.results;
}

/**
 * A failing check reason per case, from slim results: the first variant in the run's order that failed it (then
 * the first repeat), so the same run always gives the same reason whatever order the results were written in.
 */
export async function failureReasons(store: Store, run: RunRecord, caseIds: ReadonlySet<string>): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  if (caseIds.size === 0) return reasons;
  const rank = new Map(run.variants.map((v, i) => [v.id, i]));
  const best = new Map<string, { order: number; text: string }>();
  for await (const r of store.results.list(run.id, { slim: true })) {
    if (!caseIds.has(r.caseId) || r.errorClass) continue;
    const failed = r.checks.find((c) => !c.pass);
    if (!failed) continue;
    const order = (rank.get(r.variantId) ?? rank.size) * 1e6 + r.repeat;
    const held = best.get(r.caseId);
    if (!held || order < held.order) best.set(r.caseId, { order, text: `${r.variantId}: ${failed.metric} (${failed.type}): ${failed.reason}` });
  }
  for (const [caseId, { text }] of best) reasons[caseId] = text;
  return reasons;
}

export function caseGroups(outcomes: RunOutcomes): { saturated: string[]; unpassed: string[]; errored: string[]; withResults: number } {
  const saturated: string[] = [];
  const unpassed: string[] = [];
  const errored: string[] = [];
  let withResults = 0;
  outcomes.cases.forEach((c, i) => {
    const per = outcomes.variants.map((v) => v.outcomes[i]).filter((o): o is CaseOutcome => !!o && o.results > 0);
    if (per.length === 0) return;
    withResults++;
    if (per.every((o) => o.errored === o.results)) errored.push(c.id);
    else if (per.length === outcomes.variants.length && per.every(allPassed)) saturated.push(c.id);
    else if (per.every((o) => o.passed === 0)) unpassed.push(c.id);
  });
  return { saturated, unpassed, errored, withResults };
}

/** Check metrics (per severity) judged at least once and never failed, in the order first seen; graded when their scores vary. */
export function neverFailingChecks(outcomes: RunOutcomes): { severity: 'normal' | 'critical'; metric: string; judged: number; graded: boolean }[] {
  const totals = new Map<string, { severity: 'normal' | 'critical'; metric: string; judged: number; failed: number; scores: Set<number> }>();
  for (const v of outcomes.variants) {
    for (const o of v.outcomes) {
      if (!o) continue;
      for (const severity of ['normal', 'critical'] as const) {
        for (const [metric, counts] of Object.entries(o.checks[severity] ?? {})) {
          const key = `${severity}\u0000${metric}`;
          const t = totals.get(key) ?? { severity, metric, judged: 0, failed: 0, scores: new Set<number>() };
          t.judged += counts.judged;
          t.failed += counts.failed;
          if (o.metrics[metric] !== undefined) t.scores.add(Math.round(o.metrics[metric] * 1e6) / 1e6);
          totals.set(key, t);
        }
      }
    }
  }
  return [...totals.values()]
    .filter((t) => t.judged > 0 && t.failed === 0)
    .map((t) => ({ severity: t.severity, metric: t.metric, judged: t.judged, graded: t.scores.size > 1 }));
}

/** What a diff with the previous completed run of the suite can detect, for a run without paired comparisons. */
export async function previousRunDetectable(store: Store, run: RunRecord): Promise<PreviousRunDetectable | null> {
  const runs = await store.runs.list({ suite: run.suiteName, status: 'completed', limit: 20 });
  // The newest earlier run that differs from this one somewhere (identical outputs have no spread to measure).
  for (const previous of runs.filter((r) => r.id !== run.id && r.startedAt <= run.startedAt).slice(0, 10)) {
    const diff = await diffFigures(store, previous, run, { outputs: false });
    let best: PreviousRunDetectable | null = null;
    for (const v of diff.perVariant) {
      const c = v.metrics.find((m) => m.metric === 'pass_rate');
      if (!c || c.minimumDetectableDifference === null || c.se === null) continue;
      if (!best || c.minimumDetectableDifference > best.mdd)
        best = { runId: previous.id, variant: v.variant, n: c.n, se: c.se, mdd: c.minimumDetectableDifference };
    }
    if (best) return best;
  }
  return null;
}
