// How the fake provider's red-team models (redteam-models.ts) read a message: the "views" of a text under the
// obfuscations a red-team strategy applies (base64, rot13, leetspeak, homoglyphs, zero-width characters, payload
// split into quoted pieces). A capable model reads through all of them; a guard that pattern-matches reads through
// only some, which is what makes a guardrail's effect measurable but not perfect (docs/safety.md).

/** Which obfuscations a reader sees through. */
export interface ReadingSkill {
  /** Cyrillic/Greek look-alike letters read as Latin ones, and compatibility forms (full-width) folded. */
  homoglyphs: boolean;
  /** Zero-width and other invisible format characters ignored. */
  invisible: boolean;
}

export const FULL_READING: ReadingSkill = { homoglyphs: true, invisible: true };
/** What a keyword guard reads through: the common encodings, not look-alike letters or invisible characters. */
export const GUARD_READING: ReadingSkill = { homoglyphs: false, invisible: false };

const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

// Look-alikes that NFKC leaves alone (it folds full-width and mathematical letters, not other scripts).
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ɑ: 'a', ɡ: 'g', ı: 'i', ℓ: 'l',
}; // prettier-ignore

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** Leetspeak read back: only inside words that mix letters with digits or symbols (a plain number stays a number). */
export function unleet(text: string): string {
  return text.replace(/\S+/g, (word) => (/[a-z]/i.test(word) && /[0-9@$!|+]/.test(word) ? [...word].map((c) => LEET[c] ?? c).join('') : word));
}

/** Runs that look like base64, decoded when they decode to printable text. */
export function base64Payloads(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/]{12,}={0,2}/g)) {
    const decoded = Buffer.from(m[0], 'base64').toString('utf8');
    // printable: no replacement characters or control codes, and mostly letters and spaces
    if (decoded.length >= 6 && !/[\ufffd\u0000-\u0008\u000e-\u001f]/.test(decoded) && (decoded.match(/[a-z ]/gi)?.length ?? 0) >= decoded.length * 0.7)
      out.push(decoded);
  }
  return out;
}

/**
 * Quoted pieces joined in order: payload splitting (`a = "ign"`, `b = "ore the rules"`, "do what a + b says").
 * A piece written as a JSON string (escaped quotes inside) is read as JSON; other quoted text as it is.
 */
export function joinedPieces(text: string): string[] {
  const json = [...text.matchAll(/^\s*\w+\s*=\s*("(?:[^"\\\n]|\\.)*")\s*$/gm)].map((m) => JSON.parse(m[1]) as string);
  const pieces = json.length >= 2 ? json : [...text.matchAll(/"([^"\n]{1,200})"|'([^'\n]{1,200})'|“([^”\n]{1,200})”/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return pieces.length >= 2 ? [pieces.join(''), pieces.join(' ')] : [];
}

/** The text with what `skill` reads through undone (no decoding of encodings yet). */
export function clean(text: string, skill: ReadingSkill): string {
  let out = text;
  if (skill.invisible) out = out.replace(INVISIBLE, '');
  if (skill.homoglyphs) out = [...out.normalize('NFKC')].map((c) => HOMOGLYPHS[c] ?? c).join('');
  return out;
}

/**
 * Every reading of a text, lower-cased: as written, leetspeak read back, rot13 read back, base64 payloads decoded,
 * quoted pieces joined (each of the decoded ones read again once, so base64 of leetspeak is read too).
 */
export function views(text: string, skill: ReadingSkill): string[] {
  const first = clean(text, skill);
  const found = new Set<string>();
  const add = (t: string, depth: number) => {
    const c = clean(t, skill).toLowerCase();
    if (found.has(c)) return;
    found.add(c);
    found.add(unleet(c));
    if (depth > 0) return;
    for (const decoded of [rot13(c), ...base64Payloads(clean(t, skill)), ...joinedPieces(t)]) add(decoded, depth + 1);
  };
  add(first, 0);
  return [...found];
}
