// The language of a production record's input (issue #15: input drift by language), detected at ingest after
// redaction with franc-min (trigram profiles of the 82 languages with 8M+ speakers; ISO 639-3 codes). Trigram
// detection is unreliable on short text and between close languages (Spanish and Portuguese, and short English is
// often read as French), so the rule answers null — unknown, never a guess — unless the text is long enough AND
// franc's best language clearly beats the runner-up:
// - the text is the last user message (what the user asked; system prompts are the app's, not the traffic's);
// - fewer than MIN_LETTERS letters (\p{L}; a Chinese, Japanese or Korean character counts CJK_WEIGHT letters, as it
//   carries about a word) → null;
// - franc's answer `und` → null; the runner-up's normalized score (francAll: best = 1) ≥ 1 − MIN_MARGIN → null.
import { rankLanguages } from './trigram-language.js';
import type { ProductionMessage } from '../store/index.js';

export const MIN_LETTERS = 30;
export const CJK_WEIGHT = 3;
export const MIN_MARGIN = 0.03;
/**
 * The sample franc reads: the first 512 characters (franc itself stops at 2048). Enough trigrams to tell a language,
 * and it bounds the cost per record on the ingest path.
 */
export const MAX_CHARS = 512;

const LETTER = /\p{L}/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** The text whose language is the record's: the last user message's content; null when there is none (monitor/'s `input` var too). */
export function languageText(input: readonly ProductionMessage[] | null): string | null {
  if (!input) return null;
  for (let i = input.length - 1; i >= 0; i--) if (input[i].role === 'user') return input[i].content;
  return null;
}

/** Letters of a text as the rule counts them (CJK characters weighted). */
export function letterCount(text: string): number {
  const letters = text.match(LETTER)?.length ?? 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return letters + cjk * (CJK_WEIGHT - 1);
}

/** ISO 639-3 code of the text's language, or null when the rule above cannot tell. */
export function detectLanguage(text: string | null): string | null {
  if (text === null) return null;
  const sample = text.slice(0, MAX_CHARS);
  if (letterCount(sample) < MIN_LETTERS) return null;
  // franc's ranking (francAll, computed faster: trigram-language.ts): the best and the runner-up.
  const [first, second] = rankLanguages(sample);
  if (!first || first[0] === 'und') return null;
  if (second && second[1] >= 1 - MIN_MARGIN) return null;
  return first[0];
}

/** The language of a record's input (its last user message), or null. */
export function recordLanguage(input: readonly ProductionMessage[] | null): string | null {
  return detectLanguage(languageText(input));
}

let names: Intl.DisplayNames | null = null;

/** A language's English name for people ("French" for fra); the code itself when Intl has no name for it. */
export function languageName(code: string): string {
  // Only bare ISO 639 codes are asked: Intl would read "xx-yy-…" as a locale with region and variants.
  if (!/^[a-z]{2,3}$/.test(code)) return code;
  names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
  try {
    const name = names.of(code);
    return name && name !== 'root' ? name : code;
  } catch {
    return code;
  }
}
