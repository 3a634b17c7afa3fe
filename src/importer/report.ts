// The import's account: status, what was carried over, and every item that was not (file:line, key, reason,
// what to do) — in the terminal and in IMPORT.md next to the imported suite. Texts from the promptfoo files
// (keys, values in reasons) are escaped for each format.
import { escapeMarkdownInline, escapeTerminal } from '../report/index.js';
import { featureOf, type ImportIssue, type ImportStatus } from './issues.js';

export interface ImportReport {
  status: ImportStatus;
  /** The promptfoo config, as named. */
  config: string;
  outDir: string;
  /** Files written, relative to outDir. */
  written: string[];
  counts: { prompts: number; models: number; cases: number; suiteChecks: number; caseChecks: number };
  /** Not carried over: the imported suite differs from the promptfoo config here. */
  dropped: ImportIssue[];
  /** Carried over with a difference worth knowing. */
  notes: ImportIssue[];
}

const STATUS_WORDS: Record<ImportStatus, string> = {
  full: 'imported fully: every prompt, provider, test and assertion was carried over',
  partial: 'imported partly: the suite runs, but the items below were not carried over',
  none: 'not imported: nothing runnable could be written (see the items below)',
};

/** The features most often not carried over, most frequent first. */
export function commonFeatures(issues: readonly ImportIssue[]): { feature: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const issue of issues) counts.set(featureOf(issue), (counts.get(featureOf(issue)) ?? 0) + 1);
  return [...counts].map(([feature, count]) => ({ feature, count })).sort((a, b) => b.count - a.count || a.feature.localeCompare(b.feature));
}

const at = (i: ImportIssue) => `${i.file}${i.line !== undefined ? `:${i.line}` : ''}`;

export function renderImportTerminal(report: ImportReport): string {
  const t = (s: string) => escapeTerminal(s, 300);
  const lines = [
    `promptfoo config ${t(report.config)}: ${STATUS_WORDS[report.status]}`,
    `  ${report.counts.prompts} prompt(s), ${report.counts.models} model(s), ${report.counts.cases} case(s), ${report.counts.suiteChecks} suite check(s), ${report.counts.caseChecks} case check(s)`,
  ];
  if (report.written.length) lines.push(`  wrote ${report.written.map((f) => t(`${report.outDir}/${f}`)).join(', ')}`);
  if (report.dropped.length) {
    lines.push('', `not carried over (${report.dropped.length}):`);
    for (const i of report.dropped) lines.push(`  ${t(at(i))}  ${t(i.key)}: ${t(i.reason)}`, `      fix: ${t(i.fix)}`);
  }
  if (report.notes.length) {
    lines.push('', `carried over with a difference (${report.notes.length}):`);
    for (const i of report.notes) lines.push(`  ${t(at(i))}  ${t(i.key)}: ${t(i.reason)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderImportMarkdown(report: ImportReport): string {
  const m = (s: string) => escapeMarkdownInline(s, 400);
  const out = [
    '# Imported from promptfoo',
    '',
    `Config: ${m(report.config)}. Status: **${report.status}** — ${STATUS_WORDS[report.status]}.`,
    '',
    '| prompts | models | cases | suite checks | case checks |',
    '|---:|---:|---:|---:|---:|',
    `| ${report.counts.prompts} | ${report.counts.models} | ${report.counts.cases} | ${report.counts.suiteChecks} | ${report.counts.caseChecks} |`,
    '',
    'Each case keeps `provenance: { source: promptfoo, file, line }`: the test it came from.',
    '',
  ];
  const section = (title: string, issues: readonly ImportIssue[], withFix: boolean) => {
    out.push(`## ${title} (${issues.length})`, '');
    if (issues.length === 0) out.push('Nothing.', '');
    else {
      out.push(
        withFix ? '| where | promptfoo key | why | what to do |' : '| where | promptfoo key | what differs |',
        withFix ? '|---|---|---|---|' : '|---|---|---|',
      );
      for (const i of issues) out.push(`| ${m(at(i))} | ${m(i.key)} | ${m(i.reason)} |${withFix ? ` ${m(i.fix)} |` : ''}`);
      out.push('');
    }
  };
  section('Not carried over', report.dropped, true);
  if (report.dropped.length) {
    out.push(
      `Most common: ${commonFeatures(report.dropped)
        .slice(0, 5)
        .map(({ feature, count }) => `${m(feature)} (${count})`)
        .join(', ')}.`,
      '',
    );
  }
  section('Carried over with a difference', report.notes, false);
  out.push('See docs/promptfoo.md for what maps to what and why.', '');
  return out.join('\n');
}
