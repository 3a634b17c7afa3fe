// The input language of production records (issue #15, input drift by language): detected at ingest from the last
// user message, after redaction, with eld; null (unknown) when the text is too short or eld does not call its answer
// reliable, never a guess.
import { beforeAll, describe, expect, it } from 'vitest';
import { detectLanguage, ingestContext, languageName, letterCount, MIN_LETTERS, parseJsonlRecords } from '../../src/ingest/index.js';
import { productionSchema } from '../../src/suite/monitor-schema.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const production = productionSchema.parse({ redact: { patterns: [{ regex: 'sk-[A-Za-z0-9]{10,}', replace: '[key]' }] } });
const ctx = ingestContext({ suite: { name: 'support', production } });

/** One JSONL line per input; the records' languages in order. */
const languagesOf = (...inputs: unknown[]) =>
  parseJsonlRecords(
    inputs.map((input) => JSON.stringify({ timestamp: '2026-12-01T09:30:00Z', model: 'gpt-4o-mini', input, output: 'ok' })).join('\n'),
    ctx,
  ).map((r) => r.language);

describe('language at ingest', () => {
  it('detects English, French, German, Spanish and Japanese questions (ISO 639-1)', () => {
    expect(
      languagesOf(
        'Where is my order? I bought it two weeks ago and it still has not arrived at my house.',
        "Où est ma commande ? Je l'ai achetée il y a deux semaines et elle n'est toujours pas arrivée chez moi.",
        'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist immer noch nicht bei mir angekommen.',
        'Hola, necesito ayuda con mi cuenta porque no puedo iniciar sesión desde ayer',
        '注文した商品がまだ届いていません。いつ届きますか？',
      ),
    ).toEqual(['en', 'fr', 'de', 'es', 'ja']);
  });

  it('reads the last user message, not the system prompt nor earlier turns', () => {
    const input = [
      { role: 'system', content: 'You are the support assistant of an online shop. Answer politely and in two sentences at most.' },
      { role: 'user', content: 'Where is my order? I bought it two weeks ago and it still has not arrived.' },
      { role: 'assistant', content: 'It is on its way.' },
      { role: 'user', content: 'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist noch nicht da.' },
    ];
    expect(languagesOf(input)).toEqual(['de']);
    expect(languagesOf([{ role: 'system', content: input[0].content }])).toEqual([null]); // no user message: unknown
  });

  it('short text is unknown (null), never a guess', () => {
    // "Hello, how are you?" has 14 letters (< 30).
    expect(languagesOf('Hello, how are you?', 'hi', '12345 67890 !!!', '')).toEqual([null, null, null, null]);
  });

  it('counts letters by hand: 29 letters is too few, 30 is enough (a CJK character counts 3)', () => {
    expect(MIN_LETTERS).toBe(30);
    // "abcdefghij" ×3 = 30 letters; minus one = 29; punctuation, digits and spaces do not count.
    expect(letterCount('abcdefghij abcdefghij abcdefghi, 123!')).toBe(29);
    expect(letterCount('abcdefghij abcdefghij abcdefghij')).toBe(30);
    // 10 Han characters = 30.
    expect(letterCount('我的订单还没有到请问')).toBe(30);
    expect(detectLanguage('Where is my order? It is late.')).toBeNull(); // 22 letters
  });

  it('is detected after redaction: a secret that made the text long enough does not count', () => {
    // Before redaction: "Merci" (5) + "sk" + 32 letters = 39 letters; after: "Merci: [key]" has 8.
    expect(languagesOf(`Merci: sk-${'abcdefgh'.repeat(4)}`)).toEqual([null]);
  });

  it('short English support questions are English, not a rare language (franc-min, used before, misread these)', () => {
    // franc-min: "Do you ship…" → Hmong Njua, "I cancelled…" → Swedish, "Can you help…" → French.
    expect(
      languagesOf(
        'Do you ship to Canada, and how long does it take?',
        'I cancelled last week but invoice INV-2001 still charged me.',
        'Can you help me reset my password please, the link does not work',
      ),
    ).toEqual(['en', 'en', 'en']);
  });

  it('text of no language eld can call reliable is unknown', () => {
    // 30+ letters of no language: eld finds no reliable answer.
    expect(detectLanguage('qzxv jkqw pfzt mvxq zzkj wqxp lkjh gfdq')).toBeNull();
  });

  it('names languages for people', () => {
    expect([languageName('fr'), languageName('de'), languageName('ja')]).toEqual(['French', 'German', 'Japanese']);
    expect(languageName('zzz-not-a-code')).toBe('zzz-not-a-code');
  });
});
