// The configuration changes between two runs (config-changes.ts) for the terminal and for Markdown: the summary
// lines, then each distinct prompt diff once (variants sharing a prompt share it). Prompt templates and names
// come from suite files and are escaped like model text (escape.ts).
import { stableStringify } from '../suite/index.js';
import type { ConfigChanges, ListChange, PromptChange } from './config-changes.js';
import { promptChangeText } from './config-changes.js';
import type { DiffLine } from './line-diff.js';
import { escapeMarkdownInline, escapeTerminal } from './escape.js';

/** Diff lines shown per prompt; the JSON report has them all. */
const MAX_PROMPT_LINES = 40;
/** Check and bar items listed per kind. */
const MAX_ITEMS = 5;

/** Each distinct prompt change once, with the variants it applies to. */
function promptGroups(c: ConfigChanges): { variants: string[]; prompt: PromptChange }[] {
  const groups = new Map<string, { variants: string[]; prompt: PromptChange }>();
  for (const v of c.variants) {
    if (!v.prompt || v.prompt.diff.length === 0) continue;
    const key = stableStringify(v.prompt);
    const g = groups.get(key) ?? { variants: [], prompt: v.prompt };
    g.variants.push(v.variant);
    groups.set(key, g);
  }
  return [...groups.values()];
}

const MARK: Record<DiffLine['kind'], string> = { context: ' ', removed: '−', added: '+', gap: '…' };

function items(list: ListChange): { sign: string; text: string }[] {
  return [...list.removed.map((text) => ({ sign: '−', text })), ...list.added.map((text) => ({ sign: '+', text }))];
}

/** Terminal lines (indented by two spaces), starting with a heading; one line when nothing changed. */
export function configChangesText(c: ConfigChanges): string[] {
  const t = (s: string, max = 200) => escapeTerminal(s, max);
  if (!c.changed) return ['config: unchanged (the same models, prompts, parameters, checks and bars)'];
  const out = ['config changes (before → after):'];
  for (const line of c.summary) out.push(`  ${t(line, 300)}`);
  for (const [name, list] of [['default checks', c.suite.checks], ['quality bars', c.suite.bars]] as const) {
    if (!list) continue;
    const all = items(list);
    out.push(`  ${name}:`, ...all.slice(0, MAX_ITEMS).map((x) => `    ${x.sign} ${t(x.text, 160)}`));
    if (all.length > MAX_ITEMS) out.push(`    … ${all.length - MAX_ITEMS} more in the JSON report`);
  }
  for (const g of promptGroups(c)) {
    out.push(`  ${t(g.variants.join(', '), 120)} · ${t(promptChangeText(g.prompt), 120)}:`);
    for (const l of g.prompt.diff.slice(0, MAX_PROMPT_LINES)) out.push(`    ${MARK[l.kind]} ${t(l.text, 160)}`);
    if (g.prompt.diff.length > MAX_PROMPT_LINES) out.push(`    … ${g.prompt.diff.length - MAX_PROMPT_LINES} more diff lines in the JSON report`);
  }
  return out;
}

/** Markdown blocks: "heading:", bullets, then a table per check/bar list and per distinct prompt diff. */
export function configChangesMarkdown(c: ConfigChanges, heading: string): string[] {
  const md = (s: string, max = 200) => escapeMarkdownInline(s, max);
  if (!c.changed) return [`${heading}: none — the same models, prompts, parameters, checks and bars.`];
  const out = [`${heading}:`, ''];
  for (const line of c.summary) out.push(`- ${md(line, 300)}`);
  for (const [name, list] of [['default checks', c.suite.checks], ['quality bars', c.suite.bars]] as const) {
    if (!list) continue;
    const all = items(list);
    out.push('', `| | ${name} |`, '|---|---|', ...all.slice(0, MAX_ITEMS).map((x) => `| ${x.sign} | ${md(x.text, 200)} |`));
    if (all.length > MAX_ITEMS) out.push('', `${all.length - MAX_ITEMS} more in the JSON report.`);
  }
  for (const g of promptGroups(c)) {
    out.push('', `| | ${md(g.variants.join(', '), 120)} · ${md(promptChangeText(g.prompt), 120)} |`, '|---|---|');
    for (const l of g.prompt.diff.slice(0, MAX_PROMPT_LINES)) out.push(`| ${MARK[l.kind]} | ${l.kind === 'gap' ? `_${md(l.text)}_` : md(l.text, 200)} |`);
    if (g.prompt.diff.length > MAX_PROMPT_LINES) out.push('', `${g.prompt.diff.length - MAX_PROMPT_LINES} more diff lines in the JSON report.`);
  }
  return out;
}
