// The configuration changes between two runs (config-changes.ts) for the terminal and for Markdown: the summary
// lines, each followed (terminal) or completed (Markdown tables) by its details: the items of the default checks
// and bars that changed, and each distinct prompt diff once (variants sharing a prompt share it). Prompt
// templates and names come from suite files and are escaped like model text (escape.ts).
import { stableStringify } from '../suite/index.js';
import type { ConfigChanges, PromptChange } from './config-changes.js';
import { listChangeText, promptChangeText } from './config-changes.js';
import type { DiffLine } from './line-diff.js';
import { escapeMarkdownInline, escapeTerminal } from './escape.js';

/** Diff lines shown per prompt; the JSON report has them all. */
const MAX_PROMPT_LINES = 40;
/** Check and bar items listed per kind. */
const MAX_ITEMS = 5;

const MARK: Record<DiffLine['kind'], string> = { context: ' ', removed: '−', added: '+', gap: '…' };

interface Detail {
  /** The summary line the detail belongs to. */
  line: string;
  /** The table heading in Markdown. */
  title: string;
  rows: { mark: string; text: string; gap?: boolean }[];
  /** Rows left out (in the JSON report). */
  more: number;
}

/** The details of the summary lines: changed check and bar items, then each distinct prompt diff once. */
function details(c: ConfigChanges): Detail[] {
  const out: Detail[] = [];
  for (const [name, list] of [
    ['default checks', c.suite.checks],
    ['quality bars', c.suite.bars],
  ] as const) {
    if (!list) continue;
    const rows = [...list.removed.map((text) => ({ mark: '−', text })), ...list.added.map((text) => ({ mark: '+', text }))];
    out.push({ line: listChangeText(name, list), title: name, rows: rows.slice(0, MAX_ITEMS), more: Math.max(0, rows.length - MAX_ITEMS) });
  }
  const groups = new Map<string, { variants: string[]; prompt: PromptChange }>();
  for (const v of c.variants) {
    if (!v.prompt || v.prompt.diff.length === 0) continue;
    const key = stableStringify(v.prompt);
    const g = groups.get(key) ?? { variants: [], prompt: v.prompt };
    g.variants.push(v.variant);
    groups.set(key, g);
  }
  for (const { variants, prompt } of groups.values()) {
    const text = promptChangeText(prompt);
    out.push({
      line: `${variants.join(', ')}: ${text}`,
      title: `${variants.join(', ')} · ${text}`,
      rows: prompt.diff.slice(0, MAX_PROMPT_LINES).map((l) => ({ mark: MARK[l.kind], text: l.text, gap: l.kind === 'gap' })),
      more: Math.max(0, prompt.diff.length - MAX_PROMPT_LINES),
    });
  }
  return out;
}

/** Terminal lines: a heading, each change on a line with its details under it; one line when nothing changed. */
export function configChangesText(c: ConfigChanges): string[] {
  const t = (s: string, max = 200) => escapeTerminal(s, max);
  if (!c.changed) return ['config: unchanged (the same models, prompts, parameters, checks and bars)'];
  const byLine = new Map(details(c).map((d) => [d.line, d]));
  const out = ['config changes (before → after):'];
  for (const line of c.summary) {
    out.push(`  ${t(line, 300)}`);
    const d = byLine.get(line);
    if (!d) continue;
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
  for (const line of c.summary) out.push(`- ${md(line, 300)}`);
  for (const d of details(c)) {
    out.push('', `| | ${md(d.title, 200)} |`, '|---|---|');
    for (const r of d.rows) out.push(`| ${r.mark} | ${r.gap ? `_${md(r.text)}_` : md(r.text, 200)} |`);
    if (d.more) out.push('', `${d.more} more in the JSON report.`);
  }
  return out;
}
