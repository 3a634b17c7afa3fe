// What the judges of a run did, computed from the stored results in the same pass as the pass rates:
// judge cost per variant (reported apart from the model's cost), per judge check the verdicts per variant
// (rubric dimension means and gaps, pairwise wins / ties / losses and position bias), the agreement of an
// ensemble's judges (Krippendorff's alpha), and the latest calibration of each judge against human labels.
import type { CalibrationRecord, ResultRow, RunRecord, StoredCheck, Store } from '../store/index.js';
import { krippendorffAlpha, type Label } from '../stats/index.js';
import { isJudgeCheckType } from '../score/index.js';

export interface JudgeVariantFigures {
  variantId: string;
  /** Results with a verdict. */
  n: number;
  passed: number;
  /** Results where this check's judge gave no usable answer. */
  errors: number;
  /** Mean of the judge's own number (rubric level, judge score, supported share); null when none. */
  meanRaw: number | null;
  /** Pairwise only. */
  wins?: number;
  ties?: number;
  losses?: number;
  /** Pairs whose verdict changed with the order (position bias), per judge answer pair. */
  flips?: number;
  orderPairs?: number;
  /** Of the flips, how many favoured the position shown first. */
  firstPositionFlips?: number;
  /** Rubric: the cases with the lowest level on this dimension (up to 3). */
  lowest?: { caseId: string; raw: number }[];
}

export interface JudgeCalibrationNote {
  judge: string;
  kappa: number | null;
  weights: string | null;
  agreement: number | null;
  labels: number;
  runId: string;
  suiteName: string;
  createdAt: string;
}

export interface JudgeCheckSummary {
  metric: string;
  type: string;
  judges: string[];
  scale?: [number, number];
  threshold?: number;
  against?: string;
  variants: JudgeVariantFigures[];
  /** Agreement among an ensemble's judges over this run's results. */
  ensembleAgreement?: { alpha: number | null; units: number; metric: 'nominal' | 'interval' };
  /** The newest calibration of each judge on this metric (none: not calibrated). */
  calibrations: JudgeCalibrationNote[];
}

export interface JudgeSummary {
  checks: JudgeCheckSummary[];
  /** Per variant: what the judges cost in this run (null when a judge is unpriced). */
  judgeCostUsd: Record<string, number | null>;
}

/** A check's figures while the rows stream in: the summary's head, its variants still open. */
interface CheckAcc extends Pick<JudgeCheckSummary, 'metric' | 'type' | 'judges' | 'scale' | 'threshold' | 'against'> {
  variants: Map<string, JudgeVariantFigures & { rawSum: number; rawN: number; all: { caseId: string; raw: number }[] }>;
  /** Per result: each judge's vote value (for ensemble agreement). */
  votes: (Label | null)[][];
}

/** Collects judge figures row by row (fed by buildRunReport's pass over the results). */
export class JudgeAccumulator {
  private checks = new Map<string, CheckAcc>();
  private cost = new Map<string, number | null>();
  private seen = false;

  add(row: ResultRow): void {
    for (const check of row.checks) {
      if (!isJudgeCheckType(check.type)) continue;
      this.seen = true;
      this.addCost(row.variantId, check);
      this.addCheck(row, check);
    }
  }

  private addCost(variantId: string, check: StoredCheck): void {
    if (check.judgeCostUsd === undefined) return;
    const before = this.cost.get(variantId);
    if (before === null) return;
    this.cost.set(variantId, check.judgeCostUsd === null ? null : (before ?? 0) + check.judgeCostUsd);
  }

  private addCheck(row: ResultRow, check: StoredCheck): void {
    const detail = check.judge;
    const key = `${check.type}\u0000${check.metric}`;
    let acc = this.checks.get(key);
    if (!acc) {
      acc = { metric: check.metric, type: check.type, judges: detail?.models ?? [], variants: new Map(), votes: [] };
      this.checks.set(key, acc);
    }
    if (detail?.scale && !acc.scale) acc.scale = detail.scale;
    if (detail?.threshold !== undefined && acc.threshold === undefined) acc.threshold = detail.threshold;
    if (detail?.against && !acc.against) acc.against = detail.against;
    if (detail?.models?.length && acc.judges.length === 0) acc.judges = detail.models;
    let v = acc.variants.get(row.variantId);
    if (!v) {
      v = { variantId: row.variantId, n: 0, passed: 0, errors: 0, meanRaw: null, rawSum: 0, rawN: 0, all: [] };
      acc.variants.set(row.variantId, v);
    }
    if (check.error === 'judge-error') {
      v.errors++;
      return;
    }
    if (check.indeterminate || !detail) return;
    v.n++;
    if (check.pass) v.passed++;
    if (detail.raw !== undefined) {
      v.rawSum += detail.raw;
      v.rawN++;
      v.all.push({ caseId: row.caseId, raw: detail.raw });
    }
    if (check.type === 'pairwise') {
      const o = detail.outcome;
      v.wins = (v.wins ?? 0) + (o === 'win' ? 1 : 0);
      v.ties = (v.ties ?? 0) + (o === 'tie' ? 1 : 0);
      v.losses = (v.losses ?? 0) + (o === 'loss' ? 1 : 0);
      const byModel = new Map<string, { A?: string; B?: string }>();
      for (const order of detail.orders ?? []) {
        const m = byModel.get(order.model) ?? {};
        m[order.thisAt] = order.picked;
        byModel.set(order.model, m);
      }
      for (const m of byModel.values()) {
        if (m.A === undefined || m.B === undefined) continue;
        v.orderPairs = (v.orderPairs ?? 0) + 1;
        if (m.A !== m.B) {
          v.flips = (v.flips ?? 0) + 1;
          if (m.A === 'this' && m.B === 'other') v.firstPositionFlips = (v.firstPositionFlips ?? 0) + 1;
        }
      }
    }
    if ((detail.models?.length ?? 0) > 1 && detail.votes) {
      const byModel = new Map(detail.votes.map((vote) => [vote.model, vote]));
      acc.votes.push(
        acc.judges.map((m) => {
          const vote = byModel.get(m);
          if (!vote) return null;
          if (check.type === 'rubric') return vote.raw ?? null;
          if (check.type === 'pairwise') return vote.label ?? null;
          return vote.pass === undefined ? null : vote.pass ? 'pass' : 'fail';
        }),
      );
    }
  }

  /** Judge cost per variant (0 when it has no judge checks). */
  judgeCostUsd(variantId: string): number | null {
    if (!this.seen) return 0;
    const c = this.cost.get(variantId);
    return c === undefined ? 0 : c;
  }

  async summary(store: Store, run: RunRecord): Promise<JudgeSummary | undefined> {
    if (!this.seen) return undefined;
    const checks: JudgeCheckSummary[] = [];
    for (const acc of this.checks.values()) {
      const variants = [...acc.variants.values()].map(({ rawSum, rawN, all, ...v }) => {
        const out: JudgeVariantFigures = { ...v, meanRaw: rawN ? rawSum / rawN : null };
        if (acc.type === 'rubric') out.lowest = [...all].sort((a, b) => a.raw - b.raw || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0)).slice(0, 3);
        return out;
      });
      const summary: JudgeCheckSummary = { metric: acc.metric, type: acc.type, judges: acc.judges, variants, calibrations: [] };
      if (acc.scale) summary.scale = acc.scale;
      if (acc.threshold !== undefined) summary.threshold = acc.threshold;
      if (acc.against) summary.against = acc.against;
      if (acc.judges.length > 1) {
        const metric = acc.type === 'rubric' ? 'interval' : 'nominal';
        const alpha = krippendorffAlpha(acc.votes, { metric });
        summary.ensembleAgreement = { alpha: alpha?.alpha ?? null, units: alpha?.units ?? 0, metric };
      }
      const names = acc.judges.length > 1 ? [...acc.judges, `ensemble(${acc.judges.join(', ')})`] : acc.judges;
      for (const judge of names) {
        const records = await store.calibrations.list({ judge, metric: acc.metric, limit: 20 });
        const best: CalibrationRecord | undefined = records.find((r) => r.suiteName === run.suiteName) ?? records[0];
        if (best) {
          summary.calibrations.push({
            judge,
            kappa: best.kappa,
            weights: best.kappaWeights,
            agreement: best.agreement,
            labels: best.labels,
            runId: best.runId,
            suiteName: best.suiteName,
            createdAt: best.createdAt,
          });
        }
      }
      checks.push(summary);
    }
    const judgeCostUsd: Record<string, number | null> = {};
    for (const v of run.variants) judgeCostUsd[v.id] = this.judgeCostUsd(v.id);
    return { checks, judgeCostUsd };
  }
}

const pctText = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const fixed = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

/** "this judge agrees with humans κ 0.71 on 240 labels" (or: not calibrated). */
export function calibrationText(c: JudgeCalibrationNote | undefined, judge: string): string {
  if (!c) return `${judge}: not calibrated against human labels (evalspec labels import FILE --run RUN, then evalspec calibrate RUN)`;
  const w = c.weights && c.weights !== 'none' ? `, ${c.weights}-weighted` : '';
  return `${judge}: this judge agrees with humans κ ${fixed(c.kappa)}${w} on ${c.labels} labels (raw ${pctText(c.agreement)}; calibrated on run ${c.runId})`;
}

function usdText(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (x === 0) return '$0';
  return x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(4)}`;
}

/** The judges section of the terminal report. */
export function renderJudgeSummary(summary: JudgeSummary, escape: (s: string) => string = (s) => s): string {
  const out: string[] = ['judges:'];
  out.push(
    `  judge cost (apart from the models' cost): ${Object.entries(summary.judgeCostUsd)
      .map(([v, c]) => `${escape(v)} ${usdText(c)}`)
      .join(' · ')}`,
  );
  const rubric = summary.checks.filter((c) => c.type === 'rubric');
  if (rubric.length) {
    const variantIds = [...new Set(rubric.flatMap((c) => c.variants.map((v) => v.variantId)))];
    out.push(`  rubric dimensions (mean level; "gap" = below the pass threshold):`);
    for (const id of variantIds) {
      const dims = rubric
        .map((c) => ({ c, v: c.variants.find((x) => x.variantId === id) }))
        .filter((x): x is { c: JudgeCheckSummary; v: JudgeVariantFigures } => x.v !== undefined && x.v.meanRaw !== null)
        .sort((a, b) => a.v.meanRaw! - b.v.meanRaw!);
      const cells = dims.map(
        ({ c, v }) =>
          `${escape(c.metric)} ${fixed(v.meanRaw, 1)}/${c.scale?.[1] ?? '?'}${c.threshold !== undefined && v.meanRaw! < c.threshold ? ' (gap)' : ''}`,
      );
      out.push(`    ${escape(id)}: ${cells.join(' · ') || 'no verdicts'}`);
      const gaps = dims.filter(({ c, v }) => c.threshold !== undefined && v.meanRaw! < c.threshold);
      for (const { c, v } of gaps) {
        out.push(`      gap in ${escape(c.metric)}: lowest on ${(v.lowest ?? []).map((l) => `${escape(l.caseId)} (${l.raw})`).join(', ')}`);
      }
    }
  }
  for (const c of summary.checks) {
    const head = `  ${escape(c.metric)} (${c.type}${c.against ? ` vs ${escape(c.against)}` : ''}; ${c.judges.map(escape).join(', ')})`;
    if (c.type === 'pairwise') {
      const rows = c.variants.map((v) => {
        const bias = v.orderPairs
          ? `; position bias ${pctText((v.flips ?? 0) / v.orderPairs)} (${v.flips ?? 0}/${v.orderPairs} flipped with the order, ${v.firstPositionFlips ?? 0} toward the first)`
          : '';
        return `    ${escape(v.variantId)}: ${v.wins ?? 0} wins, ${v.ties ?? 0} ties, ${v.losses ?? 0} losses${bias}${v.errors ? `; ${v.errors} judge errors` : ''}`;
      });
      out.push(head, ...rows);
    } else if (c.type !== 'rubric') {
      out.push(
        `${head}: ${c.variants.map((v) => `${escape(v.variantId)} ${v.passed}/${v.n} pass${v.meanRaw !== null ? `, mean ${fixed(v.meanRaw)}` : ''}${v.errors ? `, ${v.errors} judge errors` : ''}`).join(' · ')}`,
      );
    } else if (c.variants.some((v) => v.errors)) {
      out.push(
        `${head}: ${c.variants
          .filter((v) => v.errors)
          .map((v) => `${escape(v.variantId)} ${v.errors} judge errors`)
          .join(' · ')}`,
      );
    }
    if (c.ensembleAgreement)
      out.push(
        `    ensemble agreement (Krippendorff α, ${c.ensembleAgreement.metric}): ${fixed(c.ensembleAgreement.alpha)} over ${c.ensembleAgreement.units} results`,
      );
  }
  // One line per calibrated judge and metric; the metrics a judge is not calibrated on, in one line per judge.
  const lines: string[] = [];
  const uncalibrated = new Map<string, string[]>();
  for (const c of summary.checks) {
    for (const judge of c.judges) {
      const cal = c.calibrations.find((x) => x.judge === judge);
      if (cal) lines.push(`    ${escape(c.metric)} · ${escape(calibrationText(cal, judge))}`);
      else uncalibrated.set(judge, [...(uncalibrated.get(judge) ?? []), c.metric]);
    }
  }
  for (const [judge, metrics] of uncalibrated) {
    lines.push(
      `    ${escape(judge)}: not calibrated against human labels on ${metrics.map(escape).join(', ')} (evalspec labels import FILE --run RUN, then evalspec calibrate RUN)`,
    );
  }
  if (lines.length) out.push('  agreement with humans:', ...lines);
  return out.join('\n');
}
