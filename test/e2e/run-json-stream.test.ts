// `run --json` at scale (issue #22): the cases file is streamed, read again on each pass, and the report's
// `results` array is written from the store one row at a time. On a run small enough to check by hand it must
// still be exactly the results the suite's rule gives: one per case × model, each with the
// output, verdict and error each one should have, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';

const CASES = 600;
// Two function models: `good` echoes the expected code except for every 5th case (a wrong answer); `flaky` throws
// for every 7th case (an error result) and echoes otherwise.
const FILES = {
  'evalspec.yaml': `name: json-stream
models:
  - { id: function:./good.mjs, label: good }
  - { id: function:./flaky.mjs, label: flaky }
cases: cases.jsonl
checks: [{ type: contains, value: "{{expected}}" }]
retries: { max: 0 }
concurrency: 16
`,
  'cases.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `case-${i}`, vars: { n: i, expected: `code-${i}` }, tags: [`segment:${i % 3}`] }))),
  'good.mjs': `export default ({ vars }) => (vars.n % 5 === 0 ? 'wrong' : 'the code is code-' + vars.n);\n`,
  'flaky.mjs': `export default ({ vars }) => { if (vars.n % 7 === 0) throw new Error('flaky ' + vars.n); return 'code-' + vars.n; };\n`,
};

interface JsonResult {
  caseId: string;
  variantId: string;
  repeat: number;
  output: string | null;
  pass: boolean | null;
  error: { class: string; message: string } | null;
  checks: { type: string; pass: boolean }[];
}

describe('run --json on a streamed cases file', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeFiles(dir, FILES);
  });
  afterAll(() => cleanupTempDirs());

  it('writes every result the rule gives, once each, and the same file as `show --json`', async () => {
    const run = await runCli(['run', 'evalspec.yaml', '--json', 'run.json', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(3); // incomplete: the flaky model's errors
    const report = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { runId: string; results: JsonResult[] };

    const expected = Array.from({ length: CASES }, (_, n) => [
      { caseId: `case-${n}`, variantId: 'good', output: n % 5 === 0 ? 'wrong' : `the code is code-${n}`, pass: n % 5 !== 0, errored: false },
      { caseId: `case-${n}`, variantId: 'flaky', output: n % 7 === 0 ? null : `code-${n}`, pass: n % 7 === 0 ? null : true, errored: n % 7 === 0 },
    ]).flat();
    const byKey = new Map(report.results.map((r) => [`${r.caseId}/${r.variantId}`, r]));
    expect(report.results).toHaveLength(expected.length);
    expect(byKey.size).toBe(expected.length); // no result twice
    for (const e of expected) {
      const r = byKey.get(`${e.caseId}/${e.variantId}`);
      expect(r, `${e.caseId}/${e.variantId}`).toBeDefined();
      expect({ output: r!.output, pass: r!.pass, errored: r!.error !== null, repeat: r!.repeat }, `${e.caseId}/${e.variantId}`).toEqual({
        output: e.output,
        pass: e.pass,
        errored: e.errored,
        repeat: 0,
      });
      if (e.errored) expect(r!.error!.message).toContain(`flaky ${e.caseId.slice(5)}`);
      else expect(r!.checks.map((c) => [c.type, c.pass])).toEqual([['contains', e.pass]]);
    }

    // The whole file, results included, is what `show` writes from the store for the same run.
    const show = await runCli(['show', report.runId, '--json', 'show.json'], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(3);
    expect(readFileSync(join(dir, 'show.json'), 'utf8')).toBe(readFileSync(join(dir, 'run.json'), 'utf8'));
  });
});
