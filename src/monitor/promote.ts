// `evalspec promote`: production records → suite cases (issue #15, "closing the loop"). Selected records (failed by a
// monitor, flagged in the viewer, or a seeded sample per segment) become cases in the suite's JSONL case format with
// their provenance, de-duplicated by content hash against the out file and the suite's own cases, so running promote
// again adds nothing. The suite's current `redact:` rules are applied again (they may be stricter than at ingest).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EvalspecError } from '../errors.js';
import { createRedactor, tagsFor } from '../ingest/index.js';
import type { ProductionRecord, ProductionRecordQuery, ProductionStore } from '../store/index.js';
import { durationMs, hashJson, loadCaseFile, type Case, type Suite } from '../suite/index.js';
import { recordVars } from './record-vars.js';

export type PromoteSelection = { kind: 'failed' } | { kind: 'flagged' } | { kind: 'sample'; n: number; perSegment: boolean; seed: string };

export interface PromoteOptions {
  suite: Pick<Suite, 'name' | 'production' | 'monitors' | 'cases'>;
  store: ProductionStore;
  selection: PromoteSelection;
  /** The JSONL file promoted cases are appended to (created when missing). */
  outFile: string;
  monitor?: string;
  /** ISO 8601 bounds on the record's start: since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Select and report, write nothing. */
  dryRun?: boolean;
}

/** One case line as written to the out file (the suite's JSONL case format). */
export interface PromotedCase {
  id: string;
  vars: Record<string, unknown>;
  tags: string[];
  provenance: {
    source: 'production';
    record_id: string;
    trace_id: string;
    span_id: string;
    started_at: string;
    model: string | null;
    monitor: string | null;
    selected: PromoteSelection['kind'];
    failed_checks: string[];
  };
}

export interface PromoteResult {
  outFile: string;
  /** Records the selection matched (before redaction and de-duplication). */
  selected: number;
  written: PromotedCase[];
  skipped: {
    /** The case already exists (same content hash or id) in the out file, the suite's cases, or earlier in this batch. */
    duplicate: number;
    /** Redaction (or the record itself) left no user message to use as `input`. */
    noInput: number;
  };
}

/** "7d" / "24h" (that long before now) or an ISO 8601 time, as ISO 8601 UTC; `flag` names the option in errors. */
export function parseTimeBound(value: string, flag: string, now: Date = new Date()): string {
  if (/^\d+[hd]$/.test(value)) return new Date(now.getTime() - durationMs(value)).toISOString();
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new EvalspecError('USAGE', `${flag} must be a duration like 7d or 24h, or an ISO 8601 date, got "${value}"`, {
      hint: `e.g. ${flag} 7d or ${flag} 2026-12-01T00:00:00Z`,
    });
  }
  return new Date(time).toISOString();
}

/** The tag every promoted case carries (the suite can report production cases as a segment). */
const PRODUCTION_TAG = 'production';

/** The case id of a record: stable (the record id is derived from suite, trace and span), prefixed so it reads as production. */
export const promotedCaseId = (record: ProductionRecord): string => `prod-${record.id.slice(0, 16)}`;

/**
 * What makes two cases the same question: the hash of their vars (key order aside). A case's own content hash also
 * covers its checks; a suite case asking the same thing with a check of its own is still the same question.
 */
const varsHash = (vars: Record<string, unknown>): string => hashJson(vars);

/**
 * The case a record becomes under the suite's current redaction rules, or undefined when no user message is left.
 * Attributes the rules drop or alter are left out (a half-redacted attribute is not a useful variable), and so are
 * tags made from them; message text is redacted the way ingest does it (patterns replaced).
 */
export function caseFromRecord(
  record: ProductionRecord,
  production: Suite['production'],
  provenance: Pick<PromotedCase['provenance'], 'monitor' | 'selected' | 'failed_checks'>,
): PromotedCase | undefined {
  const redact = createRedactor(production);
  const kept = redact.attributes(record.attributes);
  const attributes: ProductionRecord['attributes'] = {};
  for (const [key, value] of Object.entries(kept)) if (record.attributes[key] === value) attributes[key] = value;
  const dropped: ProductionRecord['attributes'] = {};
  for (const [key, value] of Object.entries(record.attributes)) if (!(key in attributes)) dropped[key] = value;
  const droppedTags = new Set(tagsFor(dropped, production.attributes));
  const input = (record.input ?? []).map((m) => ({ role: m.role, content: redact.text(m.content) }));
  const vars = recordVars({ ...record, attributes, input });
  delete vars.tool_calls; // what the model did, not what the case asks
  if (typeof vars.input !== 'string' || vars.input.trim() === '') return undefined;
  const turns = input.filter((m) => m.role !== 'system');
  if (turns.length > 1) vars.messages = turns;
  const tags = record.tags.filter((t) => !droppedTags.has(t) && redact.text(t) === t);
  return {
    id: promotedCaseId(record),
    vars,
    tags: [...new Set([...tags, PRODUCTION_TAG])].sort(),
    provenance: {
      source: 'production',
      record_id: record.id,
      trace_id: record.traceId,
      span_id: record.spanId,
      started_at: record.startedAt,
      model: record.model,
      ...provenance,
    },
  };
}

/**
 * Bottom-k sampling, streamed: keeps the n cases of lowest seeded rank (sha256 of seed and record id) per segment
 * tag (cases without one form the segment "untagged"), or overall. The sample depends only on the seed and the
 * eligible records, not on the store's order, and memory holds n cases per segment however many records stream by.
 * Per segment, the result is the union of each segment's n: a record of two segments may be chosen by either.
 */
export class SeededSample {
  private readonly kept = new Map<string, { rank: string; item: PromotedCase }[]>();
  constructor(
    private readonly n: number,
    private readonly seed: string,
    private readonly perSegment: boolean,
  ) {}

  offer(item: PromotedCase): void {
    const rank = createHash('sha256').update(`${this.seed}\0${item.provenance.record_id}`).digest('hex');
    const segmentTags = item.tags.filter((t) => t !== PRODUCTION_TAG);
    const segments = !this.perSegment ? ['all'] : segmentTags.length > 0 ? segmentTags : ['untagged'];
    for (const segment of segments) {
      const list = this.kept.get(segment) ?? [];
      if (list.length === this.n && rank >= list[list.length - 1].rank) continue;
      const at = list.findIndex((k) => rank < k.rank);
      list.splice(at === -1 ? list.length : at, 0, { rank, item });
      if (list.length > this.n) list.pop();
      this.kept.set(segment, list);
    }
  }

  /** The chosen cases, each once. */
  chosen(): PromotedCase[] {
    const byId = new Map<string, PromotedCase>();
    for (const list of this.kept.values()) for (const { item } of list) byId.set(item.provenance.record_id, item);
    return [...byId.values()];
  }
}

/** Cases already known: the out file's and the suite's own, by the hash of their vars and by id. */
function existingCases(outFile: string, suiteCases: Case[]): { hashes: Set<string>; ids: Set<string> } {
  const cases = [...suiteCases];
  if (existsSync(outFile)) cases.push(...loadCaseFile(outFile));
  return { hashes: new Set(cases.map((c) => varsHash(c.vars))), ids: new Set(cases.map((c) => c.id)) };
}

export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const { suite, store, selection } = options;
  if (options.monitor !== undefined && !suite.monitors.some((m) => m.name === options.monitor)) {
    const names = suite.monitors.map((m) => m.name);
    throw new EvalspecError('USAGE', `the suite has no monitor "${options.monitor}"`, {
      hint: names.length ? `use one of: ${names.join(', ')}` : 'add a monitor under `monitors:` in the suite, or leave out --monitor',
    });
  }
  const outFile = resolve(options.outFile);
  if (!/\.(jsonl|ndjson)$/i.test(outFile)) {
    throw new EvalspecError('USAGE', `--out must be a JSONL file (.jsonl), got "${options.outFile}"`, {
      hint: 'promoted cases are appended one JSON object per line, e.g. --out cases-production.jsonl',
    });
  }
  const known = existingCases(outFile, suite.cases);
  const query: ProductionRecordQuery = { suite: suite.name, since: options.since, until: options.until, monitor: options.monitor };
  if (selection.kind === 'failed') query.failed = true;
  if (selection.kind === 'flagged') query.flagged = true;

  let selected = 0;
  let noInput = 0;
  const sample = selection.kind === 'sample' ? new SeededSample(selection.n, selection.seed, selection.perSegment) : undefined;
  const candidates: PromotedCase[] = [];
  for await (const record of store.records(query)) {
    selected++;
    const promoted = caseFromRecord(record, suite.production, { monitor: options.monitor ?? null, selected: selection.kind, failed_checks: [] });
    if (!promoted) noInput++;
    else if (sample) sample.offer(promoted);
    else candidates.push(promoted);
  }
  const chosen = sample ? sample.chosen() : candidates;
  // Oldest first in the file, whatever order the store listed them in.
  chosen.sort((a, b) => a.provenance.started_at.localeCompare(b.provenance.started_at) || a.id.localeCompare(b.id));
  // The verdicts behind each chosen case, read once the listing is done (only for the cases kept).
  for (const promoted of chosen) {
    const scores = (await store.scores(promoted.provenance.record_id)).filter((s) => options.monitor === undefined || s.monitor === options.monitor);
    const failedScores = scores.filter((s) => s.passed === false);
    // The monitor whose verdict selected it (scores come in monitor order: the first failing one), else the first that scored it.
    promoted.provenance.monitor = options.monitor ?? failedScores[0]?.monitor ?? scores[0]?.monitor ?? null;
    promoted.provenance.failed_checks = [...new Set(failedScores.flatMap((s) => s.checks.filter((c) => c.passed === false).map((c) => c.name)))].sort();
  }

  const written: PromotedCase[] = [];
  let duplicate = 0;
  for (const promoted of chosen) {
    const hash = varsHash(promoted.vars);
    if (known.hashes.has(hash) || known.ids.has(promoted.id)) {
      duplicate++;
      continue;
    }
    known.hashes.add(hash);
    known.ids.add(promoted.id);
    written.push(promoted);
  }
  if (!options.dryRun && written.length > 0) appendCases(outFile, written);
  return { outFile, selected, written, skipped: { duplicate, noInput } };
}

/** Append case lines, starting on a new line when the file does not end with one. */
function appendCases(outFile: string, cases: PromotedCase[]): void {
  mkdirSync(dirname(outFile), { recursive: true });
  const needsNewline = existsSync(outFile) && /[^\n]$/.test(readFileSync(outFile, 'utf8').slice(-1));
  appendFileSync(outFile, `${needsNewline ? '\n' : ''}${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
}
