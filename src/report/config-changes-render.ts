// The configuration changes between two runs (config-changes.ts) for the terminal and for Markdown: the summary
// lines, each followed (terminal) or completed (Markdown tables) by its details: the items of the default checks
// and bars that changed, and each distinct prompt diff once (variants sharing a prompt share it). Prompt
// templates and names come from suite files and are escaped like model text (escape.ts).
import type { DiffLine } from '../analysis/index.js';
import { configChangeLines, type ConfigChangeDetail, type ConfigChanges } from './config-changes.js';
import { escapeMarkdownInline, escapeTerminal } from './escape.js';

/** Diff lines shown per prompt; the JSON report has them all. */
const MAX_PROMPT_LINES = 40;
/** Check and bar items listed per kind. */
const MAX_ITEMS = 5;

const MARK: Record<DiffLine['kind'], string> = { context: ' ', removed: '−', added: '+', gap: '…' };

/** The rows shown of a detail, and how many are left out (in the JSON report). */
function rows(d: ConfigChangeDetail): { rows: { mark: string; text: string; gap?: boolean }[]; more: number } {
  if (d.items) return { rows: d.items.slice(0, MAX_ITEMS), more: Math.max(0, d.items.length - MAX_ITEMS) };
  const diff = d.diff ?? [];
  return {
    rows: diff.slice(0, MAX_PROMPT_LINES).map((l) => ({ mark: MARK[l.kind], text: l.text, gap: l.kind === 'gap' })),
    more: Math.max(0, diff.length - MAX_PROMPT_LINES),
  };
}

/** Terminal lines: a heading, each change on a line with its details under it; one line when nothing changed. */
export function configChangesText(c: ConfigChanges): string[] {
  const t = (s: string, max = 200) => escapeTerminal(s, max);
  if (!c.changed) return ['config: unchanged (the same models, prompts, parameters, checks and bars)'];
  const out = ['config changes (before → after):'];
  for (const line of configChangeLines(c).lines) {
    out.push(`  ${t(line.text, 300)}`);
    if (!line.detail) continue;
    const d = rows(line.detail);
    for (const r of d.rows) out.push(`    ${r.mark} ${t(r.text, 160)}`);
    if (d.more) out.push(`    … ${d.more} more in the JSON report`);
  }
  return out;
}

/** Markdown: "heading:", one bullet per change, then a table per detail (check and bar items, prompt diffs). */
export function configChangesMarkdown(c: ConfigChanges, heading: string): string[] {
  const md = (s: string, max = 200) => escapeMarkdownInline(s, max);
  if (!c.changed) return [`${heading}: none — the same models, prompts, parameters, checks and bars.`];
  const out = [`${heading}:`, ''];
  const { lines, details } = configChangeLines(c);
  for (const line of lines) out.push(`- ${md(line.text, 300)}`);
  for (const detail of details) {
    const d = rows(detail);
    out.push('', `| | ${md(detail.title, 200)} |`, '|---|---|');
    for (const r of d.rows) out.push(`| ${r.mark} | ${r.gap ? `_${md(r.text)}_` : md(r.text, 200)} |`);
    if (d.more) out.push('', `${d.more} more in the JSON report.`);
  }
  return out;
}
