// `evalspec labels import FILE`: human labels from JSONL or CSV. One record per (case, variant, labeller):
//   {"case_id":"c1","variant":"gpt-4o","label":"pass","labeller":"ana"}
//   {"case_id":"c1","variant":"gpt-4o","scores":{"accuracy":4,"tone":5},"labeller":"ana"}
//   {"case_id":"c1","variant":"output_1","winner":"output_2","labeller":"ana"}     (pairwise: who won)
// CSV: a header row with the same names; every other column holding numbers is a dimension score.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { EvalspecError } from '../errors.js';
import { csvRows, jsonLines, readTextFile } from '../suite/index.js';

/** One label as read from the file (before it is matched to a run). */
export interface LabelInput {
  caseId: string;
  /** undefined: the run's only variant. */
  variantId?: string;
  repeat: number;
  /** 'pass' | 'fail' | 'win' | 'loss' | 'tie', or null. */
  label: string | null;
  /** Pairwise: the variant whose output is better, or 'tie' (turned into win/loss/tie for `variant`). */
  winner?: string;
  scores: Record<string, number> | null;
  labeller?: string;
  runId?: string;
  comment: string | null;
  tag: string | null;
  labelledAt?: string;
  line: number;
}

const KEYS = {
  case: ['case_id', 'caseId', 'case', 'id'],
  variant: ['variant', 'variant_id', 'variantId'],
  repeat: ['repeat', 'repeat_index'],
  label: ['label', 'verdict'],
  winner: ['winner', 'preferred'],
  labeller: ['labeller', 'labeler', 'annotator', 'rater'],
  run: ['run_id', 'runId', 'run'],
  comment: ['comment', 'note', 'notes'],
  tag: ['tag'],
  at: ['labelled_at', 'labeled_at', 'created_at', 'at'],
  scores: ['scores'],
};
const KNOWN = new Set(Object.values(KEYS).flat());

const PASS = new Set(['pass', 'passed', 'true', '1', 'yes', 'y', 'good', 'ok', 'correct']);
const FAIL = new Set(['fail', 'failed', 'false', '0', 'no', 'n', 'bad', 'incorrect', 'wrong']);
const PAIR = new Set(['win', 'loss', 'tie']);

function pick(record: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) {
    const v = record[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** pass / fail / win / loss / tie from the many ways people write them. */
export function normaliseLabel(value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? 'pass' : 'fail';
  const text = String(value).trim().toLowerCase();
  if (PASS.has(text)) return 'pass';
  if (FAIL.has(text)) return 'fail';
  if (PAIR.has(text)) return text;
  if (text === 'lose' || text === 'lost') return 'loss';
  if (text === 'won') return 'win';
  if (text === 'draw' || text === 'equal') return 'tie';
  return undefined;
}

function toRecord(raw: Record<string, unknown>, file: string, line: number): LabelInput {
  const fail = (message: string, hint: string): never => {
    throw new EvalspecError('LABELS_FILE', message, { file, line, hint });
  };
  const caseId = pick(raw, KEYS.case);
  if (caseId === undefined)
    fail('a label needs the case id', 'add "case_id" (the case id of the suite), e.g. {"case_id":"c1","variant":"gpt-4o","label":"pass","labeller":"ana"}');
  const variant = pick(raw, KEYS.variant);
  const repeatRaw = pick(raw, KEYS.repeat);
  const repeat = repeatRaw === undefined ? 0 : Number(repeatRaw);
  if (!Number.isInteger(repeat) || repeat < 0)
    fail(`"repeat" must be a whole number >= 0, got ${JSON.stringify(repeatRaw)}`, 'repeats count from 0 (the first call of a case)');

  let label: string | null = null;
  const labelRaw = pick(raw, KEYS.label);
  if (labelRaw !== undefined) {
    const l = normaliseLabel(labelRaw);
    if (l === undefined)
      fail(
        `unknown label ${JSON.stringify(labelRaw)}`,
        'write pass or fail (also true/false, yes/no, 1/0); for a pairwise comparison win, loss or tie, or give "winner"',
      );
    label = l!;
  }
  const winnerRaw = pick(raw, KEYS.winner);
  const winner = winnerRaw === undefined ? undefined : normaliseLabel(winnerRaw) === 'tie' ? 'tie' : String(winnerRaw);

  let scores: Record<string, number> | null = null;
  const addScore = (name: string, value: unknown) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n))
      fail(`score "${name}" must be a number, got ${JSON.stringify(value)}`, 'scores are numbers on the rubric scale, e.g. {"scores":{"accuracy":4}}');
    (scores ??= {})[name] = n;
  };
  const scoresRaw = raw.scores;
  if (scoresRaw !== undefined && scoresRaw !== null && scoresRaw !== '') {
    let obj = scoresRaw;
    if (typeof obj === 'string') {
      try {
        obj = JSON.parse(obj);
      } catch {
        fail('"scores" is not a JSON object', 'write scores as {"accuracy":4,"tone":5}');
      }
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail('"scores" must be an object of dimension → number', 'e.g. {"accuracy":4,"tone":5}');
    for (const [k, v] of Object.entries(obj as object)) addScore(k, v);
  }
  for (const [k, v] of Object.entries(raw)) {
    if (KNOWN.has(k)) continue;
    const name = k.startsWith('score:') ? k.slice(6) : k.startsWith('scores.') ? k.slice(7) : k;
    if (v === undefined || v === null || v === '') continue;
    addScore(name, v);
  }
  if (label === null && winner === undefined && scores === null) {
    fail('the label has no verdict: no "label", "winner" or scores', 'give "label": pass|fail, "winner": VARIANT|tie (pairwise), or per-dimension scores');
  }
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  return {
    caseId: String(caseId),
    variantId: str(variant),
    repeat,
    label,
    winner,
    scores,
    labeller: str(pick(raw, KEYS.labeller)),
    runId: str(pick(raw, KEYS.run)),
    comment: str(pick(raw, KEYS.comment)) ?? null,
    tag: str(pick(raw, KEYS.tag)) ?? null,
    labelledAt: str(pick(raw, KEYS.at)),
    line,
  };
}

/** Reads a labels file (.jsonl / .ndjson / .csv / .json array). Throws LABELS_FILE naming the line. */
export function readLabelsFile(file: string): LabelInput[] {
  if (!existsSync(file)) throw new EvalspecError('LABELS_FILE', `labels file not found: ${file}`, { file, hint: 'check the path' });
  const text = readTextFile(file, 'LABELS_FILE');
  const ext = extname(file).toLowerCase();
  const out: LabelInput[] = [];
  if (ext === '.csv') {
    const rows = csvRows(text, file, { code: 'LABELS_FILE', trim: true, hint: 'a header row (case_id,variant,label,labeller,…), then one label per row' });
    for (const { record, line } of rows) out.push(toRecord(record, file, line));
  } else if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') {
    let records: { value: unknown; line: number }[];
    if (ext === '.json') {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new EvalspecError('LABELS_FILE', `invalid JSON: ${(error as Error).message}`, {
          file,
          hint: 'a .json labels file holds one array; for one label per line use .jsonl',
        });
      }
      if (!Array.isArray(data))
        throw new EvalspecError('LABELS_FILE', 'a .json labels file must hold an array of labels', { file, hint: 'or use .jsonl, one label per line' });
      records = data.map((value, i) => ({ value, line: i + 1 }));
    } else {
      records = jsonLines(text, file, {
        code: 'LABELS_FILE',
        invalid: 'invalid JSON on this line',
        comments: true,
        hint: 'one JSON object per line, e.g. {"case_id":"c1","variant":"gpt-4o","label":"pass","labeller":"ana"}',
      });
    }
    for (const { value, line } of records) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new EvalspecError('LABELS_FILE', 'a label must be a JSON object', {
          file,
          line,
          hint: '{"case_id":"c1","variant":"gpt-4o","label":"pass","labeller":"ana"}',
        });
      }
      out.push(toRecord(value as Record<string, unknown>, file, line));
    }
  } else {
    throw new EvalspecError('LABELS_FILE', `unsupported labels file type "${ext}"`, {
      file,
      hint: 'use .jsonl (one JSON object per line) or .csv (a header row)',
    });
  }
  if (out.length === 0)
    throw new EvalspecError('LABELS_FILE', 'the labels file holds no labels', { file, hint: 'one label per line (JSONL) or per row (CSV)' });
  return out;
}
