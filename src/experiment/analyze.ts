// The scorecard of an experiment: SRM first (fired → verdict blocked, effects listed but "do not read"), then
// per metric × treatment arm the effect (CUPED when a covariate is given, raw beside), fixed-horizon and
// sequential intervals, p-values adjusted across metrics × arms, segments, novelty and the daily series;
// guardrails judged one-sided. Figures only: render.ts words them.
import { EvalspecError } from '../errors.js';
import { adjustPValues, guardrailIntervalLevel, guardrailVerdict, sampleRatioMismatch } from '../stats/index.js';
import { loadExperiment, type ExperimentConfig } from './schema.js';
import { loadExperimentData, type ExperimentData } from './load.js';
import { accumulate, sweepMeasure, ACC_SIZE, type Acc, type MeasureValues } from './measures.js';
import { compareArms, conclude, decidingAbsolute, decidingRelative, type CompareContext } from './compare.js';
import { noveltyChecks, segmentResults } from './breakdowns.js';
import { srmMessage, verdictOf } from './verdict.js';
import type { ArmMetricSummary, DailyPoint, GuardrailResult, GuardrailVerdictValue, MetricResult, Scorecard } from './scorecard-types.js';

export interface AnalyzeOptions {
  /** Adds the offline ↔ online link (experiment/offline-link.ts); omitted: `offline` is null. */
  offline?: (config: ExperimentConfig, scorecard: Scorecard) => Promise<Scorecard['offline']>;
}

const DAY_MS = 86_400_000;

function armSummaries(data: ExperimentData, accs: Acc[], ratio: boolean): ArmMetricSummary[] {
  return data.armIds.map((arm, g) => {
    const [n, sy, syy, sx] = accs[g];
    const mean = n === 0 ? null : ratio ? (sx === 0 ? null : sy / sx) : sy / n;
    const sd = n < 2 || ratio ? null : Math.sqrt(Math.max(0, (syy - (sy * sy) / n) / (n - 1)));
    return { arm, n, mean, sd };
  });
}

function dailySeries(ctx: CompareContext): MetricResult['series'] {
  const { data, values } = ctx;
  const arms = data.armIds.length;
  const out: MetricResult['series'] = [];
  for (let t = 0; t < arms; t++) {
    if (t === data.controlIndex) continue;
    const points: DailyPoint[] = [];
    for (let d = 0; d < data.days; d++) {
      const accs = Array.from({ length: arms }, (_, g) => values.daily.subarray((d * arms + g) * ACC_SIZE, (d * arms + g + 1) * ACC_SIZE));
      const comparison = compareArms(ctx, accs, accs, t);
      const fixed = comparison.effect.absolute;
      const seq = comparison.sequential?.absolute ?? null;
      points.push({
        day: new Date(data.day0 + (d + 1) * DAY_MS - 1).toISOString().slice(0, 10),
        units: accs.map((a) => a[0]),
        estimate: fixed?.estimate ?? null,
        fixedLow: fixed?.low ?? null,
        fixedHigh: fixed?.high ?? null,
        sequentialLow: seq?.low ?? null,
        sequentialHigh: seq?.high ?? null,
      });
    }
    out.push({ arm: data.armIds[t], points });
  }
  return out;
}

function definitionOf(values: MeasureValues): string {
  const spec = values.measure.spec;
  if (spec.type === 'proportion') return `share of units with any ${spec.column} > 0`;
  if (spec.type === 'ratio') return `Σ${spec.numerator} / Σ${spec.denominator} over units (delta method)`;
  return `${spec.aggregate} of ${spec.column} per unit, averaged over units`;
}

export async function analyzeExperiment(input: string | ExperimentConfig, options: AnalyzeOptions = {}): Promise<Scorecard> {
  const config = typeof input === 'string' ? loadExperiment(input) : input;
  const data = await loadExperimentData(config);
  const counts = data.armIds.map(() => 0);
  for (let u = 0; u < data.units; u++) if (data.arm[u] >= 0) counts[data.arm[u]]++;
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) {
    throw new EvalspecError('EXPERIMENT_DATA', 'no usable exposure: every row was missing a unit, an arm of the experiment or a timestamp', {
      file: data.sources.exposures,
      hint: `check the columns ${config.unit}, arm and timestamp, and the arm ids (${data.armIds.join(', ')}); the data-quality counts are: ${data.quality
        .list()
        .map((i) => `${i.kind} ${i.count}`)
        .join(', ')}`,
    });
  }
  counts.forEach((n, g) => {
    if (n === 0) data.quality.add('empty-arm', data.sources.exposures, null, `arm ${data.armIds[g]} has no units`);
  });
  const weights = config.arms.map((a) => a.weight);
  const srmRaw = sampleRatioMismatch(counts, weights);
  const weightTotal = weights.reduce((s, w) => s + w, 0);
  const srm: Scorecard['srm'] = {
    counts,
    plannedShares: weights.map((w) => w / weightTotal),
    chi2: srmRaw.chi2,
    df: srmRaw.df,
    p: srmRaw.p,
    fired: srmRaw.fired,
    method: srmRaw.method,
    message:
      srmRaw.fired && srmRaw.worst
        ? srmMessage(data.armIds[srmRaw.worst.arm], srmRaw.worst.observedShare, srmRaw.worst.plannedShare, srmRaw.p, config.unit)
        : null,
  };
  const alpha = 1 - config.analysis.level;
  const treatments = data.armIds.map((_, g) => g).filter((g) => g !== data.controlIndex);

  const results = data.measures.map((measure) => {
    const values = sweepMeasure(data, measure);
    const level = measure.guardrail ? guardrailIntervalLevel(config.analysis.level) : config.analysis.level;
    const ctx: CompareContext = { config, data, values, srmFired: srm.fired, level };
    const deciding = accumulate(data, values, 'deciding', null);
    const raw = accumulate(data, values, 'raw', null);
    const comparisons = treatments.map((t) => compareArms(ctx, deciding, raw, t));
    for (const c of comparisons) {
      if (c.effect.note === 'zero-variance') data.quality.add('zero-variance', data.sources.outcomes, null, `${measure.id}: ${c.control} vs ${c.arm}`);
    }
    return { measure, ctx, raw, comparisons };
  });

  // Holm/BH across metrics × arms on the deciding p-values; guardrails apart (they are judged one-sided).
  const adjustGroup = (group: typeof results) => {
    const all = group.flatMap((r) => r.comparisons.filter((c) => decidingAbsolute(c)));
    const adjusted = all.length
      ? adjustPValues(
          all.map((c) => decidingAbsolute(c)!.p),
          config.analysis.correction,
        )
      : [];
    all.forEach((c, i) => (c.adjustedP = adjusted[i]));
  };
  const metricResults = results.filter((r) => r.measure.guardrail === null);
  const guardrailResults = results.filter((r) => r.measure.guardrail !== null);
  adjustGroup(metricResults);
  adjustGroup(guardrailResults);

  const metrics: MetricResult[] = metricResults.map(({ measure, ctx, raw, comparisons }) => {
    const higherIsBetter = measure.spec.higher_is_better;
    for (const c of comparisons) c.conclusion = conclude(c, higherIsBetter, alpha, srm.fired);
    return {
      id: measure.id,
      type: measure.spec.type,
      higherIsBetter,
      definition: definitionOf(ctx.values),
      covariate: measure.spec.covariate ?? null,
      arms: armSummaries(data, raw, measure.spec.type === 'ratio'),
      comparisons,
      segments: segmentResults(ctx, treatments),
      novelty: noveltyChecks(ctx, treatments),
      series: dailySeries(ctx),
    };
  });

  const guardrails: GuardrailResult[] = guardrailResults.map(({ measure, raw, comparisons }) => {
    const g = measure.guardrail!;
    const judged = comparisons.map((c) => {
      c.conclusion = conclude(c, g.higher_is_better, alpha, srm.fired);
      const e = g.relative ? decidingRelative(c) : decidingAbsolute(c);
      const verdict: GuardrailVerdictValue | null = e ? guardrailVerdict(e, { maxWorse: g.max_worse, higherIsBetter: g.higher_is_better }) : null;
      return { ...c, verdict };
    });
    const order: (GuardrailVerdictValue | null)[] = ['not-met', null, 'inconclusive', 'met'];
    const verdict = judged.length ? judged.map((j) => j.verdict).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] : null;
    return {
      metric: measure.id,
      type: g.type,
      higherIsBetter: g.higher_is_better,
      maxWorse: g.max_worse,
      relative: g.relative,
      arms: armSummaries(data, raw, g.type === 'ratio'),
      comparisons: judged,
      verdict,
    };
  });

  const scorecard: Scorecard = {
    formatVersion: 1,
    name: config.name,
    file: config.file,
    unit: config.unit,
    control: config.controlId,
    arms: config.arms.map((a, g) => ({ id: a.id, weight: a.weight, variant: a.variant ?? null, units: counts[g] })),
    analysis: {
      level: config.analysis.level,
      correction: config.analysis.correction,
      sequential: config.analysis.sequential,
      tuning: config.analysis.tuning,
      minSegmentUnits: config.analysis.min_segment_units,
      noveltyDays: config.analysis.novelty_days,
      start: config.analysis.start === undefined ? null : new Date(config.analysis.start).toISOString(),
      end: config.analysis.end === undefined ? null : new Date(config.analysis.end).toISOString(),
    },
    period: {
      start: data.firstExposure === null ? null : new Date(data.firstExposure).toISOString(),
      end: data.lastExposure === null ? null : new Date(data.lastExposure).toISOString(),
      days: data.days || null,
    },
    srm,
    metrics,
    guardrails,
    offline: null,
    dataQuality: { exposureRows: data.rows.exposures, outcomeRows: data.rows.outcomes, preRows: data.rows.pre, issues: data.quality.list() },
    verdict: 'inconclusive',
    messages: [],
  };
  if (options.offline) scorecard.offline = await options.offline(config, scorecard);
  const { verdict, messages } = verdictOf(scorecard);
  scorecard.verdict = verdict;
  scorecard.messages = messages;
  return scorecard;
}
