// "Data": where the cases came from (files, production via `promote`, generated red-team cases), counts per segment
// (a tag) with the segments too small to say anything (stats' rule, report/'s words), label coverage and the judges'
// calibration status against human labels.
import { isJudgeCheckType, type Suite } from '../suite/index.js';
import { DEFAULT_MIN_SEGMENT_CASES, segmentWarning } from '../stats/index.js';
import { formatInt, pct, segmentWarningText } from '../report/index.js';
import type { SpecEvidence } from './evidence.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

/** The tag (or provenance source) of generated red-team cases. */
const REDTEAM = 'redteam';

/** A case's origin: its provenance's `source` (promote writes one), else where the suite reads it from. */
function originOf(provenance: Record<string, unknown> | undefined, tags: readonly string[]): string {
  if (tags.includes(REDTEAM) || provenance?.source === REDTEAM) return 'red-team (generated)';
  if (provenance?.source === 'production') return 'production (evalspec promote)';
  if (provenance) return typeof provenance.source === 'string' ? `provenance: ${provenance.source}` : 'provenance without a source';
  return 'written';
}

export function dataSection(suite: Suite, evidence: SpecEvidence): SpecSection {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const source = typeof suite.storedConfig.cases === 'string' ? suite.storedConfig.cases : 'inline in the suite file';
  const origins = new Map<string, number>();
  const segments = new Map<string, number>();
  for (const c of suite.cases) {
    const origin = originOf(c.provenance, c.tags);
    origins.set(origin, (origins.get(origin) ?? 0) + 1);
    for (const t of c.tags) segments.set(t, (segments.get(t) ?? 0) + 1);
  }
  blocks.push({ kind: 'paragraph', text: `${formatInt(suite.cases.length)} cases, from ${source}.` });
  blocks.push({ kind: 'table', head: ['origin', 'cases'], rows: [...origins.entries()].map(([o, n]) => [o, formatInt(n)]) });
  const redTeam = origins.get('red-team (generated)') ?? 0;
  // A suite with no redteam: block at all is the safety section's gap; here, only a block whose cases were never made.
  if (redTeam === 0 && suite.redteam) {
    gaps.push({
      id: 'red-team',
      section: 'data',
      message: `no red-team cases yet: ${suite.redteam.spec.cases} has not been generated`,
      fix: `evalspec redteam generate ${suite.file}`,
    });
  }
  const segmentRows = [...segments.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const small: string[] = [];
  if (segmentRows.length > 0) {
    blocks.push({ kind: 'heading', text: 'Segments (case tags)' });
    blocks.push({
      kind: 'table',
      head: ['segment', 'cases', 'note'],
      rows: segmentRows.map(([tag, n]) => {
        // Without a run only the size rule applies; the run report adds the interval-width rule per variant.
        const warning = segmentWarning(n, null, DEFAULT_MIN_SEGMENT_CASES, Infinity);
        const stored = evidence.report?.segments?.find((s) => s.tag === tag)?.variants.find((v) => v.warning)?.warning ?? null;
        const note = warning?.rule === 'few-cases' ? segmentWarningText(warning) : stored;
        if (note) small.push(tag);
        return [tag, formatInt(n), note ?? ''];
      }),
    });
  } else {
    gaps.push({
      id: 'segments',
      section: 'data',
      message: 'no segments: no case is tagged, so no figure per segment',
      fix: 'tag cases by segment (tags: [segment:enterprise]) to see quality per segment',
    });
  }
  // Label coverage on the latest run, and over the suite's recent runs.
  const run = evidence.run;
  const onRun = run ? new Set(evidence.labels.filter((l) => l.runId === run.id).map((l) => `${l.caseId}\u0000${l.variantId}\u0000${l.repeat}`)).size : 0;
  const results = evidence.report?.totalCalls ?? null;
  const coverage = results ? onRun / results : null;
  const labelled = new Set(evidence.labels.map((l) => `${l.runId}\u0000${l.caseId}\u0000${l.variantId}\u0000${l.repeat}`)).size;
  blocks.push({ kind: 'heading', text: 'Human labels and judge calibration' });
  blocks.push({
    kind: 'paragraph',
    text: run
      ? `${formatInt(onRun)} of ${formatInt(results)} results of run ${run.id} carry a human label (${pct(coverage)}); ${formatInt(labelled)} labelled results over the suite's ${evidence.labelledRuns} newest runs.`
      : 'No stored run: no label coverage yet.',
  });
  const judges = [...suite.checks, ...suite.cases.flatMap((c) => c.checks)].filter((c) => isJudgeCheckType(c.type));
  const judgeMetrics = [
    ...new Set(
      judges.flatMap((j) =>
        j.type === 'rubric'
          ? ((j as unknown as { dimensions: { name: string; metric?: string }[] }).dimensions ?? []).map((d) => d.metric ?? d.name)
          : [j.metric],
      ),
    ),
  ];
  const calibrationRows = judgeMetrics.map((metric) => {
    const c = evidence.calibrations.find((x) => x.metric === metric);
    return c
      ? [metric, c.judge, formatInt(c.labels), c.kappa === null ? 'n/a' : c.kappa.toFixed(2), pct(c.agreement), `run ${c.runId}`]
      : [metric, '', '0', 'n/a', 'n/a', 'uncalibrated'];
  });
  if (calibrationRows.length > 0)
    blocks.push({ kind: 'table', head: ['judged metric', 'judge', 'labels', 'kappa', 'agreement', 'calibrated on'], rows: calibrationRows });
  const uncalibrated = calibrationRows.filter((r) => r[5] === 'uncalibrated').map((r) => r[0]);
  if (judges.length > 0 && evidence.labels.length === 0) {
    gaps.push({
      id: 'labels',
      section: 'data',
      message: 'no human labels yet: the judge is uncalibrated',
      fix: 'label outputs (evalspec view, or evalspec labels import RUN_ID labels.jsonl), then evalspec calibrate RUN_ID',
    });
  } else if (uncalibrated.length > 0) {
    gaps.push({
      id: 'calibration',
      section: 'data',
      message: `judge not calibrated against the human labels: ${uncalibrated.join(', ')}`,
      fix: 'run evalspec calibrate RUN_ID on a run with labels',
    });
  }
  return {
    id: 'data',
    title: 'Data',
    blocks,
    figures: {
      cases: suite.cases.length,
      source,
      origins: Object.fromEntries(origins),
      redTeam,
      segments: Object.fromEntries(segmentRows),
      smallSegments: small,
      labelledOnRun: onRun,
      results,
      labelCoverage: coverage,
      judgedMetrics: judgeMetrics,
      uncalibrated,
    },
    gaps,
  };
}
