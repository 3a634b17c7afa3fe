// Reading the user's files: the encoding is detected (UTF-8 with or without BOM, UTF-16 LE/BE with a BOM)
// and anything else is a clear error naming the file, the line and the fix ("save as UTF-8") instead of text
// silently turned into U+FFFD or NUL characters; a YAML alias bomb is refused with the file and line.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { countRows, queryDb } from '../helpers/store.js';

afterAll(() => cleanupTempDirs());

const SUITE = ['name: encodings', 'models: [function:./app.mjs]', 'cases: cases.jsonl', 'checks: [{ type: contains, value: "{{expected}}" }]', ''].join('\n');
const APP = 'export default async function ({ vars }) { return `réponse : ${vars.expected}`; }\n';
// Non-ASCII on purpose: a wrong decoding changes these strings.
const CASE_RECORDS = [
  { id: 'c1', vars: { expected: 'café' } },
  { id: 'c2', vars: { expected: 'naïve — “quoted” 日本' } },
];

/** UTF-16 bytes of a string with its byte-order mark. */
function utf16(text: string, order: 'LE' | 'BE', bom = true): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = order === 'LE' ? le : Buffer.from(le).swap16();
  return Buffer.concat([bom ? Buffer.from(order === 'LE' ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0), body]);
}

async function runWith(files: Record<string, string | Buffer>, args: string[] = ['run', 'evalspec.yaml']): Promise<{ dir: string; result: CliResult }> {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': SUITE, 'app.mjs': APP });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, result: await runCli(args, { cwd: dir }) };
}

function expectInputError(result: CliResult, code: string): void {
  expect(result.stderr).not.toContain('internal error');
  expect(result.exitCode, result.stderr).toBe(2);
  expect(result.stderr).toContain(`error[${code}]`);
}

const storedVars = (dir: string) =>
  queryDb<{ case_id: string; vars_json: string }>(dir, 'SELECT case_id, vars_json FROM cases ORDER BY case_id').map((r) => JSON.parse(r.vars_json));

describe('text encodings', () => {
  for (const order of ['LE', 'BE'] as const) {
    it(`a UTF-16 ${order} cases file with a byte-order mark is read as its text`, async () => {
      const { dir, result } = await runWith({ 'cases.jsonl': utf16(jsonl(CASE_RECORDS), order) });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(storedVars(dir)).toEqual(CASE_RECORDS.map((c) => c.vars));
    });
  }

  it('a UTF-16 LE suite file and a UTF-8 cases file with a BOM (as Excel and Notepad write them)', async () => {
    const { dir, result } = await runWith({
      'evalspec.yaml': utf16(SUITE, 'LE'),
      'cases.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl(CASE_RECORDS))]),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(storedVars(dir)).toEqual(CASE_RECORDS.map((c) => c.vars));
  });

  it('a CSV cases file in UTF-16 LE (Excel\'s "Unicode text") keeps its accents', async () => {
    const suite = SUITE.replace('cases.jsonl', 'cases.csv');
    const { dir, result } = await runWith({ 'evalspec.yaml': suite, 'cases.csv': utf16('id,expected\nc1,café\nc2,naïve\n', 'LE') });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(storedVars(dir)).toEqual([{ expected: 'café' }, { expected: 'naïve' }]);
  });

  it('invalid UTF-8 (a Latin-1 "é" on line 2): exit 2 naming the file, line, byte offset and "save as UTF-8"', async () => {
    const line1 = `${JSON.stringify(CASE_RECORDS[0])}\n`;
    const latin1 = Buffer.concat([Buffer.from(line1), Buffer.from('{"id":"c2","vars":{"expected":"caf', 'latin1'), Buffer.from([0xe9]), Buffer.from('"}}\n')]);
    const { dir, result } = await runWith({ 'cases.jsonl': latin1 });
    expectInputError(result, 'CASES_PARSE');
    // Offset: line 1 in bytes, then the ASCII bytes of `{"id":"c2","vars":{"expected":"caf`:
    // { (1) "id" (4) : (1) "c2" (4) , (1) "vars" (6) : (1) { (1) "expected" (10) : (1) "caf (4) = 34.
    const offset = Buffer.byteLength(line1) + 34;
    expect(result.stderr).toContain(
      `error[CASES_PARSE] ${join(dir, 'cases.jsonl')}:2: the file is not valid UTF-8: bytes E9 22 7D 7D at byte offset ${offset}`,
    );
    expect(result.stderr).toContain('fix: save the file as UTF-8');
    expect(result.stderr).not.toContain('\uFFFD');
    expect(countRows(dir, 'runs')).toBe(0);
  });

  it('invalid UTF-8 in the suite file: SUITE_YAML with its line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name: encodings\ndescription: "'),
      Buffer.from([0x93]),
      Buffer.from('quoted"\n'),
      Buffer.from(SUITE.split('\n').slice(1).join('\n')),
    ]);
    const { dir, result } = await runWith({ 'evalspec.yaml': bytes, 'cases.jsonl': jsonl(CASE_RECORDS) });
    expectInputError(result, 'SUITE_YAML');
    expect(result.stderr).toContain(`${join(dir, 'evalspec.yaml')}:2: the file is not valid UTF-8: bytes 93`);
  });

  it('UTF-16 without a byte-order mark: names the encoding instead of NUL bytes', async () => {
    const { dir, result } = await runWith({ 'cases.jsonl': utf16(jsonl(CASE_RECORDS), 'LE', false) });
    expectInputError(result, 'CASES_PARSE');
    expect(result.stderr).toContain(`${join(dir, 'cases.jsonl')}:1: the file looks like UTF-16 LE without a byte-order mark`);
    expect(result.stderr).not.toContain('\u0000');
    expect(result.stderr).toContain('fix: save the file as UTF-8');
  });

  it('labels and replay files go through the same check', async () => {
    const bad = Buffer.concat([Buffer.from('{"case_id":"c1","variant":"app","label":"pass","comment":"tr'), Buffer.from([0xe8]), Buffer.from('s bien"}\n')]);
    const { dir } = await runWith({ 'cases.jsonl': jsonl(CASE_RECORDS) });
    writeFileSync(join(dir, 'labels.jsonl'), bad);
    const labels = await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir });
    expectInputError(labels, 'LABELS_FILE');
    expect(labels.stderr).toContain(`${join(dir, 'labels.jsonl')}:1: the file is not valid UTF-8`);

    const replaySuite = SUITE.replace('function:./app.mjs', 'replay:./outputs.jsonl');
    const replay = await runWith({
      'evalspec.yaml': replaySuite,
      'cases.jsonl': jsonl(CASE_RECORDS),
      'outputs.jsonl': Buffer.concat([Buffer.from('{"id":"c1","output":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
    });
    expectInputError(replay.result, 'REPLAY_FILE');
    expect(replay.result.stderr).toContain(`${join(replay.dir, 'outputs.jsonl')}:1: the file is not valid UTF-8`);
  });
});

describe('YAML alias bomb', () => {
  it('aliases that expand exponentially: exit 2, SUITE_YAML with the file and the line of the first alias', async () => {
    const bomb = [
      'name: bomb',
      'models: [function:./app.mjs]',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', // line 4: the first alias
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]',
      'cases: [*g]',
      '',
    ].join('\n');
    const { dir, result } = await runWith({ 'evalspec.yaml': bomb });
    expectInputError(result, 'SUITE_YAML');
    expect(result.stderr).toContain(`error[SUITE_YAML] ${join(dir, 'evalspec.yaml')}:4: invalid YAML: its aliases (*name) expand to too many values`);
    expect(result.stderr).toMatch(/\n {2}fix: \S/);
    expect(readFileSync(join(dir, 'evalspec.yaml'), 'utf8')).toBe(bomb);
  });
});
