// The safety section of the run report (issue #18) in words, for the terminal and Markdown: the attack success
// rate per variant with its exact interval, the zero-tolerance statement, per plugin / strategy / OWASP id, the
// plugin × strategy matrix, the paired comparison of the variants on the same attacks and the worst successful
// attacks. One source: every format renders report.safety (analysis/safety-figures.ts), the JSON report carries it
// as is. Shown only when the run has `redteam`-tagged cases. Tags, ids and outputs are untrusted text: escaped.
import type { AttackRate, GroupRate, SafetyComparison, SafetyFigures, SafetyVariant, ZeroToleranceFigure } from '../analysis/index.js';
import { formatPValue } from '../stats/index.js';
import { escapeMarkdownInline, escapeTerminal, markdownCode } from './escape.js';
import { ciText, int, pluralCount, textTable, upperPct } from './format.js';

/** A rate in percent, with two decimals between 0 and 1% (0.25% must not print as 0.3% or 0%). */
export function ratePct(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  return `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`;
}

/**
 * An upper bound in percent, rounded UP at the shown precision so the statement stays true: 0.4981% is "≤ 0.50%",
 * and 0.5004% is "≤ 0.51%", never "≤ 0.50%".
 */
export function boundPct(x: number): string {
  return upperPct(x, x > 0 && x < 0.01 ? 2 : 1);
}

/** A target rate as written in a bar: 1%, 0.5%, 0.1%. */
const targetPct = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

const levelPct = (level: number) => `${Number((level * 100).toPrecision(3))}%`;

/**
 * The zero-tolerance statement: "0 successful attacks in 600: attack success rate ≤ 0.50% at 95% (one-sided
 * Clopper–Pearson); to prove ≤ 0.1% you need 2,995 clean attacks".
 */
export function zeroToleranceSentence(z: ZeroToleranceFigure, level: number): string {
  if (z.attacks === 0 || z.upperBound === null) return 'no attack was judged: nothing can be said about the attack success rate';
  const head = `${pluralCount(z.successes, 'successful attack')} in ${int(z.attacks)}: attack success rate ≤ ${boundPct(z.upperBound.high)} at ${levelPct(level)} (one-sided Clopper–Pearson)`;
  const next = z.targets.find((t) => !t.proven);
  if (z.successes > 0) return `${head}; zero tolerance not met: each successful attack is a failure to fix`;
  if (!next) return `${head}; every target down to ${targetPct(z.targets.at(-1)!.maxRate)} is proven`;
  return `${head}; to prove ≤ ${targetPct(next.maxRate)} you need ${int(next.cleanAttacksNeeded)} clean attacks`;
}

/** "12 of 20 attacks succeeded: 60.0% (95% CI 36.1–80.9, Clopper–Pearson); 1 errored". */
export function attackRateSentence(r: AttackRate, level: number): string {
  const errored = r.errored ? `; ${int(r.errored)} errored (left out)` : '';
  if (r.attacks === 0) return `no attack judged${errored}`;
  return `${int(r.successes)} of ${pluralCount(r.attacks, 'attack')} succeeded: ${ratePct(r.rate)} (${levelPct(level)} CI ${ciText(r.interval)}, Clopper–Pearson)${errored}`;
}

const pointsText = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}`;

/** "guarded vs naive on 20 attacks: 60.0% → 15.0% (−45.0 points, 95% CI …, Newcombe paired); 10 stopped, 1 new; McNemar exact p = 0.012". */
export function comparisonSentence(c: SafetyComparison, level: number, names = { baseline: c.baseline, variant: c.variant }): string {
  if (c.n === 0 || c.difference === null) return `${names.variant} vs ${names.baseline}: no attack judged on both`;
  const ci = c.interval ? `, ${levelPct(level)} CI ${pointsText(c.interval.low)} to ${pointsText(c.interval.high)}, Newcombe paired` : '';
  return (
    `${names.variant} vs ${names.baseline} on the same ${pluralCount(c.n, 'attack')}: attack success rate ${ratePct(c.baselineRate)} → ${ratePct(c.variantRate)} ` +
    `(${pointsText(c.difference)} points${ci}); ${int(c.baselineOnly)} succeeded only against ${names.baseline}, ${int(c.variantOnly)} only against ${names.variant}; ` +
    `McNemar exact ${formatPValue(c.pValue)}`
  );
}

function groupRows(groups: readonly GroupRate[], cell: (s: string) => string): string[][] {
  return groups.map((g) => [
    cell(g.key),
    int(g.attacks),
    int(g.successes),
    ratePct(g.rate),
    ciText(g.interval),
    g.upperBound ? `≤ ${boundPct(g.upperBound.high)}` : 'n/a',
    g.errored ? int(g.errored) : '',
  ]);
}

/** The plugin × strategy matrix: rows plugins, columns strategies, cells "successes/attacks". */
function matrix(v: SafetyVariant): { strategies: string[]; rows: { plugin: string; cells: string[] }[] } {
  const strategies = v.byStrategy.map((s) => s.key);
  const rows = v.byPlugin.map((p) => ({
    plugin: p.key,
    cells: strategies.map((s) => {
      const cell = v.cells.find((c) => c.plugin === p.key && c.strategy === s);
      return cell && cell.attacks > 0 ? `${cell.successes}/${cell.attacks}` : '–';
    }),
  }));
  return { strategies, rows };
}

const GROUP_HEADER = ['attacks', 'succeeded', 'rate', 'exact CI', 'upper bound', 'errored'];

export function renderSafetyText(report: { safety?: SafetyFigures }): string[] {
  const s = report.safety;
  if (!s) return [];
  const t = (x: string, max = 60) => escapeTerminal(x, max);
  const lines = ['', `safety: ${pluralCount(s.attackCases, 'red-team case')} (${s.rule})`];
  for (const v of s.variants) {
    lines.push('', `  ${t(v.id)}: ${attackRateSentence(v.overall, s.level)}`, `    ${zeroToleranceSentence(v.zeroTolerance, s.level)}`);
    for (const [name, groups] of [
      ['plugin', v.byPlugin],
      ['strategy', v.byStrategy],
      ['OWASP', v.byOwasp],
    ] as const) {
      if (groups.length === 0) continue;
      const table = textTable([name, ...GROUP_HEADER], groupRows(groups, t), [false, true, true, true, true, true, true]);
      lines.push('', ...table.split('\n').map((l) => `    ${l}`));
    }
    const m = matrix(v);
    if (m.strategies.length > 1 || m.rows.length > 1) {
      const table = textTable(
        ['plugin × strategy', ...m.strategies.map((x) => t(x, 20))],
        m.rows.map((r) => [t(r.plugin), ...r.cells]),
        [false, ...m.strategies.map(() => true)],
      );
      lines.push('', '    successful / judged attacks:', ...table.split('\n').map((l) => `    ${l}`));
    }
    if (v.worst.length) {
      lines.push('', '    worst successful attacks (most failed critical checks first):');
      for (const w of v.worst) {
        const repeat = w.results > 1 && w.repeat !== null ? ` #${w.repeat + 1}` : '';
        lines.push(`      ${t(w.caseId)}${repeat} [${t(w.plugin, 40)}, ${t(w.strategy, 30)}]: ${w.reasons.length ? t(w.reasons[0], 140) : 'failed'}`);
        if (w.output !== null) lines.push(`        output: ${escapeTerminal(w.output, 110)}`);
      }
      if (v.worstOmitted) lines.push(`      … ${int(v.worstOmitted)} more successful attacks (every failed result: the viewer's Run page, severity critical)`);
    }
  }
  if (s.comparisons.length) {
    lines.push('', '  paired on the same attacks:');
    for (const c of s.comparisons) lines.push(`    ${t(comparisonSentence(c, s.level), 500)}`);
  }
  return lines;
}

const md = (x: string, max = 80) => escapeMarkdownInline(x, max);

export function renderSafetyMarkdown(report: { safety?: SafetyFigures }): string[] {
  const s = report.safety;
  if (!s) return [];
  const out = ['', `#### Safety: ${pluralCount(s.attackCases, 'red-team case')}`, '', `> ${md(s.rule, 300)}`];
  for (const v of s.variants) {
    out.push('', `**${md(v.id)}**: ${md(attackRateSentence(v.overall, s.level), 300)}.`, '', `${md(zeroToleranceSentence(v.zeroTolerance, s.level), 400)}.`);
    for (const [name, groups] of [
      ['plugin', v.byPlugin],
      ['strategy', v.byStrategy],
      ['OWASP', v.byOwasp],
    ] as const) {
      if (groups.length === 0) continue;
      out.push('', `| ${name} | ${GROUP_HEADER.join(' | ')} |`, '|---|---:|---:|---:|---:|---:|---:|');
      for (const row of groupRows(groups, (x) => md(x))) out.push(`| ${row.join(' | ')} |`);
    }
    const m = matrix(v);
    if (m.strategies.length > 1 || m.rows.length > 1) {
      out.push('', `| plugin × strategy | ${m.strategies.map((x) => md(x, 30)).join(' | ')} |`, `|---|${m.strategies.map(() => '---:|').join('')}`);
      for (const r of m.rows) out.push(`| ${md(r.plugin)} | ${r.cells.join(' | ')} |`);
    }
    if (v.worst.length) {
      out.push('', `<details><summary>Worst successful attacks against ${md(v.id)}</summary>`, '');
      for (const w of v.worst) {
        out.push(`- ${markdownCode(w.caseId, 80)} (${md(w.plugin, 40)}, ${md(w.strategy, 30)}): ${w.reasons.length ? md(w.reasons[0], 200) : 'failed'}`);
        if (w.output !== null) out.push(`  - output: ${md(w.output, 200)}`);
      }
      if (v.worstOmitted) out.push(`- … ${int(v.worstOmitted)} more`);
      out.push('', '</details>');
    }
  }
  if (s.comparisons.length) out.push('', ...s.comparisons.map((c) => `- ${md(comparisonSentence(c, s.level), 500)}`));
  return out;
}

/** What `evalspec diff` hands the safety renderers (DiffReport's fields; structural, so this file imports no diff code). */
interface SafetyDiffView {
  before: { id: string };
  after: { id: string };
  level: number;
  safety?: { comparisons: SafetyComparison[]; pairedByPosition: boolean };
}

function diffSentences(report: SafetyDiffView): string[] {
  const s = report.safety;
  if (!s) return [];
  const sentences = s.comparisons.map((c) =>
    comparisonSentence(c, report.level, {
      baseline: `before (${c.baseline})`,
      variant: `after (${c.variant})`,
    }),
  );
  if (s.pairedByPosition) sentences.push('no variant id is in both runs: the only variant of each run is compared');
  return sentences;
}

export function renderSafetyDiffText(report: SafetyDiffView): string[] {
  const sentences = diffSentences(report);
  if (!sentences.length) return [];
  return ['', 'safety: red-team attacks of both runs, matched by case id (after − before):', ...sentences.map((x) => `  ${escapeTerminal(x, 600)}`)];
}

export function renderSafetyDiffMarkdown(report: SafetyDiffView): string[] {
  const sentences = diffSentences(report);
  if (!sentences.length) return [];
  return ['', '#### Safety: red-team attacks of both runs, matched by case id', '', ...sentences.map((x) => `- ${md(x, 600)}`)];
}
