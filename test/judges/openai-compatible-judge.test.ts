// A judge on an openai-compatible server (Ollama, vLLM, a gateway) is sent `response_format: json_object`
// only, so the prompt must name the answer's keys and give its schema; and the AI SDK's per-call warnings
// (the unsupported schema, an Anthropic model the SDK does not know) go into the run's warnings once per kind
// instead of one stderr line per call. Through the built CLI against the loopback fake provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';
import { promptOf } from './helpers.js';

const KEY = 'sk-ant-compat-0123456789';
const CASES = ['c1', 'c2', 'c3', 'c4', 'c5'];

/** The local judge answers only when the prompt tells it the keys (as a model would have to guess them otherwise). */
function localAnswer(req: FakeRequest): string {
  const prompt = promptOf(req);
  if (prompt.includes('- "tone": an object with the keys "reasoning"')) return JSON.stringify({ tone: { reasoning: 'warm', score: 4 } });
  if (prompt.includes('- "verdict": one of')) return JSON.stringify({ reasoning: 'fine', verdict: 'pass', score: 0.8 });
  return JSON.stringify({ answer: 'yes' });
}

describe('an openai-compatible judge, and AI SDK warnings', () => {
  let local: FakeProvider;
  let anthropic: FakeProvider;
  let dir: string;
  let result: CliResult;
  beforeAll(async () => {
    local = await startFakeProvider({ answer: localAnswer });
    anthropic = await startFakeProvider({ apiKey: KEY, answer: () => 'an answer' });
    dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: compat-judge',
        'providers:',
        `  anthropic: { baseURL: "${anthropic.anthropicBaseURL}", apiKey: "\${ANTHROPIC_API_KEY}" }`,
        `  local: { type: openai-compatible, baseURL: "${local.openaiBaseURL}" }`,
        // A model id the AI SDK does not know: it warns on every call that it caps the output tokens.
        'models: [anthropic:claude-unknown-9]',
        'cases: cases.jsonl',
        'prompts: [{ id: p, messages: [{ role: user, content: "Answer {{q}}" }] }]',
        'checks:',
        '  - { type: judge, judge: local:llama-judge, rubric: "The answer is an answer." }',
        '  - { type: rubric, judge: local:llama-judge, dimensions: [{ name: tone, anchors: { 1: rude, 5: warm } }] }',
        '',
      ].join('\n'),
      'cases.jsonl': jsonl(CASES.map((id) => ({ id, vars: { q: id } }))),
    });
    result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-progress', '--no-cache'], { cwd: dir, env: { ANTHROPIC_API_KEY: KEY } });
  });
  afterAll(async () => {
    await Promise.all([local.close(), anthropic.close()]);
    cleanupTempDirs();
  });

  it('the judge prompt names the keys and gives the schema; every verdict is usable', () => {
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(0);
    expect(local.requests).toHaveLength(2 * CASES.length);
    for (const req of local.requests) expect(req.body.response_format).toEqual({ type: 'json_object' });
    const rubric = local.requests.filter((r) => promptOf(r).includes('"tone"'));
    expect(rubric).toHaveLength(CASES.length);
    for (const req of rubric) {
      expect(promptOf(req)).toContain(
        '- "tone": an object with the keys "reasoning" (a string — brief reasoning, written before the verdict), "score" (a whole number from 1 to 5)',
      );
    }
    for (const req of local.requests.filter((r) => !rubric.includes(r))) {
      const prompt = promptOf(req);
      expect(prompt).toContain('- "reasoning": a string — brief reasoning, written before the verdict');
      expect(prompt).toContain('- "verdict": one of "pass", "fail"');
      expect(prompt).toContain('- "score": a number from 0 to 1');
      const schema = JSON.parse(prompt.slice(prompt.indexOf('The JSON schema of the answer:\n') + 'The JSON schema of the answer:\n'.length));
      expect(Object.keys(schema.properties)).toEqual(['reasoning', 'verdict', 'score']);
    }
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.variants[0]).toMatchObject({ passed: CASES.length, errors: 0 });
  });

  it('no AI SDK line per call on stderr; each kind of warning once in the run report', () => {
    expect(anthropic.requests).toHaveLength(CASES.length);
    expect(result.stderr).not.toContain('AI SDK Warning');
    expect(result.stderr).not.toContain('AI_SDK_LOG_WARNINGS');
    const warnings: string[] = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).warnings;
    const schema = warnings.filter((w) => w.includes("not asked to enforce the judge's answer schema"));
    expect(schema).toEqual([expect.stringContaining('llama-judge')]);
    const unknown = warnings.filter((w) => w.includes('does not know this model'));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toContain('claude-unknown-9');
    expect(unknown[0]).toContain('set params: { max_tokens: N }');
    expect(unknown[0]).not.toContain('AI_SDK_LOG_WARNINGS');
  });
});
