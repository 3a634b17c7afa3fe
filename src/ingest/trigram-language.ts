// franc-min's ranking (francAll) of a text's two best languages, computed from franc-min's own data and script
// expressions but with an inverted index: franc measures each candidate language by looking every input trigram up
// in that language's model (≈ 44 Latin languages × 100 trigrams of object lookups: ≈ 0.2 ms a record, most of the
// ingest path's CPU); here each input trigram is looked up once and credits the languages whose model has it.
// The arithmetic is franc's, term for term (the same integer distances, the same stable order, the same
// normalization), so the answer is franc's: test/ingest/language.test.ts checks it against francAll on many texts.
//
// franc (6.2.0, MIT, wooorm): distance(L) = Σ over the input's trigrams t (with count c_t) of |c_t − w_L(t) − 1| when
// t is in L's model at rank w_L(t), else 300; score(L) = 1 − (distance(L) − min) / (length × 300 − min), where min
// is the best distance and length the text's (at most 2048 characters). The text's trigrams are those of
// ' ' + clean(text) + ' ' (trigram-utils: ASCII punctuation and digits to spaces, white space collapsed, trimmed,
// lower-cased). The script with the most matching characters decides the candidates; a script of one language
// (Han → cmn, Hangul → kor, …) answers that language with score 1.
import { data } from 'franc-min/data.js';
import { expressions } from 'franc-min/expressions.js';

const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

interface ScriptIndex {
  languages: string[];
  /** trigram → flat [language index, rank, language index, rank, …]. */
  postings: Map<string, number[]>;
}

const indexes = new Map<string, ScriptIndex>();

function indexOf(script: string): ScriptIndex {
  let index = indexes.get(script);
  if (index) return index;
  const languages = Object.keys(data[script]);
  const postings = new Map<string, number[]>();
  languages.forEach((language, l) => {
    const model = data[script][language].split('|');
    // franc keeps a trigram's lowest rank when a model lists it twice (it assigns from the end down).
    const rank = new Map<string, number>();
    for (let w = model.length - 1; w >= 0; w--) rank.set(model[w], w);
    for (const [trigram, w] of rank) {
      const list = postings.get(trigram);
      if (list) list.push(l, w);
      else postings.set(trigram, [l, w]);
    }
  });
  index = { languages, postings };
  indexes.set(script, index);
  return index;
}

function topScript(value: string): [string | undefined, number] {
  let top: string | undefined;
  let topCount = -1;
  for (const script in expressions) {
    const count = (value.match(expressions[script])?.length ?? 0) / value.length || 0;
    if (count > topCount) {
      topCount = count;
      top = script;
    }
  }
  return [top, topCount];
}

/** Trigram counts of a text as trigram-utils makes them. */
function trigramCounts(value: string): Map<string, number> {
  const cleaned = value
    .replace(/[\u0021-\u0040]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  const padded = ` ${cleaned} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    const t = padded.slice(i, i + 3);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/** franc's best language and runner-up with their normalized scores (best: 1); [['und', 1]] when it cannot tell. */
export function rankLanguages(text: string): [string, number][] {
  if (!text) return [['und', 1]];
  const value = text.slice(0, MAX_LENGTH);
  const [script, count] = topScript(value);
  if (!script || !(script in data)) return !script || count === 0 ? [['und', 1]] : [[script, 1]];
  const { languages, postings } = indexOf(script);
  const counts = trigramCounts(value);
  const distance = new Array<number>(languages.length).fill(counts.size * MAX_DIFFERENCE);
  for (const [trigram, c] of counts) {
    const list = postings.get(trigram);
    if (!list) continue;
    for (let k = 0; k < list.length; k += 2) distance[list[k]] += Math.abs(c - list[k + 1] - 1) - MAX_DIFFERENCE;
  }
  // franc sorts all languages by distance (a stable sort: ties keep the data's order); only the first two are needed.
  let best = 0;
  for (let l = 1; l < languages.length; l++) if (distance[l] < distance[best]) best = l;
  let second = -1;
  for (let l = 0; l < languages.length; l++) if (l !== best && (second < 0 || distance[l] < distance[second])) second = l;
  const min = distance[best];
  const max = value.length * MAX_DIFFERENCE - min;
  const out: [string, number][] = [[languages[best], 1 - (min - min) / max || 0]];
  if (second >= 0) out.push([languages[second], 1 - (distance[second] - min) / max || 0]);
  return out;
}
