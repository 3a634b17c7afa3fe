// The language of a production record's input (issue #15: input drift by language), detected at ingest after
// redaction with eld's algorithm (Nito-ELD, its "extrasmall" database: n-gram scores for 60 languages, ISO 639-1
// codes; the same answers as "small" on the example's traffic and the tests' texts), run by language-scores.ts over a
// compact copy of that database (eld's answers, 4–16 µs per text against eld's 27–50). eld was chosen over franc-min
// after franc read 10% of the example's short English support questions as Hmong Njua or Swedish
// (examples/support-monitoring: 0 of 8,933 misread by eld). Short text is still unreliable, so the
// rule answers null — unknown, never a guess — unless:
// - the text (the last user message: what the user asked; system prompts are the app's, not the traffic's) has at
//   least MIN_LETTERS letters (\p{L}; a Chinese, Japanese or Korean character counts CJK_WEIGHT letters, as it
//   carries about a word), and
// - eld finds a language and calls its answer reliable (`isReliable()`: enough n-grams and a clear lead).
import type { ProductionMessage } from '../store/index.js';
import { loadLanguageScorer, type LanguageScorer } from './language-scores.js';

// eld's database costs memory per thread that loads it (~15 MB of heap in language-scores.ts's compact form), so it
// is loaded on demand, by the entry points that finish records (the collector, batch import): never by `evalspec
// run`, the viewer, or the collector's scorer thread. language-scores.ts gives eld's answers at ~1/5 of its CPU.
let detector: LanguageScorer | undefined;

/** Load the language detector (idempotent). Every path that finishes records awaits it first. */
export async function loadLanguageDetector(): Promise<void> {
  detector ??= await loadLanguageScorer();
}

export const MIN_LETTERS = 30;
export const CJK_WEIGHT = 3;
/** The sample read: the first 512 characters. Enough n-grams to tell a language, and it bounds the cost per record. */
export const MAX_CHARS = 512;

const LETTER = /\p{L}/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** The text whose language is the record's: the last user message's content; null when there is none (monitor/'s `input` var too). */
export function languageText(input: readonly ProductionMessage[] | null): string | null {
  if (!input) return null;
  for (let i = input.length - 1; i >= 0; i--) if (input[i].role === 'user') return input[i].content;
  return null;
}

const ONE_LETTER = /^\p{L}$/u;
const ONE_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

/**
 * Letters of a text as the rule counts them: each \p{L} once, and each CJK character CJK_WEIGHT − 1 more. One pass,
 * ASCII by its code (no array of matches per record: W5's texts are mostly ASCII); the rest by the same classes.
 */
export function letterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      const lower = code | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) count++;
      continue;
    }
    const point = text.codePointAt(i)!;
    const char = String.fromCodePoint(point);
    if (point > 0xffff) i++;
    if (ONE_LETTER.test(char)) count++;
    if (ONE_CJK.test(char)) count += CJK_WEIGHT - 1;
  }
  return count;
}

/** The same count by whole-text matches (the rule's definition; letterCount must agree with it). */
export function letterCountByMatch(text: string): number {
  return (text.match(LETTER)?.length ?? 0) + (text.match(CJK)?.length ?? 0) * (CJK_WEIGHT - 1);
}

/** ISO 639-1 code of the text's language, or null when the rule above cannot tell. */
export function detectLanguage(text: string | null): string | null {
  if (text === null) return null;
  const sample = text.slice(0, MAX_CHARS);
  if (letterCount(sample) < MIN_LETTERS) return null;
  if (!detector) throw new Error('internal: the language detector is not loaded (await loadLanguageDetector() before finishing records)');
  const result = detector.detect(sample);
  return result.language && result.isReliable() ? result.language : null;
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
