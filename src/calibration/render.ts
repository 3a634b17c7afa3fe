// The terminal rendering of `evalspec calibrate`: a summary table, then per judge and metric the sentence a
// product manager reads ("this judge agrees with humans κ 0.71 on 240 labels"), the confusion matrix, the
// false-pass / false-fail rates and the threshold advice.
import { escapeTerminal, textTable } from '../report/index.js';
import type { HumanAgreement, JudgeCalibration, RunCalibration } from './calibrate.js';
import type { ProductionCalibration } from './calibrate-production.js';
import type { Rate, ThresholdAdvice } from './threshold.js';

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)}%`);
const k3 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));

function rateText(r: Rate | undefined, withUpper = true): string {
  if (!r || r.rate === null) return 'n/a';
  return `${pct(r.rate)} (${r.count}/${r.of}${withUpper && r.upper !== null ? `, ≤${pct(r.upper)}` : ''})`;
}

function kappaText(j: JudgeCalibration): string {
  if (!j.kappa) return 'n/a';
  const w = j.kappa.weights === 'none' ? '' : ` ${j.kappa.weights}`;
  return `${k3(j.kappa.value)}${w} [${k3(j.kappa.interval.low)}, ${k3(j.kappa.interval.high)}]`;
}

/** "this judge agrees with humans κ 0.710 (quadratic-weighted) on 240 labels". */
export function agreementSentence(j: Pick<JudgeCalibration, 'kappa' | 'n' | 'agreement' | 'code'>): string {
  const who = j.code ? 'this check' : 'this judge';
  if (!j.kappa) return `${who} agrees with humans on ${pct(j.agreement)} of ${j.n} labels (kappa undefined: one label only)`;
  const w = j.kappa.weights === 'none' ? '' : ` (${j.kappa.weights}-weighted)`;
  return `${who} agrees with humans κ ${k3(j.kappa.value)}${w} on ${j.n} labels (raw agreement ${pct(j.agreement)})`;
}

function humanLine(h: HumanAgreement): string {
  const pairs = h.pairs.map((p) => `${p.a}–${p.b} κ ${k3(p.kappa)} (n=${p.n})`).join(', ');
  return `  ${h.metric}: ${pairs}; Krippendorff α ${k3(h.alpha)}${h.splits ? `; ${h.splits} result(s) without a majority left out` : ''}`;
}

function matrix(j: JudgeCalibration): string[] {
  const cats = j.confusion.categories;
  const rows = j.confusion.matrix.map((row, i) => [`human ${cats[i]}`, ...row.map(String)]);
  return textTable(['', ...cats.map((c) => `${j.code ? 'check' : 'judge'} ${c}`)], rows, [false, ...cats.map(() => true)])
    .split('\n')
    .map((l) => `    ${l}`);
}

const range = (above: number | null, upTo: number | null) => `${above === null ? '(−∞' : `(${num(above)}`}, ${upTo === null ? '∞)' : `${num(upTo)}]`}`;

function ruleText(t: ThresholdAdvice): string {
  if (t.rule === 'majority') return ` (majority of ${t.judges} judges' votes, as the check decides)`;
  if (t.rule === 'mean') return ` (mean of ${t.judges} judges' scores, as the check decides)`;
  return '';
}

/** The threshold advice: nothing to change when the current threshold meets the target, else the least strict range that does. */
function thresholdLines(t: ThresholdAdvice, level: number, code = false): string[] {
  const now = `false pass ${rateText(t.currentFalsePass, false)}`;
  const confidence = `${pct(level, 0)} confidence`;
  const shown = (): string => {
    if (t.provable && t.provable.threshold === t.current) return `; shown with ${confidence} (false-pass upper bound ${pct(t.provable.falsePass.upper)})`;
    if (t.provable)
      return `; shown with ${confidence} only at threshold ${num(t.provable.threshold)} (false-pass upper bound ${pct(t.provable.falsePass.upper)})`;
    const fp = t.currentFalsePass;
    // Enough human-failed labels, but the false passes seen keep the upper bound above the target.
    if (fp.of >= t.failLabelsNeeded && fp.upper !== null)
      return `; not shown with ${confidence}: with ${fp.count} false pass${fp.count === 1 ? '' : 'es'} in ${fp.of} human-failed labels the upper bound is ${pct(fp.upper)}`;
    return `; not shown with ${confidence}: ${fp.of} human-failed labels are too few (with no false pass at all it takes ${t.failLabelsNeeded})`;
  };
  if (t.currentFalsePass.of === 0) return [`  threshold now ${num(t.current)}${ruleText(t)}: no human-failed labels: the false-pass rate cannot be estimated`];
  if (t.fixed || t.yesNo) {
    const what = code
      ? 'a code check passes or fails: it has no threshold to tune'
      : t.fixed
        ? 'the judge answers yes/no: the check has no threshold to tune'
        : 'the judges answered only 0 or 1';
    const same = t.yesNo && !code ? ' (every threshold in (0, 1] gives the same verdicts)' : '';
    if (t.meetsTarget) return [`  ${what}${same}; ${now} meets the target ≤ ${pct(t.target)}${shown()}`];
    if (t.fixed || !t.recommended)
      return [`  ${what}${same}; ${now} is above the target ≤ ${pct(t.target)}: no threshold lowers it without failing everything`];
  }
  if (t.meetsTarget) return [`  threshold now ${num(t.current)}${ruleText(t)}: ${now} meets the target ≤ ${pct(t.target)}${shown()}`];
  const head = `  threshold now ${num(t.current)}${ruleText(t)}: ${now}`;
  const r = t.recommended;
  if (r === null) return [`${head}; no threshold keeps the false-pass rate ≤ ${pct(t.target)}`];
  return [
    `${head}; for false pass ≤ ${pct(t.target)} use threshold ${num(r.threshold)} (any threshold in ${range(r.above, r.threshold)} gives the same verdicts on these labels; false pass ${rateText(r.falsePass)}; false fail ${rateText(r.falseFail, false)})`,
    t.provable
      ? `  shown with ${confidence} at threshold ${num(t.provable.threshold)} (false-pass upper bound ${pct(t.provable.falsePass.upper)})`
      : `  not shown with ${confidence}: ${r.falsePass.of} human-failed labels are too few (with no false pass at all it takes ${t.failLabelsNeeded})`,
  ];
}

export function renderCalibration(c: RunCalibration | ProductionCalibration): string {
  const out: string[] = [];
  const source = 'monitor' in c ? `monitor ${c.monitor} (${c.records} labelled production record${c.records === 1 ? '' : 's'})` : `run ${c.runId}`;
  out.push(
    `calibration · ${source} · ${c.suiteName} · ${c.labels} labels by ${c.labellers.length} labeller${c.labellers.length === 1 ? '' : 's'} (${c.labellers.map((l) => escapeTerminal(l, 100)).join(', ')}) · target false-pass ≤ ${pct(c.maxFalsePass)}`,
  );
  if (c.humans.length) {
    out.push('', 'humans among themselves (the ceiling a judge can reach):', ...c.humans.map(humanLine));
  }
  if (c.judges.length) {
    out.push('');
    out.push(
      textTable(
        ['metric', 'judge', 'n', 'agree', 'κ [95% CI]', 'false pass', 'false fail', 'errors'],
        c.judges.map((j) => [
          j.metric,
          j.judge,
          String(j.n),
          pct(j.agreement),
          kappaText(j),
          rateText(j.falsePass, false),
          rateText(j.falseFail, false),
          String(j.judgeErrors),
        ]),
        [false, false, true, true, false, true, true, true],
      ),
    );
  }
  for (const j of c.judges) {
    out.push(
      '',
      `${j.metric} · ${j.code ? `${j.checkType} check` : `${j.judge} (${j.checkType})`}: ${agreementSentence(j)}${j.humanKappa !== undefined && j.humanKappa !== null ? `; humans among themselves κ ${k3(j.humanKappa)}` : ''}`,
    );
    if (j.judgeErrors)
      out.push(
        `  ${j.judgeErrors} labelled result(s) had no usable judge answer (judge-error); counting them as disagreements: ${pct(j.agreementCountingErrors)}`,
      );
    out.push(`  confusion (rows: human, columns: ${j.code ? 'check' : 'judge'}):`, ...matrix(j));
    if (j.kind === 'ordinal') {
      out.push(
        `  judge − human: ${j.meanDifference === undefined ? 'n/a' : `${j.meanDifference >= 0 ? '+' : ''}${j.meanDifference.toFixed(2)}`} on average; within ±1: ${pct(j.within1)}; linear-weighted κ ${k3(j.linearKappa)}`,
      );
    }
    if (j.falsePass)
      out.push(`  false pass (${j.code ? 'check' : 'judge'} passes what humans fail): ${rateText(j.falsePass)}; false fail: ${rateText(j.falseFail)}`);
    if (j.threshold) out.push(...thresholdLines(j.threshold, c.level, j.code));
    if (j.orders) {
      const o = j.orders;
      out.push(
        `  per order: accuracy ${pct(o.accuracy)} (shown first ${pct(o.firstAccuracy)}, shown second ${pct(o.secondAccuracy)}); both orders right ${pct(o.bothCorrect)}; same verdict in both orders ${pct(o.consistency)} (κ ${k3(o.consistencyKappa)})`,
        `  position bias: ${o.positionBias.flips} of ${j.n} verdicts changed with the order (${pct(o.positionBias.rate)}): ${o.positionBias.firstPosition} favoured the first position, ${o.positionBias.secondPosition} the second`,
      );
    }
  }
  if (c.warnings.length) out.push('', ...c.warnings.map((w) => `warning: ${w}`));
  return out.join('\n');
}
