// A monitor's evaluation (issue #15): one pass over the monitor's scored stream (store.production.observations(),
// oldest first, memory flat but for the current window's values and a reference window's calls) gives, per metric,
// the current window's estimate with its interval, the baseline, the sequential detector over the stream since the
// baseline (detector.ts), the bar verdict, the state, and the alert to open or close. Every renderer (report/,
// `monitor status|check`, the webhook, the viewer) words this one MonitorStatus.
import { createHash } from 'node:crypto';
import { EvalspecError } from '../errors.js';
import { RATE_DETECTOR_METHOD, type DriftMetricBaseline } from '../stats/index.js';
import type { MonitorAlert, Store } from '../store/index.js';
import { DEPLOYMENT_STAGES, durationMs, type MonitorMetric, type MonitorSpec, type Suite } from '../suite/index.js';
import { resolveBaseline, type ResolvedBaseline } from './baseline.js';
import { MetricDetector, type MetricDetectorResult } from './detector.js';
import { languageName } from '../ingest/index.js';
import type {
  BarVerdict,
  DetectorVerdict,
  LanguageMixStatus,
  LanguageShare,
  MetricBaseline,
  MetricStatus,
  MonitorStatus,
  PromptLengthStatus,
  SegmentShare,
  StageAdvice,
} from './status-types.js';
import { WindowAccumulator, barKind, driftBaselineOf, segmentShares, windowFigure, type WindowCall, type WindowMetric } from './window-figures.js';

/** Input drift: the traffic, not the model. Reported apart from quality. */
const INPUT_METRICS = new Set<WindowMetric>(['segment_mix', 'prompt_length', 'language_mix']);
const WORSE: Record<WindowMetric, MetricStatus['worse']> = {
  prompt_length: 'change',
  language_mix: 'change',
  pass_rate: 'decrease',
  critical_rate: 'increase',
  refusal_rate: 'increase',
  cost_per_call: 'increase',
  p95_latency: 'increase',
  output_length: 'change',
  segment_mix: 'change',
};
type BarMetric = 'pass_rate' | 'critical_rate';
const BAR_METRICS = new Set<WindowMetric>(['pass_rate', 'critical_rate']);

export interface EvaluateOptions {
  /** The evaluation time (default: now): the current window is [now − window, now). */
  now?: Date;
  /** Another reader of the same pass (the viewer's series): given every call from `first` (epoch ms) up to now, in order. */
  tap?: { readonly first: number; add(call: WindowCall, time: number): void };
}

/** What an evaluation changes in the store (runMonitorCycle applies it; `monitor status` only shows it). */
export interface Evaluation {
  status: MonitorStatus;
  opened: MonitorAlert[];
  closed: MonitorAlert[];
}

export function findMonitor(suite: Suite, name: string): MonitorSpec {
  const monitor = suite.monitors.find((m) => m.name === name);
  if (!monitor) {
    const names = suite.monitors.map((m) => m.name);
    throw new EvalspecError('USAGE', `suite "${suite.name}" has no monitor "${name}"`, {
      file: suite.file,
      hint: names.length ? `monitors of this suite: ${names.join(', ')}` : 'add a monitor under `monitors:` in the suite file (docs/monitoring.md)',
    });
  }
  return monitor;
}

/**
 * The baseline of one metric as the detector reads it, and its figure for people (the same window function), from
 * the baseline's calls or from an accumulator they were already added to (a reference window, read in the stream's
 * one pass without holding its calls).
 */
export function metricBaseline(
  metric: WindowMetric,
  calls: readonly WindowCall[] | WindowAccumulator,
  source: string,
): { drift: DriftMetricBaseline | null; shown: MetricBaseline; acc: WindowAccumulator } {
  let acc: WindowAccumulator;
  if (calls instanceof WindowAccumulator) acc = calls;
  else {
    acc = new WindowAccumulator(metric, 0, 0);
    for (const call of calls) acc.add(call);
  }
  const shown: MetricBaseline = { value: windowFigure(acc, { minSamples: 1 }).window.estimate, n: acc.n, source };
  return { drift: driftBaselineOf(acc), shown, acc };
}

/** The stricter of the monitor's `bars` and the current stage's bar for a metric. */
function barOf(monitor: MonitorSpec, metric: WindowMetric): number | undefined {
  if (!BAR_METRICS.has(metric)) return undefined;
  const m = metric as BarMetric;
  const values = [monitor.bars?.[m], monitor.stage ? monitor.stages?.[monitor.stage]?.[m] : undefined].filter((v): v is number => v !== undefined);
  if (values.length === 0) return undefined;
  return barKind(metric) === 'min' ? Math.max(...values) : Math.min(...values);
}

function alertId(suite: string, monitor: string, metric: string, openedAt: string): string {
  return createHash('sha256').update(`${suite}\0${monitor}\0${metric}\0${openedAt}`).digest('hex').slice(0, 32);
}

function detectorVerdict(monitor: MonitorSpec, d: MetricDetectorResult): DetectorVerdict {
  return {
    method: `${RATE_DETECTOR_METHOD} (restarts after each alarm)`,
    falseAlarmRate: monitor.alert.false_alarm_rate,
    periodDays: durationMs(monitor.alert.period) / 86_400_000,
    samplesPerPeriod: d.samplesPerPeriod,
    alarm: d.latest ? { at: d.latest.at, afterSamples: d.latest.samples } : null,
    statistic: d.latest ? d.latest.logStatistic : null,
    threshold: d.latest ? d.latest.logThreshold : null,
  };
}

/** Read the stream once and evaluate every metric; alerts to open and close are returned, not stored. */
export async function evaluate(store: Store, suite: Suite, monitorName: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const monitor = findMonitor(suite, monitorName);
  const now = (options.now ?? new Date()).getTime();
  const nowIso = new Date(now).toISOString();
  const windowStart = now - durationMs(monitor.window);
  const minSamples = monitor.alert.min_samples;
  const alertSettings = { falseAlarmRate: monitor.alert.false_alarm_rate, periodMs: durationMs(monitor.alert.period), minSamples };
  const baseline = await resolveBaseline(store, suite, monitor);
  // Watching segment_mix turns on input drift: the segment shares, the prompt length and the language mix.
  const metrics: WindowMetric[] = monitor.metrics.includes('segment_mix') ? [...monitor.metrics, 'prompt_length', 'language_mix'] : monitor.metrics;
  // pass and critical rates are always accumulated: stage bars read them even when the monitor does not watch them.
  const windowed = [...new Set<WindowMetric>([...metrics, 'pass_rate', 'critical_rate'])];
  const current = new Map(windowed.map((m) => [m, new WindowAccumulator(m, windowStart, now)]));
  const baselines = new Map<WindowMetric, ReturnType<typeof metricBaseline>>();
  const detectors = new Map<WindowMetric, MetricDetector>();
  // A reference window's calls are added to one accumulator per metric as they stream by, not held.
  const reference = new Map(metrics.map((m) => [m, new WindowAccumulator(m, 0, 0)]));
  let detectorsBuilt = false;
  const buildDetectors = (calls: readonly WindowCall[] | null, source: string) => {
    detectorsBuilt = true;
    for (const metric of metrics) {
      const b = metricBaseline(metric, calls ?? reference.get(metric)!, source);
      baselines.set(metric, b);
      if (b.drift) detectors.set(metric, new MetricDetector(metric, b.drift, alertSettings, traffic));
    }
  };
  const detectorSince = baseline.detectorSince === null ? null : Date.parse(baseline.detectorSince);
  // N from how many calls came since the detector's start (an index-only count), before the stream is read.
  const counted =
    detectorSince === null
      ? { count: 0, first: null }
      : await store.production.observationCount({ suite: suite.name, monitor: monitor.name, since: new Date(detectorSince).toISOString(), until: nowIso });
  const traffic = { count: counted.count, first: counted.first === null ? null : Date.parse(counted.first), now };
  if (baseline.kind === 'run') buildDetectors(baseline.calls, baseline.source);
  const samples = { scored: 0, unscored: 0, errors: 0, queued: 0 };

  // Nothing before the earliest of the reference window, the detector's start and the current window is read.
  const starts = [windowStart, detectorSince ?? Infinity, baseline.kind === 'window' ? Date.parse(baseline.since) : Infinity, options.tap?.first ?? Infinity];
  const since = new Date(Math.min(...starts)).toISOString();
  // The reference window as epoch ms, parsed once (an empty range when the baseline is not a window).
  const [referenceSince, referenceUntil] = baseline.kind === 'window' ? [Date.parse(baseline.since), Date.parse(baseline.until)] : [Infinity, -Infinity];
  for await (const call of store.production.observations({ suite: suite.name, monitor: monitor.name, since, until: nowIso })) {
    const t = Date.parse(call.startedAt);
    options.tap?.add(call, t);
    if (t >= referenceSince && t < referenceUntil) for (const acc of reference.values()) acc.add(call);
    if (detectorSince !== null && t >= detectorSince) {
      if (!detectorsBuilt) buildDetectors(null, baseline.source);
      for (const d of detectors.values()) d.observe(call, t);
    }
    if (t >= windowStart && t < now) {
      samples[call.status === 'scored' ? 'scored' : call.status === 'unscored' ? 'unscored' : 'errors']++;
      for (const acc of current.values()) acc.add(call);
    }
  }
  if (!detectorsBuilt && baseline.kind === 'window') buildDetectors(null, baseline.source);
  samples.queued = await store.production.queueDepth(suite.name, monitor.name);

  const stored = await store.production.alerts.list({ suite: suite.name, monitor: monitor.name, state: 'open' });
  const opened: MonitorAlert[] = [];
  const closed: MonitorAlert[] = [];
  const quality: MetricStatus[] = [];
  const input: MetricStatus[] = [];
  let promptLength: PromptLengthStatus | null = null;
  let languageMix: LanguageMixStatus | null = null;
  for (const metric of metrics) {
    const acc = current.get(metric)!;
    const bar = barOf(monitor, metric);
    const figure = windowFigure(acc, { bar, minSamples });
    const b = baselines.get(metric);
    const shown: MetricBaseline = b?.shown ?? { value: null, n: null, source: baseline.source };
    const d = detectors.get(metric)?.finish() ?? null;
    const detector = d ? detectorVerdict(monitor, d) : null;
    const worse = WORSE[metric];
    const windowOk = acc.n >= minSamples;
    const alarmAt = detector?.alarm ? Date.parse(detector.alarm.at) : null;
    const recovered = windowOk && (alarmAt === null || alarmAt < windowStart) && consistent(worse, figure.window, shown.value) && figure.bar?.passed !== false;
    const barFailed = figure.bar?.passed === false;
    const triggered = windowOk && ((alarmAt !== null && !recovered) || barFailed);
    let open = stored.find((a) => a.metric === metric);
    const common = { worse, window: figure.window, baseline: shown, detector, bar: figure.bar, state: 'ok' as const };
    const status: MetricStatus | PromptLengthStatus | LanguageMixStatus =
      metric === 'language_mix'
        ? { metric, ...common, languages: languagesOf(acc, b?.acc ?? null, recovered ? null : d), unknown: acc.unknown }
        : metric === 'prompt_length'
          ? { metric, ...common }
          : { metric, ...common };
    // A segment "moved" while its change stands: once the window is back, the old alarm no longer marks it.
    if (status.metric === 'segment_mix') status.segments = segmentsOf(acc, b?.acc ?? null, recovered ? null : d);
    if (open && recovered) {
      closed.push({ ...open, state: 'closed', closedAt: nowIso });
      open = undefined;
    } else if (!open && triggered) {
      open = {
        id: alertId(suite.name, monitor.name, metric, nowIso),
        suite: suite.name,
        monitor: monitor.name,
        metric,
        state: 'open',
        openedAt: nowIso,
        closedAt: null,
        evidence: evidenceOf(status, alarmAt !== null && !recovered ? 'detector' : 'bar'),
      };
      opened.push(open);
    }
    status.state = open ? 'alert' : !b?.drift && !figure.bar ? 'no-baseline' : !windowOk ? 'insufficient-data' : 'ok';
    if (status.metric === 'prompt_length') promptLength = status;
    else if (status.metric === 'language_mix') languageMix = status;
    else (INPUT_METRICS.has(metric) ? input : quality).push(status);
  }
  const closedIds = new Set(closed.map((a) => a.id));
  const openAlerts = [...opened, ...stored.filter((a) => !closedIds.has(a.id))];
  const status: MonitorStatus = {
    suite: suite.name,
    monitor: monitor.name,
    evaluatedAt: nowIso,
    samples,
    metrics: quality,
    inputDrift: input,
    promptLength,
    languageMix,
    stage: stageAdvice(monitor, current, minSamples),
    openAlerts,
  };
  return { status, opened, closed };
}

/** `monitor status`: the evaluation without changing the store (its openAlerts are those a check would leave open). */
export async function evaluateMonitor(store: Store, suite: Suite, monitorName: string, options: EvaluateOptions = {}): Promise<MonitorStatus> {
  return (await evaluate(store, suite, monitorName, options)).status;
}

/**
 * The window is back when its two-sided interval reaches the baseline on the bad side's far end: for a metric that
 * gets worse by decreasing, the upper end is at or above the baseline (and the other way round); both ends for a
 * change either way. No baseline figure: nothing to compare, so the detector and the bar decide alone.
 */
function consistent(worse: MetricStatus['worse'], w: MetricStatus['window'], baseline: number | null): boolean {
  if (baseline === null || w.low === null || w.high === null) return true;
  if (worse === 'decrease') return w.high >= baseline;
  if (worse === 'increase') return w.low <= baseline;
  return w.low <= baseline && baseline <= w.high;
}

/** Each tag's (or language's) share now and in the baseline, and whether the detector's latest alarm named it. */
function sharesOf(acc: WindowAccumulator, base: WindowAccumulator | null, d: MetricDetectorResult | null) {
  const now = segmentShares(acc);
  const before = base ? segmentShares(base) : new Map<string, number>();
  const moved = d?.latest?.segment ?? null;
  const keys = [...new Set([...now.keys(), ...before.keys()])].sort();
  return keys.map((key) => ({
    key,
    share: now.get(key) ?? 0,
    // A baseline without a single call (a run's cases have no detected language) knows no share: unknown, not 0.
    baselineShare: base && base.n > 0 ? (before.get(key) ?? 0) : null,
    moved: moved === key || (moved === '(new)' && !before.has(key) && now.has(key)),
  }));
}

function segmentsOf(acc: WindowAccumulator, base: WindowAccumulator | null, d: MetricDetectorResult | null): SegmentShare[] {
  return sharesOf(acc, base, d).map(({ key, ...share }) => ({ segment: key, ...share }));
}

function languagesOf(acc: WindowAccumulator, base: WindowAccumulator | null, d: MetricDetectorResult | null): LanguageShare[] {
  return sharesOf(acc, base, d).map(({ key, ...share }) => ({ language: key, name: languageName(key), ...share }));
}

function evidenceOf(status: MetricStatus | PromptLengthStatus | LanguageMixStatus, reason: 'detector' | 'bar'): Record<string, unknown> {
  return {
    reason,
    metric: status.metric,
    worse: status.worse,
    window: status.window,
    baseline: status.baseline,
    detector: status.detector,
    bar: status.bar,
    segments: 'segments' in status ? (status.segments ?? null) : null,
    ...('languages' in status ? { languages: status.languages, unknown: status.unknown } : {}),
  };
}

/**
 * Stage advice from the current window: `kill-switch` when a bar of the current stage (or the monitor's `bars`) is
 * breached (the one-sided bound proves the window past it), `advance` when every bar of the next stage is met (the
 * bound on the safe side clears it), `hold` otherwise (also at the last stage).
 */
function stageAdvice(monitor: MonitorSpec, current: Map<WindowMetric, WindowAccumulator>, minSamples: number): StageAdvice | null {
  if (!monitor.stage) return null;
  const at = DEPLOYMENT_STAGES.indexOf(monitor.stage);
  const next = DEPLOYMENT_STAGES[at + 1] ?? null;
  const verdicts = (bars: Partial<Record<BarMetric, number>> | undefined) =>
    Object.entries(bars ?? {}).map(([metric, value]) => {
      const acc = current.get(metric as MonitorMetric) ?? new WindowAccumulator(metric as MonitorMetric, 0, 0);
      const bar = windowFigure(acc, { bar: value, minSamples }).bar as BarVerdict;
      return { metric: metric as MonitorMetric, bar: value, bound: bar.bound, passed: bar.passed };
    });
  const now = verdicts({ ...monitor.stages?.[monitor.stage], ...monitor.bars });
  if (now.some((r) => r.passed === false)) return { current: monitor.stage, advice: 'kill-switch', next, reasons: now.filter((r) => r.passed === false) };
  if (!next) return { current: monitor.stage, advice: 'hold', next: null, reasons: now };
  const ahead = verdicts(monitor.stages?.[next]);
  const advance = ahead.length > 0 && ahead.every((r) => r.passed === true);
  return { current: monitor.stage, advice: advance ? 'advance' : 'hold', next, reasons: ahead };
}

export type { ResolvedBaseline };
