// The figures of `evalspec diff` between two stored runs: both runs' per-case outcomes and case hashes go through
// the pure stats/run-diff.ts, then the outputs of the flipped cases only are fetched (one streamed pass per run and
// variant) with the repeat that represents each side. report/diff-report.ts adds the words and renders it.
import type { Store, RunRecord } from '../store/index.js';
import { diffRuns, type CaseFlip, type DiffOptions, type DiffSide, type RunDiff, type VariantDiff } from '../stats/index.js';
import { loadCaseTable } from './case-outcomes.js';
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
 * Both runs' per-case tables with content keys aligned with their cases (DiffSide.hashes): an after case's key is
 * its index, a before case's the index of the after case with its id when their contents are equal, −2 − that index
 * when they differ, −1 when the id is not in the after run. The store names the cases whose content changed
 * (cases.contentChanged, one join): two runs' 64-character hashes in memory were ~80 MB at 500,000 cases (issue #22).
 */
async function loadSides(store: Store, before: RunRecord, after: RunRecord): Promise<[DiffSide, DiffSide]> {
  const { outcomes: outcomesAfter, table: casesAfter, storedCases: storedAfter } = await loadCaseTable(store, after);
  const changed = new Set(await store.cases.contentChanged(before.id, after.id));
  const { outcomes: outcomesBefore, table: casesBefore, storedCases: storedBefore } = await loadCaseTable(store, before);
  // Each before case's key. A before case met only in results (past storedBefore) has no content: not compared (−1).
  const keysBefore = new Int32Array(casesBefore.length).fill(-1);
  for (let k = 0; k < storedBefore; k++) {
    const id = casesBefore.id(k);
    const i = casesAfter.get(id);
    // An after case met only in results (no stored case, past storedAfter) has no content to equal: changed.
    if (i !== undefined) keysBefore[k] = i < storedAfter && !changed.has(id) ? i : -2 - i;
  }
  const keysAfter = new Int32Array(outcomesAfter.cases.length);
  for (let i = 0; i < keysAfter.length; i++) keysAfter[i] = i;
  return [
    { outcomes: outcomesBefore, hashes: keysBefore },
    { outcomes: outcomesAfter, hashes: keysAfter },
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
    const lists = [v.flips.fixed, v.flips.broken, v.flips.stillFailing];
    const wanted = options.outputsFor ? shownFlipIds(v.flips, options.outputsFor) : new Set(lists.flatMap((list) => list.map((f) => f.caseId)));
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
    // In place: the lists hold the same flips, now with their outputs (no copy of lists of a large run's flips).
    for (const list of lists) for (const f of list) withOutputs(f);
    perVariant.push({ ...v, flips: v.flips as VariantDiffFigures['flips'] });
  }
  // The sides' per-case tables too: the safety section (safety-figures.ts) pairs the attacks from them.
  return { diff, perVariant, sides };
}
