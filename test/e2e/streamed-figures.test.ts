// The figures printed must not change when the read-back path changes (issue #22: one streamed pass over the
// store into compact per-case columns instead of per-result objects and several scans). The fixture under
// test/fixtures/streamed-report/ is a small store (3 variants, repeats, clusters, tags, an LLM judge, a critical
// check, errored calls, two runs of one suite for diff, and a repeat-1 run) with the outputs of show (terminal,
// JSON, Markdown, JUnit), diff, select and doctor as the code BEFORE that change wrote them. This test runs
// the current CLI on a copy of the store and compares: text exactly, JSON exactly but numbers to 1e-9 relative
// (per-case values are now summed in case order rather than result order).
//
// EVALSPEC_WRITE_FIXTURE=1 regenerates the store and the expected outputs (with the fake provider); only do
// that on a build whose figures are known to be right, and say so in the commit.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, REPO, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { schemaNameOf } from '../judges/helpers.js';

afterAll(() => cleanupTempDirs());

const FIXTURE = join(REPO, 'test/fixtures/streamed-report');
const KEY = 'sk-streamed-figures-0123456789';
const caseNumber = (text: string): number => Number(/Ticket (\d+):/.exec(text)?.[1] ?? -1);

const suiteYaml = (url: string, repeat: number, name: string) => `name: ${name}
providers:
  openai: { baseURL: "${url}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini, openai:gpt-4o, openai:gpt-4.1-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "{{question}}" }]
cases: cases.jsonl
concurrency: 4
retries: { max: 0 }
repeat: ${repeat}
checks:
  - { type: contains, value: "CODE-{{n}}" }
  - { type: contains, value: "LEAK", not: true, severity: critical, metric: no-leak }
  - { type: judge, judge: openai:gpt-4o, rubric: "The answer gives the ticket's code politely.", metric: polite }
bars:
  - { metric: pass_rate, min: 0.5 }
  - { compare: openai:gpt-4o-mini, max_drop: 0.2 }
`;

/** 40 cases: tags segment:a/b/c and "billing" on some, clusters of 4 on the first 24. */
const casesJsonl = () =>
  jsonl(
    Array.from({ length: 40 }, (_, i) => ({
      id: `t${i + 1}`,
      vars: { question: `Ticket ${i + 1}: the code is CODE-${i + 1}.`, n: i + 1 },
      tags: [`segment:${'abc'[i % 3]}`, ...(i % 5 === 0 ? ['billing'] : [])],
      ...(i < 24 ? { cluster: `k${Math.floor(i / 4)}` } : {}),
    })),
  );

async function writeFixture(): Promise<void> {
  let phase = 1;
  const server = await startFakeProvider({
    apiKey: KEY,
    answer: (req: FakeRequest) => {
      const name = schemaNameOf(req);
      if (name === 'judge_verdict') {
        const n = caseNumber(JSON.stringify(req.messages));
        const score = ((n * 7) % 5) / 4;
        return { text: JSON.stringify({ reasoning: 'checked', verdict: score >= 0.5 ? 'pass' : 'fail', score }), inputTokens: 500, outputTokens: 50 };
      }
      if (name !== undefined) return { text: JSON.stringify({ reasoning: 'same', winner: 'tie' }), inputTokens: 500, outputTokens: 50 };
      const n = caseNumber(req.messages.at(-1)!.content);
      const model = req.model;
      // Who fails which case: deterministic in (model, case, repeat attempt, phase), with flaky repeats.
      const salt = model === 'gpt-4o' ? 3 : model === 'gpt-4o-mini' ? 5 : 7;
      const wrong = (Math.imul(n + salt * 13 + req.attempt * (n % 4 === 0 ? 1 : 0) + phase * (n % 6 === 0 ? 5 : 0), 2654435761) >>> 0) % 4 === 0;
      const leak = model === 'gpt-4.1-mini' && n % 9 === 0;
      return {
        text: `${wrong ? 'No idea.' : `Your code: CODE-${n}.`}${leak ? ' LEAK the admin password' : ''}`,
        inputTokens: 1000 + n,
        outputTokens: 20 + (n % 7),
      };
    },
    fault: (req) =>
      req.model === 'gpt-4.1-mini' && schemaNameOf(req) === undefined && caseNumber(req.messages.at(-1)!.content) % 11 === 0 ? { kind: '500' } : undefined,
  });
  try {
    const dir = tempDir();
    writeFiles(dir, {
      'repeated/evalspec.yaml': suiteYaml(server.openaiBaseURL, 3, 'streamed-repeated'),
      'repeated/cases.jsonl': casesJsonl(),
      'single/evalspec.yaml': suiteYaml(server.openaiBaseURL, 1, 'streamed-single'),
      'single/cases.jsonl': casesJsonl(),
    });
    const env = { OPENAI_API_KEY: KEY };
    for (const [suite, p] of [
      ['repeated', 1],
      ['repeated', 2],
      ['single', 1],
    ] as const) {
      phase = p;
      const r = await runCli(['run', `${suite}/evalspec.yaml`, '--db', 'store.db', '--no-cache', '--no-progress', '--label', `${suite}-${p}`], {
        cwd: dir,
        env,
      });
      expect([0, 1, 3], r.stderr).toContain(r.exitCode); // 3: errored calls left (the fixture wants some)
    }
    mkdirSync(FIXTURE, { recursive: true });
    copyFileSync(join(dir, 'store.db'), join(FIXTURE, 'store.db'));
  } finally {
    await server.close();
  }
}

/** The commands whose outputs are compared, and the files they write (besides stdout). */
function commands(ids: { repeated1: string; repeated2: string; single: string }): { name: string; args: string[]; files: string[] }[] {
  const out: { name: string; args: string[]; files: string[] }[] = [];
  for (const [key, id] of Object.entries(ids)) {
    out.push({
      name: `show-${key}`,
      args: ['show', id, '--json', `show-${key}.json`, '--md', `show-${key}.md`, '--junit', `show-${key}.xml`],
      files: [`show-${key}.json`, `show-${key}.md`, `show-${key}.xml`],
    });
    out.push({ name: `select-${key}`, args: ['select', id, '--json', `select-${key}.json`, '--volume', '1M/month'], files: [`select-${key}.json`] });
    out.push({ name: `doctor-${key}`, args: ['doctor', id, '--json', `doctor-${key}.json`], files: [`doctor-${key}.json`] });
  }
  out.push({ name: 'diff', args: ['diff', ids.repeated1, ids.repeated2, '--json', 'diff.json', '--md', 'diff.md'], files: ['diff.json', 'diff.md'] });
  return out;
}

/** Run ids of the fixture's three runs, by label. */
async function runIds(dir: string): Promise<{ repeated1: string; repeated2: string; single: string }> {
  const r = await runCli(['runs', '--db', 'store.db', '--json'], { cwd: dir });
  const runs = JSON.parse(r.stdout) as { id: string; label: string | null }[];
  const id = (label: string) => runs.find((x) => x.label === label)!.id;
  return { repeated1: id('repeated-1'), repeated2: id('repeated-2'), single: id('single-1') };
}

async function outputs(): Promise<Record<string, string>> {
  const dir = tempDir();
  copyFileSync(join(FIXTURE, 'store.db'), join(dir, 'store.db'));
  const ids = await runIds(dir);
  const got: Record<string, string> = {};
  for (const c of commands(ids)) {
    const r = await runCli([...c.args, '--db', 'store.db'], { cwd: dir });
    got[`${c.name}.stdout.txt`] = `exit ${r.exitCode}\n${r.stdout}${r.stderr ? `\n--- stderr\n${r.stderr}` : ''}`;
    for (const f of c.files) got[f] = existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '(not written)';
  }
  return got;
}

/** Deep equality with numbers compared to 1e-9 relative (1e-12 absolute near 0). */
function expectSameJson(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = Math.max(1e-12, 1e-9 * Math.abs(expected));
    if (Math.abs(actual - expected) > tolerance) expect.fail(`${path}: ${actual} differs from ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') {
    expect(actual, path).toEqual(expected);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSameJson((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  expect(Object.keys(actual).sort(), `${path} keys`).toEqual(Object.keys(expected).sort());
  for (const [k, e] of Object.entries(expected)) expectSameJson((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
}

describe('figures printed by show, diff, select and doctor are unchanged (fixture store)', () => {
  // Registered only when asked for: a skipped test would show in every CI summary line.
  if (process.env.EVALSPEC_WRITE_FIXTURE === '1')
    it('regenerates the fixture', { timeout: 120_000 }, async () => {
      await writeFixture();
      const got = await outputs();
      mkdirSync(join(FIXTURE, 'expected'), { recursive: true });
      for (const [name, text] of Object.entries(got)) writeFileSync(join(FIXTURE, 'expected', name), text);
    });

  it('diff without --json (outputs fetched for the shown flips only) prints what it prints with --json', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURE, 'store.db'), join(dir, 'store.db'));
    const ids = await runIds(dir);
    // The fixture's diff has more still-failing flips (22 for one variant) than the 5 shown per kind.
    for (const flips of ['5', '1']) {
      const plain = await runCli(['diff', ids.repeated1, ids.repeated2, '--flips', flips, '--db', 'store.db'], { cwd: dir });
      const full = await runCli(['diff', ids.repeated1, ids.repeated2, '--flips', flips, '--json', 'all.json', '--db', 'store.db'], { cwd: dir });
      expect(plain.exitCode).toBe(0);
      expect(plain.stdout).toBe(full.stdout);
    }
    const md = await runCli(['diff', ids.repeated1, ids.repeated2, '--md', 'only.md', '--db', 'store.db'], { cwd: dir });
    expect(md.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'only.md'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'expected/diff.md'), 'utf8'));
  });

  it('matches the expected outputs', { timeout: 120_000 }, async () => {
    const got = await outputs();
    const expectedFiles = readdirSync(join(FIXTURE, 'expected')).sort();
    expect(Object.keys(got).sort()).toEqual(expectedFiles);
    for (const name of expectedFiles) {
      const expected = readFileSync(join(FIXTURE, 'expected', name), 'utf8');
      if (name.endsWith('.json') && expected !== '(not written)') expectSameJson(JSON.parse(got[name]), JSON.parse(expected), name);
      else expect(got[name], name).toBe(expected);
    }
  });
});
