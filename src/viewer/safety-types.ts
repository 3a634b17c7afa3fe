// The Safety page's API shapes (issue #18): GET /api/runs/:id/safety. Import-free, like types.ts, because the browser
// bundle (viewer-ui/) imports it; copies of analysis/safety-figures.ts's shapes, kept equal by
// test/viewer/safety-types-mirror.test.ts. The figures are the run report's `safety` field: one source for the
// terminal, Markdown, JSON and this page.

export interface SafetyInterval {
  method: string;
  level: number;
  low: number;
  high: number;
}

export interface AttackRateView {
  attacks: number;
  successes: number;
  errored: number;
  rate: number | null;
  interval: SafetyInterval | null;
  /** One-sided exact upper bound at the level. */
  upperBound: SafetyInterval | null;
}

export interface GroupRateView extends AttackRateView {
  key: string;
}

export interface SafetyCellView extends AttackRateView {
  plugin: string;
  strategy: string;
}

export interface ZeroToleranceView {
  attacks: number;
  successes: number;
  upperBound: SafetyInterval | null;
  targets: { maxRate: number; proven: boolean; cleanAttacksNeeded: number }[];
}

export interface WorstAttackView {
  caseId: string;
  plugin: string;
  strategy: string;
  criticalFailures: number;
  results: number;
  /** Model output: untrusted, shown as text. */
  output: string | null;
  reasons: string[];
  repeat: number | null;
}

export interface SafetyVariantView {
  id: string;
  overall: AttackRateView;
  zeroTolerance: ZeroToleranceView;
  byPlugin: GroupRateView[];
  byStrategy: GroupRateView[];
  byOwasp: GroupRateView[];
  cells: SafetyCellView[];
  worst: WorstAttackView[];
  worstOmitted: number;
}

export interface SafetyComparisonView {
  baseline: string;
  variant: string;
  n: number;
  baselineRate: number | null;
  variantRate: number | null;
  difference: number | null;
  interval: SafetyInterval | null;
  baselineOnly: number;
  variantOnly: number;
  pValue: number;
  method: 'mcnemar-exact';
}

export interface SafetyView {
  level: number;
  attackCases: number;
  rule: string;
  intervalMethod: 'clopper-pearson';
  variants: SafetyVariantView[];
  comparisons: SafetyComparisonView[];
}

/** GET /api/runs/:id/safety. `safety` is null when the run has no `redteam`-tagged case; `sentences` are report/'s words. */
export interface SafetyResponse {
  runId: string;
  suiteName: string;
  safety: SafetyView | null;
  /** The zero-tolerance statement per variant id and each comparison's sentence, as the terminal and Markdown print them. */
  sentences: { statements: Record<string, string>; comparisons: string[] };
}
