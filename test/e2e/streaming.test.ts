// Streamed calls (issue #20: RunOptions.stream, suite `stream:`, `run --stream`) on every wire the fake provider
// speaks, through runSuite() over real HTTP: the streamed answers are the non-streamed ones (same output, tokens and
// verdicts), each result's time to first token is stored with 0 < TTFT <= latency, the `call-delta` events of a
// result concatenate to its output, and a stream that breaks mid-answer is a classed (network) error that is retried.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FakeProvider, FakeRequest } from '../fake-provider/server.js';
import { tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { dbPath, queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { runSuite } from '../../src/pipeline.js';
import type { RunEvent } from '../../src/run/index.js';

const KEY = 'sk-stream-test-key-0123456789abcdef';
const N = 3;
/** ms between SSE events: the first text arrives one gap after the head, the answer ends several gaps later. */
const GAP_MS = 25;
const CASES = Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, vars: { n: String(i + 1) } }));
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Code (\d+)\?/.exec(req.messages.at(-1)!.content)![1]);
/** Several words, so a streamed answer comes in several pieces; case 3 answers wrong (a failed check either way). */
const answer = (req: FakeRequest) => {
  const n = caseNumber(req);
  return { text: n === 3 ? 'I do not know the code' : `The code is CODE-${n} as asked`, inputTokens: 10 + n, outputTokens: 6 + n };
};

interface WireCase {
  name: string;
  providers: (p: FakeProvider) => string;
  model: string;
  env: string;
}

const WIRES: WireCase[] = [
  { name: 'OpenAI Chat Completions', providers: (p) => `openai: { baseURL: "${p.openaiBaseURL}" }`, model: 'openai:gpt-4o-mini', env: 'OPENAI_API_KEY' },
  {
    name: 'OpenAI Responses',
    providers: (p) => `openai: { baseURL: "${p.openaiBaseURL}", api: responses }`,
    model: 'openai:gpt-4o-mini',
    env: 'OPENAI_API_KEY',
  },
  {
    name: 'Anthropic Messages',
    providers: (p) => `anthropic: { baseURL: "${p.anthropicBaseURL}" }`,
    model: 'anthropic:claude-3-5-haiku-latest',
    env: 'ANTHROPIC_API_KEY',
  },
  {
    name: 'Google Gemini',
    providers: (p) => `google: { baseURL: "${p.googleBaseURL}" }`,
    model: 'google:gemini-2.0-flash',
    env: 'GOOGLE_GENERATIVE_AI_API_KEY',
  },
];

function suiteYaml(wire: WireCase, server: FakeProvider, extra = ''): string {
  return `name: streaming
providers:
  ${wire.providers(server)}
models: [${wire.model}]
retries: { max: 2, base_ms: 10, max_ms: 20 }
prompts:
  - id: v1
    messages: [{ role: user, content: "Code {{n}}?" }]
cases: cases.jsonl
checks: [{ type: contains, value: "CODE-{{n}}" }]
${extra}`;
}

interface StoredResult {
  case_id: string;
  output: string;
  pass: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  error_class: string | null;
}
const resultsOf = (dir: string, runId: string) =>
  queryDb<StoredResult>(
    dir,
    'SELECT case_id, output, pass, input_tokens, output_tokens, latency_ms, ttft_ms, attempts, error_class FROM results WHERE run_id = ? ORDER BY case_id',
    runId,
  );

describe.each(WIRES)('streamed calls on the $name wire', (wire) => {
  const fake = useFakeProvider({
    apiKey: KEY,
    answer,
    chunkDelayMs: GAP_MS,
    // Case 2's first streamed attempt breaks after five events: mid-answer, after some text arrived (every wire).
    fault: (req) => (req.stream && caseNumber(req) === 2 && req.attempt === 1 ? { kind: 'break', afterChunks: 5 } : undefined),
  });

  it('gives the non-streamed answers, stores 0 < TTFT <= latency, reports deltas that make the output, retries a broken stream', async () => {
    process.env[wire.env] = KEY;
    try {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire, fake.server), 'cases.jsonl': jsonl(CASES) });
      const db = dbPath(dir);
      const plain = await runSuite(join(dir, 'evalspec.yaml'), { db, cache: false });
      expect(plain.outcome.status).toBe('completed');
      expect(fake.server.requests.every((r) => !r.stream)).toBe(true);

      fake.server.reset();
      const events: RunEvent[] = [];
      const streamed = await runSuite(join(dir, 'evalspec.yaml'), { db, cache: false, stream: true, onEvent: (e) => events.push(e) });
      expect(streamed.outcome.status).toBe('completed');
      // Every request asked for a stream; case 2's first one broke and was retried: N + 1 requests.
      expect(fake.server.requests.map((r) => r.stream)).toEqual(Array(N + 1).fill(true));
      const retries = events.filter((e): e is Extract<RunEvent, { type: 'call-retry' }> => e.type === 'call-retry');
      expect(retries.map((r) => [r.caseId, r.attempt, r.errorClass])).toEqual([['c2', 1, 'network']]);

      const before = resultsOf(dir, plain.outcome.runId);
      const after = resultsOf(dir, streamed.outcome.runId);
      const answerOf = (r: StoredResult) => [r.case_id, r.output, r.pass, r.input_tokens, r.output_tokens, r.error_class];
      expect(after.map(answerOf)).toEqual(before.map(answerOf));
      expect(before.every((r) => r.ttft_ms === null)).toBe(true); // not streamed: unknown, never 0
      expect(after.find((r) => r.case_id === 'c2')!.attempts).toBe(2);
      for (const r of after) {
        expect(r.ttft_ms).toBeGreaterThan(0);
        expect(r.ttft_ms).toBeLessThanOrEqual(r.latency_ms);
        // The answer has >= 6 pieces GAP_MS apart, the first text one gap (or less) after the head: it ends later.
        expect(r.latency_ms - r.ttft_ms!).toBeGreaterThanOrEqual(3 * GAP_MS * 0.8);
      }

      // The deltas of each result, after its last retry, concatenate to its stored output.
      for (const r of after) {
        const own = events.filter((e) => (e.type === 'call-delta' || e.type === 'call-retry') && e.caseId === r.case_id);
        const lastRetry = own.map((e) => e.type).lastIndexOf('call-retry');
        const text = own
          .slice(lastRetry + 1)
          .map((e) => (e as Extract<RunEvent, { type: 'call-delta' }>).text)
          .join('');
        expect(text).toBe(r.output);
      }
      // The broken attempt's deltas came before its retry event: some text had arrived when the stream broke.
      const c2 = events.filter((e) => (e.type === 'call-delta' || e.type === 'call-retry') && e.caseId === 'c2');
      expect(c2[0].type).toBe('call-delta');
    } finally {
      delete process.env[wire.env];
    }
  });
});

describe('a streamed run served from the cache', () => {
  const fake = useFakeProvider({ apiKey: KEY, answer, chunkDelayMs: 5 });

  it('stores no TTFT for a cache hit and reports no deltas (nothing was streamed); the first run filled the cache as a plain one would', async () => {
    const wire = WIRES[0];
    process.env[wire.env] = KEY;
    try {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': suiteYaml(wire, fake.server, 'stream: true\n'), 'cases.jsonl': jsonl(CASES) });
      const db = dbPath(dir);
      const first = await runSuite(join(dir, 'evalspec.yaml'), { db });
      const events: RunEvent[] = [];
      const second = await runSuite(join(dir, 'evalspec.yaml'), { db, onEvent: (e) => events.push(e) });
      expect(second.outcome.counts).toMatchObject({ cached: N, called: 0 });
      expect(fake.server.requests).toHaveLength(N); // the suite's `stream: true` streamed the first run's calls only
      expect(fake.server.requests.every((r) => r.stream)).toBe(true);
      expect(events.some((e) => e.type === 'call-delta')).toBe(false);
      expect(resultsOf(dir, first.outcome.runId).every((r) => r.ttft_ms! > 0)).toBe(true);
      expect(resultsOf(dir, second.outcome.runId).map((r) => r.ttft_ms)).toEqual([null, null, null]);
      // A plain run of the same calls is served by the entries the streamed run wrote.
      const plain = await runSuite(join(dir, 'evalspec.yaml'), { db, stream: false });
      expect(plain.outcome.counts).toMatchObject({ cached: N, called: 0 });
    } finally {
      delete process.env[wire.env];
    }
  });
});

describe('a stream that stalls past the timeout', () => {
  // 100 ms between events: the answer takes ~600 ms, the provider's timeout_ms is 250 (per attempt, the whole stream).
  const fake = useFakeProvider({ apiKey: KEY, answer, chunkDelayMs: 100 });

  it('is a timeout error, retried like a non-streamed call that passes its timeout, with its text reported before', async () => {
    const wire = WIRES[0];
    process.env[wire.env] = KEY;
    try {
      const dir = tempDir();
      const yaml = suiteYaml(wire, fake.server).replace(
        `openai: { baseURL: "${fake.server.openaiBaseURL}" }`,
        `openai: { baseURL: "${fake.server.openaiBaseURL}", timeout_ms: 250 }`,
      );
      writeFiles(dir, { 'evalspec.yaml': yaml, 'cases.jsonl': jsonl(CASES.slice(0, 1)) });
      const events: RunEvent[] = [];
      const run = await runSuite(join(dir, 'evalspec.yaml'), { db: dbPath(dir), stream: true, onEvent: (e) => events.push(e) });
      expect(run.outcome.status).toBe('incomplete');
      const [row] = resultsOf(dir, run.outcome.runId);
      // retries: { max: 2 } in the suite: three attempts, each cut at its deadline.
      expect([row.error_class, row.attempts, row.ttft_ms]).toEqual(['timeout', 3, null]);
      expect(fake.server.requests).toHaveLength(3);
      expect(events.filter((e) => e.type === 'call-retry').map((e) => (e as { errorClass: string }).errorClass)).toEqual(['timeout', 'timeout']);
      expect(events.some((e) => e.type === 'call-delta')).toBe(true); // some text had arrived before each deadline
    } finally {
      delete process.env[wire.env];
    }
  });
});
