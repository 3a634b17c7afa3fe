// Loads a stored run into the compact per-case structure the run-level statistics work on (stats
// RunOutcomes): one slot per case × variant in typed-array columns (case-columns.ts), built by one stream of
// slim results (no outputs, no messages), so memory grows with cases × variants at a few dozen bytes each,
// not with the text of the results. `onRow` lets the run report fold its other figures into the same scan.
import type { Store, RunRecord, ResultRow, CaseKey } from '../store/index.js';
import type { CaseInfo, RunOutcomes } from '../stats/index.js';
import { reducedPassValue, runRepeatReducer } from './repeat-reduction.js';
import { outcomeView, VariantColumns } from './case-columns.js';

/** The suite's default checks as stored with the run: metric defaults to the type, severity to normal. */
function defaultChecks(run: RunRecord): RunOutcomes['defaultChecks'] {
  const raw = Array.isArray(run.config.checks) ? (run.config.checks as unknown[]) : [];
  return raw.flatMap((c) => {
    if (!c || typeof c !== 'object') return [];
    const { type, metric, severity } = c as { type?: unknown; metric?: unknown; severity?: unknown };
    const name = typeof metric === 'string' ? metric : typeof type === 'string' ? type : undefined;
    if (name === undefined) return [];
    return [{ severity: severity === 'critical' ? ('critical' as const) : ('normal' as const), metric: name }];
  });
}

export interface CaseOutcomeScanOptions {
  /**
   * Called with every slim result of the scan, so other figures are folded in the same pass over the store,
   * with the case's index in RunOutcomes.cases (undefined for a result of a variant not in the run).
   */
  onRow?: (row: ResultRow, caseIndex: number | undefined) => void;
  /** Called with every stored case as it is read, in the order of RunOutcomes.cases (diff takes the content hashes from here). */
  onCase?: (c: CaseKey) => void;
  /** Called with the number of stored cases before the first result (to size other accumulators). */
  onCases?: (cases: number) => void;
}

/** Intern equal tag lists: 500,000 cases tagged with a handful of segments share a handful of arrays. */
function tagInterner(): (tags: readonly string[]) => readonly string[] {
  const seen = new Map<string, readonly string[]>();
  return (tags) => {
    const key = tags.join('\u0000');
    const known = seen.get(key);
    if (known) return known;
    seen.set(key, tags);
    return tags;
  };
}

export async function loadCaseOutcomes(store: Store, run: RunRecord, options: CaseOutcomeScanOptions = {}): Promise<RunOutcomes> {
  return (await loadCaseTable(store, run, options)).outcomes;
}

/** The per-case table with the index of its cases by id (to share with other per-case accumulators). */
export async function loadCaseTable(
  store: Store,
  run: RunRecord,
  options: CaseOutcomeScanOptions = {},
): Promise<{ outcomes: RunOutcomes; caseIndex: ReadonlyMap<string, number> }> {
  const intern = tagInterner();
  const cases: CaseInfo[] = [];
  for await (const c of store.cases.keys(run.id)) {
    options.onCase?.(c);
    cases.push({ id: c.caseId, tags: intern(c.tags), cluster: c.cluster === null ? null : String(c.cluster) });
  }
  const caseIndex = new Map(cases.map((c, i) => [c.id, i]));
  options.onCases?.(cases.length);
  const variantIndex = new Map(run.variants.map((v, i) => [v.id, i]));
  const columns = run.variants.map(() => new VariantColumns(cases.length));
  // Per result: the mean of its checks' scores per metric, and per severity × metric whether one failed.
  const perMetric = new Map<string, { sum: number; n: number }>();
  const failedByKey = new Map<string, { severity: 'normal' | 'critical'; metric: string; failed: boolean }>();
  await store.results.scan(run.id, { slim: true }, (r) => {
    const v = variantIndex.get(r.variantId);
    if (v === undefined) {
      options.onRow?.(r, undefined);
      return;
    }
    let c = caseIndex.get(r.caseId);
    if (c === undefined) {
      c = cases.length;
      cases.push({ id: r.caseId, tags: [], cluster: null });
      caseIndex.set(r.caseId, c);
    }
    options.onRow?.(r, c);
    const t = columns[v];
    t.ensure(c);
    t.results[c]++;
    if (r.errorClass) {
      t.errored[c]++;
      return;
    }
    if (r.pass === true) t.passed[c]++;
    if (r.score !== null) {
      t.scoreSum[c] += r.score;
      t.scored[c]++;
    }
    if (r.checks.length === 0) return;
    perMetric.clear();
    failedByKey.clear();
    for (const check of r.checks) {
      const m = perMetric.get(check.metric);
      if (m) {
        m.sum += check.score;
        m.n++;
      } else perMetric.set(check.metric, { sum: check.score, n: 1 });
      const severity = check.severity === 'critical' ? 'critical' : 'normal';
      const key = `${severity}\u0000${check.metric}`;
      const seen = failedByKey.get(key);
      if (seen) seen.failed ||= !check.pass;
      else failedByKey.set(key, { severity, metric: check.metric, failed: !check.pass });
    }
    for (const [metric, { sum, n }] of perMetric) {
      const column = t.metric(metric);
      column.sum[c] += sum / n;
      column.n[c]++;
    }
    for (const { severity, metric, failed } of failedByKey.values()) {
      const column = t.check(severity, metric);
      column.judged[c]++;
      if (failed) column.failed[c]++;
    }
  });
  const reducer = runRepeatReducer(run);
  const outcomes: RunOutcomes = {
    repeat: run.repeat,
    passValueName: reducer.valueName,
    defaultChecks: defaultChecks(run),
    cases,
    variants: run.variants.map((variant, v) => {
      const t = columns[v];
      // The suite's repeat reducer decides the case's pass value (the default, the pass share, needs no column).
      if (reducer.name !== 'mean') {
        t.passValue = new Float64Array(cases.length);
        for (let c = 0; c < cases.length; c++)
          if (c < t.results.length && t.results[c] > 0) t.passValue[c] = reducedPassValue(reducer, t.results[c], t.passed[c]);
      }
      const View = outcomeView(t);
      return {
        id: variant.id,
        outcomes: cases.map((_, c) => (c < t.results.length && t.results[c] > 0 ? new View(c) : undefined)),
      };
    }),
  };
  return { outcomes, caseIndex };
}
