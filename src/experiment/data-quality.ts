// The data-quality ledger: every row or unit the analysis cannot use is counted under a named rule with what was
// done to it and the fix, and the first few are named by file and row. Nothing is dropped without a count here.
import type { DataQualityIssue } from './scorecard-types.js';

const MAX_EXAMPLES = 5;

/** The rules: what the analysis does with such rows/units and what the user should fix. */
export const QUALITY_RULES = {
  'units-in-both-arms': {
    unit: 'units',
    action: 'excluded from every metric',
    hint: 'a unit must see one arm only: check the assignment (bucketing on the unit id) and the unit column',
  },
  'unknown-arm': { unit: 'rows', action: 'ignored', hint: 'use the arm ids of the experiment file in the exposures, or add the arm' },
  'missing-unit': { unit: 'rows', action: 'ignored', hint: 'every row needs the unit column filled' },
  'bad-timestamp': { unit: 'rows', action: 'ignored', hint: 'write timestamps as ISO 8601 (2026-11-03T10:00:00Z) or epoch milliseconds' },
  'outside-window': { unit: 'rows', action: 'ignored (outside analysis.start/end)', hint: 'widen analysis.start/end if these rows belong to the experiment' },
  'exposed-without-outcomes': {
    unit: 'units',
    action: 'counted as 0 (sum, count, proportion); left out of mean and max metrics',
    hint: 'expected for units that did nothing; if many, check that outcomes are logged for every arm',
  },
  'outcome-before-exposure': {
    unit: 'rows',
    action: 'ignored (the unit was not yet in the experiment)',
    hint: 'expected in small numbers; many such rows mean clock skew or exposures logged late',
  },
  'outcome-unknown-unit': { unit: 'rows', action: 'ignored (unit never exposed)', hint: 'check that the outcome file uses the same unit ids as the exposures' },
  'outcome-excluded-unit': { unit: 'rows', action: 'ignored (unit excluded: seen in both arms)', hint: 'fix the assignment; see units-in-both-arms' },
  'non-numeric': {
    unit: 'rows',
    action: 'value ignored (the row counts for the other columns)',
    hint: 'metric columns must hold numbers (true/false count as 1/0); leave the cell empty when unknown',
  },
  'missing-covariate': {
    unit: 'units',
    action: 'analysed without CUPED (raw effect only covers them)',
    hint: 'add a pre_period row for these units; CUPED uses the units that have one',
  },
  'covariate-non-numeric': { unit: 'rows', action: 'value ignored', hint: 'pre-period covariate columns must hold numbers' },
  'pre-period-unknown-unit': {
    unit: 'rows',
    action: 'ignored (unit never exposed)',
    hint: 'expected when the pre-period covers every user; otherwise check the unit ids',
  },
  'empty-arm': { unit: 'arms', action: 'no effect can be computed for this arm', hint: 'check the arm id in the exposures and that the arm received traffic' },
  'zero-variance': {
    unit: 'comparisons',
    action: 'no interval (every unit has the same value)',
    hint: 'check that the metric column is filled; a constant metric cannot show an effect',
  },
} as const satisfies Record<string, { unit: 'rows' | 'units' | 'arms' | 'comparisons'; action: string; hint: string }>;

export type QualityKind = keyof typeof QUALITY_RULES;

export class DataQuality {
  private readonly issues = new Map<QualityKind, DataQualityIssue>();

  add(kind: QualityKind, file: string, row: number | null, detail: string, count = 1): void {
    let issue = this.issues.get(kind);
    if (!issue) {
      const rule = QUALITY_RULES[kind];
      issue = { kind, count: 0, unit: rule.unit, action: rule.action, hint: rule.hint, examples: [] };
      this.issues.set(kind, issue);
    }
    issue.count += count;
    if (issue.examples.length < MAX_EXAMPLES) issue.examples.push({ file, row, detail });
  }

  /** Take one back: the same unit counted by two parts of a file read in parallel. */
  uncount(kind: QualityKind): void {
    const issue = this.issues.get(kind);
    if (issue) issue.count--;
  }

  /** Fold the issues of a part read from later lines of the same file (rows offset by `lineOffset`). */
  merge(issues: readonly DataQualityIssue[], lineOffset: number): void {
    for (const issue of issues) {
      const kind = issue.kind as QualityKind;
      const [first, ...others] = issue.examples;
      const at = (row: number | null) => (row === null ? null : row + lineOffset);
      if (!first) continue;
      this.add(kind, first.file, at(first.row), first.detail, issue.count);
      const mine = this.issues.get(kind)!;
      for (const e of others) if (mine.examples.length < MAX_EXAMPLES) mine.examples.push({ ...e, row: at(e.row) });
    }
  }

  count(kind: QualityKind): number {
    return this.issues.get(kind)?.count ?? 0;
  }

  list(): DataQualityIssue[] {
    return [...this.issues.values()];
  }
}
