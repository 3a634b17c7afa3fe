// The figures of `evalspec diff` between two stored runs: both runs' per-case outcomes and case hashes go through
// the pure stats/run-diff.ts, then the outputs of the flipped cases only are fetched (one streamed pass per run and
// variant) with the repeat that represents each side. report/diff-report.ts adds the words and renders it.
import type { Store, RunRecord } from '../store/index.js';
import { diffRuns, type CaseFlip, type DiffOptions, type DiffSide, type RunDiff, type VariantDiff } from '../stats/index.js';
import { loadCaseOutcomes, loadCaseTable } from './case-outcomes.js';
import { outputsOf, representativeSample, shownFlipIds, sidePasses, type OutputSample } from './flip-samples.js';

export interface FlipWithOutputs extends CaseFlip {
  /** Every repeat of each side, in full. */
  outputs: { before: OutputSample[]; after: OutputSample[] };
  /** The repeat that represents each side of the flip (flip-samples.ts); null without results. */
  shown: { before: number | null; after: number | null };
}

export interface DiffFiguresOptions extends DiffOptions {
  /** Fetch the outputs of flipped cases (default true). */
  outputs?: boolean;
  /** Fetch them for these flips only (shownFlipIds; default every flipped case, as the JSON report needs). */
  outputsFor?: { perKind: number; overall: number };
}

// Frozen: shared by every flip without outputs.
const NO_OUTPUTS: FlipWithOutputs['outputs'] = Object.freeze({
  before: Object.freeze([]) as unknown as OutputSample[],
  after: Object.freeze([]) as unknown as OutputSample[],
});
const NOT_SHOWN: FlipWithOutputs['shown'] = Object.freeze({ before: null, after: null });

/** A variant's changes with the outputs of its flipped cases. */
export interface VariantDiffFigures extends Omit<VariantDiff, 'flips'> {
  flips: { fixed: FlipWithOutputs[]; broken: FlipWithOutputs[]; stillFailing: FlipWithOutputs[] };
}

/** The latest completed run of a suite with a label (the baseline of "compare with main"), other than `exclude`. */
export async function findBaselineRun(store: Store, suiteName: string, label: string, exclude?: string): Promise<RunRecord | undefined> {
  const runs = await store.runs.list({ suite: suiteName, label, status: 'completed', limit: 2 });
  return runs.find((r) => r.id !== exclude);
}

/** Labels of runs that are trials, not runs to compare with: `evalspec try` and the viewer's playground (issue #20). */
export const TRIAL_LABELS: readonly string[] = ['try', 'playground'];

/** `run --against latest`: the suite's newest completed run that is not a trial. */
export async function latestComparableRun(store: Store, suiteName: string): Promise<RunRecord | undefined> {
  const runs = await store.runs.list({ suite: suiteName, status: 'completed', limit: 1000 });
  return runs.find((r) => r.label === null || !TRIAL_LABELS.includes(r.label));
}

/**
 * Both runs' per-case tables with their content hashes aligned with the cases (onCase sees them in the table's
 * order); a hash equal to the other run's shares its string. A function of its own so the after run's case index
 * is garbage once both are loaded.
 */
async function loadSides(store: Store, before: RunRecord, after: RunRecord): Promise<[DiffSide, DiffSide]> {
  const hashesAfter: string[] = [];
  const hashesBefore: string[] = [];
  const tableAfter = await loadCaseTable(store, after, { onCase: (c) => hashesAfter.push(c.contentHash) });
  const outcomesBefore = await loadCaseOutcomes(store, before, {
    onCase: (c) => {
      const i = tableAfter.caseIndex.get(c.caseId);
      const other = i === undefined ? undefined : hashesAfter[i];
      hashesBefore.push(other === c.contentHash ? other : c.contentHash);
    },
  });
  return [
    { outcomes: outcomesBefore, hashes: hashesBefore },
    { outcomes: tableAfter.outcomes, hashes: hashesAfter },
  ];
}

/** Compare two stored runs: `before` is the baseline, `after` the run under review. */
export async function diffFigures(
  store: Store,
  before: RunRecord,
  after: RunRecord,
  options: DiffFiguresOptions = {},
): Promise<{ diff: RunDiff; perVariant: VariantDiffFigures[]; sides: [DiffSide, DiffSide] }> {
  const sides = await loadSides(store, before, after);
  const diff = diffRuns(...sides, options);
  const perVariant: VariantDiffFigures[] = [];
  for (const v of diff.perVariant) {
    const all = [...v.flips.fixed, ...v.flips.broken, ...v.flips.stillFailing];
    const wanted = options.outputsFor ? shownFlipIds(v.flips, options.outputsFor) : new Set(all.map((f) => f.caseId));
    const fetch = options.outputs !== false;
    const ob = fetch ? await outputsOf(store, before.id, v.variant, wanted) : new Map<string, OutputSample[]>();
    const oa = fetch ? await outputsOf(store, after.id, v.variant, wanted) : new Map<string, OutputSample[]>();
    // The flip itself gets its outputs (not a copy: `diff` holds the same flips, and a large run has hundreds of
    // thousands of still-failing cases); one whose outputs were not fetched shares one empty record.
    const withOutputs = (f: CaseFlip): FlipWithOutputs => {
      if (!ob.has(f.caseId) && !oa.has(f.caseId)) return Object.assign(f, { outputs: NO_OUTPUTS, shown: NOT_SHOWN });
      const outputs = { before: ob.get(f.caseId) ?? [], after: oa.get(f.caseId) ?? [] };
      const shown = (side: 'before' | 'after') =>
        representativeSample(outputs[side], sidePasses(f, side), side === 'after' ? f.newCriticalFailures : [])?.repeat ?? null;
      return Object.assign(f, { outputs, shown: { before: shown('before'), after: shown('after') } });
    };
    perVariant.push({
      ...v,
      flips: { fixed: v.flips.fixed.map(withOutputs), broken: v.flips.broken.map(withOutputs), stillFailing: v.flips.stillFailing.map(withOutputs) },
    });
  }
  // The sides' per-case tables too: the safety section (safety-figures.ts) pairs the attacks from them.
  return { diff, perVariant, sides };
}
