// A JSONL cases file is streamed (issue #22): loadSuite reads it once to validate and fold it, the plan and the run
// read it again on each pass instead of holding its cases. These tests hold the streamed reading to the whole-file
// reader it replaces: the same cases, lines, ids, content hashes and suite hash, on a file that crosses the reader's
// 1 MiB chunks, and a file edited after loading is refused rather than read as another suite.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseSourceOf, hashJson, loadCaseFile, loadSuite, type Case } from '../../src/suite/index.js';
import { CaseFacts } from '../../src/suite/case-source.js';
import { buildPlan } from '../../src/plan/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const SUITE = `name: many
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages:
      - { role: user, content: "Q: {{question}}" }
checks: [{ type: contains, value: "{{expected}}" }]
cases: cases.jsonl
`;

/** 3,000 cases with what a reader can get wrong: a BOM, CRLF, comments, blank lines, multi-byte text, a 1.5 MiB line. */
function manyCasesText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const record: Record<string, unknown> = { vars: { question: `question ${i} — naïve café 東京 🚀`, expected: `code-${i}` } };
    if (i % 7 !== 0) record.id = `c${i}`; // every 7th derives its id from its vars
    if (i % 3 === 0) record.tags = [`segment:${i % 5}`];
    if (i % 11 === 0) record.cluster = `k${i % 4}`;
    if (i % 13 === 0) record.description = 'described';
    if (i === 1234) (record.vars as Record<string, string>).question = 'x'.repeat(1_500_000); // across two chunks
    lines.push(JSON.stringify(record) + (i % 10 === 0 ? '\r' : ''));
    if (i % 100 === 0) lines.push('// a comment', '   ', '');
  }
  return `\uFEFF${lines.join('\n')}\n`;
}

function suiteDir(cases: string): string {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': SUITE, 'cases.jsonl': cases });
  return dir;
}

const ids = (cases: Iterable<Case>) => Array.from(cases, (c) => c.id);

describe('a streamed JSONL cases file', () => {
  const dir = suiteDir(manyCasesText());
  const suite = loadSuite(join(dir, 'evalspec.yaml'));
  const whole = loadCaseFile(join(dir, 'cases.jsonl')); // the whole-file reader: every case in memory at once

  it('loads with the same cases as the whole-file reader: ids, vars, tags, lines, content hashes', () => {
    expect(whole).toHaveLength(3000);
    expect(caseSourceOf(suite).length).toBe(3000);
    expect([...caseSourceOf(suite)]).toEqual(whole);
    expect(suite.cases).toEqual(whole); // read into memory on first use, for the callers that want an array
    expect(whole[1234].vars.question).toHaveLength(1_500_000);
    expect(whole[0].source.line).toBe(1);
    expect(whole[2].source.line).toBe(6); // after line 1, the comment, the blank lines and line 5
  });

  it('gives the suite hash of hashJson over the config and every case, as before', () => {
    const config = { name: 'many', nested: { b: [1, 2], a: 'x' } };
    const facts = new CaseFacts();
    for (const c of whole) facts.add(c);
    const expected = hashJson({ config, cases: whole.map((c) => [c.id, c.contentHash, c.tags, c.cluster ?? null]) });
    expect(facts.suiteHash(config, [])).toBe(expected);
    const withReplays = new CaseFacts();
    for (const c of whole) withReplays.add(c);
    const toolReplays = [['lookup', 'abc123']];
    expect(withReplays.suiteHash(config, toolReplays)).toBe(
      hashJson({ config, cases: whole.map((c) => [c.id, c.contentHash, c.tags, c.cluster ?? null]), toolReplays }),
    );
  });

  it('hashes the same as the same cases from a JSON file (read whole)', () => {
    const jsonDir = tempDir();
    writeFiles(jsonDir, { 'evalspec.yaml': SUITE.replace('cases.jsonl', 'cases.json'), 'cases.json': JSON.stringify(whole.map(recordOf)) });
    expect(loadSuite(join(jsonDir, 'evalspec.yaml')).hash).toBe(suite.hash);
  });

  it('reads any slice from its checkpoints, as the slice of the whole array', () => {
    const source = caseSourceOf(suite);
    for (const [from, to] of [
      [0, 1],
      [255, 257],
      [256, 512],
      [1000, 1300],
      [2990, 3000],
      [2999, 5000],
    ]) {
      expect(ids(source.slice(from, to)), `${from}..${to}`).toEqual(ids(whole.slice(from, to)));
    }
    const plan = buildPlan(suite);
    expect(plan.cases.length).toBe(3000);
    expect(plan.cases.slice(1233, 1235).map((p) => p.case.id)).toEqual(ids(whole.slice(1233, 1235)));
    expect(Array.from(plan.cases, (p) => p.case.id)).toEqual(ids(whole));
  });

  it('refuses to be read again once the file changed', () => {
    const changedDir = suiteDir(manyCasesText());
    const changed = loadSuite(join(changedDir, 'evalspec.yaml'));
    appendFileSync(join(changedDir, 'cases.jsonl'), `${JSON.stringify({ id: 'late', vars: { question: 'q', expected: 'e' } })}\n`);
    let error: { code?: string; message?: string } | undefined;
    try {
      for (const _ of caseSourceOf(changed)) void _;
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe('CASES_FILE');
    expect(error?.message).toContain('changed after the suite was loaded');
  });

  it('a UTF-16 file (with its byte-order mark) is read whole, with the same cases', () => {
    const utf16Dir = tempDir();
    writeFiles(utf16Dir, { 'evalspec.yaml': SUITE });
    const text = `\uFEFF${whole
      .slice(0, 50)
      .map((c) => JSON.stringify(recordOf(c)))
      .join('\n')}\n`;
    writeFileSync(join(utf16Dir, 'cases.jsonl'), Buffer.from(text, 'utf16le'));
    const loaded = loadSuite(join(utf16Dir, 'evalspec.yaml'));
    expect(ids(caseSourceOf(loaded))).toEqual(ids(whole.slice(0, 50)));
    expect(loaded.cases.map((c) => c.contentHash)).toEqual(whole.slice(0, 50).map((c) => c.contentHash));
  });
});

/** A case written back as its record. */
function recordOf(c: Case): Record<string, unknown> {
  return {
    id: c.id,
    vars: c.vars,
    ...(c.tags.length ? { tags: c.tags } : {}),
    ...(c.cluster !== undefined ? { cluster: c.cluster } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
  };
}
