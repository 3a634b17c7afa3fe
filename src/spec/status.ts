// "Current status": the latest run's variants against every bar (the verdicts and words of the stored run report,
// the same as `evalspec show`), the last regressions (report/'s diff of the latest two completed runs), and where
// monitors watch production, production quality against the offline figure (monitor/'s evaluateMonitor).
// "Deployment": the monitors' stage and stage bars, and the suite's kill-switch conditions.
import type { Suite } from '../suite/index.js';
import { buildDiffReport, formatInt } from '../report/index.js';
import { adviceLine, evaluateMonitor, formatFigure, metricLabel, type MonitorStatus } from '../monitor/index.js';
import type { SpecEvidence } from './evidence.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

const VERDICT_WORDS: Record<string, string> = { met: 'met', not_met: 'not met', inconclusive: 'inconclusive', no_data: 'no data' };

export async function statusSection(suite: Suite, evidence: SpecEvidence, now?: Date): Promise<SpecSection> {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const { report, run } = evidence;
  const bars = report?.bars ?? [];
  if (!report || !run) {
    gaps.push({ id: 'run', section: 'status', message: 'no stored run: the bars have no verdict yet', fix: `run the suite: evalspec run ${suite.file}` });
  } else {
    blocks.push({ kind: 'paragraph', text: `Latest run ${run.id} (${run.status}, started ${run.startedAt}${run.label ? `, label ${run.label}` : ''}).` });
    blocks.push({
      kind: 'table',
      head: ['variant', 'cases', 'pass rate'],
      rows: report.variants.map((v) => [v.id, formatInt(v.cases), v.passRate === null ? 'n/a' : `${(v.passRate * 100).toFixed(1)}%`]),
    });
    if (bars.length > 0) {
      blocks.push({
        kind: 'table',
        head: ['bar', 'variant', 'verdict', 'cases needed', 'why'],
        rows: bars.map((b) => [
          b.text,
          b.variant,
          VERDICT_WORDS[b.verdict] ?? b.verdict,
          b.casesNeeded === null || b.verdict === 'met' ? '' : formatInt(b.casesNeeded),
          b.explanation,
        ]),
      });
    }
  }
  const regressions = evidence.store && run && evidence.previous ? await lastRegressions(evidence) : null;
  if (regressions) {
    blocks.push({ kind: 'heading', text: `Since run ${evidence.previous!.id}` });
    blocks.push({ kind: 'list', items: regressions.length ? regressions : ['no significant change'] });
  }
  const production = await productionStatus(suite, evidence, gaps, now);
  if (production.length > 0) {
    blocks.push({ kind: 'heading', text: 'Production vs offline' });
    blocks.push({ kind: 'table', head: ['monitor', 'metric', 'production (window)', 'interval', 'offline', 'state'], rows: production.map((p) => p.row) });
  }
  return {
    id: 'status',
    title: 'Current status',
    blocks,
    figures: {
      runId: run?.id ?? null,
      bars: bars.map((b) => ({ text: b.text, variant: b.variant, verdict: b.verdict, point: b.point, bound: b.bound, casesNeeded: b.casesNeeded })),
      regressions,
      production: production.map((p) => p.figures),
    },
    gaps,
  };
}

/** The significant changes between the two latest completed runs, worse ones first, in the diff's words. */
async function lastRegressions(evidence: SpecEvidence): Promise<string[]> {
  const diff = await buildDiffReport(evidence.store!, evidence.previous!, evidence.run!, { outputs: false });
  const lines = diff.perVariant.flatMap((v) =>
    v.metrics.filter((m) => m.significant).map((m) => ({ worse: m.direction === 'worse', text: `${v.variant}: ${m.sentence}` })),
  );
  if (diff.summary.newCriticalFailures > 0) lines.unshift({ worse: true, text: `${diff.summary.newCriticalFailures} case(s) newly fail a critical check` });
  return lines.sort((a, b) => Number(b.worse) - Number(a.worse)).map((l) => l.text);
}

interface ProductionLine {
  row: string[];
  figures: {
    monitor: string;
    metric: string;
    estimate: number | null;
    low: number | null;
    high: number | null;
    n: number;
    offline: number | null;
    state: string;
  };
}

async function productionStatus(suite: Suite, evidence: SpecEvidence, gaps: SpecGap[], now: Date | undefined): Promise<ProductionLine[]> {
  if (suite.monitors.length === 0) {
    gaps.push({
      id: 'monitoring',
      section: 'status',
      message: 'no monitors: production quality is not watched',
      fix: 'add monitors: to the suite (docs/monitoring.md)',
    });
    return [];
  }
  if (!evidence.store) return [];
  const lines: ProductionLine[] = [];
  for (const monitor of suite.monitors) {
    let status: MonitorStatus;
    try {
      status = await evaluateMonitor(evidence.store, suite, monitor.name, { now });
    } catch (error) {
      gaps.push({
        id: 'production',
        section: 'status',
        message: `monitor ${monitor.name} could not be evaluated: ${(error as Error).message}`,
        fix: 'run evalspec monitor status SUITE to see why',
      });
      continue;
    }
    if (status.samples.scored === 0) {
      gaps.push({
        id: 'production',
        section: 'status',
        message: `monitor ${monitor.name}: no scored production record in its window (${monitor.window} up to ${status.evaluatedAt})`,
        fix: 'send traffic to evalspec collect or evalspec ingest FILE; for past traffic, pass --now',
      });
      continue;
    }
    for (const m of status.metrics.filter((x) => x.metric === 'pass_rate' || x.metric === 'critical_rate')) {
      const w = m.window;
      lines.push({
        row: [
          monitor.name,
          metricLabel(m.metric),
          `${formatFigure(m.metric, w.estimate)} over ${formatInt(w.n)}`,
          w.low !== null && w.high !== null ? `${formatFigure(m.metric, w.low, true)}–${formatFigure(m.metric, w.high, true)}` : '—',
          `${formatFigure(m.metric, m.baseline.value)} (${m.baseline.source})`,
          m.state,
        ],
        figures: { monitor: monitor.name, metric: m.metric, estimate: w.estimate, low: w.low, high: w.high, n: w.n, offline: m.baseline.value, state: m.state },
      });
    }
    if (status.stage)
      lines.push({
        row: [monitor.name, 'stage', adviceLine(status.stage), '', '', ''],
        figures: {
          monitor: monitor.name,
          metric: 'stage',
          estimate: null,
          low: null,
          high: null,
          n: 0,
          offline: null,
          state: status.stage.advice ?? 'unknown',
        },
      });
  }
  return lines;
}

/** A bar as a percentage without float noise: 0.001 → "0.1%". */
const percent = (x: number) => `${Number((x * 100).toPrecision(6))}%`;

export function deploymentSection(suite: Suite): SpecSection {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const staged = suite.monitors.filter((m) => m.stage || m.stages);
  const stages = staged.map((m) => {
    const bars = Object.entries(m.stages ?? {})
      .map(
        ([stage, b]) =>
          `${stage}: ${[b?.pass_rate !== undefined ? `pass rate ≥ ${percent(b.pass_rate)}` : '', b?.critical_rate !== undefined ? `critical rate ≤ ${percent(b.critical_rate)}` : ''].filter(Boolean).join(', ')}`,
      )
      .join('; ');
    return `monitor ${m.name}: stage ${m.stage ?? 'not set'} (observe → assist → act)${bars ? `; bars per stage: ${bars}` : ''}`;
  });
  if (stages.length > 0) blocks.push({ kind: 'list', items: stages });
  else
    gaps.push({
      id: 'stage',
      section: 'deployment',
      message: 'no deployment stage declared (observe → assist → act)',
      fix: 'set stage: and stages: on a monitor (docs/monitoring.md)',
    });
  const kill = suite.spec?.kill_switch ?? [];
  if (kill.length > 0) {
    blocks.push({ kind: 'heading', text: 'Kill switch: turn the feature off when' });
    blocks.push({ kind: 'list', items: kill });
  } else {
    gaps.push({
      id: 'kill-switch',
      section: 'deployment',
      message: 'no kill-switch conditions',
      fix: 'list them in words under spec: kill_switch: in the suite',
    });
  }
  return {
    id: 'deployment',
    title: 'Deployment stage and kill switch',
    blocks,
    figures: { stages: staged.map((m) => ({ monitor: m.name, stage: m.stage ?? null })), killSwitch: kill },
    gaps,
  };
}
