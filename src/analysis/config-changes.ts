// What changed in the configuration between two stored runs of a suite, as data: per variant the model, its
// provider's settings, the generation parameters and the prompt's message templates (a compact line diff), and
// for the suite its default checks and quality bars (the specs themselves, compared by structure: the same
// object written with its keys in another order is the same item), cases source and repeat count. Read from the
// run rows only (the config stored with secrets redacted, and the variants), so it works on any two stored runs.
// report/config-changes.ts words it for `diff` (terminal, Markdown, JSON), the `ci` comment and `history`.
//
// Secrets: the stored config is redacted when the suite is loaded (suite/env.ts: apiKey, tokens, every header
// value), and provider settings are compared on an allow-list (type, baseURL, api) with URL credentials and
// query strings removed, so no secret can appear here even from a run stored by an older version.
import type { RunRecord, StoredVariant } from '../store/index.js';
import { stableStringify } from '../stable-json.js';
import type { BarDefinition } from '../stats/index.js';
import { compactLineDiff, type DiffLine } from './line-diff.js';

export interface ValueChange<T> {
  before: T;
  after: T;
}

export interface SettingChange {
  name: string;
  /** null: not set in that run. */
  before: string | number | boolean | null;
  after: string | number | boolean | null;
}

export interface PromptChange {
  /** The prompt ids (the same id when only its messages changed). */
  before: string;
  after: string;
  /** Compact line diff of the message templates, one "role: text" line per template line. */
  diff: DiffLine[];
  removed: number;
  added: number;
}

export interface VariantConfigChange {
  variant: string;
  /** "provider:model" as written in the suite. */
  model: ValueChange<string> | null;
  /** The model's provider: type, baseURL (credentials and query removed), api. */
  provider: SettingChange[];
  /** Effective generation parameters: the suite's params overlaid by the model's own. */
  params: SettingChange[];
  prompt: PromptChange | null;
}

/** Items (check specs, bar definitions) in one run only; an item listed twice in a run counts twice. */
export interface ItemChange<T> {
  /** In the after run only. */
  added: T[];
  /** In the before run only. */
  removed: T[];
}

export interface ConfigChangeFigures {
  /** Anything below changed. */
  changed: boolean;
  /** Variants present in both runs whose configuration changed. */
  variants: VariantConfigChange[];
  variantsAdded: string[];
  variantsRemoved: string[];
  suite: {
    /** The default check specs as stored ({ type, ...settings }). */
    checks: ItemChange<Record<string, unknown>> | null;
    bars: ItemChange<BarDefinition> | null;
    /** The cases file path, or "N inline cases". Edits inside a file show as changed cases instead. */
    cases: ValueChange<string> | null;
    repeat: ValueChange<number> | null;
  };
}

type Config = Record<string, unknown>;
type Scalar = string | number | boolean | null;

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const asArray = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function scalar(x: unknown): Scalar {
  if (x === undefined || x === null) return null;
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  return JSON.stringify(x);
}

/** The suite's model entry behind a stored variant: same ref, and the same label when several share the ref. */
function modelEntry(config: Config, v: StoredVariant): Record<string, unknown> {
  const entries = asArray(config.models).map((e) => (typeof e === 'string' ? { id: e } : asRecord(e)));
  const same = entries.filter((e) => e.id === v.model);
  return same.find((e) => e.label === v.label) ?? same.find((e) => e.label === undefined) ?? same[0] ?? {};
}

function effectiveParams(config: Config, v: StoredVariant): Record<string, unknown> {
  return { ...asRecord(config.params), ...asRecord(modelEntry(config, v).params) };
}

/** A URL without user:password@ and without its query and fragment (where keys are sometimes put). */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const cut = url.username || url.password || url.search || url.hash;
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return cut ? `${url.toString()} (credentials or query removed)` : url.toString();
  } catch {
    // Not a URL (e.g. a ${BASE_URL} placeholder): keep only what cannot carry a query string.
    return raw.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }
}

function providerSettings(config: Config, v: StoredVariant): Record<string, unknown> {
  const colon = v.model.indexOf(':');
  const provider = asRecord(asRecord(config.providers)[colon > 0 ? v.model.slice(0, colon) : v.model]);
  return {
    type: provider.type ?? v.providerType,
    baseURL: typeof provider.baseURL === 'string' ? safeUrl(provider.baseURL) : undefined,
    api: provider.api,
  };
}

function settingChanges(before: Record<string, unknown>, after: Record<string, unknown>): SettingChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((k) => stableStringify(before[k] ?? null) !== stableStringify(after[k] ?? null))
    .map((name) => ({ name, before: scalar(before[name]), after: scalar(after[name]) }));
}

/** The message templates of a variant's prompt as lines: "system: Be brief.", "user: {{question}}". */
function promptLines(config: Config, v: StoredVariant): string[] {
  const prompt = asArray(config.prompts)
    .map(asRecord)
    .find((p) => p.id === v.prompt);
  return asArray(prompt?.messages).flatMap((m) => {
    const { role, content } = asRecord(m);
    return String(content ?? '')
      .split(/\r?\n/)
      .map((line) => `${String(role)}: ${line}`);
  });
}

function promptChange(a: Config, va: StoredVariant, b: Config, vb: StoredVariant): PromptChange | null {
  const diff = compactLineDiff(promptLines(a, va), promptLines(b, vb));
  if (diff.length === 0 && va.prompt === vb.prompt) return null;
  return {
    before: va.prompt,
    after: vb.prompt,
    diff,
    removed: diff.filter((l) => l.kind === 'removed').length,
    added: diff.filter((l) => l.kind === 'added').length,
  };
}

/** The items of one list only, matched by structure (stableStringify: key order does not matter), with multiplicity. */
function itemChange<T>(before: T[], after: T[]): ItemChange<T> | null {
  const count = (items: T[]) => {
    const m = new Map<string, { n: number; item: T }>();
    for (const item of items) {
      const key = stableStringify(item);
      const e = m.get(key) ?? { n: 0, item };
      e.n++;
      m.set(key, e);
    }
    return m;
  };
  const cb = count(before);
  const ca = count(after);
  const only = (x: Map<string, { n: number; item: T }>, y: Map<string, { n: number; item: T }>) =>
    [...x].flatMap(([key, e]) => Array<T>(Math.max(0, e.n - (y.get(key)?.n ?? 0))).fill(e.item));
  const change = { added: only(ca, cb), removed: only(cb, ca) };
  return change.added.length || change.removed.length ? change : null;
}

/** The configuration changes from run `before` to run `after` (variants matched by id). */
export function configChangeFigures(before: RunRecord, after: RunRecord): ConfigChangeFigures {
  const a = before.config;
  const b = after.config;
  const variants: VariantConfigChange[] = [];
  for (const vb of after.variants) {
    const va = before.variants.find((v) => v.id === vb.id);
    if (!va) continue;
    const change: VariantConfigChange = {
      variant: vb.id,
      model: va.model === vb.model ? null : { before: va.model, after: vb.model },
      provider: settingChanges(providerSettings(a, va), providerSettings(b, vb)),
      params: settingChanges(effectiveParams(a, va), effectiveParams(b, vb)),
      prompt: promptChange(a, va, b, vb),
    };
    if (change.model || change.provider.length || change.params.length || change.prompt) variants.push(change);
  }
  const casesOf = (c: Config) => String(c.cases ?? 'unknown');
  const variantsAdded = after.variants.filter((v) => !before.variants.some((x) => x.id === v.id)).map((v) => v.id);
  const variantsRemoved = before.variants.filter((v) => !after.variants.some((x) => x.id === v.id)).map((v) => v.id);
  const suite: ConfigChangeFigures['suite'] = {
    // As stored (validated when the suite loaded); the words in report/ read them leniently for older runs.
    checks: itemChange(asArray(a.checks) as Record<string, unknown>[], asArray(b.checks) as Record<string, unknown>[]),
    bars: itemChange(asArray(a.bars) as BarDefinition[], asArray(b.bars) as BarDefinition[]),
    cases: casesOf(a) === casesOf(b) ? null : { before: casesOf(a), after: casesOf(b) },
    repeat: before.repeat === after.repeat ? null : { before: before.repeat, after: after.repeat },
  };
  const changed = variants.length > 0 || variantsAdded.length > 0 || variantsRemoved.length > 0 || Object.values(suite).some((x) => x !== null);
  return { changed, variants, variantsAdded, variantsRemoved, suite };
}
