// Input drift by language from ingest to status, in process with the real stages: JSONL lines → parseJsonlRecords
// (language detected after redaction) → store.production.putRecords with the monitor's queue entries → claim → the
// production scorer (the suite's own deterministic check) → complete → evaluate. Quality holds (every answer passes)
// while French traffic rises from 10% to 50% of calls: the language mix alarms naming French, quality does not.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { ingestContext, parseJsonlRecords, queueEntriesFor } from '../../src/ingest/index.js';
import { createProductionScorer, evaluate } from '../../src/monitor/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { mulberry32 } from '../../src/stats/random.js';
import { loadSuite } from '../../src/suite/index.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const ENGLISH = [
  'Where is my order? I bought it two weeks ago and it still has not arrived at my house.',
  'The quick brown fox jumps over the lazy dog and keeps running through the field.',
];
const FRENCH = [
  "Où est ma commande ? Je l'ai achetée il y a deux semaines et elle n'est toujours pas arrivée chez moi.",
  "Pouvez-vous m'aider à réinitialiser mon mot de passe, le lien ne marche pas",
];
const GERMAN = [
  'Wo ist meine Bestellung? Ich habe sie vor zwei Wochen gekauft und sie ist immer noch nicht bei mir angekommen.',
  'Können Sie mir bitte helfen, mein Passwort zurückzusetzen? Der Link funktioniert nicht.',
];

describe('language drift from ingest to status', () => {
  it('detects each call’s language at ingest and reports French rising as input drift, with no quality alert', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: prod
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "answer" }]
production:
  redact: { patterns: [{ regex: 'sk-[A-Za-z0-9]{10,}', replace: '[key]' }] }
monitors:
  - name: answers
    window: 1d
    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }
    metrics: [pass_rate, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 100 }
`,
    });
    const suite = loadSuite(join(dir, 'evalspec.yaml'));
    const store = openStore(join(dir, 'db.sqlite'));
    stores.push(store);
    const ctx = ingestContext({ suite });
    const scorer = await createProductionScorer({ suite, store });
    const random = mulberry32(7);
    const perDay = 200;
    const expected = new Map<string, string | null>();
    for (let day = 0; day < 12; day++) {
      const french = day < 9 ? 0.1 : 0.5;
      const lines: string[] = [];
      for (let i = 0; i < perDay; i++) {
        const timestamp = new Date(START + day * DAY + i * (DAY / perDay)).toISOString();
        const r = random();
        // 1 call in 10 is "thanks": too short to tell (null); of the rest, German 1 in 4, then French, then English.
        // (With two languages only, one's rise is the same evidence as the other's fall: either could be named.)
        const u = random();
        const input = r < 0.1 ? 'thanks' : u < 0.25 ? GERMAN[i % 2] : u < 0.25 + french ? FRENCH[i % 2] : ENGLISH[i % 2];
        expected.set(timestamp, input === 'thanks' ? null : GERMAN.includes(input) ? 'de' : FRENCH.includes(input) ? 'fr' : 'en');
        lines.push(JSON.stringify({ timestamp, model: 'gpt-4o-mini', input, output: `the answer ${i}` }));
      }
      const records = parseJsonlRecords(lines.join('\n'), ctx);
      for (const record of records) expect(record.language).toBe(expected.get(record.startedAt));
      await store.production.putRecords(
        records,
        records.flatMap((record) => queueEntriesFor(record, suite.monitors)),
      );
      const claimed = await store.production.claim({ suite: 'prod', monitor: 'answers', limit: perDay, holder: 't', now: 0, leaseUntil: 60_000 });
      const byId = new Map(records.map((x) => [x.id, x]));
      await store.production.complete(
        await scorer.score(
          claimed.map((e) => byId.get(e.recordId)!),
          'answers',
        ),
      );
    }

    const result = await evaluate(store, suite, 'answers', { now: new Date(START + 12 * DAY) });
    expect(result.opened.map((a) => a.metric)).toEqual(['language_mix']);
    const pass = result.status.metrics.find((m) => m.metric === 'pass_rate')!;
    expect([pass.window.estimate, pass.state]).toEqual([1, 'ok']);
    const mix = result.status.languageMix!;
    expect(mix.state).toBe('alert');
    const french = mix.languages.find((l) => l.language === 'fr')!;
    expect(french.moved).toBe(true);
    // Day 11's calls, counted from what was sent: French of those of known language, and the unknown ones apart.
    const day11 = [...expected].filter(([t]) => Date.parse(t) >= START + 11 * DAY).map(([, l]) => l);
    const known = day11.filter((l) => l !== null);
    expect(mix.unknown).toBe(day11.length - known.length);
    expect(french.share).toBeCloseTo(known.filter((l) => l === 'fr').length / known.length, 12);
  });
});
