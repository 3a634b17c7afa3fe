// language-scores.ts re-implements eld's detect() over a compact copy of eld's "extrasmall" database (W5: ~1/5 of
// eld's CPU per text, and its object literal released). The answers must stay eld's own: the same language, the same
// reliability verdict and the same scores, on texts of many scripts and lengths, compared with eld's instance itself.
import { eld } from 'eld/extrasmall';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { letterCount, letterCountByMatch } from '../../src/ingest/language.js';
import { loadLanguageScorer, type LanguageScorer } from '../../src/ingest/language-scores.js';

// eld/extrasmall is imported above, so its own instance holds the database before the scorer releases the literal.
let scorer: LanguageScorer;
beforeAll(async () => {
  scorer = await loadLanguageScorer();
});

const SENTENCES = [
  'Where is my order? I bought it two weeks ago and it still has not arrived at my house.',
  "Où est ma commande ? Je l'ai achetée il y a deux semaines et elle n'est toujours pas arrivée chez moi.",
  'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist immer noch nicht bei mir angekommen.',
  'Hola, necesito ayuda con mi cuenta porque no puedo iniciar sesión desde ayer por la tarde.',
  'Olá, preciso de ajuda com a minha conta porque não consigo entrar desde ontem à noite.',
  'Ciao, ho bisogno di aiuto con il mio account perché non riesco ad accedere da ieri sera.',
  'Hallo, ik heb hulp nodig met mijn account omdat ik sinds gisteren niet kan inloggen.',
  'Hej, jag behöver hjälp med mitt konto eftersom jag inte kan logga in sedan igår kväll.',
  'Cześć, potrzebuję pomocy z moim kontem, ponieważ od wczoraj nie mogę się zalogować.',
  'Dobrý den, potřebuji pomoc s mým účtem, protože se od včerejška nemohu přihlásit.',
  'Merhaba, dünden beri giriş yapamadığım için hesabımla ilgili yardıma ihtiyacım var.',
  'Здравствуйте, мне нужна помощь с моей учетной записью, потому что я не могу войти со вчерашнего дня.',
  'Добрий день, мені потрібна допомога з обліковим записом, бо я не можу увійти з учора.',
  'Γεια σας, χρειάζομαι βοήθεια με τον λογαριασμό μου γιατί δεν μπορώ να συνδεθώ από χθες.',
  'مرحبا، أحتاج إلى مساعدة في حسابي لأنني لا أستطيع تسجيل الدخول منذ الأمس.',
  'שלום, אני צריך עזרה עם החשבון שלי כי אני לא יכול להתחבר מאתמול.',
  'नमस्ते, मुझे अपने खाते में मदद चाहिए क्योंकि मैं कल से लॉग इन नहीं कर पा रहा हूँ।',
  '注文した商品がまだ届いていません。いつ届きますか？二週間前に買いました。',
  '我的订单还没有到，请问什么时候能送到？我两周前就买了。',
  '안녕하세요, 어제부터 로그인할 수 없어서 계정에 대한 도움이 필요합니다.',
  'สวัสดีครับ ผมต้องการความช่วยเหลือเกี่ยวกับบัญชีของผม เพราะเข้าสู่ระบบไม่ได้ตั้งแต่เมื่อวาน',
  'Xin chào, tôi cần trợ giúp với tài khoản của mình vì tôi không thể đăng nhập từ hôm qua.',
  'Halo, saya perlu bantuan dengan akaun saya kerana saya tidak boleh log masuk sejak semalam.',
  'Helló, segítségre van szükségem a fiókommal, mert tegnap óta nem tudok bejelentkezni.',
  'Hei, tarvitsen apua tilini kanssa, koska en ole päässyt kirjautumaan sisään eilisen jälkeen.',
  "I'm sure it's fine — don’t worry 😀 about the café's naïve coöperation; 12345 ids, https://example.com/a?b=c x@y.org",
  `${'supercalifragilisticexpialidocious'.repeat(3)} is a very long word indeed, longer than seventy letters`,
];

/** Hundreds of texts: each sentence, its prefixes at several lengths, pairs of sentences, and a long repeated text. */
function corpus(): string[] {
  const texts: string[] = [];
  for (const s of SENTENCES) for (const n of [8, 20, 35, 50, 70, 100, 1000]) texts.push(s.slice(0, n));
  for (let i = 0; i < SENTENCES.length; i++) texts.push(`${SENTENCES[i]} ${SENTENCES[(i * 7 + 3) % SENTENCES.length]}`);
  for (const s of SENTENCES) texts.push(`${s} `.repeat(15)); // past eld's 1,000-character and 380-byte cuts
  // The example's support questions (English, digits, invoice numbers, e-mail addresses).
  const cases = readFileSync(new URL('../../examples/support-monitoring/cases.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  for (const line of cases.slice(0, 200)) texts.push((JSON.parse(line) as { vars: { input: string } }).vars.input);
  return texts;
}

describe('language scores: eld parity', () => {
  it('gives eld’s language, reliability and scores on every text', () => {
    const texts = corpus();
    expect(texts.length).toBeGreaterThan(400);
    let reliable = 0;
    for (const text of texts) {
      const ours = scorer.detect(text) as ReturnType<typeof eld.detect>;
      const theirs = eld.detect(text);
      expect({ text, language: ours.language, reliable: ours.isReliable() }).toEqual({ text, language: theirs.language, reliable: theirs.isReliable() });
      expect(ours.getScores()).toEqual(theirs.getScores());
      if (theirs.isReliable()) reliable++;
    }
    // Not a vacuous comparison: most of the texts get a reliable language.
    expect(reliable).toBeGreaterThan(texts.length / 2);
  });

  it('answers no language for text without letters, as eld does', () => {
    for (const text of ['', '   ', '12345 67890 !!!', '😀😀😀']) {
      expect(scorer.detect(text).language).toBe(eld.detect(text).language);
      expect(scorer.detect(text).isReliable()).toBe(eld.detect(text).isReliable());
    }
  });
});

describe('letter count', () => {
  it('counts as the rule’s whole-text matches do, on every text of the corpus and on astral letters, CJK radicals and marks', () => {
    // 𝒜 (U+1D49C, a letter outside the BMP), ⺀ (a Han radical: CJK but not a letter), ー (a letter of script Common),
    // ・ (punctuation of no CJK script), a lone surrogate.
    for (const text of [...corpus(), '𝒜𝒜𝒜 abc', '⺀⺀ ー・ 한국어', '\ud800 x', 'ÀÉÎõü ß'])
      expect({ text, count: letterCount(text) }).toEqual({ text, count: letterCountByMatch(text) });
    // By hand: 𝒜 ×3 + abc = 6; ⺀ ×2 = 2 × 2 (CJK weight 3 − 1, not letters), ー = 1, 한국어 = 3 × 3: 4 + 1 + 9 = 14.
    expect(letterCount('𝒜𝒜𝒜 abc')).toBe(6);
    expect(letterCount('⺀⺀ ー・ 한국어')).toBe(14);
  });
});
