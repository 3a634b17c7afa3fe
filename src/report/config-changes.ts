// The configuration changes between two stored runs (analysis/config-changes.ts) in words: the check and bar
// items as text, and one summary line per change, variants with the same change sharing a line. This is the
// `config` of the diff's JSON report (formatVersion 1), what `history` lists per run, and what the terminal and
// Markdown renderings (config-changes-render.ts) show with each line's details.
import type { RunRecord } from '../store/index.js';
import { stableStringify } from '../stable-json.js';
import {
  configChangeFigures,
  type ConfigChangeFigures,
  type DiffLine,
  type ItemChange,
  type PromptChange,
  type SettingChange,
  type ValueChange,
  type VariantConfigChange,
} from '../analysis/index.js';
import type { BarDefinition } from '../stats/index.js';
import { barText } from './bar-text.js';

export type { PromptChange, SettingChange, VariantConfigChange };

/** Check or bar items in one run only, in words. */
export interface ListChange {
  /** Items in the after run only, in words. */
  added: string[];
  /** Items in the before run only, in words. */
  removed: string[];
}

export interface ConfigChanges {
  changed: boolean;
  /** Variants present in both runs whose configuration changed. */
  variants: VariantConfigChange[];
  variantsAdded: string[];
  variantsRemoved: string[];
  suite: {
    checks: ListChange | null;
    bars: ListChange | null;
    /** The cases file path, or "N inline cases". Edits inside a file show as changed cases instead. */
    cases: ValueChange<string> | null;
    repeat: ValueChange<number> | null;
  };
  /** One line per change, in words; variants with the same change share a line. */
  summary: string[];
}

/** A detail under (terminal) or after (Markdown table) a summary line: changed items, or a prompt's line diff. */
export interface ConfigChangeDetail {
  /** The table heading in Markdown. */
  title: string;
  items: { mark: '−' | '+'; text: string }[] | null;
  diff: DiffLine[] | null;
}

export interface ConfigChangeLine {
  text: string;
  detail: ConfigChangeDetail | null;
}

type Scalar = string | number | boolean | null;
const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/** "contains {"value":"W1"}": the check type, then its other settings. */
function checkText(spec: unknown): string {
  const { type, ...rest } = asRecord(spec);
  const args = Object.keys(rest).length ? ` ${stableStringify(rest)}` : '';
  return `${String(type ?? 'check')}${args}`;
}

/** "pass rate ≥ 60% (variant small)". */
function barLine(spec: unknown): string {
  const bar = asRecord(spec) as BarDefinition;
  const extras = [
    bar.variant ? `variant ${bar.variant}` : '',
    bar.severity && bar.max_rate === undefined ? `severity ${bar.severity}` : '',
    bar.level !== undefined ? `level ${bar.level}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${barText(bar)}${extras ? ` (${extras})` : ''}`;
}

const words = <T>(c: ItemChange<T> | null, text: (item: T) => string): ListChange | null =>
  c ? { added: c.added.map(text), removed: c.removed.map(text) } : null;

const valueText = (x: Scalar) => (x === null ? 'unset' : String(x));
const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;

/** "default checks: 1 added, 1 removed". */
function listChangeText(name: string, c: ListChange): string {
  return `${name}: ${[c.added.length ? `${c.added.length} added` : '', c.removed.length ? `${c.removed.length} removed` : ''].filter(Boolean).join(', ')}`;
}

/** The change of a prompt in words: "prompt v1 changed: 1 line removed, 2 added". */
function promptChangeText(p: PromptChange): string {
  const what = p.before === p.after ? `prompt ${p.before} changed` : `prompt ${p.before} → ${p.after}`;
  if (p.removed + p.added === 0) return `${what} (same messages)`;
  return `${what}: ${lines(p.removed)} removed, ${p.added} added`;
}

/**
 * The summary lines with their details, and the details in the order the Markdown tables list them (the check
 * and bar items, then each distinct prompt diff once). Variants with the same change (the same structure) share
 * one line: a prompt shared by every model is one line and one diff.
 */
export function configChangeLines(c: Omit<ConfigChanges, 'summary' | 'changed'>): { lines: ConfigChangeLine[]; details: ConfigChangeDetail[] } {
  const groups = new Map<string, { variants: string[]; text: string; prompt?: PromptChange }>();
  const add = (variant: string, key: string, text: string, prompt?: PromptChange) => {
    const g = groups.get(key) ?? { variants: [], text, prompt };
    g.variants.push(variant);
    groups.set(key, g);
  };
  for (const v of c.variants) {
    if (v.model) add(v.variant, `model${stableStringify(v.model)}`, `model ${v.model.before} → ${v.model.after}`);
    for (const s of v.provider) add(v.variant, `provider${stableStringify(s)}`, `provider ${s.name} ${valueText(s.before)} → ${valueText(s.after)}`);
    for (const s of v.params) add(v.variant, `param${stableStringify(s)}`, `${s.name} ${valueText(s.before)} → ${valueText(s.after)}`);
    if (v.prompt) add(v.variant, `prompt${stableStringify(v.prompt)}`, promptChangeText(v.prompt), v.prompt);
  }
  const out: ConfigChangeLine[] = [];
  const promptDetails: ConfigChangeDetail[] = [];
  for (const g of groups.values()) {
    const text = `${g.variants.join(', ')}: ${g.text}`;
    const detail = g.prompt && g.prompt.diff.length > 0 ? { title: `${g.variants.join(', ')} · ${g.text}`, items: null, diff: g.prompt.diff } : null;
    if (detail) promptDetails.push(detail);
    out.push({ text, detail });
  }
  if (c.variantsAdded.length) out.push({ text: `variants added: ${c.variantsAdded.join(', ')}`, detail: null });
  if (c.variantsRemoved.length) out.push({ text: `variants removed: ${c.variantsRemoved.join(', ')}`, detail: null });
  const itemDetails: ConfigChangeDetail[] = [];
  const { checks, bars, cases, repeat } = c.suite;
  for (const [name, list] of [
    ['default checks', checks],
    ['quality bars', bars],
  ] as const) {
    if (!list) continue;
    const items = [...list.removed.map((text) => ({ mark: '−' as const, text })), ...list.added.map((text) => ({ mark: '+' as const, text }))];
    const detail = { title: name, items, diff: null };
    itemDetails.push(detail);
    out.push({ text: listChangeText(name, list), detail });
  }
  if (cases) out.push({ text: `cases: ${cases.before} → ${cases.after}`, detail: null });
  if (repeat) out.push({ text: `repeat: ${repeat.before} → ${repeat.after}`, detail: null });
  return { lines: out, details: [...itemDetails, ...promptDetails] };
}

/** The figures in words: the JSON report's `config`. */
export function describeConfigChanges(f: ConfigChangeFigures): ConfigChanges {
  const base = {
    variants: f.variants,
    variantsAdded: f.variantsAdded,
    variantsRemoved: f.variantsRemoved,
    suite: { ...f.suite, checks: words(f.suite.checks, checkText), bars: words(f.suite.bars, barLine) },
  };
  return { changed: f.changed, ...base, summary: configChangeLines(base).lines.map((l) => l.text) };
}

/** The configuration changes from run `before` to run `after` (variants matched by id), in words. */
export function configChanges(before: RunRecord, after: RunRecord): ConfigChanges {
  return describeConfigChanges(configChangeFigures(before, after));
}
