// jsonLines: the one JSONL reader behind cases, labels, preference and replay files (suite/text-file.ts).
import { describe, expect, it } from 'vitest';
import { jsonLines } from '../../src/suite/index.js';
import { EvalspecError } from '../../src/errors.js';

const caught = (fn: () => unknown): EvalspecError => {
  try {
    fn();
  } catch (error) {
    return error as EvalspecError;
  }
  throw new Error('expected an error');
};

describe('jsonLines', () => {
  it('numbers each value by its line in the file, skipping blank lines (and // lines when asked)', () => {
    const text = '{"a":1}\n\n  // a note\n{"a":2}\r\n';
    // Line 3 is a comment for cases and labels files...
    expect(jsonLines(text, 'f.jsonl', { code: 'CASES_PARSE', hint: 'h', comments: true })).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { a: 2 }, line: 4 },
    ]);
    // ...and invalid JSON for replay and preference files, which never allowed comments.
    const error = caught(() => jsonLines(text, 'r.jsonl', { code: 'REPLAY_FILE', hint: 'one object per line' }));
    expect(error).toBeInstanceOf(EvalspecError);
    expect(error.code).toBe('REPLAY_FILE');
    expect(error.message).toMatch(/^invalid JSON: /);
    expect(error.location.file).toBe('r.jsonl');
    expect(error.location.line).toBe(3);
    expect(error.hint).toBe('one object per line');
  });

  it('names the line of the first value that is not JSON, with the caller wording', () => {
    const error = caught(() =>
      jsonLines('{"id":"c1"}\n{"id":', 'cases.jsonl', { code: 'CASES_PARSE', hint: 'h', comments: true, invalid: 'invalid JSON on this line' }),
    );
    expect(error.code).toBe('CASES_PARSE');
    expect(error.message).toMatch(/^invalid JSON on this line: /);
    expect(error.location.line).toBe(2);
  });
});
