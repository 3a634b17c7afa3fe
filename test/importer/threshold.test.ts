// A case's `threshold:` (added for promptfoo's test threshold): the case passes when the weighted score of its
// checks reaches the threshold and no critical check failed, instead of when every check passes. Scores below
// are computed by hand in the comments.
import { describe, expect, it } from 'vitest';
import { combineChecks } from '../../src/score/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';
import { afterAll } from 'vitest';
import { join } from 'node:path';

const check = (pass: boolean, score: number, weight = 1, severity: 'normal' | 'critical' = 'normal') => ({ pass, score, weight, severity });

afterAll(cleanupTempDirs);

describe('combineChecks with a case threshold', () => {
  it('passes on the weighted score although a check failed', () => {
    // (1·1 + 1·0) / 2 = 0.5
    const checks = [check(true, 1), check(false, 0)];
    expect(combineChecks(checks)).toEqual({ pass: false, score: 0.5 });
    expect(combineChecks(checks, 0.5)).toEqual({ pass: true, score: 0.5 });
    expect(combineChecks(checks, 0.6)).toEqual({ pass: false, score: 0.5 });
  });

  it('weights the scores', () => {
    // (3·1 + 1·0) / 4 = 0.75
    const checks = [check(true, 1, 3), check(false, 0, 1)];
    expect(combineChecks(checks, 0.75).pass).toBe(true);
    expect(combineChecks(checks, 0.76).pass).toBe(false);
  });

  it('fails when a critical check failed, whatever the score', () => {
    // (9·1 + 1·0) / 10 = 0.9 >= 0.5, but the failed check is critical
    const checks = [check(true, 1, 9), check(false, 0, 1, 'critical')];
    expect(combineChecks(checks, 0.5)).toEqual({ pass: false, score: 0.9 });
  });

  it('compares with a tolerance: a mean of 0.1 and 0.2 reaches 0.15', () => {
    // (0.1 + 0.2) / 2 = 0.15000000000000002 in floating point; 0.15 written as a threshold must be reached.
    expect(combineChecks([check(false, 0.1), check(false, 0.2)], 0.15).pass).toBe(true);
  });

  it('threshold 0 passes any case without a critical failure (promptfoo rows with __threshold 0)', () => {
    expect(combineChecks([check(false, 0), check(false, 0)], 0).pass).toBe(true);
  });
});

describe('threshold in a case record', () => {
  const suite = (threshold: unknown) => `name: t
models: [replay:out.jsonl]
cases:
  - id: c1
    vars: { q: hi }
    threshold: ${JSON.stringify(threshold)}
    checks: [{ type: contains, value: hi }]
`;

  it('is loaded onto the case and changes its content hash', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.yaml': suite(0.5), 'b.yaml': suite(0.6) });
    const a = loadSuite(join(dir, 'a.yaml')).cases[0];
    const b = loadSuite(join(dir, 'b.yaml')).cases[0];
    expect(a.threshold).toBe(0.5);
    expect(a.contentHash).not.toBe(b.contentHash);
  });

  it('outside [0, 1] is refused with the case line', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.yaml': suite(1.5) });
    expect(() => loadSuite(join(dir, 'a.yaml'))).toThrow(expect.objectContaining({ code: 'CASES_SCHEMA', location: expect.objectContaining({ line: 4 }) }));
  });
});
