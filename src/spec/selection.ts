// "Model selection rationale": analysis' selection on the latest run (the Pareto frontier of quality vs cost per
// case, the cheapest variant provably within the margin of the best), the chosen variant (the suite's baseline, else
// that cheapest one) and why, with `evalspec select`'s own words (report/) and the volume projection when given.
import { loadSelectionData, projectSelection, selectModels, type Volume } from '../analysis/index.js';
import { ciText, costText, ms, pct, renderSelection } from '../report/index.js';
import type { Suite } from '../suite/index.js';
import type { SpecEvidence } from './evidence.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

/** `select`'s default margin: a cheaper variant is adequate when provably within 3 points of the best. */
const WITHIN = 0.03;

export async function selectionSection(suite: Suite, evidence: SpecEvidence, volume: Volume | undefined): Promise<SpecSection> {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const base = { id: 'selection' as const, title: 'Model selection rationale' };
  if (!evidence.store || !evidence.run) {
    gaps.push({
      id: 'selection',
      section: 'selection',
      message: 'no stored run: no measured reason to choose a model',
      fix: `run the suite with the candidate models: evalspec run ${suite.file}`,
    });
    return { ...base, blocks, figures: {}, gaps };
  }
  const data = await loadSelectionData(evidence.store, evidence.run.id);
  const input = { ...data.input, within: WITHIN, by: 'cost' as const, level: 0.95 };
  const selection = selectModels(input);
  if (selection.points.length < 2) {
    gaps.push({
      id: 'selection',
      section: 'selection',
      message: 'one variant only: no alternative was measured, so no choice is documented',
      fix: 'add a candidate model (a cheaper one) to models: and run the suite again',
    });
  }
  const chosen = suite.baseline ?? selection.overall.choice ?? selection.best;
  const why = suite.baseline
    ? `the suite's baseline (baseline: ${suite.baseline})`
    : selection.overall.choice && selection.overall.choice !== selection.best
      ? `the cheapest variant provably within ${pct(WITHIN)} of the best (${selection.best})`
      : 'the best pass rate; no cheaper variant is proven within the margin';
  blocks.push({ kind: 'paragraph', text: `Chosen: ${chosen ?? 'none'} — ${why}. Figures from run ${evidence.run.id}.` });
  blocks.push({
    kind: 'table',
    head: ['variant', 'pass rate (95% CI)', 'cost per case (95% CI)', 'latency p50', 'on the frontier'],
    rows: selection.points.map((p) => [
      p.variant,
      `${pct(p.quality)} (${ciText(p.qualityCi)})`,
      `${costText(p.costPerCase)}${p.costPerCaseCi ? ` (${costText(p.costPerCaseCi.low)}–${costText(p.costPerCaseCi.high)})` : ''}`,
      ms(p.latencyMs.p50),
      p.onFrontier ? 'yes' : `no${p.dominatedBy.length ? ` (dominated by ${p.dominatedBy.join(', ')})` : ''}`,
    ]),
  });
  const projection = volume ? projectSelection(input, selection, volume) : undefined;
  if (!volume) {
    gaps.push({
      id: 'volume',
      section: 'selection',
      message: 'no traffic volume given: no spend projection',
      fix: 'pass the expected volume: evalspec spec SUITE --volume 2M/month',
    });
  }
  const context = {
    runId: evidence.run.id,
    suite: evidence.run.suiteName,
    status: evidence.run.status,
    segmentBy: data.segmentBy,
    unpricedModels: data.unpricedModels,
    errors: data.errors,
    judgeCosts: data.judgeCosts,
  };
  blocks.push({ kind: 'quote', label: 'evalspec select', text: renderSelection(selection, context, projection) });
  return {
    ...base,
    blocks,
    figures: {
      runId: evidence.run.id,
      chosen,
      best: selection.best,
      frontier: selection.frontier,
      cheapestWithinMargin: selection.overall.choice,
      within: WITHIN,
      points: selection.points.map((p) => ({
        variant: p.variant,
        quality: p.quality,
        qualityCi: p.qualityCi,
        costPerCase: p.costPerCase,
        latencyP50: p.latencyMs.p50,
      })),
      projection: projection ?? null,
    },
    gaps,
  };
}
