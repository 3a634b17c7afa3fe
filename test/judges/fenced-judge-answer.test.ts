// Small local judges (Ollama, vLLM behind an openai-compatible server) asked for "one JSON object and nothing
// else" often wrap it in a Markdown code fence or write a sentence first. The object inside is a usable verdict;
// only an answer with no object at all is malformed (asked once more, then a judge-error). Through the built
// CLI against the loopback fake provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';
import { fenced, promptOf } from './helpers.js';
import { judgeAnswerJson } from '../../src/run/judge-answer-text.js';

// The verdict follows the output under judgement ("good …" passes), so a wrong parse shows as a wrong count.
function verdict(req: FakeRequest): string {
  const output = fenced(promptOf(req), 'output') ?? '';
  return JSON.stringify({ reasoning: 'checked', verdict: output.startsWith('good') ? 'pass' : 'fail', score: output.startsWith('good') ? 0.9 : 0.1 });
}

// One way of wrapping the answer per case id (the case id is in the output under judgement).
const WRAPS: Record<string, (json: string) => string> = {
  plain: (j) => j,
  fence: (j) => '```json\n' + j + '\n```',
  bare: (j) => '```\n' + j + '\n```',
  prose: (j) => `Here is my assessment:\n\n\`\`\`json\n${j}\n\`\`\`\nLet me know if you need more.`,
  inline: (j) => `Verdict follows. ${j} That is all.`,
  none: () => 'I think it passes.',
};

describe('a judge that wraps its JSON answer', () => {
  let judge: FakeProvider;
  let model: FakeProvider;
  let dir: string;
  let result: CliResult;
  beforeAll(async () => {
    judge = await startFakeProvider({
      answer: (req) => {
        const output = fenced(promptOf(req), 'output') ?? '';
        const wrap = WRAPS[output.split(' ')[1]];
        return wrap(verdict(req));
      },
    });
    // The model answers "good <wrap>" for even-numbered cases and "bad <wrap>" for odd ones.
    model = await startFakeProvider({ answer: (req) => promptOf(req).replace('Answer ', '') });
    dir = tempDir();
    const cases = Object.keys(WRAPS).flatMap((wrap) => [`good ${wrap}`, `bad ${wrap}`].map((q) => ({ id: q.replace(' ', '-'), vars: { q } })));
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: fenced-judge',
        'providers:',
        `  local: { type: openai-compatible, baseURL: "${judge.openaiBaseURL}" }`,
        `  app: { type: openai-compatible, baseURL: "${model.openaiBaseURL}" }`,
        'models: [app:m]',
        'cases: cases.jsonl',
        'prompts: [{ id: p, messages: [{ role: user, content: "Answer {{q}}" }] }]',
        'checks:',
        '  - { type: judge, judge: local:small-judge, rubric: "The answer is good." }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(cases),
    });
    result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-progress', '--no-cache'], { cwd: dir });
  });
  afterAll(async () => {
    await Promise.all([judge.close(), model.close()]);
    cleanupTempDirs();
  });

  it('fenced, prose-wrapped and inline objects are usable verdicts; an answer without one is a judge-error', () => {
    expect(result.stderr).not.toContain('internal error');
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const byCase = new Map<string, { pass: boolean; error: string | null }>();
    for (const r of report.results) byCase.set(r.caseId, { pass: r.pass, error: r.checks[0].error ?? null });
    for (const wrap of ['plain', 'fence', 'bare', 'prose', 'inline']) {
      expect(byCase.get(`good-${wrap}`), wrap).toMatchObject({ pass: true, error: null });
      expect(byCase.get(`bad-${wrap}`), wrap).toMatchObject({ pass: false, error: null });
    }
    expect(byCase.get('good-none')?.error).toBe('judge-error');
    expect(byCase.get('bad-none')?.error).toBe('judge-error');
    // 12 cases: 10 answered once; the two without an object asked once more each.
    expect(judge.requests).toHaveLength(10 + 2 * 2);
  });
});

describe('judgeAnswerJson', () => {
  it('keeps a bare object; takes the first fenced block; else the span from the first { to the last }', () => {
    expect(judgeAnswerJson('  {"a": 1}\n')).toBe('{"a": 1}');
    expect(judgeAnswerJson('```json\n{"a": 1}\n```')).toBe('{"a": 1}');
    expect(judgeAnswerJson('```JSON \r\n{"a": {"b": 2}}\r\n```\n')).toBe('{"a": {"b": 2}}');
    expect(judgeAnswerJson('Sure: ```json\n{"a": 1}\n``` and ```json\n{"a": 2}\n```')).toBe('{"a": 1}');
    expect(judgeAnswerJson('Result: {"a": 1} done')).toBe('{"a": 1}');
    expect(judgeAnswerJson('no object here')).toBe('no object here');
  });
});
