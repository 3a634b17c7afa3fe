// A suite's cases as a sequence that is read again on every pass instead of being held (issue #22): a JSONL cases
// file of 500,000 cases is ~1 KB per case as objects, more than the whole memory goal of a million-result run. The
// first pass (loadSuite) validates every case and folds what the suite needs of them into CaseFacts; the plan and
// the run then iterate the source, one case in memory at a time. Inline, CSV and JSON cases are held as before.
import { createHash, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { EvalspecError } from '../errors.js';
import { buildCase, JSONL_CASES, type Case, type CaseDefaults } from './cases.js';
import { stableStringify } from '../stable-json.js';
import { parseJsonLine, streamJsonLines, type JsonlPosition } from './text-file.js';
import type { CheckSpec } from './check-specs.js';

/** The cases of a suite, in file order, read again on each pass. */
export interface CaseSource extends Iterable<Case> {
  readonly length: number;
  /** The cases at positions [from, to) (a distributed run's job; the cases a resume has yet to store). */
  slice(from: number, to: number): Iterable<Case>;
}

export function arrayCaseSource(cases: readonly Case[]): CaseSource {
  return { length: cases.length, [Symbol.iterator]: () => cases[Symbol.iterator](), slice: (from, to) => cases.slice(from, to) };
}

/** Sources concatenated (`--suite-part all`: the suite's cases, then the red-team cases). */
export function concatCaseSources(parts: CaseSource[]): CaseSource {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return {
    length,
    *[Symbol.iterator]() {
      for (const part of parts) yield* part;
    },
    *slice(from, to) {
      let offset = 0;
      for (const part of parts) {
        const a = Math.max(from - offset, 0);
        const b = Math.min(to - offset, part.length);
        if (a < b) yield* part.slice(a, b);
        offset += part.length;
      }
    },
  };
}

/** Where every CHECKPOINT-th case starts in the file: a slice reads from the one before it, not from the top. */
const CHECKPOINT = 256;

/** How a streamed cases file builds its cases (the arguments buildCases takes). */
export interface CaseFileContext {
  tools?: readonly { name: string }[];
  defaults?: CaseDefaults;
}

/**
 * A JSONL cases file read in one validating pass (every case built, ids checked unique by 53-bit hashes: 8 bytes a
 * case, freed after the pass), folding each case into `facts`. Returns undefined when the file is not one this
 * reads line by line or a check fails (an invalid line, a repeated id hash): the caller then reads the whole file
 * as before, which gives that failure's exact error, or its cases when two ids only shared a hash.
 */
export function streamedCaseFile(file: string, context: CaseFileContext, facts: CaseFacts, ids: IdHashes): CaseSource | undefined {
  const stamp = fileStamp(file);
  const checkpoints: JsonlPosition[] = [];
  let count = 0;
  try {
    for (const line of streamJsonLines(file, JSONL_CASES)) {
      if (count % CHECKPOINT === 0) checkpoints.push({ offset: line.offset, line: line.line - 1 });
      const c = buildCase(parseJsonLine(line, file, JSONL_CASES), file, line.line, context.tools, context.defaults);
      ids.add(c.id);
      facts.add(c);
      count++;
    }
  } catch {
    return undefined;
  }
  return new JsonlCaseSource(file, context, count, stamp, checkpoints);
}

class JsonlCaseSource implements CaseSource {
  constructor(
    private readonly file: string,
    private readonly context: CaseFileContext,
    readonly length: number,
    private readonly stamp: string,
    private readonly checkpoints: JsonlPosition[],
  ) {}

  [Symbol.iterator](): Iterator<Case> {
    return this.slice(0, this.length)[Symbol.iterator]();
  }

  *slice(from: number, to: number): Generator<Case> {
    from = Math.max(0, from);
    to = Math.min(to, this.length);
    if (from >= to) return;
    this.checkUnchanged();
    const checkpoint = Math.floor(from / CHECKPOINT);
    let index = checkpoint * CHECKPOINT;
    for (const line of streamJsonLines(this.file, JSONL_CASES, this.checkpoints[checkpoint])) {
      if (index >= to) break;
      if (index++ < from) continue; // skipped unparsed
      yield buildCase(parseJsonLine(line, this.file, JSONL_CASES), this.file, line.line, this.context.tools, this.context.defaults);
    }
    this.checkUnchanged();
  }

  /** The file read again must be the file validated: a run that edits its cases file would mix two suites. */
  private checkUnchanged(): void {
    if (fileStamp(this.file) === this.stamp) return;
    throw new EvalspecError('CASES_FILE', 'the cases file changed after the suite was loaded', {
      file: this.file,
      hint: 'leave the cases file unchanged while a run (or plan) uses it; the finished results are stored: start a new run with the new cases',
    });
  }
}

function fileStamp(file: string): string {
  const s = statSync(file, { bigint: true });
  return `${s.size}:${s.mtimeNs}:${s.ino}`;
}

/** 53-bit hashes of case ids, to tell whether a streamed file repeats one without holding the ids. */
export class IdHashes {
  private hashes = new Float64Array(1024);
  private size = 0;

  add(id: string): void {
    if (this.size === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = idHash(id);
  }

  /** Whether two ids added share a hash (a repeated id, or very rarely two ids with one hash). */
  anyRepeated(): boolean {
    const sorted = this.hashes.subarray(0, this.size).sort();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
    return false;
  }
}

/** Two FNV-1a hashes of the UTF-16 code units, 32 + 21 bits of them: an exact integer in a double. */
function idHash(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}

/**
 * What loadSuite needs of the cases, folded one case at a time: their number, the warnings' conditions, what
 * the bars may name (check metrics by severity, tags), and the cases' part of the suite hash.
 */
export class CaseFacts {
  count = 0;
  withoutChecks = false;
  conversations = false;
  /** One check per distinct severity and metric of the cases' own checks (turn checks included). */
  readonly barChecks = new Map<string, CheckSpec>();
  readonly tags = new Set<string>();
  /** The suite hash so far: `{"cases":[` and each case's [id, content hash, tags, cluster], as hashJson writes them. */
  private readonly hash: Hash = createHash('sha256').update('{"cases":[');

  add(c: Case): void {
    this.hash.update(`${this.count === 0 ? '' : ','}${stableStringify([c.id, c.contentHash, c.tags, c.cluster ?? null])}`);
    this.count++;
    if (c.checks.length === 0) this.withoutChecks = true;
    if (c.turns || c.simulatedUser) this.conversations = true;
    for (const check of [...c.checks, ...(c.turns?.flatMap((t) => t.checks) ?? [])]) {
      const key = `${check.severity}\u0000${check.metric}`;
      if (!this.barChecks.has(key)) this.barChecks.set(key, check);
    }
    for (const tag of c.tags) this.tags.add(tag);
  }

  /**
   * The suite hash: hashJson({ config, cases, toolReplays? }) with the cases folded in (keys sorted: "cases" first).
   * Once only: the hash is finished by it.
   */
  suiteHash(config: unknown, toolReplays: unknown[]): string {
    this.hash.update(`],"config":${stableStringify(config)}`);
    if (toolReplays.length > 0) this.hash.update(`,"toolReplays":${stableStringify(toolReplays)}`);
    return this.hash.update('}').digest('hex');
  }
}

/** Per suite, the source its cases are read from (absent: a suite built in code or spread into a new object). */
const sources = new WeakMap<object, CaseSource>();

export function setCaseSource(suite: object, source: CaseSource): void {
  sources.set(suite, source);
}

export function forgetCaseSource(suite: object): void {
  sources.delete(suite);
}

/**
 * The cases of a suite as a source: its file read again on each pass when loadSuite streamed it, else its `cases`.
 * What the plan and the run iterate; `suite.cases` reads every case into memory (kept for small suites' callers).
 */
export function caseSourceOf(suite: { cases: Case[] }): CaseSource {
  return sources.get(suite) ?? arrayCaseSource(suite.cases);
}
