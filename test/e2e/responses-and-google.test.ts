// The OpenAI Responses API (providers.<id>.api: responses) and Google Gemini (generateContent), end to end:
// the built CLI runs a suite against the loopback fake provider speaking each wire. Asserts the answers are
// scored, the provider's token counts are stored, the request body carries the model, the messages in the
// wire's own shape and the generation params, and a 429's delay is honoured before the retry: OpenAI's
// Retry-After header, and Gemini's RetryInfo.retryDelay in the error body (Gemini sends no Retry-After;
// evalspec ignored the body's delay and retried at once until run/errors.ts read it).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeProvider, FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-wire-test-key-0123456789abcdef';
const N = 4;
const CASES = Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, vars: { n: String(i + 1) } }));
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Code (\d+)\?/.exec(req.messages.at(-1)!.content)![1]);

/**
 * Case n answers `CODE-n` (case 4 answers wrong) with usage input 10+n, output 2+n, so the expected
 * totals are independent of anything evalspec counts: input 11+12+13+14 = 50, output 3+4+5+6 = 18.
 */
const answer = (req: FakeRequest) => {
  const n = caseNumber(req);
  return { text: n === 4 ? 'no idea' : `CODE-${n}`, inputTokens: 10 + n, outputTokens: 2 + n };
};

function suiteYaml(providers: string, model: string): string {
  return `name: wire
${providers}
models: [${model}]
params: { temperature: 0.25, max_tokens: 77, top_p: 0.5 }
retries: { max: 3, base_ms: 10, max_ms: 20 }
prompts:
  - id: v1
    messages:
      - { role: system, content: "Answer with the code only." }
      - { role: user, content: "Code {{n}}?" }
cases: cases.jsonl
checks: [{ type: equals, value: "CODE-{{n}}" }]
`;
}

interface WireCase {
  name: string;
  providerYaml: (p: FakeProvider) => string;
  model: string;
  modelId: string;
  env: string;
  path: string;
  /** The request body's model, messages and params in this wire's shape, for case n. */
  expectBody: (body: any, n: number) => void;
}

const WIRES: WireCase[] = [
  {
    name: 'OpenAI Responses API',
    providerYaml: (p) => `providers:\n  openai: { baseURL: "${p.openaiBaseURL}", api: responses }`,
    model: 'openai:gpt-4o-mini',
    modelId: 'gpt-4o-mini',
    env: 'OPENAI_API_KEY',
    path: '/v1/responses',
    expectBody: (body, n) => {
      expect(body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.25, max_output_tokens: 77, top_p: 0.5 });
      expect(body.input).toEqual([
        { role: 'system', content: 'Answer with the code only.' },
        { role: 'user', content: [{ type: 'input_text', text: `Code ${n}?` }] },
      ]);
      expect(body.messages).toBeUndefined(); // not Chat Completions
    },
  },
  {
    name: 'Google Gemini generateContent',
    providerYaml: (p) => `providers:\n  google: { baseURL: "${p.googleBaseURL}" }`,
    model: 'google:gemini-2.0-flash',
    modelId: 'gemini-2.0-flash',
    env: 'GOOGLE_GENERATIVE_AI_API_KEY',
    path: '/v1beta/models/gemini-2.0-flash:generateContent',
    expectBody: (body, n) => {
      expect(body.systemInstruction).toEqual({ parts: [{ text: 'Answer with the code only.' }] });
      expect(body.contents).toEqual([{ role: 'user', parts: [{ text: `Code ${n}?` }] }]);
      expect(body.generationConfig).toMatchObject({ temperature: 0.25, maxOutputTokens: 77, topP: 0.5 });
    },
  },
];

describe.each(WIRES)('$name end to end', (wire) => {
  /** When case 1 was requested, per attempt (measured at the server). */
  const case1At: number[] = [];
  const fake = useFakeProvider({
    apiKey: KEY,
    answer,
    fault: (req) => {
      if (caseNumber(req) !== 1) return undefined;
      case1At.push(performance.now());
      return req.attempt === 1 ? { kind: '429', retryAfterS: 1 } : undefined;
    },
  });

  it('scores the answers, stores the provider token counts, sends the params, honours Retry-After', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire.providerYaml(fake.server), wire.model), 'cases.jsonl': jsonl(CASES) });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, env: { [wire.env]: KEY } });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode, result.stderr).toBe(0);

    // Every request went to this wire's route with the key, in this wire's body shape.
    expect(fake.server.requests).toHaveLength(N + 1); // one 429 retried
    for (const r of fake.server.requests) {
      expect(r).toMatchObject({ path: wire.path, model: wire.modelId });
      expect(r.authorization).toContain(KEY);
      wire.expectBody(r.body, caseNumber(r));
    }

    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const report = jsonReportSchema.parse(raw);
    const variant = report.variants.find((v) => v.id === wire.modelId)!;
    expect([variant.cases, variant.passed, variant.failed, variant.errors]).toEqual([N, 3, 1, 0]);
    expect(variant.tokens).toEqual({ input: 50, output: 18 }); // hand sums, see `answer`
    for (const r of raw.results) {
      const n = Number(r.caseId.slice(1));
      expect(r.output).toBe(n === 4 ? 'no idea' : `CODE-${n}`);
      expect(r.pass).toBe(n !== 4);
      expect(r.error).toBeNull();
    }
    const rows = queryDb<{ case_id: string; input_tokens: number; output_tokens: number; attempts: number }>(
      dir,
      'SELECT case_id, input_tokens, output_tokens, attempts FROM results ORDER BY case_id',
    );
    expect(rows).toEqual(
      CASES.map((c, i) => ({
        case_id: c.id,
        input_tokens: 11 + i,
        output_tokens: 3 + i,
        attempts: i === 0 ? 2 : 1,
      })),
    );

    // The 429 said wait 1 s (OpenAI: Retry-After header; Gemini: RetryInfo.retryDelay "1s" in the body); the
    // retry policy's own backoff is at most max_ms = 20 ms, so a gap of a second can only come from the provider.
    expect(fake.server.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(case1At).toHaveLength(2);
    expect(case1At[1] - case1At[0]).toBeGreaterThanOrEqual(990);
  });
});
