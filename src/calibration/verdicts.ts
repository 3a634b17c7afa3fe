// What the judges of a run said, per result: one instrument per judge (and per ensemble) and metric, with its
// verdict on each result (pass, raw score, ensemble votes, pairwise outcome and orders, or a judge error).
// calibrate.ts compares these verdicts with the human labels. A code check (a trajectory match, a regex) is an
// instrument too when its metric is named (`--metric`): its pass/fail is compared with pass/fail labels, to
// answer "does this cheap check predict what humans (or a benchmark's reward) say?".
import { judgeMetadataOf, type JudgeDetail } from '../score/index.js';
import type { ResultRow, StoredCheck } from '../store/index.js';
import { resultKey, type CalibrationKind } from './human-truth.js';
import type { DecisionRule } from './threshold.js';

export interface Verdict {
  pass?: boolean;
  raw?: number;
  /** An ensemble's per-judge scores (what a majority rule compares with the threshold). */
  votes?: number[];
  outcome?: string;
  orders?: { first: string; second: string };
  error?: boolean;
}

/** One judge (or ensemble) on one metric, with its verdict per result. */
export interface Instrument {
  judge: string;
  members?: string[];
  metric: string;
  checkType: string;
  kind: CalibrationKind;
  threshold?: number;
  scale?: [number, number];
  /** A code check (not a judge): `judge` is its check type; its pass/fail has no threshold to tune. */
  code?: boolean;
  /** How the check decides pass/fail from the scores (an ensemble's `ensemble:` setting). */
  rule: DecisionRule;
  verdicts: Map<string, Verdict>;
}

/** Which kind of human label a judge check type is calibrated against: its judge metadata in score/'s registry. */
function kindOf(type: string): CalibrationKind | undefined {
  return judgeMetadataOf(type)?.calibration;
}

/**
 * Every judge (and ensemble) of the rows, on each metric (only `metrics` when given), with its verdicts; with
 * `metrics` given, the code checks of those metrics too (binary: their pass against pass/fail labels).
 */
export function collectVerdicts(rows: ResultRow[], metrics: Set<string> | undefined): Instrument[] {
  const instruments = new Map<string, Instrument>();
  const instrument = (judge: string, check: StoredCheck, kind: CalibrationKind, detail: JudgeDetail, members?: string[]): Instrument => {
    const id = `${judge}\u0000${check.metric}`;
    let ins = instruments.get(id);
    if (!ins) {
      const rule: DecisionRule = members ? (detail.ensemble === 'mean' ? 'mean' : 'majority') : 'score';
      ins = { judge, metric: check.metric, checkType: check.type, kind, rule, verdicts: new Map() };
      if (members) ins.members = members;
      instruments.set(id, ins);
    }
    if (ins.threshold === undefined && detail.threshold !== undefined) ins.threshold = detail.threshold;
    if (ins.scale === undefined && detail.scale !== undefined) ins.scale = detail.scale;
    return ins;
  };
  for (const row of rows) {
    const key = resultKey(row);
    for (const check of row.checks) {
      const kind = kindOf(check.type);
      const detail = check.judge;
      if (!kind && metrics?.has(check.metric)) {
        codeVerdict(instruments, key, check);
        continue;
      }
      if (!kind || !detail || (metrics && !metrics.has(check.metric))) continue;
      const models = detail.models ?? [];
      const ensemble = models.length > 1 ? `ensemble(${models.join(', ')})` : undefined;
      if (check.error === 'judge-error') {
        for (const m of models) instrument(m, check, kind, detail).verdicts.set(key, { error: true });
        if (ensemble) instrument(ensemble, check, kind, detail, models).verdicts.set(key, { error: true });
        continue;
      }
      if (check.indeterminate) continue;
      for (const vote of detail.votes ?? []) {
        const v: Verdict = { pass: vote.pass, raw: vote.raw, outcome: vote.label };
        if (kind === 'pairwise') {
          const orders = (detail.orders ?? []).filter((o) => o.model === vote.model);
          const first = orders.find((o) => o.thisAt === 'A');
          const second = orders.find((o) => o.thisAt === 'B');
          if (first && second) v.orders = { first: first.picked, second: second.picked };
        }
        instrument(vote.model, check, kind, detail).verdicts.set(key, v);
      }
      if (ensemble) {
        const votes = (detail.votes ?? []).map((vote) => vote.raw).filter((raw): raw is number => raw !== undefined);
        const v: Verdict = kind === 'pairwise' ? { outcome: detail.outcome, pass: check.pass } : { pass: check.pass, raw: detail.raw, votes };
        instrument(ensemble, check, kind, detail, models).verdicts.set(key, v);
      }
    }
  }
  return [...instruments.values()];
}

/** A named code check's verdict on one result: its pass (a hang or crash, `check-error`, counts as an error). */
function codeVerdict(instruments: Map<string, Instrument>, key: string, check: StoredCheck): void {
  if (check.indeterminate && !check.error) return;
  const id = `code\u0000${check.type}\u0000${check.metric}`;
  let ins = instruments.get(id);
  if (!ins) {
    ins = { judge: check.type, metric: check.metric, checkType: check.type, kind: 'binary', code: true, rule: 'score', threshold: 0.5, verdicts: new Map() };
    instruments.set(id, ins);
  }
  ins.verdicts.set(key, check.error ? { error: true } : { pass: check.pass, raw: check.pass ? 1 : 0 });
}
