// eld's `detect()` (eld 2.1.0, src/languageDetector.js; Apache-2.0, Nito T.M.) over its own "extrasmall" n-gram
// database, with that database held in a compact form. Why not eld's own instance: its scoring loop walks each
// n-gram's `{ languageIndex: score }` object with for…in (string keys converted back to indexes per step), ~20 µs
// of a W5 span's ~25 µs of language detection; and its database is a 950 KB object literal whose compiled module
// costs ~30 MB of heap per thread that loads it. Here the same n-grams sit in one Map (n-gram → offset) over one
// Int32Array of (language, score) pairs, built once from eld's data file, whose object is then let go.
// The answers are eld's: same text processing, same n-grams, same integer sums, and eld's own LanguageResult for the
// reliability rule (test/ingest/language-eld-parity.test.ts compares the two on hundreds of texts).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** eld's answer: the language code ('' when none) and its reliability rule. */
export interface LanguageResultLike {
  language: string;
  isReliable(): boolean;
  /** Every language's scaled score (eld's getScores()); for tests and diagnostics, not on the ingest path. */
  getScores(): Record<string, number>;
}

export interface LanguageScorer {
  detect(text: string): LanguageResultLike;
}

interface EldData {
  ngramsData: { type: string; languages: Record<string, string>; ngrams: Record<string, Record<string, number>> | null };
}
type LanguageResultClass = new (language: string, results: number[], numNgrams: number, langCodes: Record<string, string>) => LanguageResultLike;

/** eld's folder: its package exports only the entry points, so its data and helper files are reached by path. */
function eldDirectory(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('eld') ?? []) {
    const candidate = path.join(dir, 'eld', 'src');
    if (fs.existsSync(path.join(candidate, 'ngrams', 'extrasmall.js'))) return candidate;
  }
  throw new Error('internal: the eld package (language detection) is not installed');
}

/** eld's orderAndScale: a language's score per n-gram, scaled to 0–1. */
const scaled = (score: number, numNgrams: number) => score / numNgrams / (score / numNgrams + 25);

/** eld subtracts this from every stored score to keep its database small, and adds it back when scoring. */
const BASE_NGRAM_SCORE = 53;

let loading: Promise<LanguageScorer> | undefined;

/** The scorer, built on first call (the data is read once per thread: the n-gram literal is released after). */
export function loadLanguageScorer(): Promise<LanguageScorer> {
  return (loading ??= buildScorer());
}

async function buildScorer(): Promise<LanguageScorer> {
  const dir = eldDirectory();
  const load = async <T>(file: string) => (await import(pathToFileURL(path.join(dir, file)).href)) as T;
  const { ngramsData } = await load<EldData>('ngrams/extrasmall.js');
  const { LanguageResult } = await load<{ LanguageResult: LanguageResultClass }>('LanguageResult.js');
  const { dictionary } = await load<{ dictionary: string[] }>('dictionary.js');
  const { separators } = await load<{ separators: RegExp }>('regexPatterns.js');
  const { avgScore } = await load<{ avgScore: Record<string, number> }>('avgScore.js');

  const languages = ngramsData.languages;
  const languageCount = Object.keys(languages).length;
  const source = ngramsData.ngrams;
  if (!source) throw new Error('internal: eld n-gram data already released');
  let pairs = 0;
  for (const gram in source) pairs += Object.keys(source[gram]!).length;
  const table = new Int32Array(pairs * 2);
  // An n-gram's entry: its first pair's offset × 64 + its pair count (≤ 60 languages).
  const offsets = new Map<string, number>();
  let at = 0;
  for (const gram in source) {
    const scores = source[gram]!;
    const start = at;
    for (const language in scores) ((table[at++] = Number(language)), (table[at++] = scores[language]! + BASE_NGRAM_SCORE));
    offsets.set(gram, start * 32 + (at - start) / 2);
  }
  // The literal's objects are garbage from here (nothing else imported eld's data module): ~30 MB of heap back.
  ngramsData.ngrams = null;

  /** eld's strToUtf8Bytes: each UTF-8 byte as one character of eld's dictionary, split into words at ASCII spaces, ~380 bytes at most. */
  function words(text: string): string[] {
    let encoded = '';
    const out: string[] = [];
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        if (code === 32) {
          if (encoded !== '') (out.push(encoded), (encoded = ''));
          if (bytes > 350) break;
        } else encoded += text[i];
        bytes++;
      } else if (code < 0x800) {
        encoded += dictionary[0xc0 | (code >> 6)]! + dictionary[0x80 | (code & 0x3f)]!;
        bytes += 2;
      } else if (code < 0xd800 || code >= 0xe000) {
        encoded += dictionary[0xe0 | (code >> 12)]! + dictionary[0x80 | ((code >> 6) & 0x3f)]! + dictionary[0x80 | (code & 0x3f)]!;
        bytes += 3;
      } else {
        i++;
        code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(i) & 0x3ff));
        encoded +=
          dictionary[0xf0 | (code >> 18)]! +
          dictionary[0x80 | ((code >> 12) & 0x3f)]! +
          dictionary[0x80 | ((code >> 6) & 0x3f)]! +
          dictionary[0x80 | (code & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > 380) break;
    }
    if (encoded !== '') out.push(encoded);
    return out;
  }

  return {
    detect(text: string): LanguageResultLike {
      const normalized = text.substring(0, 1000).replace(separators, ' ').trim().toLowerCase();
      // eld's getByteNgrams: 4-byte n-grams at a stride of 3, a leading space on a word's first, each distinct once.
      const grams = new Set<string>();
      for (const word of words(normalized)) {
        const len = Math.min(word.length, 70);
        let j = 0;
        for (; j + 4 < len; j += 3) grams.add((j === 0 ? ' ' : '') + word.substring(j, j + 4));
        grams.add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ');
      }
      const results = new Array<number>(languageCount).fill(0);
      for (const gram of grams) {
        const entry = offsets.get(gram);
        if (entry === undefined) continue;
        const start = Math.floor(entry / 64) * 2;
        for (let k = start, end = start + (entry % 64) * 2; k < end; k += 2) results[table[k]!] += table[k + 1]!;
      }
      // eld's getMaxLang: the first language with the highest positive score; and the runner-up as eld's stable
      // sort orders them (the highest of the others, the first on a tie), for its reliability rule below.
      let best = -1;
      let second = -1;
      for (let l = 0; l < languageCount; l++) {
        const value = results[l]!;
        if (value <= 0) continue;
        if (best === -1 || value > results[best]!) ((second = best), (best = l));
        else if (second === -1 || value > results[second]!) second = l;
      }
      if (best === -1) return new LanguageResult('', [], 0, {});
      const language = languages[best]!;
      const numNgrams = grams.size;
      return {
        language,
        // eld's LanguageResult.isReliable() at its default ratio 0.75, on the top two of its scaled scores: what it
        // calls the runner-up's score is the runner-up's language index (eld 2.1.0 reads results[1][0]); kept so
        // the answers stay eld's, as the parity test checks.
        isReliable: () => {
          if (numNgrams < 3) return false;
          const top = scaled(results[best]!, numNgrams);
          const next = second === -1 ? 0 : second;
          return !(avgScore[language]! * 0.75 > top || 0.01 > Math.abs(top - next));
        },
        getScores: () => new LanguageResult(language, results, numNgrams, languages).getScores(),
      };
    },
  };
}
