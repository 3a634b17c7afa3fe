// `evalspec calibrate RUN_ID`: how far each judge of a run agrees with the human labels of that run, per
// metric (a rubric's dimensions separately): raw agreement, Cohen's kappa (quadratic-weighted on ordinal
// scales), the confusion matrix, false-pass and false-fail rates with intervals, and the score threshold
// that keeps the false-pass rate under a target. Pairwise judges also get per-order accuracy, positional
// consistency and position bias. Humans are compared with each other too: their agreement is the ceiling
// a judge can be expected to reach.
import { EvalspecError } from '../errors.js';
import { judgeMetadataOf } from '../score/index.js';
import type { Interval, KappaWeights } from '../stats/index.js';
import type { CalibrationRecord, LabelRow, ResultRow, RunRecord, Store } from '../store/index.js';
import { humanAgreement, humanTruth, levels, safeKappa, type CalibrationKind, type HumanAgreement, type HumanTruth } from './human-truth.js';
import { rate, thresholdAdvice, type Rate, type ThresholdAdvice, type ThresholdItem } from './threshold.js';

import { collectVerdicts, type Instrument, type Verdict } from './verdicts.js';

export type { CalibrationKind, HumanAgreement } from './human-truth.js';

export interface CalibrateOptions {
  /** Target false-pass rate for the threshold recommendation (default 0.05). */
  maxFalsePass?: number;
  /** Confidence level of every interval (default 0.95). */
  level?: number;
  /** Only labels of these labellers. */
  labellers?: string[];
  /** Only these metrics. */
  metrics?: string[];
  /** Store the calibrations (default true). */
  store?: boolean;
  now?: () => Date;
}

export interface PairwiseOrderFigures {
  /** Accuracy with this variant's output shown first, and shown second. */
  firstAccuracy: number;
  secondAccuracy: number;
  /** Mean of the two (LLMBar's "Acc."). */
  accuracy: number;
  /** Both orders right. */
  bothCorrect: number;
  /** Same verdict in both orders (LLMBar's "Agr."). */
  consistency: number;
  /** Cohen's kappa between the verdicts of the two orders. */
  consistencyKappa: number | null;
  /** Pairs whose verdict changed with the order (position bias), and which position won those. */
  positionBias: { flips: number; rate: number; firstPosition: number; secondPosition: number; other: number };
}

export interface JudgeCalibration {
  /** The judge, or "ensemble(a, b)" for an ensemble's combined verdict; a code check's type. */
  judge: string;
  /** A code check (named with --metric) compared with pass/fail labels, not a judge. */
  code?: boolean;
  members?: string[];
  metric: string;
  checkType: string;
  kind: CalibrationKind;
  /** Results with both a verdict and a (non-split) human label. */
  n: number;
  /** Labelled results where the judge gave no usable answer (judge-error). */
  judgeErrors: number;
  agreement: number | null;
  /** Judge errors counted as disagreements. */
  agreementCountingErrors: number | null;
  kappa: { value: number; weights: KappaWeights; interval: Interval } | null;
  /** Rows: human; columns: judge; in `categories` order. */
  confusion: { categories: string[]; matrix: number[][] };
  falsePass?: Rate;
  falseFail?: Rate;
  threshold?: ThresholdAdvice;
  /** Ordinal only. */
  scale?: [number, number];
  within1?: number;
  /** Mean of judge − human on the scale (> 0: the judge is more lenient). */
  meanDifference?: number;
  linearKappa?: number | null;
  /** Pairwise only. */
  orders?: PairwiseOrderFigures;
  /** Agreement among the humans on this metric (the ceiling), when several labelled it. */
  humanKappa?: number | null;
}

export interface RunCalibration {
  runId: string;
  suiteName: string;
  /** Label rows used, and by whom. */
  labels: number;
  labellers: string[];
  maxFalsePass: number;
  level: number;
  judges: JudgeCalibration[];
  humans: HumanAgreement[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Figures

function confusionOf(pairs: [string, string][], categories: string[]): number[][] {
  const index = new Map(categories.map((c, i) => [c, i]));
  const m = categories.map(() => categories.map(() => 0));
  for (const [h, j] of pairs) {
    const a = index.get(h);
    const b = index.get(j);
    if (a !== undefined && b !== undefined) m[a][b]++;
  }
  return m;
}

function adviceFor(ins: Instrument, items: ThresholdItem[], current: number, options: { maxFalsePass: number; level: number }): ThresholdAdvice {
  const judges = ins.members?.length ?? 1;
  return thresholdAdvice(items, {
    current,
    rule: ins.rule,
    judges,
    fixed: ins.code === true || (judgeMetadataOf(ins.checkType)?.fixedThreshold ?? false),
    target: options.maxFalsePass,
    level: options.level,
  });
}

function calibrateInstrument(
  ins: Instrument,
  truth: HumanTruth,
  options: Required<Pick<CalibrateOptions, 'maxFalsePass' | 'level'>>,
): JudgeCalibration | undefined {
  const { level } = options;
  let errors = 0;
  const matched: { key: string; human: string | number; verdict: Verdict }[] = [];
  for (const [key, human] of truth.consensus) {
    if (human === undefined) continue;
    const verdict = ins.verdicts.get(key);
    if (!verdict) continue;
    if (verdict.error) {
      errors++;
      continue;
    }
    matched.push({ key, human, verdict });
  }
  if (matched.length === 0 && errors === 0) return undefined;
  const base = {
    judge: ins.judge,
    ...(ins.code ? { code: true } : {}),
    ...(ins.members ? { members: ins.members } : {}),
    metric: ins.metric,
    checkType: ins.checkType,
    kind: ins.kind,
    n: matched.length,
    judgeErrors: errors,
  };
  const agreementOf = (agree: number) => ({
    agreement: matched.length ? agree / matched.length : null,
    agreementCountingErrors: matched.length + errors ? agree / (matched.length + errors) : null,
  });

  if (ins.kind === 'binary') {
    const categories = ['pass', 'fail'];
    const pairs = matched.filter((m) => m.verdict.pass !== undefined).map((m): [string, string] => [m.human as string, m.verdict.pass ? 'pass' : 'fail']);
    const k = pairs.length ? safeKappa(pairs, 'none', categories) : undefined;
    const humanFails = pairs.filter(([h]) => h === 'fail');
    const humanPasses = pairs.filter(([h]) => h === 'pass');
    const threshold = ins.threshold ?? 0.5;
    const items = matched.filter((m) => m.verdict.raw !== undefined).map((m) => ({ human: m.human === 'pass', raw: m.verdict.raw!, votes: m.verdict.votes }));
    return {
      ...base,
      ...agreementOf(pairs.filter(([h, j]) => h === j).length),
      kappa: k ? { value: k.kappa, weights: 'none', interval: k.interval } : null,
      confusion: { categories, matrix: confusionOf(pairs, categories) },
      falsePass: rate(humanFails.filter(([, j]) => j === 'pass').length, humanFails.length, level),
      falseFail: rate(humanPasses.filter(([, j]) => j === 'fail').length, humanPasses.length, level),
      threshold: adviceFor(ins, items, threshold, options),
    };
  }

  if (ins.kind === 'ordinal') {
    const scale = ins.scale ?? [1, 5];
    const cats = levels(scale);
    const inScale = matched.filter((m) => typeof m.human === 'number' && m.human >= scale[0] && m.human <= scale[1] && m.verdict.raw !== undefined);
    const pairs = inScale.map((m): [number, number] => [m.human as number, Math.floor(m.verdict.raw! + 0.5)]);
    const quadratic = pairs.length ? safeKappa(pairs, 'quadratic', cats) : undefined;
    const linear = pairs.length ? safeKappa(pairs, 'linear', cats) : undefined;
    const threshold = ins.threshold ?? Math.ceil((scale[0] + scale[1]) / 2);
    const items = inScale.map((m) => ({ human: (m.human as number) >= threshold, raw: m.verdict.raw!, votes: m.verdict.votes }));
    const humanFails = items.filter((i) => !i.human);
    const humanPasses = items.filter((i) => i.human);
    const strPairs = pairs.map(([h, j]): [string, string] => [String(h), String(j)]);
    return {
      ...base,
      n: inScale.length,
      ...agreementOf(pairs.filter(([h, j]) => h === j).length),
      agreement: pairs.length ? pairs.filter(([h, j]) => h === j).length / pairs.length : null,
      kappa: quadratic ? { value: quadratic.kappa, weights: 'quadratic', interval: quadratic.interval } : null,
      linearKappa: linear?.kappa ?? null,
      confusion: { categories: cats.map(String), matrix: confusionOf(strPairs, cats.map(String)) },
      scale,
      within1: pairs.length ? pairs.filter(([h, j]) => Math.abs(h - j) <= 1).length / pairs.length : undefined,
      meanDifference: inScale.length ? inScale.reduce((s, m) => s + (m.verdict.raw! - (m.human as number)), 0) / inScale.length : undefined,
      falsePass: rate(humanFails.filter((i) => i.raw >= threshold).length, humanFails.length, level),
      falseFail: rate(humanPasses.filter((i) => i.raw < threshold).length, humanPasses.length, level),
      threshold: adviceFor(ins, items, threshold, options),
    };
  }

  // pairwise
  const categories = ['win', 'tie', 'loss'];
  const pairs = matched.filter((m) => m.verdict.outcome !== undefined).map((m): [string, string] => [m.human as string, m.verdict.outcome!]);
  const k = pairs.length ? safeKappa(pairs, 'none', categories) : undefined;
  const result: JudgeCalibration = {
    ...base,
    ...agreementOf(pairs.filter(([h, j]) => h === j).length),
    kappa: k ? { value: k.kappa, weights: 'none', interval: k.interval } : null,
    confusion: { categories, matrix: confusionOf(pairs, categories) },
  };
  const withOrders = matched.filter((m) => m.verdict.orders);
  if (withOrders.length) {
    const truthPick = (h: string) => (h === 'win' ? 'this' : h === 'loss' ? 'other' : 'tie');
    let first = 0;
    let second = 0;
    let both = 0;
    let same = 0;
    let flips = 0;
    let firstPos = 0;
    let secondPos = 0;
    for (const m of withOrders) {
      const want = truthPick(m.human as string);
      const o = m.verdict.orders!;
      const c1 = o.first === want;
      const c2 = o.second === want;
      if (c1) first++;
      if (c2) second++;
      if (c1 && c2) both++;
      if (o.first === o.second) same++;
      else {
        flips++;
        // Shown first = position A. This output is at A in the first order and at B in the second.
        if (o.first === 'this' && o.second === 'other') firstPos++;
        else if (o.first === 'other' && o.second === 'this') secondPos++;
      }
    }
    const n = withOrders.length;
    const ck = safeKappa(
      withOrders.map((m): [string, string] => [m.verdict.orders!.first, m.verdict.orders!.second]),
      'none',
    );
    result.orders = {
      firstAccuracy: first / n,
      secondAccuracy: second / n,
      accuracy: (first + second) / (2 * n),
      bothCorrect: both / n,
      consistency: same / n,
      consistencyKappa: ck?.kappa ?? null,
      positionBias: { flips, rate: flips / n, firstPosition: firstPos, secondPosition: secondPos, other: flips - firstPos - secondPos },
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------

async function collectRows(store: Store, runId: string): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for await (const r of store.results.list(runId, { slim: true })) rows.push(r);
  return rows;
}

/** The options every calibration shares, checked: the false-pass target and the confidence level. */
export function calibrationLevels(options: CalibrateOptions): { maxFalsePass: number; level: number } {
  const maxFalsePass = options.maxFalsePass ?? 0.05;
  const level = options.level ?? 0.95;
  if (!(maxFalsePass > 0 && maxFalsePass < 1))
    throw new EvalspecError('USAGE', `--max-false-pass must be a rate in (0, 1), got ${maxFalsePass}`, { hint: 'e.g. --max-false-pass 0.05' });
  return { maxFalsePass, level };
}

/**
 * The one comparison of judges with humans, whatever the verdicts come from (a stored run's results, a monitor's
 * production scores): per instrument, the humans' consensus on the same keys (resultKey), the judge's figures
 * against it, and the humans' agreement among themselves, sorted by metric, single judges before ensembles.
 */
export function compareWithHumans(
  instruments: Instrument[],
  labels: LabelRow[],
  options: { maxFalsePass: number; level: number },
): { judges: JudgeCalibration[]; humans: HumanAgreement[] } {
  const judges: JudgeCalibration[] = [];
  const humans: HumanAgreement[] = [];
  const seenHuman = new Set<string>();
  for (const ins of instruments) {
    const truth = humanTruth(labels, ins.kind, ins.metric);
    const humanKey = `${ins.kind}\u0000${ins.kind === 'ordinal' ? ins.metric : ''}`;
    const agreement = humanAgreement(truth, ins.kind, ins.kind === 'ordinal' ? ins.metric : ins.kind === 'binary' ? 'pass/fail' : 'win/tie/loss', ins.scale);
    if (agreement && !seenHuman.has(humanKey)) {
      seenHuman.add(humanKey);
      humans.push(agreement);
    }
    const c = calibrateInstrument(ins, truth, options);
    if (!c) continue;
    if (agreement) {
      const ks = agreement.pairs.map((p) => p.kappa).filter((k): k is number => k !== null);
      c.humanKappa = ks.length ? ks.reduce((s, k) => s + k, 0) / ks.length : null;
    }
    judges.push(c);
  }
  judges.sort(
    (a, b) =>
      a.metric.localeCompare(b.metric) || Number(a.judge.startsWith('ensemble(')) - Number(b.judge.startsWith('ensemble(')) || a.judge.localeCompare(b.judge),
  );
  return { judges, humans };
}

/** Calibrates every judge of a stored run against the run's human labels (and stores the result). */
export async function calibrateRun(store: Store, runId: string, options: CalibrateOptions = {}): Promise<RunCalibration> {
  const { maxFalsePass, level } = calibrationLevels(options);
  const run: RunRecord | undefined = await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'list stored runs with `evalspec runs`' });
  let labels = await store.labels.list(runId);
  if (options.labellers?.length) labels = labels.filter((l) => options.labellers!.includes(l.labeller));
  if (labels.length === 0) {
    throw new EvalspecError('USAGE', `run ${runId} has no human labels${options.labellers?.length ? ` by ${options.labellers.join(', ')}` : ''}`, {
      hint: `import them first: evalspec labels import labels.jsonl --run ${runId} (case_id, variant, label pass/fail or per-dimension scores, labeller)`,
    });
  }
  const rows = await collectRows(store, runId);
  const instruments = collectVerdicts(rows, options.metrics?.length ? new Set(options.metrics) : undefined);
  const warnings: string[] = [];
  if (instruments.length === 0)
    warnings.push(
      `run ${runId} has no judge checks with verdicts to calibrate${options.metrics?.length ? '' : " (name a code check's metric with --metric to calibrate it)"}`,
    );
  const { judges, humans } = compareWithHumans(instruments, labels, { maxFalsePass, level });
  if (instruments.length > 0 && judges.length === 0) {
    warnings.push(
      'no judge verdict matches a human label: labels are matched by case, variant and repeat, pass/fail labels to judge/factuality/closed-qa/faithfulness checks, win/loss/tie to pairwise checks, and scores to rubric dimensions by name',
    );
  }

  const result: RunCalibration = {
    runId,
    suiteName: run.suiteName,
    labels: labels.length,
    labellers: [...new Set(labels.map((l) => l.labeller))].sort(),
    maxFalsePass,
    level,
    judges,
    humans,
    warnings,
  };
  // Stored calibrations are shown beside the judges future runs use; a code check's figures are this run's.
  const stored = judges.filter((j) => !j.code);
  if (options.store !== false && stored.length > 0) {
    const createdAt = (options.now ?? (() => new Date()))().toISOString();
    const records: CalibrationRecord[] = stored.map((j) => ({
      id: `${runId}\u0000${j.judge}\u0000${j.metric}`,
      runId,
      suiteName: run.suiteName,
      judge: j.judge,
      metric: j.metric,
      checkType: j.checkType,
      labels: j.n,
      agreement: j.agreement,
      kappa: j.kappa?.value ?? null,
      kappaWeights: j.kappa?.weights ?? null,
      figures: j as unknown as Record<string, unknown>,
      createdAt,
    }));
    await store.calibrations.putMany(records);
  }
  return result;
}
