// The input language of production records (issue #15, input drift by language): detected at ingest from the last
// user message, after redaction, with franc-min; null (unknown) when the text is too short or franc cannot tell
// its best language from the runner-up, never a guess.
import { francAll } from 'franc-min';
import { describe, expect, it } from 'vitest';
import { rankLanguages } from '../../src/ingest/trigram-language.js';
import { mulberry32 } from '../../src/stats/random.js';
import { detectLanguage, ingestContext, languageName, letterCount, MIN_LETTERS, parseJsonlRecords } from '../../src/ingest/index.js';
import { productionSchema } from '../../src/suite/monitor-schema.js';

const production = productionSchema.parse({ redact: { patterns: [{ regex: 'sk-[A-Za-z0-9]{10,}', replace: '[key]' }] } });
const ctx = ingestContext({ suite: { name: 'support', production } });

/** One JSONL line per input; the records' languages in order. */
const languagesOf = (...inputs: unknown[]) =>
  parseJsonlRecords(
    inputs.map((input) => JSON.stringify({ timestamp: '2026-12-01T09:30:00Z', model: 'gpt-4o-mini', input, output: 'ok' })).join('\n'),
    ctx,
  ).map((r) => r.language);

describe('language at ingest', () => {
  it('detects English, French, German, Spanish and Japanese questions (ISO 639-3)', () => {
    expect(
      languagesOf(
        'Where is my order? I bought it two weeks ago and it still has not arrived at my house.',
        "Où est ma commande ? Je l'ai achetée il y a deux semaines et elle n'est toujours pas arrivée chez moi.",
        'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist immer noch nicht bei mir angekommen.',
        'Hola, necesito ayuda con mi cuenta porque no puedo iniciar sesión desde ayer',
        '注文した商品がまだ届いていません。いつ届きますか？',
      ),
    ).toEqual(['eng', 'fra', 'deu', 'spa', 'jpn']);
  });

  it('reads the last user message, not the system prompt nor earlier turns', () => {
    const input = [
      { role: 'system', content: 'You are the support assistant of an online shop. Answer politely and in two sentences at most.' },
      { role: 'user', content: 'Where is my order? I bought it two weeks ago and it still has not arrived.' },
      { role: 'assistant', content: 'It is on its way.' },
      { role: 'user', content: 'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist noch nicht da.' },
    ];
    expect(languagesOf(input)).toEqual(['deu']);
    expect(languagesOf([{ role: 'system', content: input[0].content }])).toEqual([null]); // no user message: unknown
  });

  it('short text is unknown (null), never a guess', () => {
    // "Hello, how are you?" has 14 letters (< 30); franc alone calls it Italian.
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

  it('an ambiguous text (runner-up within 3% of the best) is unknown', () => {
    // franc-min ranks this English sentence fra 1.000, eng 0.981: too close to call, so null rather than "French".
    expect(detectLanguage('Can you help me reset my password please, the link does not work')).toBeNull();
  });

  it('names languages for people', () => {
    expect([languageName('fra'), languageName('deu'), languageName('jpn')]).toEqual(['French', 'German', 'Japanese']);
    expect(languageName('zzz-not-a-code')).toBe('zzz-not-a-code');
  });
});

describe("the indexed ranking is franc's", () => {
  // Words of several scripts and languages, mixed by a seeded generator into texts of 0 to 3,000 characters (past
  // franc's 2,048 cut), with digits, punctuation and odd white space: the best two languages and their scores must
  // be francAll's exactly (the same integer distances and the same division).
  const words = [
    ...'Where is my order I bought it two weeks ago and it still has not arrived at my house'.split(' '),
    ...'Où est ma commande je l’ai achetée il y a deux semaines et elle n’est toujours pas arrivée chez moi'.split(' '),
    ...'Wo ist meine Bestellung ich habe sie vor zwei Wochen gekauft und sie ist immer noch nicht angekommen'.split(' '),
    ...'Dónde está mi pedido lo compré hace dos semanas y todavía no ha llegado a mi casa'.split(' '),
    ...'Где мой заказ я купил его две недели назад и он до сих пор не пришёл'.split(' '),
    ...'أين طلبي اشتريته قبل أسبوعين ولم يصل بعد'.split(' '),
    ...'मेरा ऑर्डर कहाँ है मैंने इसे दो हफ्ते पहले खरीदा था'.split(' '),
    ...'注文した 商品が まだ 届いていません 我的 订单 还没有 到 주문한 상품이 아직 도착하지 않았습니다 Η παραγγελία μου δεν έχει φτάσει'.split(' '),
    '42',
    '!!',
    '—',
    '\t\n',
    'e-mail:',
    'İstanbul',
  ];
  it('on 400 seeded texts', () => {
    const random = mulberry32(15);
    for (let n = 0; n < 400; n++) {
      const length = Math.floor(random() ** 2 * 3000);
      const parts: string[] = [];
      let size = 0;
      // Mostly one language's words per text, as real prompts are, with a share of the others.
      const home = Math.floor(random() * (words.length - 20));
      while (size < length) {
        const w = random() < 0.8 ? words[home + Math.floor(random() * 20)] : words[Math.floor(random() * words.length)];
        parts.push(w);
        size += w.length + 1;
      }
      const text = parts.join(random() < 0.2 ? '  ' : ' ').slice(0, length);
      expect(rankLanguages(text), JSON.stringify(text.slice(0, 80))).toEqual(francAll(text, { minLength: 1 }).slice(0, 2));
    }
  });

  it('on the edge cases: empty, digits only, one script of one language, the sentences above', () => {
    for (const text of ['', '1234 5678', '!!!', '注文', '我的订单还没有到', '주문한 상품이', 'Where is my order? It is late.', 'a', 'ab c']) {
      expect(rankLanguages(text), text).toEqual(francAll(text, { minLength: 1 }).slice(0, 2));
    }
  });
});
