// `evalspec calibrate --monitor M SUITE`: how far each judge check of a production monitor agrees with the human
// labels people gave its records in the viewer (record page, review queue). The verdicts are the monitor's stored
// scores (production_scores.checks: one pass/fail and score per check); the comparison is calibrate.ts's
// compareWithHumans, the one copy of the statistics `calibrate RUN_ID` uses (agreement, Cohen's kappa with its
// interval, false-pass / false-fail rates, threshold advice), rendered by the same renderer.
// Production labels are pass/fail, so the judge checks compared are those calibrated on pass/fail labels (judge,
// factuality, closed-qa, faithfulness). A production score keeps the check's combined verdict and score, not each
// judge's vote: an ensemble is calibrated as one instrument on its combined verdict, and for a majority ensemble the
// threshold advice is that of its mean score.
import { EvalspecError } from '../errors.js';
import { judgeMetadataOf, judgeModelName, type JudgeModelSpec } from '../score/index.js';
import type { LabelRow, ProductionLabel, Store } from '../store/index.js';
import { judgeModelsOf, type CheckSpec, type MonitorSpec, type Suite } from '../suite/index.js';
import { calibrationLevels, compareWithHumans, type CalibrateOptions, type RunCalibration } from './calibrate.js';
import { resultKey } from './human-truth.js';
import type { Instrument } from './verdicts.js';

/** A monitor's calibration: RunCalibration's figures, with the monitor in place of the run. */
export interface ProductionCalibration extends Omit<RunCalibration, 'runId'> {
  monitor: string;
  /** Labelled records of the monitor that it scored. */
  records: number;
}

/** Production labels as the label rows humanTruth reads: one "result" per record (its key is the record id). */
const asLabelRow = (l: ProductionLabel): LabelRow => ({
  runId: '',
  caseId: l.recordId,
  variantId: '',
  repeat: 0,
  label: l.verdict,
  scores: null,
  tag: l.errorTags[0] ?? null,
  comment: l.note,
  labeller: l.labeller,
  createdAt: l.createdAt,
});
const recordKey = (recordId: string) => resultKey({ caseId: recordId, variantId: '', repeat: 0 });

/** The monitor's check specs by metric, resolved as the scorer resolves them (monitor/compile.ts; calibration/ may not import monitor/). */
function specsByMetric(suite: Suite, monitor: MonitorSpec): Map<string, CheckSpec> {
  const entries = (monitor.checks ?? suite.checks) as (string | CheckSpec)[];
  const specs = entries.flatMap((e) => (typeof e === 'string' ? suite.checks.filter((c) => (c.metric ?? c.type) === e) : [e]));
  return new Map(specs.map((s) => [s.metric ?? s.type, s]));
}

function instrumentFor(name: string, type: string, spec: CheckSpec | undefined): Instrument {
  const models = (spec ? judgeModelsOf(spec) : []).map((m) => judgeModelName(m as JudgeModelSpec));
  const ensemble = models.length > 1;
  const detail = spec as { threshold?: number; ensemble?: string } | undefined;
  const ins: Instrument = {
    // The judge model (as offline); a check whose spec is gone from the suite is named by its type.
    judge: ensemble ? `ensemble(${models.join(', ')})` : (models[0] ?? type),
    metric: name,
    checkType: type,
    kind: 'binary',
    rule: ensemble ? (detail?.ensemble === 'mean' ? 'mean' : 'majority') : 'score',
    verdicts: new Map(),
  };
  if (ensemble) ins.members = models;
  if (detail?.threshold !== undefined) ins.threshold = detail.threshold;
  return ins;
}

/** Calibrates the judge checks of one monitor against the human labels of the records it scored (not stored). */
export async function calibrateProduction(store: Store, suite: Suite, monitorName: string, options: CalibrateOptions = {}): Promise<ProductionCalibration> {
  const { maxFalsePass, level } = calibrationLevels(options);
  const monitor = suite.monitors.find((m) => m.name === monitorName);
  if (!monitor) {
    const names = suite.monitors.map((m) => m.name);
    throw new EvalspecError('USAGE', `suite "${suite.name}" has no monitor "${monitorName}"`, {
      file: suite.file,
      hint: names.length ? `monitors of this suite: ${names.join(', ')}` : 'add a monitor under `monitors:` in the suite file (docs/monitoring.md)',
    });
  }
  let labels = await store.production.labels.list({ suite: suite.name, monitor: monitor.name });
  if (options.labellers?.length) labels = labels.filter((l) => options.labellers!.includes(l.labeller));
  if (labels.length === 0) {
    throw new EvalspecError(
      'USAGE',
      `monitor "${monitor.name}" of suite "${suite.name}" has no human labels${options.labellers?.length ? ` by ${options.labellers.join(', ')}` : ''}`,
      {
        file: suite.file,
        hint: `label its records in the viewer first: evalspec view → Monitor → ${monitor.name} → review queue (pass / fail)`,
      },
    );
  }
  const specs = specsByMetric(suite, monitor);
  const metrics = options.metrics?.length ? new Set(options.metrics) : undefined;
  const instruments = new Map<string, Instrument>();
  const recordIds = [...new Set(labels.map((l) => l.recordId))];
  for (const recordId of recordIds) {
    const score = (await store.production.scores(recordId)).find((s) => s.monitor === monitor.name);
    if (!score) continue;
    for (const check of score.checks) {
      if (judgeMetadataOf(check.type)?.calibration !== 'binary' || (metrics && !metrics.has(check.name))) continue;
      let ins = instruments.get(check.name);
      if (!ins) instruments.set(check.name, (ins = instrumentFor(check.name, check.type, specs.get(check.name))));
      // No verdict (the judge's answer was unusable, the check could not apply): a judge error, as offline.
      ins.verdicts.set(
        recordKey(recordId),
        check.passed === null ? { error: true } : { pass: check.passed, ...(check.score !== null ? { raw: check.score } : {}) },
      );
    }
  }
  const warnings: string[] = [];
  if (instruments.size === 0) warnings.push(`monitor "${monitor.name}" has no judge check verdicts on its labelled records to calibrate`);
  const { judges, humans } = compareWithHumans([...instruments.values()], labels.map(asLabelRow), { maxFalsePass, level });
  return {
    monitor: monitor.name,
    suiteName: suite.name,
    records: recordIds.length,
    labels: labels.length,
    labellers: [...new Set(labels.map((l) => l.labeller))].sort(),
    maxFalsePass,
    level,
    judges,
    humans,
    warnings,
  };
}
