// `evalspec ci`: the decision for a pull request in one place. A headline verdict (✅ ship / ❌ do not ship /
// ⚠️ look first), the quality bars, the significant changes against the baseline run only (Holm-adjusted per
// variant), and the top flipped cases with both outputs. Rendered as GitHub-flavoured Markdown: tables and
// <details> only, every model output and name escaped (escape.ts), so a model cannot inject HTML or ping anyone.
import { EXIT } from '../errors.js';
import type { GateSummary } from '../stats/index.js';
import { sameFigures } from '../stats/index.js';
import { metricLabel, pointsText, type DescribedMetricChange } from './describe-change.js';
import type { RunReport } from './run-report-types.js';
import { escapeMarkdownInline, markdownCode } from './escape.js';
import { ciText, pct, plural } from './format.js';
import { FLIP_WORD, significantRegressions, type DiffReport } from './diff-report.js';
import type { FlipWithOutputs } from '../analysis/index.js';
import { markdownFlipTable } from './diff-markdown.js';
import { configChangesMarkdown } from './config-changes-render.js';
import { ciVerdict, criticalFirst, criticalFlips, type CiRule, type CiVerdict } from '../analysis/index.js';
import { withSink } from './file-sink.js';

export type { CiVerdict };

export interface CiInput {
  /** The run just made (with its analysis sections). */
  report: RunReport;
  gate: GateSummary;
  exitCode: number;
  allowInconclusive: boolean;
  /** The label the baseline was looked up by (e.g. main). */
  baselineLabel: string;
  /** Null when no baseline run was found. */
  diff: DiffReport | null;
  /** Why an incomplete run stopped when it was not calls in error (e.g. "stopped by --max-cost: spent $0.05 of $0.05"). */
  stopReason?: string;
}

export interface CiDecision {
  verdict: CiVerdict;
  icon: '✅' | '❌' | '⚠️';
  /** One short phrase: "ready to ship", "do not ship", "look before shipping". */
  headline: string;
  /** Why, in sentences (the first is the main reason). */
  reasons: string[];
  /** Flipped cases that newly fail a critical check against the baseline (⛔ in the comment's title). */
  newCriticalFailures: number;
}

const ICON: Record<CiVerdict, CiDecision['icon']> = { pass: '✅', fail: '❌', warn: '⚠️' };
const md = (s: string, max = 300) => escapeMarkdownInline(s, max);

const HEADLINE: Record<CiRule, string> = {
  'key-refused': 'the run stopped',
  cancelled: 'no decision: the run is not complete',
  incomplete: 'no decision: the run is not complete',
  'bars-failed': 'do not ship',
  regressed: 'look before shipping',
  'inconclusive-allowed': 'look before shipping',
  'nothing-measured': 'look before shipping',
  'nothing-gated': 'look before shipping',
  'bars-met': 'ready to ship',
  'no-bars': 'ready to ship',
};

/** The headline and its reasons in words; the verdict itself is analysis/ci-verdict.ts's. */
export function ciDecision(input: CiInput): CiDecision {
  const { gate, exitCode, report } = input;
  const regressions = input.diff ? significantRegressions(input.diff).length : 0;
  const critical = input.diff?.summary.newCriticalFailures ?? 0;
  const figures = ciVerdict({
    exitCode,
    codes: { ok: EXIT.ok, auth: EXIT.auth, incomplete: EXIT.incomplete, cancelled: EXIT.cancelled },
    gate,
    allowInconclusive: input.allowInconclusive,
    regressions,
    newCriticalFailures: critical,
    anyCases: report.variants.some((v) => v.cases !== 0),
    anyPassed: report.variants.some((v) => Boolean(v.passRate)),
  });
  const criticalText = `${plural(critical, 'flipped case')} newly fail${critical === 1 ? 's' : ''} a critical check (⛔)`;
  const worseText = `${plural(regressions, 'figure')} got significantly worse than ${input.baselineLabel}`;
  const resume = `finish it with: evalspec run --resume ${report.runId}`;
  const reasons: string[] = [];
  switch (figures.rule) {
    case 'key-refused':
      reasons.push('A provider refused the API key: the run stopped early (exit 4).');
      break;
    case 'cancelled':
      reasons.push(`The run was cancelled (exit 130); ${resume}`);
      break;
    case 'incomplete':
      reasons.push(
        input.stopReason
          ? `The run is ${report.status}: ${input.stopReason} (exit 3); ${resume}`
          : `The run is ${report.status}: some calls are still in error after retries (exit 3); ${resume}`,
      );
      break;
    case 'bars-failed': {
      const parts = [
        figures.notMet ? `${plural(figures.notMet, 'quality bar')} not met` : '',
        figures.notProven ? `${figures.notMet ? figures.notProven : plural(figures.notProven, 'quality bar')} not proven (inconclusive)` : '',
      ].filter(Boolean);
      reasons.push(parts.length ? `${parts.join(', ')}.` : `${worseText} (--fail-on-regression).`);
      break;
    }
    case 'regressed':
      if (!critical) reasons.push(`The bars pass, but ${worseText}.`);
      else reasons.push(`The bars pass, but ${criticalText}${regressions ? ` and ${worseText}` : ` against ${input.baselineLabel}`}.`);
      break;
    case 'inconclusive-allowed':
      reasons.push(`${plural(gate.inconclusive, 'quality bar')} not proven (inconclusive), accepted by --allow-inconclusive.`);
      break;
    case 'nothing-measured':
      reasons.push('The run has no cases and the suite has no quality bars: nothing was measured.');
      break;
    case 'nothing-gated':
      reasons.push('No case passed and the suite has no quality bars: nothing is gated.');
      break;
    case 'bars-met':
      reasons.push('Every quality bar is met.');
      break;
    case 'no-bars':
      reasons.push('The suite has no quality bars; nothing is gated.');
      break;
  }
  // Whatever decided the verdict, a new critical failure is always said.
  if (critical && !reasons[0].includes('(⛔)')) reasons.push(`Against ${input.baselineLabel}: ${criticalText}.`);
  return { verdict: figures.verdict, icon: ICON[figures.verdict], headline: HEADLINE[figures.rule], reasons, newCriticalFailures: critical };
}

function changeCell(input: CiInput, variantId: string): string {
  const v = input.diff?.perVariant.find((x) => x.variant === variantId);
  const c = v?.metrics.find((m) => m.metric === 'pass_rate');
  if (!c || c.n === 0) return 'n/a';
  const ci = c.interval ? ` (${pointsText(c.interval.low, true)} to ${pointsText(c.interval.high, true)})` : '';
  const icon = c.direction === 'better' ? ' 🟢' : c.direction === 'worse' ? ' 🔴' : '';
  return `${pointsText(c.difference, true)}${ci}${icon}`;
}

/** One bullet per significant change (metrics and segments); twins of an earlier metric share its line. */
function significantLines(diff: DiffReport): string[] {
  const lines: string[] = [];
  for (const v of diff.perVariant) {
    // A check metric that moved exactly like an earlier metric (a suite whose only check decides the pass
    // rate) is named on that line instead of repeating it.
    const groups: { first: DescribedMetricChange; same: string[] }[] = [];
    for (const c of v.metrics.filter((m) => m.significant)) {
      const twin = groups.find((g) => sameFigures(g.first, c));
      if (twin) twin.same.push(metricLabel(c.metric));
      else groups.push({ first: c, same: [] });
    }
    for (const { first: c, same } of groups) {
      lines.push(
        `- ${c.direction === 'worse' ? '🔴' : '🟢'} **${md(v.variant, 80)}**: ${md(c.sentence, 500)}${same.length ? ` ${md(`The same change: ${same.join(', ')}.`, 200)}` : ''}`,
      );
    }
    for (const s of v.segments.filter((m) => m.significant && !m.warning))
      lines.push(`- ${s.direction === 'worse' ? '🔴' : '🟢'} **${md(v.variant, 80)}**: ${md(s.sentence, 500)}`);
  }
  return lines;
}

const VERDICT_CELL: Record<string, string> = { met: '✅ met', not_met: '❌ not met', inconclusive: '⚠️ inconclusive' };

export interface CiCommentOptions {
  /** Flipped cases listed (default 10): broken first, then fixed. */
  flips?: number;
}

export function renderCiComment(input: CiInput, options: CiCommentOptions = {}): string {
  const { report, gate, diff } = input;
  const decision = ciDecision(input);
  const maxFlips = options.flips ?? 10;
  const label = md(input.baselineLabel, 60);
  // In a code span backslash escapes would show literally: markdownCode fences the text as it is.
  const labelCode = markdownCode(input.baselineLabel, 60);
  const out: string[] = [];
  const critical = decision.newCriticalFailures ? ` · ⛔ ${plural(decision.newCriticalFailures, 'new critical failure')}` : '';
  out.push(`## ${decision.icon} evalspec · ${md(report.suite.name, 120)}: ${decision.headline}${critical}`, '');
  out.push(`**${md(decision.reasons[0], 400)}**`);
  for (const r of decision.reasons.slice(1)) out.push('', md(r, 400));
  out.push('');
  if (diff) {
    const commit = diff.before.gitCommit ? ` at ${markdownCode(diff.before.gitCommit.slice(0, 10), 20)}` : '';
    out.push(
      `Compared with ${labelCode} (run ${markdownCode(diff.before.id, 80)}${commit}): ${diff.cases.unchanged} cases paired, ${plural(significantLines(diff).length, 'significant change')} (Holm-adjusted per variant).`,
    );
    out.push('', ...configChangesMarkdown(diff.config, `**What changed since ${labelCode}**`));
  } else {
    out.push(
      `No baseline: no completed run of this suite labelled ${labelCode} is stored, so there is nothing to compare with. Store one from the main branch with ${markdownCode(`evalspec ci SUITE --label ${input.baselineLabel}`, 120)}.`,
    );
  }

  out.push('', `| variant | cases | pass rate | 95% CI | vs ${label} (points, 95% CI) |`, '|---|---:|---:|---:|---:|');
  for (const v of report.variants) {
    out.push(`| ${md(v.id, 80)} | ${v.cases} | ${pct(v.passRate)} | ${ciText(v.passRateCi)} | ${diff ? changeCell(input, v.id) : 'n/a'} |`);
  }

  const bars = report.bars ?? [];
  if (bars.length) {
    out.push('', `#### Quality bars: ${gate.met} met, ${gate.notMet} not met, ${gate.inconclusive} inconclusive`, '');
    out.push('| verdict | variant | bar | figures |', '|---|---|---|---|');
    for (const b of bars) {
      out.push(
        `| ${VERDICT_CELL[b.verdict]} | ${md(b.variant, 80)} | ${md(b.text, 120)}${b.description ? ` (${md(b.description, 80)})` : ''} | ${md(b.explanation, 300)} |`,
      );
    }
  }

  if (diff) {
    const lines = significantLines(diff);
    out.push('', `#### Significant changes vs ${labelCode}`, '');
    if (lines.length) out.push(...lines);
    else {
      const detectable = diff.perVariant
        .map((v) => v.metrics.find((m) => m.metric === 'pass_rate')?.minimumDetectableDifference ?? null)
        .filter((x): x is number => x !== null);
      const mdd = detectable.length ? ` This suite could detect pass-rate changes of about ${pointsText(Math.max(...detectable))} points.` : '';
      const metrics = diff.perVariant.reduce((n, v) => n + v.metrics.length, 0);
      out.push(
        `None: no change in ${plural(metrics, 'metric')} across ${plural(diff.perVariant.length, 'variant')} is significant at ${Math.round(diff.level * 100)}% (Holm-adjusted).${mdd}`,
      );
    }
    const critical = diff.perVariant.flatMap((v) => criticalFlips(v).map((f) => ({ ...f, variant: v.variant })));
    if (critical.length) {
      out.push('', `#### ⛔ New critical failures vs ${labelCode}`, '');
      for (const f of critical.slice(0, maxFlips)) {
        out.push(`- **${md(f.variant, 80)}** ${markdownCode(f.caseId, 60)}: ${FLIP_WORD[f.kind]}, newly fails ${md(f.newCriticalFailures.join(', '), 120)}`);
      }
      if (critical.length > maxFlips) out.push(`- … ${critical.length - maxFlips} more in the JSON report`);
    }
    // Broken first, then fixed; a flip into a critical failure (broken or still failing) before any other. The
    // variants' own lists, not copies of every flip (tens of thousands at a million results): the shown ones get
    // their variant when picked.
    const lists: (readonly FlipWithOutputs[])[] = (['broken', 'fixed'] as const).flatMap((kind) => diff.perVariant.map((v) => v.flips[kind]));
    lists.push(critical.filter((f) => f.kind === 'still-failing'));
    const count = lists.reduce((n, list) => n + list.length, 0);
    const withVariant = (f: FlipWithOutputs): FlipWithOutputs & { variant: string } =>
      'variant' in f
        ? (f as FlipWithOutputs & { variant: string })
        : { ...f, variant: diff.perVariant.find((v) => v.flips[f.kind === 'broken' ? 'broken' : 'fixed'].includes(f))!.variant };
    const { fixed, broken, stillFailing } = diff.summary;
    if (count) {
      const shown = criticalFirst(lists, maxFlips).map(withVariant);
      out.push('', `<details><summary>Flipped cases: ${broken} broken, ${fixed} fixed (${stillFailing} still failing)</summary>`, '');
      out.push(...markdownFlipTable(shown, 120).map((l) => l.replace('| before |', `| before (${label}) |`).replace('| after |', '| this run |')));
      if (count > shown.length) out.push('', `${count - shown.length} more flipped cases in the JSON report.`);
      out.push('', '</details>');
    }
    const { changed, added, removed } = diff.cases;
    if (changed.length + added.length + removed.length > 0) {
      out.push(
        '',
        `Not compared: ${changed.length} changed, ${added.length} added, ${removed.length} removed case${changed.length + added.length + removed.length === 1 ? '' : 's'} (cases are matched by id and content).`,
      );
    }
    const warnings = diff.warnings.filter((w) => !/changed, \d+ added and \d+ removed/.test(w));
    if (warnings.length) out.push('', ...warnings.map((w) => `- ⚠️ ${md(w, 400)}`));
  }
  if (report.warnings.length) {
    out.push('', '<details><summary>Warnings</summary>', '', ...report.warnings.map((w) => `- ${md(w, 400)}`), '', '</details>');
  }
  const commit = report.git.commit ? ` at ${markdownCode(report.git.commit.slice(0, 10), 20)}` : '';
  out.push(
    '',
    `<sub>evalspec ci · run ${markdownCode(report.runId, 80)}${commit}${diff ? ` · baseline ${markdownCode(diff.before.id, 80)}` : ''} · paired tests at ${Math.round((diff?.level ?? 0.95) * 100)}% confidence</sub>`,
  );
  return `${out.join('\n')}\n`;
}

export async function writeCiComment(input: CiInput, file: string, options: CiCommentOptions = {}): Promise<void> {
  const text = renderCiComment(input, options);
  await withSink(file, async (sink) => sink.write(text));
}

export async function writeCiJson(input: CiInput, file: string): Promise<void> {
  await withSink(file, async (sink) => sink.write(`${JSON.stringify(ciJson(input), null, 2)}\n`));
}

/** The JSON of `evalspec ci --json`: the decision, the gate, the run report (without results) and the diff. */
export function ciJson(input: CiInput): Record<string, unknown> {
  const decision = ciDecision(input);
  return {
    formatVersion: 1,
    kind: 'ci',
    verdict: decision.verdict,
    headline: decision.headline,
    reasons: decision.reasons,
    exitCode: input.exitCode,
    runId: input.report.runId,
    baseline: { label: input.baselineLabel, runId: input.diff?.before.id ?? null },
    gate: input.gate,
    report: input.report,
    diff: input.diff,
  };
}
