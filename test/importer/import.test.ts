// importPromptfoo on hand-written configs (promptfoo's documented format) for what the example fixtures do not
// show: array vars expanded through the whole import, defaultTest vars and threshold, file:// vars and tests
// (JSONL, YAML), many tests written to cases.jsonl, missing vars, unknown keys with their lines, refusing a
// non-empty --out, and untrusted text escaped in IMPORT.md and the terminal.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPromptfoo, renderImportTerminal } from '../../src/importer/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

function importDir(files: Record<string, string>) {
  const dir = tempDir();
  writeFiles(dir, files);
  const report = importPromptfoo(join(dir, 'promptfooconfig.yaml'), { outDir: join(dir, 'out') });
  return { dir, report, suite: report.status === 'none' ? undefined : loadSuite(join(dir, 'out/evalspec.yaml')) };
}

describe('importPromptfoo', () => {
  it('expands array vars into one case per combination, with defaultTest vars and threshold under each', () => {
    const { report, suite } = importDir({
      'promptfooconfig.yaml': `prompts: ['{{ greeting }}, say {{text}} in {{language}}']
providers: [openai:gpt-4o-mini]
defaultTest:
  vars: { greeting: Hi, language: English }
  threshold: 0.5
tests:
  - vars:
      language: [French, German, Spanish]
      text: [Hello, Bye]
    assert:
      - type: not-contains
        value: sorry
  - vars: { text: Thanks }
    threshold: 1
`,
    });
    expect(report.status).toBe('full');
    // 3 languages × 2 texts = 6 cases from the first test, 1 from the second.
    expect(suite!.cases.map((c) => c.id)).toEqual(['t1-1', 't1-2', 't1-3', 't1-4', 't1-5', 't1-6', 't2']);
    expect(suite!.cases[0].vars).toEqual({ greeting: 'Hi', language: 'French', text: 'Hello' });
    expect(suite!.cases[5].vars).toEqual({ greeting: 'Hi', language: 'Spanish', text: 'Bye' });
    expect(suite!.cases[6].vars).toEqual({ greeting: 'Hi', language: 'English', text: 'Thanks' });
    expect(suite!.cases.map((c) => c.threshold)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1]);
    expect(suite!.cases[0].checks[0]).toMatchObject({ type: 'contains', value: 'sorry', not: true });
    expect(suite!.prompts[0].messages[0].content).toBe('{{greeting}}, say {{text}} in {{language}}');
    expect(suite!.cases[0].provenance).toEqual({ source: 'promptfoo', file: expect.stringContaining('promptfooconfig.yaml'), line: 7 });
  });

  it('reads file:// tests (JSONL, YAML) and vars, writes many tests to cases.jsonl, and gives missing vars ""', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ vars: { q: `question ${i}` }, assert: [{ type: 'icontains', value: `${i}` }] }));
    const { dir, report, suite } = importDir({
      'promptfooconfig.yaml': `prompts: ['{{q}} {{context}}']
providers: [openai:chat:gpt-4o]
tests:
  - file://more.jsonl
  - file://few.yaml
`,
      'more.jsonl': jsonl(many),
      'few.yaml': `- vars:
    q: with a file
    context: file://context.txt
`,
      'context.txt': 'The refund window is 30 days.',
    });
    expect(report.status).toBe('full');
    expect(existsSync(join(dir, 'out/cases.jsonl'))).toBe(true);
    expect(suite!.cases).toHaveLength(26);
    expect(suite!.cases[25].vars).toEqual({ q: 'with a file', context: 'The refund window is 30 days.' });
    // The JSONL tests have no "context": promptfoo renders it empty, so the import gives them "" and says so.
    expect(suite!.cases[0].vars).toEqual({ q: 'question 0', context: '' });
    expect(suite!.cases[0].provenance).toMatchObject({ file: expect.stringContaining('more.jsonl'), line: 1 });
    expect(report.notes.map((n) => n.key)).toContain('vars.context');
  });

  it('lists unknown keys and unsupported providers with their lines; none when no provider maps', () => {
    const { report } = importDir({
      'promptfooconfig.yaml': `description: x
prompts: ['{{q}}']
providers:
  - id: bedrock:anthropic.claude-3
evaluateOptions: { maxConcurrency: 2 }
frobnicate: true
tests:
  - vars: { q: hi }
    providerOutput: canned
  - vars: file://vars.yaml
`,
    });
    expect(report.status).toBe('none');
    expect(report.dropped.map((d) => [d.key, d.line])).toEqual([
      ['evaluateOptions', 5],
      ['frobnicate', 6],
      ['providers[0]: bedrock:anthropic.claude-3', 4],
      ['tests[0].providerOutput', 9],
      ['tests[1].vars', 10],
    ]);
  });

  it('an unknown grader is listed at its line, and the default judges instead', () => {
    const { report, suite } = importDir({
      'promptfooconfig.yaml': `prompts: ['{{q}}']
providers: [openai:gpt-4o]
tests:
  - vars: { q: hi }
    assert:
      - type: llm-rubric
        value: Is friendly
        provider: bedrock:some-model
`,
    });
    expect(report.dropped.map((d) => [d.key, d.line])).toEqual([['tests[0].assert[0].provider', 6]]);
    expect(suite!.cases[0].checks[0]).toMatchObject({ type: 'judge', judge: 'openai:gpt-4.1', rubric: 'Is friendly' });
  });

  it('refuses a non-empty --out without --force (exit 2), and overwrites with it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'promptfooconfig.yaml': "prompts: ['{{q}}']\nproviders: [openai:gpt-4o]\ntests: [{ vars: { q: hi } }]\n", 'out/keep.txt': 'mine' });
    const refused = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '--out', 'out'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not empty/);
    expect(refused.stderr).toMatch(/--force/);
    expect(existsSync(join(dir, 'out/evalspec.yaml'))).toBe(false);
    const forced = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml', '--out', 'out', '--force'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'out/keep.txt'), 'utf8')).toBe('mine');
  });

  it('a missing config is an input error naming the file (exit 2)', async () => {
    const dir = tempDir();
    const result = await runCli(['import', 'promptfoo', 'nope.yaml', '--out', 'out'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('nope.yaml');
  });

  it('escapes text from the config in IMPORT.md and the terminal', () => {
    const { dir, report } = importDir({
      'promptfooconfig.yaml': `prompts: ['{{q}}']
providers: [openai:gpt-4o]
tests:
  - vars: { q: hi }
    assert:
      - type: "x|y\`<script>\\u001b[31m"
`,
    });
    const markdown = readFileSync(join(dir, 'out/IMPORT.md'), 'utf8');
    const row = markdown.split('\n').find((l) => l.includes('x\\|y'));
    expect(row).toBeDefined();
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('\u001b');
    const terminal = renderImportTerminal(report);
    expect(terminal).not.toContain('\u001b');
    expect(terminal).toContain('x|y`<script>');
  });
});
