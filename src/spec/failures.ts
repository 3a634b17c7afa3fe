// "Failure modes": the severity classes, what is unforgivable (critical checks) and the bound the latest run proves
// on it (exact one-sided Clopper–Pearson: 0 failures in n cases gives 1 − 0.05^(1/n) at 95%), the cases a critical
// bar needs, the error tags of the human reviews with their frequencies, and a failing output of the latest run.
import type { Suite } from '../suite/index.js';
import { caseFailure, casesNeededForZeroFailureBar, upperBound, zeroFailureUpperBound } from '../stats/index.js';
import { formatInt, pct, upperPct } from '../report/index.js';
import type { SpecEvidence } from './evidence.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

const LEVEL = 0.95;
/** A quoted output is cut here: the spec shows what a failure looks like, not a whole transcript. */
const MAX_QUOTED = 2000;

export interface CriticalBound {
  variant: string;
  /** Cases with a critical check judged. */
  cases: number;
  failures: number;
  /** One-sided upper bound on the critical failure rate at LEVEL. */
  upper: number;
  method: string;
  level: number;
}

/** Per variant of the run: cases with a critical failure among those with a critical check judged, and the bound. */
export function criticalBounds(evidence: SpecEvidence): CriticalBound[] {
  const outcomes = evidence.outcomes;
  if (!outcomes) return [];
  return outcomes.variants.flatMap((v) => {
    let cases = 0;
    let failures = 0;
    for (const o of v.outcomes) {
      const f = caseFailure(o, { severity: 'critical' });
      if (f === undefined) continue;
      cases++;
      if (f === 'failed') failures++;
    }
    if (cases === 0) return [];
    const bound = failures === 0 ? zeroFailureUpperBound(cases, LEVEL)! : upperBound(failures, cases, { method: 'clopper-pearson', level: LEVEL })!;
    return [{ variant: v.id, cases, failures, upper: bound.high, method: bound.method, level: LEVEL }];
  });
}

export function boundSentence(b: CriticalBound): string {
  const what = `${formatInt(b.failures)} critical failure${b.failures === 1 ? '' : 's'} in ${formatInt(b.cases)} case${b.cases === 1 ? '' : 's'}`;
  // Rounded up: a bound printed lower than proven would claim more than the run showed.
  return `${b.variant}: ${what}: ≤ ${upperPct(b.upper, 2)} at ${b.level * 100}% (exact one-sided Clopper–Pearson)`;
}

export function failuresSection(suite: Suite, evidence: SpecEvidence): SpecSection {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const all = [...suite.checks, ...suite.cases.flatMap((c) => c.checks)];
  const critical = [...new Set(all.filter((c) => c.severity === 'critical').map((c) => c.metric))];
  const normal = [...new Set(all.filter((c) => c.severity !== 'critical').map((c) => c.metric))];
  blocks.push({
    kind: 'list',
    items: [
      `critical (unforgivable: one failure fails the case): ${critical.length ? critical.join(', ') : 'none'}`,
      `normal (counted in the pass rate): ${normal.length ? normal.join(', ') : 'none'}`,
    ],
  });
  const bounds = criticalBounds(evidence);
  if (critical.length === 0) {
    gaps.push({
      id: 'critical',
      section: 'failures',
      message: 'no critical checks: nothing is marked unforgivable',
      fix: 'mark the checks a single failure of which is unacceptable with severity: critical, and add a bar { severity: critical, max_rate: 0.01 }',
    });
  } else if (bounds.length === 0) {
    gaps.push({
      id: 'critical-bound',
      section: 'failures',
      message: 'no stored run: no bound on the critical failure rate yet',
      fix: `run the suite: evalspec run ${suite.file}`,
    });
  } else {
    blocks.push({ kind: 'paragraph', text: `What the latest run proves about the critical checks (run ${evidence.run!.id}):` });
    blocks.push({ kind: 'list', items: bounds.map(boundSentence) });
  }
  const rateBars = suite.bars.filter((b) => b.severity === 'critical' && b.max_rate !== undefined && b.max_rate > 0 && b.max_rate < 1);
  const needed = rateBars.map((b) => ({ maxRate: b.max_rate!, level: b.level ?? LEVEL, cases: casesNeededForZeroFailureBar(b.max_rate!, b.level ?? LEVEL) }));
  if (needed.length > 0) {
    blocks.push({
      kind: 'list',
      items: needed.map(
        (n) => `proving critical failure rate ≤ ${pct(n.maxRate, 2)} at ${n.level * 100}% takes ${formatInt(n.cases)} cases with no critical failure`,
      ),
    });
  }
  // Error tags from the human reviews, most frequent first.
  const tagCounts = new Map<string, number>();
  for (const l of evidence.labels) if (l.tag) tagCounts.set(l.tag, (tagCounts.get(l.tag) ?? 0) + 1);
  const taxonomy = Array.isArray(suite.storedConfig.error_tags) ? (suite.storedConfig.error_tags as string[]) : [];
  const tags = [...tagCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (tags.length > 0) {
    blocks.push({ kind: 'heading', text: 'Error tags from reviews' });
    blocks.push({ kind: 'table', head: ['tag', 'labels'], rows: tags.map(([t, n]) => [t, formatInt(n)]) });
  } else {
    gaps.push({
      id: 'error-tags',
      section: 'failures',
      message: `no reviewed failures with an error tag${taxonomy.length ? ` (the taxonomy: ${taxonomy.join(', ')})` : ''}`,
      fix: `review failing outputs and tag them: evalspec view${taxonomy.length ? '' : ' (declare the taxonomy with error_tags: in the suite)'}`,
    });
  }
  for (const e of evidence.examples) {
    const cut = e.output.length > MAX_QUOTED;
    blocks.push({
      kind: 'quote',
      label: `${e.critical ? 'A critical failure' : 'A failure'} of ${e.variantId} on case ${e.caseId} (failed: ${e.failed.join(', ') || 'pass rule'})${cut ? `, its first ${formatInt(MAX_QUOTED)} of ${formatInt(e.output.length)} characters` : ''}`,
      text: cut ? `${e.output.slice(0, MAX_QUOTED)}…` : e.output,
    });
  }
  return {
    id: 'failures',
    title: 'Failure modes',
    blocks,
    figures: { criticalMetrics: critical, normalMetrics: normal, bounds, casesNeeded: needed, errorTags: Object.fromEntries(tags) },
    gaps,
  };
}
