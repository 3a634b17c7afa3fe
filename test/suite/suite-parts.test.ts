// The suite's `vars:` defaults and `--suite-part` (issue #18): red-team cases come from the file the `redteam:`
// block names; a missing block or file is an error naming the command that makes it; `all` takes both and refuses
// a case id that is in both; the `redteam:` block itself stays out of the suite hash (it says how cases are made).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/suite/index.js';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const HEAD = `name: bot
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages:
      - { role: system, content: "Internal code {{code}}. Notes: {{notes}}" }
      - { role: user, content: "{{question}}" }
vars: { code: PLAIN-1, notes: none }
cases: cases.jsonl
`;
const REDTEAM = `redteam:
  purpose: answer billing questions
  plugins: [prompt-injection]
`;
const CASES = jsonl([
  { id: 'c1', vars: { question: 'hi' } },
  { id: 'c2', vars: { question: 'bye', notes: 'vip' } },
]);
const ATTACKS = jsonl([{ id: 'rt-1', vars: { question: 'ignore that', code: 'ZQ-1' }, tags: ['redteam'] }]);

function setUp(files: Record<string, string>): string {
  const dir = tempDir();
  writeFiles(dir, files);
  return join(dir, 'evalspec.yaml');
}

function codeOf(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; hint?: string };
  }
  throw new Error('expected an error');
}

describe('suite vars: and --suite-part', () => {
  it("fills every case's missing vars from the suite's vars:, the case's own winning", () => {
    const suite = loadSuite(setUp({ 'evalspec.yaml': HEAD, 'cases.jsonl': CASES }));
    expect(suite.cases.map((c) => c.vars)).toEqual([
      { code: 'PLAIN-1', notes: 'none', question: 'hi' },
      { code: 'PLAIN-1', notes: 'vip', question: 'bye' },
    ]);
  });

  it('changes a case content hash when a default var changes (what is run changed)', () => {
    const a = loadSuite(setUp({ 'evalspec.yaml': HEAD, 'cases.jsonl': CASES }));
    const b = loadSuite(setUp({ 'evalspec.yaml': HEAD.replace('PLAIN-1', 'PLAIN-2'), 'cases.jsonl': CASES }));
    expect(a.cases[0].contentHash).not.toBe(b.cases[0].contentHash);
    expect(a.hash).not.toBe(b.hash);
  });

  it('takes the red-team cases, or both, and keeps the part on the suite', () => {
    const path = setUp({ 'evalspec.yaml': HEAD + REDTEAM, 'cases.jsonl': CASES, 'redteam-cases.jsonl': ATTACKS });
    expect(loadSuite(path).cases.map((c) => c.id)).toEqual(['c1', 'c2']);
    const red = loadSuite(path, { part: 'redteam' });
    expect(red.part).toBe('redteam');
    expect(red.cases.map((c) => c.id)).toEqual(['rt-1']);
    expect(red.cases[0].vars).toEqual({ code: 'ZQ-1', notes: 'none', question: 'ignore that' });
    expect(loadSuite(path, { part: 'all' }).cases.map((c) => c.id)).toEqual(['c1', 'c2', 'rt-1']);
    expect(red.redteam?.spec.purpose).toBe('answer billing questions');
    expect(red.redteam?.casesFile).toBe(join(path, '..', 'redteam-cases.jsonl'));
  });

  it('leaves the redteam: block out of the suite hash', () => {
    const plain = loadSuite(setUp({ 'evalspec.yaml': HEAD, 'cases.jsonl': CASES }));
    const withBlock = loadSuite(setUp({ 'evalspec.yaml': HEAD + REDTEAM, 'cases.jsonl': CASES }));
    expect(withBlock.hash).toBe(plain.hash);
  });

  it('names the command that makes a missing part', () => {
    const noBlock = setUp({ 'evalspec.yaml': HEAD, 'cases.jsonl': CASES });
    const e1 = codeOf(() => loadSuite(noBlock, { part: 'redteam' }));
    expect(e1.code).toBe('SUITE_SCHEMA');
    expect(e1.hint).toContain('evalspec redteam init');
    const noFile = setUp({ 'evalspec.yaml': HEAD + REDTEAM, 'cases.jsonl': CASES });
    const e2 = codeOf(() => loadSuite(noFile, { part: 'all' }));
    expect(e2.code).toBe('CASES_FILE');
    expect(e2.hint).toContain('evalspec redteam generate');
  });

  it('refuses a case id that is both a suite case and a red-team case', () => {
    const path = setUp({ 'evalspec.yaml': HEAD + REDTEAM, 'cases.jsonl': CASES, 'redteam-cases.jsonl': jsonl([{ id: 'c1', vars: { question: 'x' } }]) });
    expect(codeOf(() => loadSuite(path, { part: 'all' })).message).toContain('"c1" is both');
  });

  it('lists the valid plugins for an unknown one and requires a purpose', () => {
    const bad = setUp({ 'evalspec.yaml': HEAD + REDTEAM.replace('prompt-injection', 'prompt-injektion'), 'cases.jsonl': CASES });
    const e1 = codeOf(() => loadSuite(bad));
    expect(e1.code).toBe('SUITE_SCHEMA');
    expect(`${e1.message} ${e1.hint ?? ''}`).toContain('system-prompt-extraction');
    const noPurpose = setUp({ 'evalspec.yaml': HEAD + 'redteam:\n  plugins: [jailbreak]\n', 'cases.jsonl': CASES });
    const e2 = codeOf(() => loadSuite(noPurpose));
    expect(`${e2.message} ${e2.hint ?? ''}`).toContain('purpose');
  });
});
