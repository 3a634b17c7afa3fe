// `evalspec promote` end to end with the built CLI: production records ingested (ingest/'s JSONL path, under the
// suite's redaction rules of that time), scored by the monitor's real scorer through the store's queue (putRecords,
// claim, complete), then promoted. --failed writes exactly the failed records with provenance; running it again adds
// nothing; a redaction rule added to the suite after ingest is applied; --flagged; --sample --per-segment is
// reproducible with --seed; the written file loads as a suite's cases (loadSuite, `run --dry-run`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { promptOf } from '../judges/helpers.js';
import { ingestContext, parseJsonlRecords } from '../../src/ingest/index.js';
import { createProductionScorer } from '../../src/monitor/index.js';
import { openStore } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const EMAIL = String.raw`[\w.+-]+@[\w-]+\.[\w.]+`;
// Added after ingest: phone numbers (replaced) and API keys (removed outright).
const PHONE = String.raw`\+\d[\d ]{8,}\d`;
const API_KEY = String.raw`sk-[A-Za-z0-9]{8,}`;

function suiteYaml(url: string, options: { laterRules?: boolean; cases?: string } = {}): string {
  const later = options.laterRules ? `\n      - { regex: '${PHONE}', replace: '[phone]' }\n      - { regex: '${API_KEY}', replace: '' }` : '';
  return `name: support
providers:
  openai: { baseURL: "${url}", apiKey: "sk-promote-test-0000" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "{{input}}" }]
cases: ${options.cases ?? 'cases.jsonl'}
checks:
  - { type: contains, value: "thanks", metric: polite }
production:
  attributes: { app.plan: "plan:{{value}}" }
  redact:
    attributes: [user.email]
    patterns:
      - { regex: '${EMAIL}', replace: '[email]' }${later}
monitors:
  - name: answers
    checks: [polite]
  - name: lengthy
    checks: [{ type: length, max: 1000, unit: chars }]
`;
}

const line = (i: number, user: string | { role: string; content: string }[], output: string, attributes: Record<string, string> = {}) => ({
  trace_id: i.toString(16).padStart(32, '0'),
  span_id: i.toString(16).padStart(16, 'a'),
  timestamp: `2026-12-0${1 + (i % 4)}T10:${String(i % 60).padStart(2, '0')}:00Z`,
  model: 'gpt-4o-mini',
  input: user,
  output,
  attributes,
});

// What the app sent. Failing answers (no "thanks"): 1, 3, 4, 5, 6; the rest pass the `polite` check.
const TRAFFIC = [
  line(1, 'Where is my order 1001?', 'It ships Monday.', { 'app.plan': 'pro', 'user.email': 'ann@example.com' }),
  line(2, 'Can I get a refund?\u001b[2J\u001b]0;pwned\u0007', 'Yes, thanks for asking.', { 'app.plan': 'pro' }),
  line(3, 'Call me back on +1 555 010 9999 please', 'We will call.', { 'app.plan': 'free', 'app.callback': '+1 555 010 9999' }),
  line(4, 'Do you ship to Canada?', 'No.'), // the suite already asks this (with a check of its own)
  line(5, 'sk-ABCDEFGH12345678', 'Invalid input.', { 'app.plan': 'free' }), // nothing left once API keys are removed
  line(
    6,
    [
      { role: 'system', content: 'You are support.' },
      { role: 'user', content: 'My email is bob@example.com' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'Now change my plan' },
    ],
    'Done.',
    { 'app.plan': 'pro' },
  ),
  // Passing traffic for --sample: 12 pro, 8 free, 5 without a plan.
  ...Array.from({ length: 25 }, (_, k) =>
    line(100 + k, `Question number ${k}`, 'Answered, thanks.', k < 12 ? { 'app.plan': 'pro' } : k < 20 ? { 'app.plan': 'free' } : {}),
  ),
];

let fake: FakeProvider;
let dir: string;

beforeAll(async () => {
  fake = await startFakeProvider({ apiKey: 'sk-promote-test-0000', answer: () => 'thanks' });
  dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': suiteYaml(fake.openaiBaseURL),
    'cases.jsonl': jsonl([{ id: 'canada', vars: { input: 'Do you ship to Canada?' }, checks: [{ type: 'contains', value: 'Canada' }] }]),
  });
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const records = parseJsonlRecords(jsonl(TRAFFIC), ingestContext({ suite }));
  const store = openStore(dbPath(dir));
  try {
    await store.production.putRecords(
      records,
      records.flatMap((r) => suite.monitors.map((m) => ({ recordId: r.id, monitor: m.name }))),
    );
    // Score the queue as the online scorer does: claim, score with the suite's checks, complete.
    const scorer = await createProductionScorer({ suite, store });
    for (const monitor of suite.monitors) {
      const claimed = await store.production.claim({
        suite: 'support',
        monitor: monitor.name,
        limit: 100,
        holder: 'test',
        now: Date.now(),
        leaseUntil: Date.now() + 60_000,
      });
      const byId = new Map(records.map((r) => [r.id, r]));
      await store.production.complete(
        await scorer.score(
          claimed.map((c) => byId.get(c.recordId)!),
          monitor.name,
        ),
      );
    }
    await store.production.setFlagged(records[1].id, true); // a passing answer a person flagged
  } finally {
    await store.close();
  }
  // The suite gains rules after the traffic was ingested.
  writeFiles(dir, { 'evalspec.yaml': suiteYaml(fake.openaiBaseURL, { laterRules: true }) });
});

afterAll(async () => {
  await fake.close();
  cleanupTempDirs();
});

const readCases = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('evalspec promote', () => {
  it('--failed writes the failed records as cases with provenance; a second run adds nothing', async () => {
    const out = join(dir, 'prod.jsonl');
    const first = await runCli(['promote', 'evalspec.yaml', '--failed', '--monitor', 'answers', '--out', 'prod.jsonl'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    // 5 records failed `polite`: 4 duplicates the suite's own case, 5 has no user text once the API key is removed.
    expect(first.stdout).toContain('5 production record(s) selected by --failed');
    expect(first.stdout).toContain('wrote 3 case(s)');
    expect(first.stdout).toContain('skipped: 1 already a case (same content or id), 1 with no user message left after redaction');
    const cases = readCases(out);
    // Oldest first (day = 1 + i mod 4): record 1 on Dec 2, 6 on Dec 3, 3 on Dec 4.
    expect(cases.map((c) => c.vars.input)).toEqual(['Where is my order 1001?', 'Now change my plan', 'Call me back on [phone] please']);
    const [order, multi, callback] = cases;
    expect(order.tags).toEqual(['plan:pro', 'production']);
    expect(order.vars['app.plan']).toBe('pro');
    expect(order.vars).not.toHaveProperty('user.email'); // dropped at ingest already
    expect(order.provenance).toMatchObject({
      source: 'production',
      trace_id: '00000000000000000000000000000001',
      span_id: 'aaaaaaaaaaaaaaa1',
      started_at: '2026-12-02T10:01:00.000Z',
      monitor: 'answers',
      selected: 'failed',
      failed_checks: ['polite'],
    });
    // The rule added after ingest: the phone number is replaced in the message and the attribute carrying it is dropped.
    expect(JSON.stringify(callback)).not.toMatch(/555/);
    expect(callback.vars).not.toHaveProperty('app.callback');
    expect(callback.vars['app.plan']).toBe('free');
    // Multi-turn: the conversation without the system prompt, redacted as at ingest.
    expect(multi.vars.messages).toEqual([
      { role: 'user', content: 'My email is [email]' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'Now change my plan' },
    ]);
    expect(readFileSync(out, 'utf8')).not.toMatch(/example\.com|sk-ABCDEFGH/);

    const again = await runCli(['promote', 'evalspec.yaml', '--failed', '--out', 'prod.jsonl'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('wrote 0 case(s)');
    expect(again.stdout).toContain('skipped: 4 already a case');
    expect(readCases(out)).toHaveLength(3);
  });

  it("the written file loads as the suite's cases: loadSuite, `run --dry-run` and a run", async () => {
    writeFiles(dir, { 'prod-suite.yaml': suiteYaml(fake.openaiBaseURL, { cases: 'prod.jsonl' }) });
    const suite = loadSuite(join(dir, 'prod-suite.yaml'));
    expect(suite.cases).toHaveLength(3);
    expect(suite.cases[0].provenance).toMatchObject({ selected: 'failed' });
    const dry = await runCli(['run', 'prod-suite.yaml', '--dry-run'], { cwd: dir });
    expect(dry.stderr).toBe('');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('3 calls');
    // And it runs: the provider is asked each promoted input (redacted), and the suite's check passes the answer.
    fake.reset();
    const run = await runCli(['run', 'prod-suite.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(fake.requests.map((r) => promptOf(r)).sort()).toEqual(['Call me back on [phone] please', 'Now change my plan', 'Where is my order 1001?']);
  });

  it('--flagged promotes what a person flagged, whatever its score', async () => {
    const result = await runCli(['promote', 'evalspec.yaml', '--flagged', '--out', 'flagged.jsonl'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const cases = readCases(join(dir, 'flagged.jsonl'));
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      vars: { input: 'Can I get a refund?\u001b[2J\u001b]0;pwned\u0007' },
      provenance: { selected: 'flagged', failed_checks: [] },
    });
    // Production text is untrusted: the file keeps it as data (JSON-escaped), the terminal gets no escape sequence.
    expect(result.stdout).toContain('Can I get a refund?');
    expect(result.stdout).not.toMatch(/[\u001b\u0007]/);
  });

  it('--sample N --per-segment: N of each segment tag, the same with the same --seed', async () => {
    // A suite of the same name without the Canada case: no sampled record is already a case, so all are written.
    writeFiles(dir, {
      'sample-suite.yaml': suiteYaml(fake.openaiBaseURL, { laterRules: true, cases: 'other-cases.jsonl' }),
      'other-cases.jsonl': jsonl([{ id: 'x', vars: { input: 'unrelated' } }]),
    });
    const sample = async (seed: string, out: string) => {
      const r = await runCli(['promote', 'sample-suite.yaml', '--sample', '2', '--per-segment', '--seed', seed, '--out', out], { cwd: dir });
      expect(r.exitCode).toBe(0);
      return readCases(join(dir, out));
    };
    const a = await sample('7', 'sample-a.jsonl');
    const b = await sample('7', 'sample-b.jsonl');
    expect(b).toEqual(a);
    // Every record carries one plan tag or none (segment "untagged"): 2 pro, 2 free, 2 untagged.
    const segment = (c: { tags: string[] }) => c.tags.find((t) => t.startsWith('plan:')) ?? 'untagged';
    const counts: Record<string, number> = {};
    for (const c of a) counts[segment(c)] = (counts[segment(c)] ?? 0) + 1;
    expect(counts).toEqual({ 'plan:pro': 2, 'plan:free': 2, untagged: 2 });
    // Another seed draws another sample from the same 30 eligible records (31 less the one redaction empties).
    const other = await sample('8', 'sample-c.jsonl');
    expect(other.map((c) => c.id)).not.toEqual(a.map((c) => c.id));
  });

  it('bad usage: no selection, two selections, an unknown monitor, a bad --since, a non-JSONL --out → exit 2, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [[], /say which records to promote/],
      [['--failed', '--flagged'], /choose one selection/],
      [['--failed', '--monitor', 'nope'], /no monitor "nope"[\s\S]*answers, lengthy/],
      [['--failed', '--since', 'last week'], /--since must be a duration like 7d/],
      [['--failed', '--out', 'bad.csv'], /--out must be a JSONL file/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['promote', 'evalspec.yaml', '--out', 'bad.jsonl', ...flags], { cwd: dir }); // a later --out wins
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'bad.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
  });

  it('--dry-run and --since: reports without writing; records before --since are not selected', async () => {
    const r = await runCli(['promote', 'evalspec.yaml', '--failed', '--since', '2026-12-03', '--dry-run', '--out', 'dry.jsonl'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    // Failed records (1, 3, 4, 5, 6) on day 1 + i mod 4 ≥ Dec 3: record 6 (Dec 3) and 3 (Dec 4).
    expect(r.stdout).toContain('2 production record(s) selected by --failed; would write 2 case(s)');
    expect(r.stdout).toContain('dry run: nothing written');
    expect(existsSync(join(dir, 'dry.jsonl'))).toBe(false);
  });
});
