// The offline ↔ online link (issue #17): for experiment arms that name suite variants, the paired offline pass-rate
// difference treatment − control from the stored runs, beside the online effect of the primary metric, and whether
// the two agree in direction — overall and per segment. No experimentation platform has it: when the variant that
// wins offline is not the one that wins with users, that is the finding of the week.
//
// The offline difference is the run report's paired comparison (stats' comparePaired: Newcombe's paired interval with
// McNemar's mid-p for one result per case, else the paired t), on the per-case pass values `show` uses
// (analysis' loadCaseOutcomes, the suite's repeat reducer applied). Cases are paired by id, so the two arms may come
// from one run (the default: the suite's latest completed run holding both variants) or from two (`run:` per arm).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCaseOutcomes } from '../analysis/index.js';
import { EvalspecError } from '../errors.js';
import { caseValue, clusterKey, mapCases, comparePaired, hasClusters, resolveVariants, type RunOutcomes } from '../stats/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { loadSuite } from '../suite/index.js';
import type { EffectEstimate, MetricResult, OfflineComparison, OfflineLink } from './scorecard-types.js';

export interface OfflineLinkArm {
  id: string;
  /** A suite variant id or model label (as `show` and `baseline:` accept them); absent: the arm has no offline side. */
  variant?: string | null;
  /** A stored run id for this arm; absent: the suite's latest completed run holding both variants. */
  run?: string | null;
}

export interface OfflineLinkInput {
  /** The suite: a path to its file (resolved by the caller) or its name; null/absent: no offline link. */
  suite?: string | null;
  control: string;
  arms: readonly OfflineLinkArm[];
  /** Two-sided level of the offline interval (the experiment's analysis.level), default 0.95. */
  level?: number;
}

/** How many completed runs of the suite are searched for one holding both variants (newest first). */
const RUNS_SEARCHED = 50;

/** Suite name from a file path (when it is one) or the name itself. */
function suiteName(suite: string): string {
  return /\.ya?ml$/i.test(suite) || existsSync(suite) ? loadSuite(suite).name : suite;
}

interface Side {
  run: RunRecord;
  outcomes: RunOutcomes;
  variant: number;
}

/** A run's variant index for an id or label, or undefined. */
function variantIn(outcomes: RunOutcomes, run: RunRecord, ref: string): number | undefined {
  const labels = Object.fromEntries(run.variants.map((v) => [v.id, v.label]));
  const [id] = resolveVariants(ref, outcomes, labels);
  const index = id === undefined ? -1 : outcomes.variants.findIndex((v) => v.id === id);
  return index < 0 ? undefined : index;
}

function runHolds(run: RunRecord, ref: string): boolean {
  return run.variants.some((v) => v.id === ref || v.label === ref);
}

async function storedRun(store: Store, id: string, arm: string): Promise<RunRecord> {
  const run = await store.runs.get(id);
  if (!run)
    throw new EvalspecError('USAGE', `arm ${arm}: run ${id} is not in the store`, {
      hint: 'list the stored runs with `evalspec runs`, or remove `run:` to use the suite’s latest completed run',
    });
  return run;
}

/** The per-case pass value of each side's variant, paired by case id; the segment tags are the control side's. */
function pairedPassValues(control: Side, treatment: Side, segment: string | null) {
  const treatmentIndex = new Map(mapCases(treatment.outcomes.cases, (c, i) => [c.id, i] as const));
  const clustered = hasClusters(control.outcomes.cases);
  const a: number[] = [];
  const b: number[] = [];
  const clusters: string[] = [];
  control.outcomes.cases.forEach((c, i) => {
    if (segment !== null && !c.tags.includes(segment)) return;
    const j = treatmentIndex.get(c.id);
    if (j === undefined) return;
    const x = caseValue(control.outcomes.variants[control.variant].outcomes.at(i), 'pass_rate');
    const y = caseValue(treatment.outcomes.variants[treatment.variant].outcomes.at(j), 'pass_rate');
    if (x === undefined || y === undefined) return;
    a.push(x);
    b.push(y);
    clusters.push(String(clusterKey(c)));
  });
  return { a, b, clusterIds: clustered ? clusters : undefined };
}

/** The paired difference as an EffectEstimate; null with no case on both sides or no spread to test against. */
function offlineDifference(control: Side, treatment: Side, segment: string | null, level: number): EffectEstimate | null {
  const { a, b, clusterIds } = pairedPassValues(control, treatment, segment);
  const binary = control.run.repeat === 1 && treatment.run.repeat === 1;
  const c = comparePaired(a, b, { level, clusterIds, binary });
  if (!c || c.interval === null || c.se === null || c.pValue === null) return null;
  const method =
    c.test === 'newcombe-paired'
      ? `paired offline pass rate over ${c.n} cases: Newcombe's paired interval, McNemar mid-p`
      : `paired offline pass rate over ${c.n} cases: ${c.test === 'clustered-paired-t' ? `clustered paired t (${c.clusters} clusters)` : 'paired t'}`;
  return { estimate: c.difference, se: c.se, low: c.interval.low, high: c.interval.high, p: c.pValue, df: c.df, level, method };
}

/**
 * Do offline and online point the same way? 'unclear' when either is unknown or its interval spans 0. A metric where
 * lower is better (time to complete) agrees with a higher offline pass rate when its effect is negative.
 */
export function directionAgreement(offline: EffectEstimate | null, online: EffectEstimate | null, higherIsBetter: boolean): 'yes' | 'no' | 'unclear' {
  if (!offline || !online) return 'unclear';
  const clear = (e: EffectEstimate) => e.low > 0 || e.high < 0;
  if (!clear(offline) || !clear(online)) return 'unclear';
  const onlineBetter = higherIsBetter ? online.estimate > 0 : online.estimate < 0;
  return offline.estimate > 0 === onlineBetter ? 'yes' : 'no';
}

/** The online absolute effect by the interval the scorecard decides with. */
function decidingEffect(comparison: MetricResult['comparisons'][number] | undefined): EffectEstimate | null {
  if (!comparison) return null;
  if (comparison.deciding === 'sequential') return comparison.sequential?.absolute ?? null;
  return comparison.effect.absolute;
}

/** The offline case tag of an online segment "plan=pro": `segment:plan=pro`, else the tag itself. */
function offlineTag(outcomes: RunOutcomes, segment: string): string | null {
  for (const tag of [`segment:${segment}`, segment]) if (mapCases(outcomes.cases, (c) => c.tags.includes(tag)).includes(true)) return tag;
  return null;
}

/**
 * The offline section of the scorecard. Null when no arm names a variant (there is nothing to link); otherwise a link
 * whose `note` says what is missing (no suite, no store, no stored run holding both variants, a variant not in the run).
 * `primary` is the scorecard's first metric (its deciding effect is the online side).
 */
export async function offlineLink(store: Store | null | undefined, input: OfflineLinkInput, primary: MetricResult | undefined): Promise<OfflineLink | null> {
  const control = input.arms.find((a) => a.id === input.control);
  const treatments = input.arms.filter((a) => a.id !== input.control && a.variant);
  if (!control?.variant || treatments.length === 0) return null;
  const level = input.level ?? 0.95;
  if (!input.suite) return { suite: null, comparisons: [], note: 'arms name suite variants but the experiment names no `suite:`' };
  const name = suiteName(input.suite);
  if (!store) return { suite: name, comparisons: [], note: 'no store to read the offline runs from' };
  const notes: string[] = [];
  const comparisons: OfflineComparison[] = [];
  const loaded = new Map<string, RunOutcomes>();
  const outcomesOf = async (run: RunRecord) => {
    let outcomes = loaded.get(run.id);
    if (!outcomes) loaded.set(run.id, (outcomes = await loadCaseOutcomes(store, run)));
    return outcomes;
  };
  let recent: RunRecord[] | undefined;
  for (const arm of treatments) {
    const variants = { control: control.variant, treatment: arm.variant! };
    let controlRun = control.run ? await storedRun(store, control.run, control.id) : undefined;
    let treatmentRun = arm.run ? await storedRun(store, arm.run, arm.id) : undefined;
    if (!controlRun || !treatmentRun) {
      recent ??= await store.runs.list({ suite: name, status: 'completed', limit: RUNS_SEARCHED });
      // The newest run holding every variant not pinned by `run:`.
      const needed = [controlRun ? null : variants.control, treatmentRun ? null : variants.treatment].filter((v) => v !== null);
      const holding = recent.find((r) => needed.every((v) => runHolds(r, v)));
      if (!holding) {
        notes.push(
          `arm ${arm.id}: no completed run of suite ${name} holds both ${variants.control} and ${variants.treatment} (run the suite with both models, or set \`run:\` per arm)`,
        );
        continue;
      }
      controlRun ??= holding;
      treatmentRun ??= holding;
    }
    const sides: Side[] = [];
    for (const [run, ref] of [
      [controlRun, variants.control],
      [treatmentRun, variants.treatment],
    ] as const) {
      const outcomes = await outcomesOf(run);
      const variant = variantIn(outcomes, run, ref);
      if (variant === undefined) notes.push(`arm ${arm.id}: variant ${ref} is not in run ${run.id}`);
      else sides.push({ run, outcomes, variant });
    }
    if (sides.length < 2) continue;
    const [c, t] = sides;
    const comparison = primary?.comparisons.find((x) => x.arm === arm.id);
    const online = decidingEffect(comparison);
    // With the sample ratio check fired the online effects are not to be read, so neither is their agreement.
    const blocked = comparison?.conclusion === 'blocked';
    if (blocked) notes.push(`arm ${arm.id}: the sample ratio check fired, so agreement is not judged`);
    const agreement = (offline: EffectEstimate | null, onlineEffect: EffectEstimate | null) =>
      blocked ? 'unclear' : directionAgreement(offline, onlineEffect, primary?.higherIsBetter ?? true);
    const difference = offlineDifference(c, t, null, level);
    if (difference === null) notes.push(`arm ${arm.id}: no offline difference could be computed (no case with a result for both variants, or no spread)`);
    const segments = (primary?.segments ?? []).map((s) => {
      const tag = offlineTag(c.outcomes, s.segment);
      const segmentOffline = tag === null ? null : offlineDifference(c, t, tag, level);
      const segmentOnline = decidingEffect(s.comparisons.find((x) => x.arm === arm.id));
      return {
        segment: s.segment,
        difference: segmentOffline,
        online: segmentOnline,
        agree: agreement(segmentOffline, segmentOnline),
      };
    });
    comparisons.push({
      arm: arm.id,
      control: control.id,
      runIds: { control: c.run.id, treatment: t.run.id },
      variants: { control: c.outcomes.variants[c.variant].id, treatment: t.outcomes.variants[t.variant].id },
      difference,
      online,
      agree: agreement(difference, online),
      segments,
    });
  }
  return { suite: name, comparisons, note: notes.length ? notes.join('; ') : null };
}

/** What offlineLinkFor reads of a loaded experiment (schema.ts's ExperimentConfig fits it). */
export interface OfflineLinkConfig {
  suite?: string;
  dir: string;
  controlId: string;
  arms: readonly OfflineLinkArm[];
  analysis: { level: number };
}

/**
 * analyzeExperiment's `offline` option over a store: the link for a loaded experiment (its `suite:` resolved against the
 * experiment file's folder) with the scorecard's first metric as the online side.
 */
export function offlineLinkFor(store: Store | null | undefined) {
  return (config: OfflineLinkConfig, scorecard: { metrics: readonly MetricResult[] }): Promise<OfflineLink | null> =>
    offlineLink(
      store,
      {
        suite: config.suite === undefined ? null : resolve(config.dir, config.suite),
        control: config.controlId,
        arms: config.arms,
        level: config.analysis.level,
      },
      scorecard.metrics[0],
    );
}
