// Pairwise judgments as data: AlpacaEval annotation files (a JSON array with generator_1 = baseline,
// generator_2 = candidate, preference on 1–2) or JSONL of {id?, segment?, baseline?, candidate?,
// preference | result: win|tie|loss}. Each row keeps its line or index for error messages.
import { existsSync } from 'node:fs';
import { EvalspecError } from '../errors.js';
import { jsonLines, readTextFile } from './text-file.js';

export interface PreferenceRow {
  id: string;
  baseline: string;
  candidate: string;
  annotator: string | null;
  segment: string | null;
  /** 1 = baseline better, 2 = candidate better, 1.5 = tie (0 also tie, AlpacaEval legacy); null = judge failed. */
  preference: number | null;
  /** Judge cost per comparison when the file records it. */
  costUsd: number | null;
}

const WIN_WORDS: Record<string, number> = { win: 2, candidate: 2, loss: 1, lose: 1, baseline: 1, tie: 1.5, draw: 1.5 };

function toPreference(raw: Record<string, unknown>, where: { file: string; line?: number }): number | null {
  if ('preference' in raw) {
    const p = raw.preference;
    if (p === null || p === undefined) return null;
    const n = typeof p === 'string' ? Number(p) : p;
    if (typeof n !== 'number' || Number.isNaN(n) || !(n === 0 || (n >= 1 && n <= 2))) {
      throw new EvalspecError('LABELS_FILE', `preference must be a number in [1, 2] (or 0 for a tie, or null), got ${JSON.stringify(p)}`, {
        ...where,
        hint: '1 = baseline better, 2 = candidate better, 1.5 = tie',
      });
    }
    return n;
  }
  const result = raw.result ?? raw.winner;
  if (typeof result === 'string' && result.toLowerCase() in WIN_WORDS) return WIN_WORDS[result.toLowerCase()];
  throw new EvalspecError('LABELS_FILE', 'a row needs "preference" (1–2) or "result" (win, tie or loss, from the candidate\'s side)', {
    ...where,
    hint: '{"id":"q1","preference":1.8} or {"id":"q1","result":"win"}',
  });
}

function rowFrom(raw: Record<string, unknown>, index: number, where: { file: string; line?: number }): PreferenceRow {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const price = raw.price_per_example ?? raw.cost_usd;
  return {
    id: str(raw.id) ?? str(raw.instruction) ?? String(index + 1),
    baseline: str(raw.baseline) ?? str(raw.generator_1) ?? 'baseline',
    candidate: str(raw.candidate) ?? str(raw.generator_2) ?? 'candidate',
    annotator: str(raw.annotator),
    segment: str(raw.segment) ?? str(raw.dataset),
    preference: toPreference(raw, where),
    costUsd: typeof price === 'number' ? price : typeof price === 'string' && price !== '' && !Number.isNaN(Number(price)) ? Number(price) : null,
  };
}

export function loadPreferences(file: string): PreferenceRow[] {
  if (!existsSync(file)) throw new EvalspecError('LABELS_FILE', `file not found: ${file}`, { file, hint: 'check the path' });
  const text = readTextFile(file, 'LABELS_FILE');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new EvalspecError('LABELS_FILE', `invalid JSON: ${(error as Error).message}`, { file, hint: 'an AlpacaEval annotations.json is one JSON array' });
    }
    return (data as Record<string, unknown>[]).map((raw, i) => rowFrom(raw, i, { file }));
  }
  const records = jsonLines(text, file, { code: 'LABELS_FILE', hint: 'one JSON object per line' });
  return records.map(({ value, line }, i) => rowFrom(value as Record<string, unknown>, i, { file, line }));
}
