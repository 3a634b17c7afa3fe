// Test cases from an inline YAML list, a JSONL file or a CSV file. Every case keeps where it came from
// (file and line) so later errors can point at it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { EvalspecError } from '../errors.js';
import { stableStringify } from '../stable-json.js';
import { caseRecordSchema, VALID_KEYS } from './schema.js';
import { throwSchemaIssue } from './source-map.js';
import { csvRows, jsonLines, readTextFile, type JsonLinesFormat } from './text-file.js';
import { validateCheckSpec, type CheckSpec } from './check-specs.js';
import { normaliseToolResults, type FixedToolResult } from './tools-schema.js';
import { normaliseTurns, resolveSimulatedUser, type ConversationTurn, type SimulatedUser, type SimulatedUserInput } from './conversation-schema.js';
import type { ProviderType } from './provider-types.js';

export interface Case {
  id: string;
  description?: string;
  vars: Record<string, unknown>;
  tags: string[];
  /** The case's own checks (the suite's default checks are added in the plan). */
  checks: CheckSpec[];
  cluster?: string;
  source: { file: string; line?: number };
  /** The record's `provenance:` (where a promoted production case came from), as written; not hashed. */
  provenance?: Record<string, unknown>;
  /** The case's `tool_results:`, as lists per tool name (first match wins, before the tool's own results). */
  toolResults?: Record<string, FixedToolResult[]>;
  /** A scripted conversation: the user's turns in order, each with checks on the reply (docs/agents.md). */
  turns?: ConversationTurn[];
  /** The model that plays the user (the suite's `simulated_user:` with the case's own keys over it). */
  simulatedUser?: SimulatedUser;
  /** Pass on the weighted score (>= threshold, no critical check failed) instead of on every check passing. */
  threshold?: number;
  /** Hash of what defines the case (vars + checks): a changed case is not silently compared to its old self. */
  contentHash: string;
}

interface RawCase {
  value: unknown;
  line?: number;
}

export function hashJson(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/** A JSONL cases file's format, read whole here or streamed (case-source.ts). */
export const JSONL_CASES: JsonLinesFormat = {
  code: 'CASES_PARSE',
  invalid: 'invalid JSON on this line',
  comments: true,
  hint: 'each line of a .jsonl file must be one complete JSON object, e.g. {"id":"c1","vars":{"question":"…"}}',
};

function readJsonl(file: string, text: string): RawCase[] {
  return jsonLines(text, file, JSONL_CASES);
}

const CSV_RESERVED = new Set(['id', 'tags', 'checks', 'cluster', 'description']);

function readCsv(file: string, text: string): RawCase[] {
  const rows = csvRows(text, file, {
    code: 'CASES_PARSE',
    trim: false,
    hint: 'quote fields that contain commas or newlines with double quotes; every row needs as many fields as the header',
  });
  return rows.map(({ record, line }) => {
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) if (!CSV_RESERVED.has(k)) vars[k] = v;
    const value: Record<string, unknown> = { vars };
    if (record.id) value.id = record.id;
    if (record.description) value.description = record.description;
    if (record.cluster) value.cluster = record.cluster;
    if (record.tags)
      value.tags = record.tags
        .split(/[;|]/)
        .map((t) => t.trim())
        .filter(Boolean);
    if (record.checks) {
      try {
        value.checks = JSON.parse(record.checks);
      } catch {
        throw new EvalspecError('CASES_PARSE', 'the "checks" column is not a JSON array', {
          file,
          line,
          hint: 'write checks as JSON, e.g. [{"type":"contains","value":"refund"}]',
        });
      }
    }
    return { value, line };
  });
}

export function readCaseFile(file: string): RawCase[] {
  if (!existsSync(file)) {
    throw new EvalspecError('CASES_FILE', `cases file not found: ${file}`, {
      file,
      hint: 'check the "cases:" path in the suite (it is relative to the suite file)',
    });
  }
  const text = readTextFile(file, 'CASES_PARSE');
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return readJsonl(file, text);
  if (ext === '.csv') return readCsv(file, text);
  if (ext === '.json') {
    try {
      const data = JSON.parse(text);
      if (!Array.isArray(data)) throw new Error('the top level is not an array');
      return data.map((value) => ({ value }));
    } catch (error) {
      throw new EvalspecError('CASES_PARSE', `invalid JSON cases file: ${(error as Error).message}`, {
        file,
        hint: 'a .json cases file holds one array of case objects; for one object per line use .jsonl',
      });
    }
  }
  throw new EvalspecError('CASES_FILE', `unsupported cases file type "${ext}"`, {
    file,
    hint: 'use .jsonl (one JSON object per line), .csv (a header row; id, tags, checks columns are special) or .json',
  });
}

/** What cases inherit from their suite: the suite-level simulated user and the providers its model may name. */
export interface CaseDefaults {
  simulatedUser?: SimulatedUserInput;
  providers: Record<string, { type: ProviderType }>;
  /** Line of the suite's `simulated_user:` (for the error when a case also has turns). */
  simulatedUserLine?: number;
  /** The suite's `vars:`: every case's defaults (its own vars win). */
  vars?: Record<string, unknown>;
}

function caseKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const keys = path.filter((p) => typeof p === 'string');
  if (keys[0] === 'simulated_user') return keys[1] === 'params' ? VALID_KEYS.params : keys[1] === 'price' ? VALID_KEYS.price : VALID_KEYS.simulatedUser;
  if (keys[0] === 'turns') return VALID_KEYS.turn;
  return VALID_KEYS.case;
}

/**
 * Validate raw case records into Cases: strict keys, checks validated, ids unique (or derived from content).
 * `tools`: the suite's tools, which a case's tool_results must name (undefined: not checked). `defaults`: the
 * suite's simulated user and providers (undefined: a case's own simulated_user is validated, not resolved).
 */
export function buildCases(
  raw: RawCase[],
  file: string,
  lineOf?: (index: number) => number | undefined,
  tools?: readonly { name: string }[],
  defaults?: CaseDefaults,
): Case[] {
  const seen = new Map<string, number | undefined>();
  return raw.map(({ value, line: rawLine }, index) => {
    const line = rawLine ?? lineOf?.(index);
    return buildCase(value, file, line, tools, defaults, (id) => {
      if (seen.has(id)) throw duplicateCaseId(id, file, line, seen.get(id));
      seen.set(id, line);
    });
  });
}

/** A second case with an id already seen (on line `first`). */
export function duplicateCaseId(id: string, file: string, line: number | undefined, first: number | undefined): EvalspecError {
  return new EvalspecError('CASES_SCHEMA', `duplicate case id "${id}"${first ? ` (first seen on line ${first})` : ''}`, {
    file,
    line,
    caseId: id,
    hint: 'case ids must be unique: results, resume and diffs are keyed by them',
  });
}

/**
 * One raw case record validated into a Case (buildCases, and the streamed case files of case-source.ts). `checkId`
 * sees the id as soon as it is known, before the rest is validated (buildCases' duplicate check).
 */
export function buildCase(
  value: unknown,
  file: string,
  line: number | undefined,
  tools?: readonly { name: string }[],
  defaults?: CaseDefaults,
  checkId?: (id: string) => void,
): Case {
  const parsed = caseRecordSchema.safeParse(value);
  const rawId = (value as { id?: unknown } | null)?.id;
  const caseIdHint = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
  if (!parsed.success) {
    throwSchemaIssue(parsed.error, { code: 'CASES_SCHEMA', file, line, caseId: caseIdHint, validKeysAt: caseKeysAt });
  }
  const c = parsed.data;
  // A case without an id gets one from its content, which stays stable when other cases are inserted.
  const id = c.id !== undefined ? String(c.id) : `h${hashJson(c.vars).slice(0, 10)}`;
  checkId?.(id);
  const checks = c.checks.map((spec) => validateCheckSpec(spec, { file, line, caseId: id }));
  if (c.turns && (c.simulated_user || defaults?.simulatedUser)) {
    const suiteWide = !c.simulated_user;
    throw new EvalspecError(
      'CASES_SCHEMA',
      suiteWide
        ? `case "${id}" has turns:, and the suite's simulated_user: (line ${defaults?.simulatedUserLine ?? '?'}) plays the user of every case`
        : `case "${id}" has both turns: and simulated_user:`,
      {
        file,
        line,
        caseId: id,
        hint: suiteWide
          ? 'a conversation is scripted or simulated, not both: move simulated_user: from the suite into the cases that need it'
          : 'a conversation is scripted or simulated, not both: keep turns: (the script) or simulated_user: (a model plays the user)',
      },
    );
  }
  const where = { file, line, caseId: id };
  const turns = normaliseTurns(c.turns, where);
  const simulatedUser = defaults ? resolveSimulatedUser(defaults.simulatedUser, c.simulated_user, defaults.providers, where) : undefined;
  // The suite's default vars are what the case runs with, so they are in its content hash (a suite without
  // `vars:` hashes every case as before).
  const vars = defaults?.vars ? { ...defaults.vars, ...c.vars } : c.vars;
  return {
    id,
    description: c.description,
    vars,
    tags: c.tags,
    checks,
    cluster: c.cluster === undefined ? undefined : String(c.cluster),
    source: { file, line },
    provenance: c.provenance,
    toolResults: normaliseToolResults(c.tool_results, tools, { file, line, caseId: id }),
    ...(turns ? { turns } : {}),
    ...(simulatedUser ? { simulatedUser } : {}),
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    // tool_results, turns, simulated_user and threshold only when present: the hash of every case without them stays what it was.
    contentHash: hashJson({
      vars,
      checks: c.checks,
      ...(c.tool_results ? { tool_results: c.tool_results } : {}),
      ...(c.turns ? { turns: c.turns } : {}),
      ...(c.simulated_user ? { simulated_user: c.simulated_user } : {}),
      ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    }).slice(0, 16),
  };
}

/** The cases of one case file (.jsonl, .csv, .json), validated as the suite loads them (`promote` reads its --out file). */
export function loadCaseFile(file: string): Case[] {
  return buildCases(readCaseFile(file), file);
}
