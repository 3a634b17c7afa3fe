// The spec's change log from git: every commit that touched the suite file or its cases file, with what changed in
// the spec — bars added and removed (in report/'s bar words), cases added and removed (by content), prompts added,
// removed or changed — read by parsing each commit's YAML (`git show COMMIT:./path`). No git, or a suite outside a
// repository, is a gap, never an error. git runs with execFile (no shell): paths are arguments, never interpolated.
import { execFile } from 'node:child_process';
import { basename, dirname, extname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { csvRows, jsonLines, type BarSpec } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import { barText } from '../report/index.js';

/** At most this many commits are read (newest first); older ones are summed up as a count. */
const MAX_COMMITS = 50;

export interface ChangeLogEntry {
  commit: string;
  date: string;
  author: string;
  subject: string;
  barsAdded: string[];
  barsRemoved: string[];
  casesAdded: number;
  casesRemoved: number;
  /** Prompt ids added, removed or with other messages. */
  promptsChanged: string[];
  /** The suite's default checks added and removed (by their settings). */
  checksAdded: number;
  checksRemoved: number;
  /** Fields of the `spec:` block that changed (owner, kill_switch, …). */
  specChanged: string[];
  /** The suite could not be parsed at this commit (the entry keeps the commit, not the figures). */
  unreadable: boolean;
}

export type ChangeLog = { ok: true; entries: ChangeLogEntry[]; omitted: number } | { ok: false; reason: string };

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

interface SpecState {
  bars: Map<string, BarSpec>;
  cases: Set<string>;
  prompts: Map<string, string>;
  checks: Set<string>;
  spec: Record<string, unknown>;
}

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

function caseKeys(text: string, file: string): Set<string> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return new Set(csvRows(text, file, { code: 'CASES_PARSE', hint: '', trim: false }).map((r) => stableStringify(r.record)));
  if (ext === '.json') return new Set((JSON.parse(text) as unknown[]).map((c) => stableStringify(c)));
  return new Set(jsonLines(text, file, { code: 'CASES_PARSE', hint: '', comments: true }).map((r) => stableStringify(r.value)));
}

async function stateAt(commit: string, suiteName: string, cwd: string): Promise<SpecState | null> {
  try {
    const doc = asRecord(parseYaml(await git(['show', `${commit}:./${suiteName}`], cwd)));
    const bars = new Map<string, BarSpec>();
    for (const b of Array.isArray(doc.bars) ? doc.bars : []) bars.set(stableStringify(b), b as BarSpec);
    const prompts = new Map<string, string>();
    for (const p of Array.isArray(doc.prompts) ? doc.prompts : []) prompts.set(String(asRecord(p).id), stableStringify(asRecord(p).messages));
    let cases = new Set<string>();
    if (typeof doc.cases === 'string') {
      const text = await git(['show', `${commit}:./${doc.cases.replace(/^\.\//, '')}`], cwd).catch(() => null);
      if (text !== null) cases = caseKeys(text, doc.cases);
    } else if (Array.isArray(doc.cases)) {
      cases = new Set(doc.cases.map((c) => stableStringify(c)));
    }
    const checks = new Set((Array.isArray(doc.checks) ? doc.checks : []).map((c) => stableStringify(c)));
    return { bars, cases, prompts, checks, spec: asRecord(doc.spec) };
  } catch {
    return null;
  }
}

const minus = <T>(a: Set<T> | Map<T, unknown>, b: Set<T> | Map<T, unknown>): T[] => [...a.keys()].filter((k) => !b.has(k));

/** The suite's change log, newest first. */
export async function suiteChangeLog(suiteFile: string, casesFile: string | null): Promise<ChangeLog> {
  const cwd = dirname(suiteFile);
  const paths = [basename(suiteFile), ...(casesFile ? [relative(cwd, join(cwd, casesFile))] : [])];
  let log: string;
  try {
    log = await git(['log', `--max-count=${MAX_COMMITS + 1}`, '--format=%H%x09%aI%x09%an%x09%s', '--', ...paths], cwd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'git is not installed' : 'the suite is not in a git repository' };
  }
  const commits = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit, date, author, ...subject] = line.split('\t');
      return { commit, date, author, subject: subject.join('\t') };
    });
  if (commits.length === 0) return { ok: false, reason: 'the suite file has no commit yet' };
  const shown = commits.slice(0, MAX_COMMITS);
  const states = await Promise.all(shown.map((c) => stateAt(c.commit, basename(suiteFile), cwd)));
  // The state before the oldest shown commit: its parent when there is one (an omitted older commit), else nothing.
  const before = commits.length > MAX_COMMITS ? await stateAt(commits[MAX_COMMITS].commit, basename(suiteFile), cwd) : null;
  const empty: SpecState = { bars: new Map(), cases: new Set(), prompts: new Map(), checks: new Set(), spec: {} };
  const entries = shown.map((c, i): ChangeLogEntry => {
    const now = states[i];
    const prev = states[i + 1] ?? (i + 1 < shown.length ? null : before) ?? empty;
    if (!now)
      return {
        ...c,
        barsAdded: [],
        barsRemoved: [],
        casesAdded: 0,
        casesRemoved: 0,
        promptsChanged: [],
        checksAdded: 0,
        checksRemoved: 0,
        specChanged: [],
        unreadable: true,
      };
    const specKeys = [...new Set([...Object.keys(now.spec), ...Object.keys(prev.spec)])].sort();
    const promptIds = new Set([...now.prompts.keys(), ...prev.prompts.keys()]);
    return {
      ...c,
      barsAdded: minus(now.bars, prev.bars).map((k) => barText(now.bars.get(k)!)),
      barsRemoved: minus(prev.bars, now.bars).map((k) => barText(prev.bars.get(k)!)),
      casesAdded: minus(now.cases, prev.cases).length,
      casesRemoved: minus(prev.cases, now.cases).length,
      promptsChanged: [...promptIds].filter((id) => now.prompts.get(id) !== prev.prompts.get(id)),
      checksAdded: minus(now.checks, prev.checks).length,
      checksRemoved: minus(prev.checks, now.checks).length,
      specChanged: specKeys.filter((k) => stableStringify(now.spec[k] ?? null) !== stableStringify(prev.spec[k] ?? null)),
      unreadable: false,
    };
  });
  return { ok: true, entries, omitted: Math.max(0, commits.length - MAX_COMMITS) };
}

/** One entry in words: "bars: + pass rate ≥ 90%, − pass rate ≥ 85%; cases: +40, −0; prompts changed: v1; spec: owner". */
export function changeWords(e: ChangeLogEntry): string {
  if (e.unreadable) return 'the suite could not be read at this commit';
  const parts: string[] = [];
  if (e.barsAdded.length || e.barsRemoved.length)
    parts.push(`bars: ${[...e.barsAdded.map((b) => `+ ${b}`), ...e.barsRemoved.map((b) => `− ${b}`)].join(', ')}`);
  if (e.casesAdded || e.casesRemoved) parts.push(`cases: +${e.casesAdded}, −${e.casesRemoved}`);
  if (e.promptsChanged.length) parts.push(`prompts changed: ${e.promptsChanged.join(', ')}`);
  if (e.checksAdded || e.checksRemoved) parts.push(`checks: +${e.checksAdded}, −${e.checksRemoved}`);
  if (e.specChanged.length) parts.push(`spec: ${e.specChanged.join(', ')}`);
  return parts.join('; ') || 'no change to bars, checks, cases, prompts or spec fields';
}
