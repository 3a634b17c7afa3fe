// The one CSV reader (suite/text-file.ts csvRows) behind cases files and labels files: records by header, each
// with its line, fields trimmed or not as the caller says, and invalid CSV as an error naming the file and line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRows } from '../../src/suite/index.js';
import { readLabelsFile } from '../../src/calibration/index.js';
import { isEvalspecError } from '../../src/errors.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

describe('csvRows', () => {
  it('gives each record with the line it ends on; a quoted field may span lines', () => {
    const text = 'id,question\nc1,"two\nlines"\n\nc2, spaced \n';
    expect(csvRows(text, 'cases.csv', { code: 'CASES_PARSE', hint: 'h', trim: false })).toEqual([
      { record: { id: 'c1', question: 'two\nlines' }, line: 3 },
      { record: { id: 'c2', question: ' spaced ' }, line: 5 },
    ]);
    expect(csvRows(text, 'cases.csv', { code: 'CASES_PARSE', hint: 'h', trim: true })[1].record.question).toBe('spaced');
  });

  it('a labels file with an unclosed quote fails with LABELS_FILE, the file and the line', () => {
    const file = join(tempDir(), 'labels.csv');
    writeFileSync(file, 'case_id,variant,label\nc1,a,pass\nc2,a,"fail\n');
    let thrown: unknown;
    try {
      readLabelsFile(file);
    } catch (error) {
      thrown = error;
    }
    expect(isEvalspecError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'LABELS_FILE', location: { file, line: 3 } });
    expect((thrown as Error).message).toMatch(/^invalid CSV: Quote Not Closed/);
  });
});
