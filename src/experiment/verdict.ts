// The overall reading of a scorecard and the sentences behind it: SRM blocks everything, a guardrail not met
// fails, otherwise the primary metric (the first) decides. Figures in, words out; no statistics here.
import type { Scorecard } from './scorecard-types.js';

function formatP(p: number): string {
  if (p < 1e-4) return `p = ${p.toExponential(0)}`;
  return `p = ${p.toPrecision(2)}`;
}

/** "treatment has 2.1% fewer users than planned, p = 3e-6: assignment or logging is broken; do not read the effects". */
export function srmMessage(arm: string, observedShare: number, plannedShare: number, p: number, unit: string): string {
  const relative = (observedShare - plannedShare) / plannedShare;
  const who = unit.replace(/_id$/, '') || 'unit';
  const direction = relative < 0 ? 'fewer' : 'more';
  return (
    `${arm} has ${(Math.abs(relative) * 100).toFixed(1)}% ${direction} ${who}s than planned ` +
    `(${(observedShare * 100).toFixed(2)}% of ${who}s, planned ${(plannedShare * 100).toFixed(2)}%), ${formatP(p)}: ` +
    'assignment or logging is broken; do not read the effects'
  );
}

export function verdictOf(scorecard: Scorecard): { verdict: Scorecard['verdict']; messages: string[] } {
  const messages: string[] = [];
  if (scorecard.srm.fired) {
    messages.push(`sample ratio mismatch: ${scorecard.srm.message ?? ''}`);
    return { verdict: 'blocked', messages };
  }
  const failed = scorecard.guardrails.filter((g) => g.verdict === 'not-met');
  for (const g of failed) messages.push(`guardrail ${g.metric} not met: worse by more than ${g.relative ? `${(g.maxWorse * 100).toFixed(1)}%` : g.maxWorse}`);
  const unclear = scorecard.guardrails.filter((g) => g.verdict === 'inconclusive' || g.verdict === null);
  for (const g of unclear) messages.push(`guardrail ${g.metric} inconclusive: the interval is too wide to rule out a harm beyond the limit`);
  if (failed.length) return { verdict: 'guardrail-failed', messages };
  const primary = scorecard.metrics[0];
  const conclusions = primary?.comparisons.map((c) => c.conclusion) ?? [];
  const interval = scorecard.analysis.sequential ? 'sequential (always-valid) interval' : 'fixed-horizon interval';
  if (conclusions.includes('worse')) {
    messages.push(`${primary.id}: a treatment is worse than control by the ${interval}`);
    return { verdict: 'no-ship', messages };
  }
  if (conclusions.length && conclusions.every((c) => c === 'better') && unclear.length === 0) {
    messages.push(
      `${primary.id}: better than control by the ${interval}, after ${scorecard.analysis.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg'} correction`,
    );
    return { verdict: 'ship', messages };
  }
  if (conclusions.includes('better')) messages.push(`${primary.id}: better than control, but a guardrail or another arm is not settled`);
  else messages.push(`${primary.id}: no detectable change yet by the ${interval}`);
  return { verdict: 'inconclusive', messages };
}
