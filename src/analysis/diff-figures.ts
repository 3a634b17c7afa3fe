// The figures of `evalspec diff` between two stored runs: both runs' per-case outcomes and case hashes go through
// the pure stats/run-diff.ts, then the outputs of the flipped cases only are fetched (one streamed pass per run and
// variant) with the repeat that represents each side. report/diff-report.ts adds the words and renders it.
import type { Store, RunRecord } from '../store/index.js';
import { diffRuns, type CaseFlip, type DiffOptions, type RunDiff, type VariantDiff } from '../stats/index.js';
import { loadCaseOutcomes } from './case-outcomes.js';
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

/** A variant's changes with the outputs of its flipped cases. */
export interface VariantDiffFigures extends Omit<VariantDiff, 'flips'> {
  flips: { fixed: FlipWithOutputs[]; broken: FlipWithOutputs[]; stillFailing: FlipWithOutputs[] };
}

/** The latest completed run of a suite with a label (the baseline of "compare with main"), other than `exclude`. */
export async function findBaselineRun(store: Store, suiteName: string, label: string, exclude?: string): Promise<RunRecord | undefined> {
  const runs = await store.runs.list({ suite: suiteName, label, status: 'completed', limit: 2 });
  return runs.find((r) => r.id !== exclude);
}

/** Compare two stored runs: `before` is the baseline, `after` the run under review. */
export async function diffFigures(
  store: Store,
  before: RunRecord,
  after: RunRecord,
  options: DiffFiguresOptions = {},
): Promise<{ diff: RunDiff; perVariant: VariantDiffFigures[] }> {
  // Case id → content hash, read with each run's cases; a hash equal to the other run's shares its string.
  const hashesAfter = new Map<string, string>();
  const hashesBefore = new Map<string, string>();
  const outcomesAfter = await loadCaseOutcomes(store, after, { onCase: (c) => hashesAfter.set(c.caseId, c.contentHash) });
  const outcomesBefore = await loadCaseOutcomes(store, before, {
    onCase: (c) => {
      const other = hashesAfter.get(c.caseId);
      hashesBefore.set(c.caseId, other === c.contentHash ? other : c.contentHash);
    },
  });
  const diff = diffRuns({ outcomes: outcomesBefore, hashes: hashesBefore }, { outcomes: outcomesAfter, hashes: hashesAfter }, options);
  const perVariant: VariantDiffFigures[] = [];
  for (const v of diff.perVariant) {
    const all = [...v.flips.fixed, ...v.flips.broken, ...v.flips.stillFailing];
    const wanted = options.outputsFor ? shownFlipIds(v.flips, options.outputsFor) : new Set(all.map((f) => f.caseId));
    const fetch = options.outputs !== false;
    const ob = fetch ? await outputsOf(store, before.id, v.variant, wanted) : new Map<string, OutputSample[]>();
    const oa = fetch ? await outputsOf(store, after.id, v.variant, wanted) : new Map<string, OutputSample[]>();
    const withOutputs = (f: CaseFlip): FlipWithOutputs => {
      const outputs = { before: ob.get(f.caseId) ?? [], after: oa.get(f.caseId) ?? [] };
      const shown = (side: 'before' | 'after') =>
        representativeSample(outputs[side], sidePasses(f, side), side === 'after' ? f.newCriticalFailures : [])?.repeat ?? null;
      return { ...f, outputs, shown: { before: shown('before'), after: shown('after') } };
    };
    perVariant.push({
      ...v,
      flips: { fixed: v.flips.fixed.map(withOutputs), broken: v.flips.broken.map(withOutputs), stillFailing: v.flips.stillFailing.map(withOutputs) },
    });
  }
  return { diff, perVariant };
}
