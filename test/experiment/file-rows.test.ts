// The streamed CSV/JSONL reader: quotes (RFC 4180, a quoted line break), CRLF line ends, a byte-order mark, the
// line numbers reported, and a missing required column named with the columns the header has.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { forEachRow } from '../../src/experiment/sources/file-rows.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

async function rows(name: string, text: string, columns = ['user_id', 'note']) {
  const dir = tempDir('evalspec-rows-');
  writeFiles(dir, { [name]: text });
  const out: [unknown[], number][] = [];
  await forEachRow(
    join(dir, name),
    'exposures',
    columns.map((c) => ({ names: [c], required: true })),
    (values, line) => out.push([[...values], line]),
  );
  return out;
}

describe('experiment file rows', () => {
  it('reads quoted CSV fields, CRLF and a byte-order mark', async () => {
    const text = '\uFEFFuser_id,note\r\nu1,"a, b"\r\nu2,"say ""hi"""\r\n\r\nu3,"two\nlines"\r\nu4,plain';
    expect(await rows('e.csv', text)).toEqual([
      [['u1', 'a, b'], 2],
      [['u2', 'say "hi"'], 3],
      [['u3', 'two\nlines'], 5],
      [['u4', 'plain'], 7],
    ]);
  });

  it('reads JSONL with missing keys as undefined', async () => {
    expect(await rows('e.jsonl', '{"user_id":"u1","note":3}\n\n{"user_id":2}\n')).toEqual([
      [['u1', 3], 1],
      [[2, undefined], 3],
    ]);
  });

  it('names a missing required column with the header it found', async () => {
    await expect(rows('e.csv', 'user,note\nu1,x\n')).rejects.toThrow(/exposures: the header has no column "user_id" \(it has: user, note\)/);
  });
});
