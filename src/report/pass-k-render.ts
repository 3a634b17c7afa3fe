// The pass^k curve of a run with repeats (analysis/pass-k-curve.ts) in words: one compact line per variant
// for the terminal, a table for Markdown. Nothing is printed for a run of one repeat.
import type { PassKPoint } from '../analysis/index.js';
import type { RunReport } from './run-report-types.js';
import { escapeMarkdownInline, escapeTerminal } from './escape.js';
import { ciText, pct } from './format.js';

const withCurve = (report: RunReport) => report.variants.filter((v) => v.passHatK?.length);

/** "t" or "clustered-t": the kind of interval, named once for the whole block (every point shares it). */
function intervalKind(report: RunReport): string {
  const method = withCurve(report)
    .flatMap((v) => v.passHatK!)
    .find((p) => p.ci)?.ci?.method;
  const kind = method?.split(' ')[0] ?? 't';
  return kind === 'clustered-t' ? 'clustered-t over the per-case estimates (cases share clusters)' : `${kind} over the per-case estimates`;
}

/** The note when some case has fewer results than some k (repeat-reduction.ts: k = its result count). */
function shortNote(report: RunReport): string | null {
  const most = Math.max(0, ...withCurve(report).flatMap((v) => v.passHatK!.map((p) => p.shortCases)));
  return most > 0 ? `up to ${most} cases have fewer results than k (the run stopped early): their estimate uses k = their result count` : null;
}

const pointText = (p: PassKPoint, sign: '^' | '@') => `pass${sign}${p.k} ${pct(p.value)} [${ciText(p.ci)}]`;

/** Terminal lines: a heading with the estimator and the interval, then one line per variant. */
export function renderPassKText(report: RunReport): string[] {
  const variants = withCurve(report);
  if (variants.length === 0) return [];
  const lines = [
    '',
    `pass^k over ${report.repeat} repeats (the chance that k repeats of a case all pass: C(c,k)/C(n,k) per case, Yao et al. 2024, mean over cases; 95% CI: ${intervalKind(report)}):`,
  ];
  for (const v of variants) lines.push(`  ${escapeTerminal(v.id)}: ${v.passHatK!.map((p) => pointText(p, '^')).join(' · ')}`);
  const note = shortNote(report);
  if (note) lines.push(`  ${note}`);
  return lines;
}

/** Markdown: one table, a row per variant and estimator (pass^k, then pass@k), a column per k. */
export function renderPassKMarkdown(report: RunReport): string[] {
  const variants = withCurve(report);
  if (variants.length === 0) return [];
  const ks = variants[0].passHatK!.map((p) => p.k);
  const cell = (p: PassKPoint | undefined) => (p ? `${pct(p.value)} (${ciText(p.ci)})` : 'n/a');
  const out = [
    '',
    `#### \`pass^k\` and \`pass@k\` over ${report.repeat} repeats`,
    '',
    `| variant | | ${ks.map((k) => `k = ${k}`).join(' | ')} |`,
    `|---|---|${ks.map(() => '---:').join('|')}|`,
  ];
  for (const v of variants) {
    for (const [name, points] of [
      ['`pass^k`', v.passHatK!],
      ['`pass@k`', v.passAtK ?? []],
    ] as const) {
      out.push(`| ${escapeMarkdownInline(v.id, 80)} | ${name} | ${ks.map((k) => cell(points.find((p) => p.k === k))).join(' | ')} |`);
    }
  }
  const note = shortNote(report);
  // Fixed text (no model or user text): written as is, the estimator names in code spans (no @-mention).
  out.push(
    '',
    `\`pass^k\`: the chance that k repeats of a case all pass, C(c,k)/C(n,k) (Yao et al. 2024); \`pass@k\`: that at least one passes, 1 − C(n−c,k)/C(n,k) (Chen et al. 2021); each the mean over cases with a 95% CI: ${intervalKind(report)}.${note ? ` Note: ${note}.` : ''}`,
  );
  return out;
}
