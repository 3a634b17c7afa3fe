// What "no change" is for a monitor: a stored run (`{ run: <id> | latest }`, `{ label }`: the latest completed run
// with that label), or a production reference window (`{ window: { since, until } }`). A run's results become the
// same per-call figures production calls give (stats/'s MonitoredCall), so baselineFromCalls reads both alike.
// Which variant of a run: the one matching the monitor's model filter, else the suite's `baseline:` variant, else
// the run's only variant; `source` says which.
import { EvalspecError } from '../errors.js';
import type { RunRecord, Store, StoredVariant } from '../store/index.js';
import type { MonitorSpec, Suite } from '../suite/index.js';
import { refusalMetric } from './refusal.js';
import type { WindowCall } from './window-figures.js';

export type ResolvedBaseline =
  | { kind: 'run'; run: RunRecord; variant: StoredVariant; calls: WindowCall[]; source: string; detectorSince: string }
  | { kind: 'window'; since: string; until: string; source: string; detectorSince: string }
  | { kind: 'none'; source: string; detectorSince: null };

function variantMatches(variant: StoredVariant, name: string): boolean {
  return variant.id === name || variant.label === name || variant.model === name || variant.modelId === name;
}

/** The variant a monitor compares with, and why it was chosen (for `source`). */
function pickVariant(run: RunRecord, suite: Suite, monitor: MonitorSpec): { variant: StoredVariant; why: string } {
  const fix = "set the monitor's filter.models to one model of the run, or the suite's `baseline:` to a variant";
  for (const model of monitor.filter.models ?? []) {
    const hit = run.variants.find((v) => variantMatches(v, model));
    if (hit) return { variant: hit, why: `the monitor's model ${model}` };
  }
  if (suite.baseline) {
    const hit = run.variants.find((v) => variantMatches(v, suite.baseline!));
    if (hit) return { variant: hit, why: "the suite's baseline variant" };
  }
  if (run.variants.length === 1) return { variant: run.variants[0], why: 'its only variant' };
  throw new EvalspecError('USAGE', `monitor "${monitor.name}": run ${run.id} has ${run.variants.length} variants and none is the monitor's model`, {
    file: suite.file,
    hint: fix,
  });
}

async function findRun(store: Store, suite: Suite, monitor: MonitorSpec, spec: { run: string } | { label: string }): Promise<RunRecord> {
  let run: RunRecord | undefined;
  if ('label' in spec) [run] = await store.runs.list({ suite: suite.name, label: spec.label, status: 'completed', limit: 1 });
  else if (spec.run === 'latest') [run] = await store.runs.list({ suite: suite.name, status: 'completed', limit: 1 });
  else run = await store.runs.get(spec.run);
  if (!run) {
    const what = 'label' in spec ? `no completed run labelled "${spec.label}"` : spec.run === 'latest' ? 'no completed run' : `no run ${spec.run}`;
    throw new EvalspecError('RUN_NOT_FOUND', `monitor "${monitor.name}": baseline: ${what} of suite "${suite.name}" in the store`, {
      file: suite.file,
      hint: 'run the suite first (`evalspec run` with --label), or point the baseline at a stored run or a production window',
    });
  }
  return run;
}

/** The run's results of one variant as per-call figures (cost: the list price is unknown for a cache hit: null). */
async function runCalls(store: Store, run: RunRecord, variant: StoredVariant): Promise<WindowCall[]> {
  const tags = new Map((await store.cases.list(run.id)).map((c) => [c.caseId, c.tags]));
  const calls: WindowCall[] = [];
  for await (const row of store.results.list(run.id, { variantId: variant.id, omitTranscript: true })) {
    const errored = row.pass === null;
    calls.push({
      startedAt: row.finishedAt,
      tags: tags.get(row.caseId) ?? [],
      passed: row.pass,
      criticalFailed: errored ? null : row.checks.some((c) => c.severity === 'critical' && !c.pass),
      costUsd: row.cached ? null : row.costUsd,
      latencyMs: row.cached ? null : row.latencyMs,
      outputChars: row.output === null ? null : row.output.length,
      inputTokens: row.inputTokens,
      metrics: { refusal: refusalMetric(row.output) },
    });
  }
  return calls;
}

export async function resolveBaseline(store: Store, suite: Suite, monitor: MonitorSpec): Promise<ResolvedBaseline> {
  const spec = monitor.baseline;
  if (!spec) return { kind: 'none', source: 'none (the monitor has no baseline:)', detectorSince: null };
  if ('window' in spec) {
    const since = isoOrThrow(spec.window.since, suite, monitor, 'since');
    const until = isoOrThrow(spec.window.until, suite, monitor, 'until');
    return { kind: 'window', since, until, source: `production ${since.slice(0, 10)}..${until.slice(0, 10)}`, detectorSince: until };
  }
  const run = await findRun(store, suite, monitor, spec);
  const { variant, why } = pickVariant(run, suite, monitor);
  let calls = await runCalls(store, run, variant);
  // A segment's monitor compares with the run's cases of that segment (its filter's tags), when the run has them.
  const tags = monitor.filter.tags ?? [];
  let segment = '';
  if (tags.length > 0) {
    const matching = calls.filter((c) => tags.every((t) => c.tags.includes(t)));
    segment = matching.length > 0 ? `, cases tagged ${tags.join(' + ')}` : `, all cases (none tagged ${tags.join(' + ')})`;
    if (matching.length > 0) calls = matching;
  }
  const label = run.label ? ` (label ${run.label})` : '';
  const detectorSince = spec.since === undefined ? run.startedAt : isoOrThrow(spec.since, suite, monitor, 'since');
  return { kind: 'run', run, variant, calls, source: `run ${run.id}${label}, variant ${variant.label}: ${why}${segment}`, detectorSince };
}

function isoOrThrow(text: string, suite: Suite, monitor: MonitorSpec, which: string): string {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) {
    const key = which === 'since' && !('window' in (monitor.baseline ?? {})) ? 'since' : `window.${which}`;
    throw new EvalspecError('SUITE_SCHEMA', `monitor "${monitor.name}": baseline.${key} "${text}" is not a date`, {
      file: suite.file,
      hint: 'write an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z',
    });
  }
  return new Date(t).toISOString();
}
