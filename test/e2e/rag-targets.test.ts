// RAG targets through the built CLI (issue #16): a `function:` target returns { output, context, metadata }; the
// documents are stored as the result's transcript, graded by the retrieval checks, and a faithfulness judge
// (an OpenAI model of the loopback fake provider) grounds the answer in them when the check names no
// context_var. A context that is not a list of { id, text } is the function's own error, naming the case.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeRequest } from '../fake-provider/server.js';
import { jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { schemaNameOf } from '../judges/helpers.js';

const KEY = 'sk-rag-targets-0123456789';
const env = { OPENAI_API_KEY: KEY };

/** The passages a faithfulness prompt fenced, in order (one <context> fence, or <passage> fences inside it). */
function passagesOf(prompt: string): string[] {
  const passages = [...prompt.matchAll(/<passage>\n([\s\S]*?)\n<\/passage>/g)].map((m) => m[1]);
  if (passages.length > 0) return passages;
  return [...prompt.matchAll(/<context>\n([\s\S]*?)\n<\/context>/g)].map((m) => m[1]);
}

// The fake judge: the output's one claim is supported iff a passage it was shown contains it word for word.
const fake = useFakeProvider({
  apiKey: KEY,
  answer: (req: FakeRequest) => {
    if (schemaNameOf(req) !== 'faithfulness_claims') return 'not a judge request';
    const prompt = req.messages.map((m) => m.content).join('\n');
    const claim = /<output>\n([\s\S]*?)\n<\/output>/.exec(prompt)![1];
    const supported = passagesOf(prompt).some((p) => p.includes(claim));
    return JSON.stringify({ reasoning: 'compared', claims: [{ claim, supported }] });
  },
});

const TARGET = `export default function ({ vars }) {
  if (vars.shape === 'string') return 'Links never expire.';
  if (vars.shape === 'bad-context') return { output: 'x', context: [{ id: 'kb-1', text: 'fine' }, { id: 'kb-2' }] };
  if (vars.shape === 'bad-metadata') return { output: 'x', metadata: ['not', 'an', 'object'] };
  return {
    output: 'Reset links expire after 24 hours.',
    context: [
      { id: 'kb-7', text: 'Sharing: invite people by email.', score: 2 },
      { id: 12, text: 'Security: Reset links expire after 24 hours.' },
    ],
    metadata: { retriever: 'bm25', latency_ms: 3 },
  };
}
`;

function project(checks: string, cases: { id: string; vars: Record<string, unknown> }[]): string {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': `name: rag-targets
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
models: [{ id: "function:./rag.mjs", label: rag }]
cases: cases.jsonl
retries: { max: 0 }
checks:
${checks}
`,
    'cases.jsonl': jsonl(cases),
    'rag.mjs': TARGET,
  });
  return dir;
}

interface Row {
  case_id: string;
  pass: number | null;
  error_class: string | null;
  error_message: string | null;
  transcript_json: string | null;
}
const rows = (dir: string) =>
  queryDb<Row>(dir, 'SELECT case_id, pass, error_class, error_message, transcript_json FROM results ORDER BY case_id').map((r) => ({
    ...r,
    transcript: r.transcript_json === null ? null : JSON.parse(r.transcript_json),
  }));

describe('function: targets returning retrieved context', () => {
  it('stores { output, context, metadata } as the transcript; the retrieval checks grade the returned ids', async () => {
    const dir = project(
      `  - { type: context-recall, expected: "{{relevant}}", k: 2 }
  - { type: mrr, expected: "{{relevant}}" }
  - { type: hit-at-k, expected: "{{relevant}}", k: 1 }`,
      [
        { id: 'c1', vars: { shape: 'rag', relevant: ['12'] } },
        { id: 'c2', vars: { shape: 'string', relevant: ['12'] } },
      ],
    );
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0); // failing checks are results, not a failed run (bars decide exit 1)
    const [c1, c2] = rows(dir);
    expect(c1.transcript).toEqual({
      messages: [],
      steps: 0,
      stop: 'final',
      maxSteps: null,
      // A numeric id is kept as its text, so "12" in a case file matches it.
      context: [
        { id: 'kb-7', text: 'Sharing: invite people by email.', score: 2 },
        { id: '12', text: 'Security: Reset links expire after 24 hours.' },
      ],
      metadata: { retriever: 'bm25', latency_ms: 3 },
    });
    expect(c2.transcript).toBeNull(); // a plain string: no transcript
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const checks = (caseId: string) =>
      report.results
        .find((r: { caseId: string }) => r.caseId === caseId)
        .checks.map((c: { type: string; score: number; pass: boolean }) => [c.type, c.score, c.pass]);
    // "12" is at rank 2: recall@2 1/1, reciprocal rank 1/2 (= the default threshold 0.5), not in the top 1.
    expect(checks('c1')).toEqual([
      ['context-recall', 1, true],
      ['mrr', 0.5, true],
      ['hit-at-k', 0, false],
    ]);
    // No context returned: indeterminate, never a 0 that would read as a retrieval miss.
    const c2checks = report.results.find((r: { caseId: string }) => r.caseId === 'c2').checks;
    for (const c of c2checks) expect(c).toMatchObject({ pass: false, score: 0, reason: expect.stringContaining('the target returned no context') });
  });

  it('a context item without text, or metadata that is not an object: function-error naming the case and the fix', async () => {
    const dir = project(`  - { type: mrr, expected: [kb-1] }`, [
      { id: 'bad-ctx', vars: { shape: 'bad-context' } },
      { id: 'bad-meta', vars: { shape: 'bad-metadata' } },
      { id: 'good', vars: { shape: 'rag' } },
    ]);
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(3); // errored results: the run is incomplete, the rest is scored
    const byCase = Object.fromEntries(rows(dir).map((r) => [r.case_id, r]));
    expect(byCase['bad-ctx'].error_class).toBe('function-error');
    expect(byCase['bad-ctx'].error_message).toContain('(case "bad-ctx") returned a `context` whose item 2 (id "kb-2") has no `text`');
    expect(byCase['bad-ctx'].error_message).toContain('{ id: string | number, text: string, score?: number }');
    expect(byCase['bad-meta'].error_class).toBe('function-error');
    expect(byCase['bad-meta'].error_message).toContain('(case "bad-meta") returned `metadata` that is an array; return an object');
    expect(byCase.good).toMatchObject({ error_class: null, pass: 0 }); // scored: kb-1 was not returned
  });
});

describe('faithfulness grounded in the returned context', () => {
  const judged = () => fake.server.requests.filter((r) => schemaNameOf(r) === 'faithfulness_claims');

  it('without context_var the judge sees the returned documents, one fenced passage each, in rank order; the case var "context" is not used', async () => {
    fake.server.reset();
    const dir = project(`  - { type: faithfulness, judge: openai:gpt-4o }`, [{ id: 'c1', vars: { shape: 'rag', context: 'Links never expire.' } }]);
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const [request] = judged();
    expect(passagesOf(request.messages.map((m) => m.content).join('\n'))).toEqual([
      'Sharing: invite people by email.',
      'Security: Reset links expire after 24 hours.',
    ]);
    expect(rows(dir)[0].pass).toBe(1);
  });

  it('an explicit context_var wins over the returned documents', async () => {
    fake.server.reset();
    const dir = project(`  - { type: faithfulness, judge: openai:gpt-4o, context_var: context }`, [
      { id: 'c1', vars: { shape: 'rag', context: 'Links never expire.' } },
    ]);
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(
      passagesOf(
        judged()[0]
          .messages.map((m) => m.content)
          .join('\n'),
      ),
    ).toEqual(['Links never expire.']);
    expect(rows(dir)[0].pass).toBe(0); // the claim is not in the var's context
  });

  it('a target that returned no context falls back to the case var "context"; with neither, indeterminate naming both', async () => {
    fake.server.reset();
    const dir = project(`  - { type: faithfulness, judge: openai:gpt-4o }`, [
      { id: 'c1', vars: { shape: 'string', context: 'Links never expire.' } },
      { id: 'c2', vars: { shape: 'string' } },
    ]);
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(judged()).toHaveLength(1);
    expect(rows(dir).map((r) => [r.case_id, r.pass])).toEqual([
      ['c1', 1],
      ['c2', 0],
    ]);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const c2 = report.results.find((r: { caseId: string }) => r.caseId === 'c2').checks[0];
    expect(c2).toMatchObject({ pass: false, score: 0 });
    expect(c2.reason).toContain('the target returned none and the case var "context" is missing or empty');
  });
});
