// The run stage's judge client against the loopback fake provider (real HTTP, OpenAI and Anthropic wire
// formats): structured output requests, deterministic answers, malformed and contradictory answers retried
// once then a judge-error, transport errors retried by the run's policy, the cache, pricing, refused keys,
// and function judges.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createJudgeClient } from '../../src/run/index.js';
import { JudgeCallError } from '../../src/score/index.js';
import { judgeQuestion } from '../../src/score/judges/prompts.js';
import { promptOf, schemaNameOf } from './helpers.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const KEY = 'sk-judge-test-0123456789';
let fake: FakeProvider;
let answer: (req: FakeRequest) => string = () => '{}';
let fault: (req: FakeRequest) => { kind: '429'; retryAfterS?: number } | { kind: '500' } | { kind: 'malformed' } | undefined = () => undefined;

function suiteIn(dir: string, extra = ''): Suite {
  writeFiles(dir, {
    'evalspec.yaml': [
      'name: judge-client',
      'providers:',
      `  openai: { baseURL: "${fake.openaiBaseURL}", apiKey: "${KEY}" }`,
      `  claude: { type: anthropic, baseURL: "${fake.anthropicBaseURL}", apiKey: "${KEY}" }`,
      `  wrongkey: { type: openai, baseURL: "${fake.openaiBaseURL}", apiKey: "sk-wrong-key-000000000" }`,
      'models: [replay:out.jsonl]',
      'cases: [{ id: c1 }]',
      'retries: { max: 3, base_ms: 1, max_ms: 5 }',
      extra,
      '',
    ].join('\n'),
    'out.jsonl': '{"id":"c1","output":"x"}\n',
    'judge.mjs': [
      'export default async function ({ prompt, schema, caseId }) {',
      "  if (prompt.includes('BAD')) return { verdict: 'pass' };",
      "  if (prompt.includes('THROW')) throw new Error('judge module failed');",
      "  return { reasoning: `function judge on ${caseId} (${Object.keys(schema.properties).join(',')})`, verdict: 'pass', score: 0.75 };",
      '}',
    ].join('\n'),
  });
  return loadSuite(join(dir, 'evalspec.yaml'));
}

const verdict = (score: number, v = score >= 0.5 ? 'pass' : 'fail') => JSON.stringify({ reasoning: 'because', verdict: v, score });
const question = (output: string) => judgeQuestion({ rubric: 'The answer is polite.', input: 'hi', output });

describe('judge client over the fake provider', () => {
  let dir: string;
  let suite: Suite;
  let store: Store;
  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: KEY, answer: (r) => answer(r), fault: (r) => fault(r) });
    dir = tempDir();
    suite = suiteIn(dir);
  });
  afterEach(async () => {
    fake.reset();
    answer = () => '{}';
    fault = () => undefined;
    await store?.close();
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });
  const ask = (model: string | object, output: string, opts: { cache?: boolean; warnings?: string[]; onFatal?: (e: Error) => void } = {}) => {
    store = openStore(join(dir, `db-${Math.random().toString(36).slice(2)}.sqlite`));
    return createJudgeClient(suite, [], { store, cache: opts.cache, warnings: opts.warnings, onFatal: opts.onFatal }).then((c) =>
      c.ask({ model: model as string, ...question(output), caseId: 'c1' }),
    );
  };

  it('OpenAI wire: a json_schema structured-output request; the answer is parsed, priced and attributed', async () => {
    answer = () => verdict(0.9);
    const a = await ask('openai:gpt-4o-mini', 'Thanks for asking!');
    expect(a).toMatchObject({ object: { reasoning: 'because', verdict: 'pass', score: 0.9 }, model: 'openai:gpt-4o-mini', cached: false, attempts: 1 });
    expect(a.costUsd).toBeGreaterThan(0); // list price of gpt-4o-mini, from the fake's token counts
    const req = fake.requests[0];
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body.response_format.type).toBe('json_schema');
    expect(schemaNameOf(req)).toBe('judge_verdict');
    expect(req.body.response_format.json_schema.schema.required).toEqual(['reasoning', 'verdict', 'score']);
    expect(req.body.temperature).toBe(0); // judges grade at temperature 0
    expect(req.messages[0].role).toBe('system');
    expect(promptOf(req)).toContain('<output>\nThanks for asking!\n</output>');
  });

  it('Anthropic wire: the same question, answered through structured output', async () => {
    answer = () => verdict(0.2);
    const a = await ask('claude:claude-3-5-haiku-latest', 'x');
    expect(a.object).toMatchObject({ verdict: 'fail', score: 0.2 });
    expect(fake.requests[0].path).toBe('/v1/messages');
    expect(fake.requests[0].wire).toBe('anthropic');
  });

  it('a malformed answer (not JSON) is asked once more; the second answer counts and both calls are paid', async () => {
    answer = (r) => (r.attempt === 1 ? 'I think it passes.' : verdict(0.7));
    const a = await ask('openai:gpt-4o-mini', 'x');
    expect(fake.requests).toHaveLength(2);
    expect(a.attempts).toBe(2);
    expect(a.object.score).toBe(0.7);
  });

  it('two unusable answers in a row: a JudgeCallError of class judge-error', async () => {
    answer = () => JSON.stringify({ reasoning: 'x', verdict: 'pass', score: 0.05 }); // contradictory
    const err = await ask('openai:gpt-4o-mini', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(JudgeCallError);
    expect(err.errorClass).toBe('judge-error');
    expect(err.message).toContain('unusable answer twice');
    expect(err.message).toContain('contradictory answer');
    expect(fake.requests).toHaveLength(2);

    fake.reset();
    answer = () => JSON.stringify({ reasoning: 'x', verdict: 'pass' }); // missing score
    const missing = await ask('openai:gpt-4o-mini', 'x').catch((e) => e);
    expect(missing.message).toContain('"score" is missing');
  });

  it("a body that is not even JSON (the fake's malformed fault) is retried as an unusable answer too", async () => {
    fault = (r) => (r.attempt === 1 ? { kind: 'malformed' } : undefined);
    answer = () => verdict(1);
    const a = await ask('openai:gpt-4o-mini', 'x');
    expect(a.attempts).toBe(2);
  });

  it('rate limits and server errors are retried by the run policy (not counted as answer retries)', async () => {
    fault = (r) => (r.attempt === 1 ? { kind: '429', retryAfterS: 0 } : r.attempt === 2 ? { kind: '500' } : undefined);
    answer = () => verdict(0.6);
    const a = await ask('openai:gpt-4o-mini', 'x');
    expect(fake.requests.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(a.attempts).toBe(1);
    fake.reset();
    fault = () => ({ kind: '500' });
    const err = await ask('openai:gpt-4o-mini', 'x').catch((e) => e);
    expect(err.errorClass).toBe('server');
    expect(fake.requests).toHaveLength(4); // 1 + retries.max 3
  });

  it('the cache: an identical question is answered from the store, free; --no-cache asks again', async () => {
    answer = () => verdict(0.8);
    store = openStore(join(dir, 'cache.sqlite'));
    const client = await createJudgeClient(suite, ['openai:gpt-4o-mini'], { store });
    const first = await client.ask({ model: 'openai:gpt-4o-mini', ...question('same output') });
    const second = await client.ask({ model: 'openai:gpt-4o-mini', ...question('same output') });
    expect(fake.requests).toHaveLength(1);
    expect(second).toMatchObject({ cached: true, costUsd: 0, object: first.object });
    await client.ask({ model: 'openai:gpt-4o-mini', ...question('another output') });
    expect(fake.requests).toHaveLength(2);
    const uncached = await createJudgeClient(suite, [], { store, cache: false });
    await uncached.ask({ model: 'openai:gpt-4o-mini', ...question('same output') });
    expect(fake.requests).toHaveLength(3);
    // Unusable answers are never cached.
    fake.reset();
    answer = () => 'nope';
    await client.ask({ model: 'openai:gpt-4o-mini', ...question('bad') }).catch(() => undefined);
    await client.ask({ model: 'openai:gpt-4o-mini', ...question('bad') }).catch(() => undefined);
    expect(fake.requests).toHaveLength(4);
  });

  it('an unpriced judge model costs null and says so once; a price entry prices it', async () => {
    answer = () => verdict(0.8);
    const warnings: string[] = [];
    const a = await ask('openai:my-finetune-judge', 'x', { warnings });
    expect(a.costUsd).toBeNull();
    expect(warnings.join('\n')).toContain('no known price for judge openai:my-finetune-judge');
    const priced = await ask({ id: 'openai:my-finetune-judge', price: { input_per_mtok: 1_000_000, output_per_mtok: 0 } }, 'x');
    expect(priced.costUsd).toBe(fake.requests.at(-1)!.messages.reduce((n, m) => n + m.content.trim().split(/\s+/).length, 0));
  });

  it('a refused key: class auth, the run is told once (it stops with exit 4), no retries', async () => {
    const fatal: Error[] = [];
    const err = await ask('wrongkey:gpt-4o-mini', 'x', { onFatal: (e) => fatal.push(e) }).catch((e) => e);
    expect(err.errorClass).toBe('auth');
    expect(fatal).toHaveLength(1);
    expect((fatal[0] as { code?: string }).code).toBe('PROVIDER_AUTH');
    expect(fake.requests).toHaveLength(1);
  });

  it('unknown provider, replay judge, missing key: errors before any call', async () => {
    const s = suite;
    await expect(createJudgeClient(s, ['nope:model'])).rejects.toMatchObject({ code: 'PROVIDER_UNKNOWN' });
    await expect(createJudgeClient(s, ['replay:out.jsonl'])).rejects.toMatchObject({ code: 'PROVIDER_CONFIG' });
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await expect(createJudgeClient(s, ['anthropic:claude-x'])).rejects.toMatchObject({ code: 'API_KEY_MISSING' });
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("function judges: the user's own code answers; bad answers retried once; a throw is a judge failure", async () => {
    store = openStore(':memory:');
    const client = await createJudgeClient(suite, ['function:judge.mjs'], { store });
    const a = await client.ask({ model: 'function:judge.mjs', ...question('fine'), caseId: 'c7' });
    expect(a).toMatchObject({
      object: { verdict: 'pass', score: 0.75, reasoning: 'function judge on c7 (reasoning,verdict,score)' },
      cached: false,
      costUsd: 0,
    });
    const bad = await client.ask({ model: 'function:judge.mjs', ...question('BAD') }).catch((e) => e);
    expect(bad.errorClass).toBe('judge-error');
    const threw = await client.ask({ model: 'function:judge.mjs', ...question('THROW') }).catch((e) => e);
    expect(threw).toBeInstanceOf(JudgeCallError);
    expect(threw.message).toContain('judge module failed');
    await expect(createJudgeClient(suite, ['function:missing.mjs'])).rejects.toMatchObject({ code: 'MODULE_LOAD' });
  });
});
