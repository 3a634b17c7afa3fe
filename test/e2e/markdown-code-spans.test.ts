// Code spans in the CI comment and the diff's Markdown hold untrusted text (labels, case ids) as it is: inside
// a code span a backslash escape is shown literally, so `case\_one` would read "case\_one" on GitHub.
// A baseline label with underscores and backticks and a case id with underscores, through the built CLI.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { expectValidGfm } from '../helpers/gfm.js';

afterAll(() => cleanupTempDirs());

const LABEL = 'rel_1`b`';

function writeSuite(dir: string, caseOnePasses: boolean): void {
  writeFiles(dir, {
    'suite/evalspec.yaml': [
      'name: spans',
      'models:',
      '  - { id: "replay:./m.jsonl", label: m }',
      'cases: cases.jsonl',
      'checks:',
      '  - { type: contains, value: "{{expected}}" }',
      '',
    ].join('\n'),
    'suite/cases.jsonl': jsonl([
      { id: 'case_one', vars: { expected: 'W1' } },
      { id: 'case_two', vars: { expected: 'W2' } },
    ]),
    'suite/m.jsonl': jsonl([
      { id: 'case_one', output: caseOnePasses ? 'W1' : 'no idea' },
      { id: 'case_two', output: 'W2' },
    ]),
  });
}

describe('Markdown code spans carry the text as it is', () => {
  it('ci comment and diff Markdown: the label and the case id are fenced, not backslash-escaped', async () => {
    const dir = tempDir();
    writeSuite(dir, true);
    const a = await runCli(['run', 'suite', '--label', LABEL, '--json', 'a.json', '--no-progress'], { cwd: dir });
    expect(a.exitCode, a.stderr).toBe(0);
    writeSuite(dir, false);
    const c = await runCli(['ci', 'suite', '--baseline-label', LABEL, '--md', 'comment.md', '--json', 'ci.json', '--no-progress'], { cwd: dir });
    expect(c.stderr).not.toMatch(/error\[/);
    const comment = readFileSync(join(dir, 'comment.md'), 'utf8');
    expectValidGfm(comment);
    // CommonMark: a span containing single backticks is fenced by two, padded when it ends in one.
    expect(comment).toContain('Compared with `` rel_1`b` `` (run `');
    expect(comment).toContain('| `case_one` | m | broken |');
    expect(comment).not.toContain('case\\_one`');
    expect(comment).not.toContain('`rel\\_1');

    const before = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).runId;
    const after = JSON.parse(readFileSync(join(dir, 'ci.json'), 'utf8')).diff.after.id;
    const d = await runCli(['diff', before, after, '--md', 'diff.md'], { cwd: dir });
    expect(d.exitCode, d.stderr).toBe(0);
    const md = readFileSync(join(dir, 'diff.md'), 'utf8');
    expectValidGfm(md);
    expect(md).toContain(`Before: \`\`${before} (rel_1\`b\`)\`\` · after: \`${after}\``);
    expect(md).toContain('| `case_one` | broken |');
  });
});
