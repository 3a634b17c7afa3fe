// `evalspec doctor RUN_ID`: is the suite able to tell good from bad? Diagnostics of the eval's design from one
// stored run, each with a concrete suggestion (the figures from analysis/doctor-figures.ts, the words here):
//   - saturated cases (every variant passes every repeat): they cannot separate variants;
//   - cases no variant passes: possibly a wrong expectation (or a task beyond every model);
//   - cases that errored in every variant: a provider or replay-log problem, not a model one;
//   - checks that never fail (per severity and metric): they do not discriminate;
//   - judges with low agreement with human labels (when calibrations are stored);
//   - segments too small for their bars: even a perfect result could not prove the bar;
//   - the suite's minimum detectable difference, from the run's own paired comparisons.
import type { Store, RunRecord } from '../store/index.js';
import type { RunOutcomes } from '../stats/index.js';
import {
  agreesPoorly,
  caseGroups,
  detectFigures,
  failureReasons,
  loadCaseOutcomes,
  neverFailingChecks,
  previousRunDetectable,
  segmentReach,
  storedBars,
  type DetectFigures,
  type DetectOptions,
} from '../analysis/index.js';
import { buildRunReport, type RunReport } from './run-report.js';
import { escapeTerminal } from './escape.js';
import { pluralCount } from './format.js';
import { pointsText } from './describe-change.js';
import { withSink } from './file-sink.js';

export type FindingKind =
  | 'saturated-cases'
  | 'unpassed-cases'
  | 'errored-cases'
  | 'never-failing-check'
  | 'low-judge-agreement'
  | 'uncalibrated-judge'
  | 'segment-too-small'
  | 'small-segments'
  | 'minimum-detectable-difference';

export interface DoctorFinding {
  kind: FindingKind;
  /** 'warning': likely weakens decisions; 'info': worth knowing. */
  severity: 'warning' | 'info';
  title: string;
  detail: string;
  suggestion: string;
  /** Case ids concerned (all of them in JSON; the terminal shows the first). */
  cases?: string[];
  /** Per case: the first failing check's reason, where relevant. */
  reasons?: Record<string, string>;
  figures?: Record<string, unknown>;
}

export interface DoctorReport {
  formatVersion: 1;
  kind: 'doctor';
  runId: string;
  suite: string;
  status: RunRecord['status'];
  cases: number;
  variants: string[];
  findings: DoctorFinding[];
}

export type DoctorOptions = DetectOptions;

function checkFindings(outcomes: RunOutcomes): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  for (const t of neverFailingChecks(outcomes)) {
    const graded = t.graded;
    const what = `${t.severity === 'critical' ? 'critical ' : ''}check metric "${t.metric}"`;
    let suggestion: string;
    if (t.severity === 'critical') {
      suggestion = `a critical guard that never fires may be fine, but make sure it can: add a canary case whose expected output violates it (and expect it to fail), so a broken check does not pass silently.`;
    } else if (graded) {
      suggestion = `its scores vary, so it grades without ever failing: fine if you gate on its mean (a bar like { metric: ${t.metric}, min: 0.8 }); otherwise give it a pass threshold.`;
    } else {
      suggestion = `it does not discriminate between outputs: tighten it (a stricter value, or a check that targets a known failure mode), or remove it to save cost and noise.`;
    }
    findings.push({
      kind: 'never-failing-check',
      severity: t.severity === 'critical' || graded ? 'info' : 'warning',
      title: `${what} never failed`,
      detail: `0 failures in ${pluralCount(t.judged, 'judged result')} across ${pluralCount(outcomes.variants.length, 'variant')}${graded ? ' (its scores vary)' : ''}.`,
      suggestion,
      figures: { severity: t.severity, metric: t.metric, judged: t.judged, failed: 0, graded },
    });
  }
  return findings;
}

export function judgeFindings(report: Pick<RunReport, 'judges'>): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const uncalibrated: string[] = [];
  for (const check of report.judges?.checks ?? []) {
    for (const judge of check.judges) {
      const cal = check.calibrations.find((c) => c.judge === judge);
      if (!cal) {
        uncalibrated.push(`${judge} on ${check.metric}`);
        continue;
      }
      if (agreesPoorly(cal.kappa)) {
        findings.push({
          kind: 'low-judge-agreement',
          severity: 'warning',
          title: `judge ${judge} agrees poorly with humans on "${check.metric}" (κ ${cal.kappa.toFixed(2)})`,
          detail: `Cohen's kappa ${cal.kappa.toFixed(2)}${cal.weights && cal.weights !== 'none' ? ` (${cal.weights}-weighted)` : ''} on ${pluralCount(cal.labels, 'label')}${cal.agreement !== null ? `, raw agreement ${(cal.agreement * 100).toFixed(1)}%` : ''}, calibrated on run ${cal.runId}; below 0.6 a judge's verdicts are not a reliable stand-in for a human's.`,
          suggestion: `fix the rubric first: make the criteria concrete, add graded examples to the judge prompt, or use a stronger judge model; then label 50–100 results again and re-run evalspec calibrate.`,
          figures: { judge, metric: check.metric, kappa: cal.kappa, labels: cal.labels, agreement: cal.agreement, calibrationRun: cal.runId },
        });
      }
    }
  }
  if (uncalibrated.length) {
    findings.push({
      kind: 'uncalibrated-judge',
      severity: 'info',
      title: `${pluralCount(uncalibrated.length, 'judge check')} never calibrated against human labels`,
      detail: uncalibrated.join('; '),
      suggestion:
        'label a sample of results (evalspec labels import FILE --run RUN, or the viewer), then evalspec calibrate RUN to see how far each judge agrees with humans.',
    });
  }
  return findings;
}

function segmentFindings(report: RunReport): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const seen = new Set<string>();
  for (const result of report.bars ?? []) {
    if (result.segment === null || result.verdict === 'met') continue;
    const reach = segmentReach(result);
    if (reach?.kind === 'unreachable') {
      // One finding per bar and segment, whatever the variants.
      const key = `${result.index}\u0000${result.segment}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { units, casesIfPerfect: perfect } = reach;
      findings.push({
        kind: 'segment-too-small',
        severity: 'warning',
        title: `segment ${result.segment} is too small for its bar "${result.text}"`,
        detail: `${pluralCount(units, result.clusters !== null ? 'cluster' : 'case')} in the segment; even if every one ${result.kind === 'max_rate' ? 'were clean' : 'passed'}, the ${Math.round(result.level * 100)}% bound could not clear the bar: ${perfect !== null ? `that needs at least ${pluralCount(perfect, 'case')}` : 'no practical number of cases would'}.`,
        suggestion: `${perfect !== null ? `add at least ${pluralCount(perfect - units, 'case')} tagged ${result.segment}, or ` : ''}make the bar reachable (a lower level:, or a looser threshold) — as it stands the bar can never be met.`,
        figures: { bar: result.index, segment: result.segment, cases: units, casesNeededIfPerfect: perfect },
      });
    } else if (reach?.kind === 'too-small') {
      const { units, casesNeeded } = reach;
      findings.push({
        kind: 'segment-too-small',
        severity: 'warning',
        title: `segment ${result.segment} is too small to prove "${result.text}" for ${result.variant}`,
        detail: `${pluralCount(units, 'case')} in the segment; ${result.explanation}`,
        suggestion: `add about ${pluralCount(casesNeeded - units, 'case')} tagged ${result.segment} (${result.casesNeededNote ?? 'at the observed rate'}).`,
        figures: { bar: result.index, segment: result.segment, variant: result.variant, cases: units, casesNeeded },
      });
    }
  }
  const small = (report.segments ?? []).filter((s) => s.variants.some((v) => v.warning && v.cases < 10));
  if (small.length) {
    findings.push({
      kind: 'small-segments',
      severity: 'info',
      title: `${pluralCount(small.length, 'segment')} with fewer than 10 cases`,
      detail:
        small
          .slice(0, 20)
          .map((s) => `${s.tag} (${s.cases})`)
          .join(', ') + (small.length > 20 ? ', …' : ''),
      suggestion: 'figures for these tags are shown but say little; add cases to the segments you decide on, or merge small tags.',
    });
  }
  return findings;
}

function detectFinding(report: RunReport, f: DetectFigures): DoctorFinding {
  const { detect } = f;
  if (f.source === 'previous') {
    return {
      kind: 'minimum-detectable-difference',
      severity: f.mdd > f.warnAbove ? 'warning' : 'info',
      title: `this suite can detect pass-rate changes of about ${pointsText(f.mdd)} points between runs`,
      detail: `At 80% power and 5% significance, from the paired comparison of ${f.variant} with the previous run ${f.runId} (${pluralCount(f.n, 'unchanged case')}). A smaller real change would usually be reported as "no significant change".`,
      suggestion:
        f.casesNeeded > f.n
          ? `to detect ${pointsText(detect)} points you need about ${pluralCount(f.casesNeeded, 'case')} (you have ${f.n.toLocaleString('en-US')}): add cases, or see evalspec plan SUITE --detect ${detect}.`
          : `the suite is large enough to detect ${pointsText(detect)} points; keep it that size as it grows.`,
      figures: { minimumDetectableDifference: f.mdd, detect, casesNeeded: f.casesNeeded, cases: f.n, previousRun: f.runId },
    };
  }
  if (f.source === 'none') {
    return {
      kind: 'minimum-detectable-difference',
      severity: 'info',
      title: 'no paired comparison in this run to measure what the suite can detect',
      detail: report.variants.length < 2 ? 'The run has one variant.' : 'No two variants have results on the same cases with varying differences.',
      suggestion: `compare runs with evalspec diff RUN_A RUN_B (paired on the same cases), or plan with evalspec plan SUITE --detect ${detect}.`,
    };
  }
  const range = f.best === f.mdd ? `${pointsText(f.mdd)} points` : `${pointsText(f.best)} to ${pointsText(f.mdd)} points`;
  return {
    kind: 'minimum-detectable-difference',
    severity: f.mdd > f.warnAbove ? 'warning' : 'info',
    title: `this suite can detect pass-rate differences of about ${range} between variants`,
    detail: `At 80% power and 5% significance, from the paired comparisons of this run (${pluralCount(f.n, 'paired case')}, ${f.variant} vs ${f.baseline} is the least sensitive). A smaller real difference would usually be reported as "no detectable difference".`,
    suggestion:
      f.casesNeeded !== null && f.casesNeeded > f.n
        ? `to detect ${pointsText(detect)} points you need about ${pluralCount(f.casesNeeded, 'case')} (you have ${f.n.toLocaleString('en-US')}): add cases, or see evalspec plan SUITE --detect ${detect} for the trade-off with repeats.`
        : `the suite is large enough to detect ${pointsText(detect)} points; keep it that size as it grows.`,
    figures: { minimumDetectableDifference: f.mdd, best: f.best, detect, casesNeeded: f.casesNeeded, cases: f.n },
  };
}

export async function buildDoctorReport(store: Store, run: RunRecord, options: DoctorOptions = {}): Promise<DoctorReport> {
  const report = await buildRunReport(store, run.id);
  const outcomes = await loadCaseOutcomes(store, run);
  const findings: DoctorFinding[] = [];
  const { saturated, unpassed, errored, withResults, saturatedShare: share } = caseGroups(outcomes);
  const manyVariants = outcomes.variants.length > 1;
  if (unpassed.length) {
    const reasons = await failureReasons(store, run, new Set(unpassed));
    findings.push({
      kind: 'unpassed-cases',
      severity: 'warning',
      title: `${pluralCount(unpassed.length, 'case')} ${manyVariants ? 'no variant passes' : 'never pass'} (possibly wrong expectations)`,
      detail: `${pluralCount(unpassed.length, 'case')} of ${withResults.toLocaleString('en-US')} failed in every result of every variant.`,
      suggestion:
        'read the expected answer and the checks of these cases against the outputs (first failure reasons below): a wrong or over-strict expectation fails every model. If they are right, the task is beyond every model tried: keep them as a stretch set (a tag) so they do not hide changes elsewhere.',
      cases: unpassed,
      reasons,
    });
  }
  if (saturated.length) {
    findings.push({
      kind: 'saturated-cases',
      severity: share > 0.5 && manyVariants ? 'warning' : 'info',
      title: `${pluralCount(saturated.length, 'case')} ${manyVariants ? 'every variant passes' : 'always pass'} (saturated: ${(share * 100).toFixed(0)}% of the suite)`,
      detail: manyVariants
        ? 'They cannot tell the variants apart: every comparison is decided by the other cases.'
        : 'With one variant they only guard against regressions.',
      suggestion:
        share > 0.5 && manyVariants
          ? 'add harder cases (edge cases, adversarial inputs, the failures you see in production) — a suite most models ace cannot show which is better; keep a sample of the easy ones as a regression guard.'
          : 'fine as a regression guard; if cost matters, tag them (e.g. smoke) and run them less often.',
      cases: saturated,
      figures: { share },
    });
  }
  if (errored.length) {
    findings.push({
      kind: 'errored-cases',
      severity: 'warning',
      title: `${pluralCount(errored.length, 'case')} errored in every variant`,
      detail: 'No variant produced an output for them: that is a provider, input or replay-log problem, not a model one.',
      suggestion: `look at the error messages (evalspec show ${run.id}): transient failures (rate limits, timeouts, 5xx) are finished by evalspec run --resume ${run.id}; a request the provider rejected (HTTP 4xx) needs the suite fixed and a new run; a replay log with no output for a case needs the output added first, then the resume.`,
      cases: errored,
    });
  }
  findings.push(...checkFindings(outcomes));
  try {
    findings.push(...judgeFindings(report));
  } catch {
    // No calibrations to read (an older store): nothing to say about judges.
  }
  findings.push(...segmentFindings(report));
  const hasComparison = (report.comparisons ?? []).some((c) => c.minimumDetectableDifference !== null);
  const previous = hasComparison ? null : await previousRunDetectable(store, run);
  findings.push(detectFinding(report, detectFigures(report.comparisons ?? [], storedBars(run).bars, options, previous)));
  const rank = (f: DoctorFinding) => (f.severity === 'warning' ? 0 : 1);
  findings.sort((a, b) => rank(a) - rank(b));
  return {
    formatVersion: 1,
    kind: 'doctor',
    runId: run.id,
    suite: run.suiteName,
    status: run.status,
    cases: withResults,
    variants: outcomes.variants.map((v) => v.id),
    findings,
  };
}

export async function writeDoctorJson(doctor: DoctorReport, file: string): Promise<void> {
  await withSink(file, async (sink) => sink.write(`${JSON.stringify(doctor, null, 2)}\n`));
}

export function renderDoctorText(doctor: DoctorReport, options: { cases?: number } = {}): string {
  const t = (s: string, max = 300) => escapeTerminal(s, max);
  const shown = options.cases ?? 8;
  const lines: string[] = [];
  lines.push(
    `doctor · ${t(doctor.suite)} · run ${t(doctor.runId)} · ${pluralCount(doctor.cases, 'case')} × ${pluralCount(doctor.variants.length, 'variant')}${doctor.status === 'completed' ? '' : ` · ${doctor.status}`}`,
  );
  const warnings = doctor.findings.filter((f) => f.severity === 'warning').length;
  lines.push(`${pluralCount(warnings, 'warning')}, ${pluralCount(doctor.findings.length - warnings, 'note')}`);
  for (const f of doctor.findings) {
    lines.push('', `${f.severity === 'warning' ? 'warning' : 'note'}: ${t(f.title)}`);
    lines.push(`  ${t(f.detail, 600)}`);
    if (f.cases?.length && f.reasons && Object.keys(f.reasons).length) {
      for (const id of f.cases.slice(0, shown)) {
        const reason = f.reasons[id];
        lines.push(`    ${t(id, 60)}${reason ? `: ${t(reason, 140)}` : ''}`);
      }
      if (f.cases.length > shown) lines.push(`    … ${f.cases.length - shown} more (--json FILE lists them all)`);
    } else if (f.cases?.length) {
      const listed = f.cases
        .slice(0, 20)
        .map((id) => t(id, 40))
        .join(', ');
      lines.push(`    ${listed}${f.cases.length > 20 ? `, … ${f.cases.length - 20} more (--json FILE lists them all)` : ''}`);
    }
    lines.push(`  suggestion: ${t(f.suggestion, 600)}`);
  }
  if (doctor.findings.length === 0) lines.push('', 'nothing to report: the suite discriminates and its bars are reachable.');
  return lines.join('\n');
}
