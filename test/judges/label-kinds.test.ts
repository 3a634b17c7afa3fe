// One labeller's pass/fail label, rubric scores and pairwise preference on the same result are three kinds
// of label: importing one never replaces another, the count printed is the count stored, and labels given
// again are reported as updated (a different value) or unchanged (the same value). Through the built CLI,
// on a run judged by the loopback fake provider, then calibrated: every kind reaches its judge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/index.js';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { fenced, promptOf, schemaNameOf } from './helpers.js';

const KEY = 'sk-label-kinds-0123456789';
const CASES = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

/** Pairwise: a polite answer beats ref's "whatever", which beats a curt "no". */
const rank = (text = '') => (text.includes('polite') ? 2 : text.includes('whatever') ? 1 : 0);

/** Good outputs say "polite"; the judge grades them so. */
function judgeAnswer(req: FakeRequest): string {
  const prompt = promptOf(req);
  const polite = (fenced(prompt, 'output') ?? '').includes('polite');
  switch (schemaNameOf(req)) {
    case 'judge_verdict':
      return JSON.stringify({ reasoning: 'r', verdict: polite ? 'pass' : 'fail', score: polite ? 0.9 : 0.1 });
    case 'rubric_scores':
      return JSON.stringify({ tone: { reasoning: 'r', score: polite ? 5 : 2 } });
    case 'pairwise_verdict':
      return JSON.stringify({ reasoning: 'r', winner: rank(fenced(prompt, 'output_a')) > rank(fenced(prompt, 'output_b')) ? 'A' : 'B' });
    default:
      throw new Error(`unexpected schema ${schemaNameOf(req)}`);
  }
}

describe('labels import: pass/fail, rubric scores and winner on the same result and labeller', () => {
  let fake: FakeProvider;
  let dir: string;
  let runId: string;
  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: KEY, answer: judgeAnswer });
    dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: label-kinds',
        'providers:',
        `  openai: { baseURL: "${fake.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }`,
        'models:',
        '  - { id: replay:bot.jsonl, label: bot }',
        '  - { id: replay:ref.jsonl, label: ref }',
        'cases: cases.jsonl',
        'checks:',
        '  - { type: judge, judge: openai:j, rubric: "The answer is polite." }',
        '  - { type: rubric, judge: openai:j, dimensions: [{ name: tone, anchors: { 1: rude, 5: warm } }] }',
        '  - { type: pairwise, metric: better, judge: openai:j, against: ref }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(CASES.map((id) => ({ id }))),
      // bot is polite on c1–c3 only; ref never is.
      'bot.jsonl': jsonl(CASES.map((id, i) => ({ id, output: i < 3 ? `a polite answer to ${id}` : `no (${id})` }))),
      'ref.jsonl': jsonl(CASES.map((id) => ({ id, output: `whatever (${id})` }))),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.stderr).not.toContain('internal error');
    runId = queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id;
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  // 18 lines by one labeller: for each of the 6 bot results a pass/fail line, a rubric line and a winner line.
  const lines = CASES.flatMap((id, i) => [
    { case_id: id, variant: 'bot', label: i < 3 ? 'pass' : 'fail', labeller: 'ana' },
    { case_id: id, variant: 'bot', scores: { tone: i < 3 ? 5 : 2 }, labeller: 'ana' },
    { case_id: id, variant: 'bot', winner: i < 3 ? 'bot' : 'ref', labeller: 'ana' },
  ]);
  const labelRows = () =>
    queryDb<{ case_id: string; label: string | null; scores_json: string | null; preference: string | null }>(
      dir,
      "SELECT * FROM labels WHERE labeller = 'ana' ORDER BY case_id",
    );

  it('stores every kind, prints the count it stored, and calibration finds all three', async () => {
    writeFiles(dir, { 'labels.jsonl': jsonl(lines) });
    const r = await runCli(['labels', 'import', 'labels.jsonl', '--run', runId], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`imported 18 labels (6 pass/fail, 6 with dimension scores, 6 pairwise (win/loss/tie)) by ana into run ${runId}`);
    const rows = labelRows();
    // One row per result and labeller, holding the three kinds: 6 + 6 + 6 = the 18 printed.
    expect(rows).toHaveLength(6);
    expect(rows.map((x) => [x.case_id, x.label, JSON.parse(x.scores_json!).tone, x.preference])).toEqual([
      ['c1', 'pass', 5, 'win'],
      ['c2', 'pass', 5, 'win'],
      ['c3', 'pass', 5, 'win'],
      ['c4', 'fail', 2, 'loss'],
      ['c5', 'fail', 2, 'loss'],
      ['c6', 'fail', 2, 'loss'],
    ]);
    const stored = rows.filter((x) => x.label).length + rows.filter((x) => x.scores_json).length + rows.filter((x) => x.preference).length;
    expect(stored).toBe(18);

    const cal = await runCli(['calibrate', runId, '--json', 'cal.json'], { cwd: dir });
    expect(cal.exitCode).toBe(0);
    const judges = JSON.parse(readFileSync(join(dir, 'cal.json'), 'utf8')).judges as { metric: string; kind: string; n: number; agreement: number }[];
    // The judge agrees with every label of each kind: 6 results each.
    expect(judges.map((j) => [j.metric, j.kind, j.n, j.agreement]).sort()).toEqual([
      ['better', 'pairwise', 6, 1],
      ['judge', 'binary', 6, 1],
      ['tone', 'ordinal', 6, 1],
    ]);
  });

  it('the same labels again are unchanged; a changed verdict is an update, and nothing else moves', async () => {
    const again = await runCli(['labels', 'import', 'labels.jsonl', '--run', runId], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(
      `imported 0 labels, 18 unchanged (already stored) (18 read: 6 pass/fail, 6 with dimension scores, 6 pairwise (win/loss/tie)) by ana into run ${runId}`,
    );
    expect(labelRows()).toHaveLength(6);

    // Line 1: c1 now fails (an update); line 2: a new dimension on c1 (new); line 3: c2's winner unchanged.
    writeFiles(dir, {
      'fix.jsonl': jsonl([
        { case_id: 'c1', variant: 'bot', label: 'fail', labeller: 'ana' },
        { case_id: 'c1', variant: 'bot', scores: { accuracy: 3 }, labeller: 'ana' },
        { case_id: 'c2', variant: 'bot', winner: 'bot', labeller: 'ana' },
      ]),
    });
    const fix = await runCli(['labels', 'import', 'fix.jsonl', '--run', runId], { cwd: dir });
    expect(fix.exitCode).toBe(0);
    expect(fix.stdout).toContain(
      'imported 1 label, updated 1, 1 unchanged (already stored) (3 read: 1 pass/fail, 1 with dimension scores, 1 pairwise (win/loss/tie))',
    );
    expect(fix.stdout).toContain("updated: the same labeller's earlier label of the same kind on the same result was replaced (line 1)");
    const c1 = labelRows()[0];
    expect([c1.label, JSON.parse(c1.scores_json!), c1.preference]).toEqual(['fail', { tone: 5, accuracy: 3 }, 'win']);

    const list = await runCli(['labels', 'list', runId], { cwd: dir });
    expect(list.stdout).toMatch(/ana\s+6\s+2\s+4\s+6\s+6/); // results, pass, fail, win/loss/tie, scored
  });
});

describe('migration 7: a stored win/loss/tie label becomes a preference', () => {
  afterAll(() => cleanupTempDirs());
  it('moves pairwise labels out of the pass/fail column and leaves pass/fail alone', async () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 5)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then');
    }
    db.prepare("INSERT INTO runs VALUES ('r', 's', 'h', 'f', NULL, 'completed', 1, '{}', '[]', 1, NULL, NULL, 2, 't', NULL, '[]')").run();
    const put = db.prepare(
      "INSERT INTO labels (run_id, case_id, variant_id, repeat_index, label, labeller, created_at) VALUES ('r', ?, 'a', 0, ?, 'ana', 't')",
    );
    put.run('c1', 'win');
    put.run('c2', 'fail');
    db.close();
    const store = openStore(file);
    try {
      const rows = await store.labels.list('r');
      expect(rows.map((l) => [l.caseId, l.label, l.preference])).toEqual([
        ['c1', null, 'win'],
        ['c2', 'fail', null],
      ]);
    } finally {
      await store.close();
    }
  });
});
