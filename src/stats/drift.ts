// Drift detection on one monitored metric: a stream of per-call observations (in startedAt order) against a baseline,
// through one or more Shiryaev–Roberts e-detectors (rate-change-detector.ts), with the false-alarm guarantee and
// the evidence as data. Three shapes of metric:
// - rate: a 0/1 figure per call (passed, critical failure, refusal) against a baseline rate;
// - exceedance: an unbounded figure (cost, output length, latency) as the rate of calls past a baseline quantile
//   (drift-baseline.ts: exact order-statistic bound). This watches a shift of the distribution past that quantile
//   (the median for cost and length, the p95 for latency), not the mean itself: a mean moved only by a few huge
//   values with the median unchanged is not detected; in exchange no moment or bound of the figure is assumed;
// - segments: the share of calls carrying each baseline segment tag (plus "(new)": a tag the baseline never had),
//   one increase and one decrease detector per segment; the alarm names the segment that moved.
// α is split by Bonferroni: the baseline's bounds get α_b = baselineShare·α (only when the baseline is a sample), the
// detectors α_d = α − α_b, each of the C channels α_b/C and α_d/C. P(any alarm within samplesPerPeriod observations
// | nothing changed) ≤ α, assuming independent observations and a baseline drawn from the same distribution as the
// monitored traffic before any change (stationarity).
import { exceedanceThreshold, nullRateFor, type NullRate, type RateBaseline } from './drift-baseline.js';
import { RATE_DETECTOR_METHOD, RateChangeDetector, type DriftDirection } from './rate-change-detector.js';
import { assertProbability } from './validate.js';

export type DriftSide = DriftDirection | 'both';

/** One observation of the monitored stream; `value` for rate and exceedance metrics, `tags` for segments. */
export interface DriftObservation {
  /** ISO 8601 time (startedAt) or epoch ms (simulations: no parsing per call); the stream must be in time order. */
  at: string | number;
  /** null (unknown cost, unscored call) is skipped and counted, never treated as 0. */
  value?: number | boolean | null;
  tags?: readonly string[];
}

/** What every drift rule states. */
export interface DriftRuleBase {
  /** The metric's name, carried into the result (e.g. pass_rate). */
  metric: string;
  /** α: the largest chance of any alarm within samplesPerPeriod observations when nothing changed. */
  falseAlarmRate: number;
  /** N: observations expected in the period the guarantee is stated for (e.g. scored calls per 30 days). */
  samplesPerPeriod: number;
  /** The period N stands for, in ms, for the statement "≤ 1% per 30 days"; null when not stated. */
  periodMs?: number | null;
  /** No alarm before this many (non-null) observations. Default 1. */
  minSamples?: number;
  /** Share of α spent on the baseline's bounds when the baseline is a sample. Default 0.5. */
  baselineShare?: number;
}

export type ExceedanceBaseline = { kind: 'values'; values: readonly number[] } | { kind: 'known'; threshold: number; rate: number };
export interface SegmentBaseline {
  /** Calls in the baseline. */
  n: number;
  /** Calls carrying each tag. */
  counts: Readonly<Record<string, number>>;
}

export type DriftRule =
  | (DriftRuleBase & { kind: 'rate'; baseline: RateBaseline; direction: DriftSide })
  | (DriftRuleBase & { kind: 'exceedance'; baseline: ExceedanceBaseline; quantile: number; direction: DriftSide })
  | (DriftRuleBase & { kind: 'segments'; baseline: SegmentBaseline });

/** One detector of a rule and what it tests. */
export interface DriftChannel {
  /** Which way the metric moves when this channel alarms. */
  direction: DriftDirection;
  /** segments: the tag (or "(new)"); null otherwise. */
  segment: string | null;
  /** exceedance: the baseline threshold m and which side of it counts; null otherwise. */
  threshold: { value: number; quantile: number; counts: 'above' | 'below'; baselineQuantile: number | null } | null;
  /** The rate watched (counted calls / calls) and its null: baseline point and the bound tested against. */
  baseline: NullRate;
  /** α of this detector (α_d / C). */
  detectorFalseAlarmRate: number;
  /** The detector's grid of post-change rates. */
  alternatives: readonly number[];
}

export interface DriftGuarantee {
  falseAlarmRate: number;
  periodMs: number | null;
  samplesPerPeriod: number;
  /** α_d and α_b (total over channels). */
  detectorFalseAlarmRate: number;
  baselineFalseAlarmRate: number;
  /** Doob's maximal inequality on the Shiryaev–Roberts statistic, threshold A = C·N/α_d per channel; Bonferroni over channels. */
  basis: 'doob-maximal-inequality-bonferroni';
  assumes: readonly ['independent-observations', 'baseline-same-distribution'];
}

export interface DriftAlarm {
  /** 0-based position in the stream (skipped observations included) and its time. */
  index: number;
  at: string;
  /** Non-null observations up to and including the alarm. */
  samples: number;
  /** Which channel crossed (index into channels). */
  channel: number;
  direction: DriftDirection;
  segment: string | null;
  /** log R_t and log A of that channel. */
  logStatistic: number;
  logThreshold: number;
  /** The post-change rate of the grid point with the most evidence. */
  leadingAlternative: number | null;
  /** Estimated change start (CUSUM restart of the leading grid point): stream index and time. */
  changeStart: { index: number; at: string; samples: number } | null;
  /** Counted calls / calls since the estimated change start: the rate after the change. */
  sinceChange: { n: number; successes: number; rate: number } | null;
}

export interface DriftResult {
  metric: string;
  kind: DriftRule['kind'];
  method: typeof RATE_DETECTOR_METHOD;
  guarantee: DriftGuarantee;
  channels: DriftChannel[];
  /** Non-null observations consumed (up to the alarm when there is one). */
  samples: number;
  /** Observations consumed whose value was null. */
  skipped: number;
  alarm: DriftAlarm | null;
}

interface LiveChannel {
  spec: DriftChannel;
  detector: RateChangeDetector;
  indicator: (observation: DriftObservation) => boolean | null;
}

const NEW_SEGMENT = '(new)';

function valueOf(observation: DriftObservation): number | null {
  const v = observation.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (!Number.isFinite(v)) throw new RangeError(`observation at ${observation.at} has a non-finite value ${v}`);
  return v;
}

/** Epoch ms of an observation; a RangeError naming the value when it is not a time. */
export function observationTime(observation: DriftObservation): number {
  const time = typeof observation.at === 'number' ? observation.at : Date.parse(observation.at);
  if (!Number.isFinite(time)) throw new RangeError(`observation time must be ISO 8601 or epoch ms, got ${JSON.stringify(observation.at)}`);
  return time;
}

function sides(side: DriftSide): DriftDirection[] {
  return side === 'both' ? ['decrease', 'increase'] : [side];
}

/** Each channel's indicator, baseline and direction, before α is allocated. */
type ChannelPlan = Omit<DriftChannel, 'baseline' | 'detectorFalseAlarmRate' | 'alternatives'> & {
  rateBaseline: RateBaseline;
  /** The detector's direction on the counted rate (exceedance: always increase). */
  rateDirection: DriftDirection;
  indicator: LiveChannel['indicator'];
};

function planChannels(rule: DriftRule): ChannelPlan[] {
  if (rule.kind === 'rate') {
    return sides(rule.direction).map((direction) => ({
      direction,
      segment: null,
      threshold: null,
      rateBaseline: rule.baseline,
      rateDirection: direction,
      indicator: (o) => {
        const v = valueOf(o);
        if (v === null) return null;
        if (v !== 0 && v !== 1) throw new RangeError(`rate metric ${rule.metric}: observation at ${o.at} must be 0/1 or a boolean, got ${v}`);
        return v === 1;
      },
    }));
  }
  if (rule.kind === 'exceedance') {
    const baseline = rule.baseline;
    return sides(rule.direction).map((direction) => {
      const t =
        baseline.kind === 'values'
          ? exceedanceThreshold(baseline.values, rule.quantile, direction)
          : {
              threshold: baseline.threshold,
              counts: direction === 'increase' ? ('above' as const) : ('below' as const),
              baseline: { kind: 'known' as const, rate: direction === 'increase' ? baseline.rate : 1 - baseline.rate },
              baselineQuantile: null,
            };
      const m = t.threshold;
      return {
        direction,
        segment: null,
        threshold: { value: m, quantile: rule.quantile, counts: t.counts, baselineQuantile: t.baselineQuantile },
        rateBaseline: t.baseline,
        rateDirection: 'increase' as const,
        indicator: (o: DriftObservation) => {
          const v = valueOf(o);
          return v === null ? null : t.counts === 'above' ? v > m : v < m;
        },
      };
    });
  }
  const known = new Set(Object.keys(rule.baseline.counts));
  const plans: ChannelPlan[] = [];
  for (const segment of [...[...known].sort(), NEW_SEGMENT]) {
    const successes = segment === NEW_SEGMENT ? 0 : rule.baseline.counts[segment];
    const has = segment === NEW_SEGMENT ? (tags: readonly string[]) => tags.some((t) => !known.has(t)) : (tags: readonly string[]) => tags.includes(segment);
    for (const direction of sides('both')) {
      plans.push({
        direction,
        segment,
        threshold: null,
        rateBaseline: { kind: 'sample', successes, n: rule.baseline.n },
        rateDirection: direction,
        indicator: (o) => (o.tags ? has(o.tags) : null),
      });
    }
  }
  return plans;
}

/** A channel can alarm only when its null rate leaves room on its side (a rate of 0 cannot decrease). */
function viable(nullRate: number, direction: DriftDirection): boolean {
  return direction === 'decrease' ? nullRate > 0 : nullRate < 1;
}

/** The streaming form: feed observations one at a time; `observe` returns the alarm once, then the rule is spent. */
export class DriftMonitor {
  readonly rule: DriftRule;
  readonly guarantee: DriftGuarantee;
  private readonly live: LiveChannel[];
  private index = -1;
  private samples = 0;
  private skipped = 0;
  private lastTime = -Infinity;
  private alarm: DriftAlarm | null = null;

  constructor(rule: DriftRule) {
    const { falseAlarmRate, samplesPerPeriod, periodMs = null, minSamples = 1, baselineShare = 0.5 } = rule;
    assertProbability(falseAlarmRate, 'falseAlarmRate');
    assertProbability(baselineShare, 'baselineShare');
    const plans = planChannels(rule);
    const sampled = plans.some((p) => p.rateBaseline.kind === 'sample');
    const alphaBaseline = sampled ? falseAlarmRate * baselineShare : 0;
    const alphaDetector = falseAlarmRate - alphaBaseline;
    // The baseline bounds are computed at the share the channel count would give if all were viable; channels left
    // with no room are dropped and the detectors' α_d split over the rest (every choice depends on the baseline only).
    const perChannelBaseline = alphaBaseline / plans.length;
    const bounded = plans
      .map((plan) => ({ plan, nullRate: nullRateFor(plan.rateBaseline, plan.rateDirection, perChannelBaseline) }))
      .filter(({ plan, nullRate }) => viable(nullRate.nullRate, plan.rateDirection));
    const perChannelDetector = alphaDetector / Math.max(bounded.length, 1);
    this.live = bounded.map(({ plan, nullRate }) => {
      const detector = new RateChangeDetector({
        nullRate: nullRate.nullRate,
        direction: plan.rateDirection,
        falseAlarmRate: perChannelDetector,
        samplesPerPeriod,
        minSamples,
      });
      const spec: DriftChannel = {
        direction: plan.direction,
        segment: plan.segment,
        threshold: plan.threshold,
        baseline: nullRate,
        detectorFalseAlarmRate: perChannelDetector,
        alternatives: detector.alternatives,
      };
      return { spec, detector, indicator: plan.indicator };
    });
    this.rule = rule;
    this.guarantee = {
      falseAlarmRate,
      periodMs,
      samplesPerPeriod,
      detectorFalseAlarmRate: alphaDetector,
      baselineFalseAlarmRate: alphaBaseline,
      basis: 'doob-maximal-inequality-bonferroni',
      assumes: ['independent-observations', 'baseline-same-distribution'],
    };
  }

  /** Add the next observation; returns the alarm the first time a channel crosses (null otherwise, and after). */
  observe(observation: DriftObservation): DriftAlarm | null {
    if (this.alarm) return null;
    const time = observationTime(observation);
    if (time < this.lastTime) throw new RangeError(`observations must be in time order: ${observation.at} comes after a later one`);
    this.lastTime = time;
    this.index++;
    // Present or not is the observation's, not the channels' (a rule left with no viable channel still counts calls).
    const present = this.rule.kind === 'segments' ? observation.tags !== undefined : valueOf(observation) !== null;
    if (!present) {
      this.skipped++;
      return null;
    }
    this.samples++;
    // When several channels cross on the same observation (a large shift of a mix moves several shares at once), the
    // alarm names the one with the most evidence (largest log R − log A), not the first in channel order.
    let crossed = -1;
    let margin = -Infinity;
    for (let c = 0; c < this.live.length; c++) {
      const v = this.live[c].indicator(observation);
      if (v !== null && this.live[c].detector.observe(v, this.index, time)) {
        const state = this.live[c].detector.state();
        if (state.logStatistic - state.logThreshold > margin) {
          margin = state.logStatistic - state.logThreshold;
          crossed = c;
        }
      }
    }
    if (crossed >= 0) this.alarm = this.alarmFrom(crossed, observation, time);
    return this.alarm;
  }

  private alarmFrom(channel: number, observation: DriftObservation, time: number): DriftAlarm {
    const { spec, detector } = this.live[channel];
    const state = detector.state();
    return {
      index: this.index,
      at: typeof observation.at === 'string' ? observation.at : new Date(time).toISOString(),
      samples: this.samples,
      channel,
      direction: spec.direction,
      segment: spec.segment,
      logStatistic: state.logStatistic,
      logThreshold: state.logThreshold,
      leadingAlternative: state.leadingAlternative,
      changeStart: state.changeStart && {
        index: state.changeStart.mark,
        at: new Date(state.changeStart.time).toISOString(),
        samples: state.changeStart.sample,
      },
      sinceChange: state.sinceChange ? { ...state.sinceChange, rate: state.sinceChange.successes / state.sinceChange.n } : null,
    };
  }

  result(): DriftResult {
    return {
      metric: this.rule.metric,
      kind: this.rule.kind,
      method: RATE_DETECTOR_METHOD,
      guarantee: this.guarantee,
      channels: this.live.map((c) => c.spec),
      samples: this.samples,
      skipped: this.skipped,
      alarm: this.alarm,
    };
  }
}

/** Run a rule over a whole stream (stops at the first alarm). */
export function detectDrift(stream: Iterable<DriftObservation>, rule: DriftRule): DriftResult {
  const monitor = new DriftMonitor(rule);
  for (const observation of stream) if (monitor.observe(observation)) break;
  return monitor.result();
}

/** {@link detectDrift} over an async stream (the store's observations()). */
export async function detectDriftAsync(stream: AsyncIterable<DriftObservation>, rule: DriftRule): Promise<DriftResult> {
  const monitor = new DriftMonitor(rule);
  for await (const observation of stream) if (monitor.observe(observation)) break;
  return monitor.result();
}
