// monitor/'s production scorer on a real suite file: deterministic checks (pass, fail, a critical failure), a
// javascript check that hangs (its worker stopped at the deadline: status error, reason check-error), a judge check
// asked over HTTP of the loopback fake provider with its list-price cost on the score, the daily judge spend cap
// (the store's figure plus this batch's) turning later records unscored, vars from attributes, and the unscored
// reasons (no output, a missing template variable).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/suite.js';
import { schemaNameOf, promptOf, fenced } from '../judges/helpers.js';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { createProductionScorer } from '../../src/monitor/index.js';
import { terminateUserCode } from '../../src/user-code/index.js';
import { openStore, type ProductionRecord } from '../../src/store/index.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
afterAll(() => terminateUserCode('tests done'));

const KEY = 'sk-monitor-scorer-0123456789';
// List price of one judge call as the fake provider reports it (500 input + 50 output tokens of gpt-4o), from the
// price database itself: about $0.00175 (500 × $2.50/M + 50 × $10/M).
const price = calcPrice({ input_tokens: 1, output_tokens: 1 }, 'gpt-4o', { providerId: 'openai' })!.model_price;
const JUDGE_CALL = (500 * (price.input_mtok as number) + 50 * (price.output_mtok as number)) / 1e6;
// Room for two judge calls and a half: the third starts at 2 × JUDGE_CALL < cap and is made, the fourth is not.
const CAP = 2.5 * JUDGE_CALL;

function suiteFile(url: string): string {
  return `name: prod-scoring
providers:
  openai: { baseURL: "${url}", apiKey: "${KEY}" }
  wrongkey: { type: openai, baseURL: "${url}", apiKey: "sk-wrong-key-000000000" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
retries: { max: 0 }
checks:
  - { type: contains, value: "thanks", metric: polite }
  - { type: regex, value: "password", not: true, severity: critical, metric: no-secret }
monitors:
  - name: basic
    checks: [polite, no-secret]
  - name: hangs
    checks: [{ type: javascript, value: "while (true) {}", timeout_ms: 300 }]
  - name: plan
    checks: [{ type: contains, value: "plan {{app.plan}}", metric: names-plan }, { type: javascript, value: "vars.tool_calls.length === 1 && vars.input.startsWith('What')" }]
  - name: judged
    checks: [{ type: judge, judge: openai:gpt-4o, rubric: "The answer gives the order's code." }]
    max_cost_per_day: ${CAP}
  - name: module
    checks: [{ type: javascript, file: checks.mjs, function: mentionsPlan }]
  - name: defaults
  - name: refused
    checks: [{ type: judge, judge: wrongkey:gpt-4o, rubric: "The answer gives the order's code." }]
  - name: unpriced
    checks: [{ type: judge, judge: openai:house-judge-1, rubric: "The answer gives the order's code." }]
    max_cost_per_day: ${CAP}
`;
}

let n = 0;
/** A production record as ingest stores it (only what the scorer reads differs between tests). */
function record(output: string | null, more: Partial<ProductionRecord> = {}): ProductionRecord {
  n++;
  return {
    id: `r${n}`,
    suite: 'prod-scoring',
    traceId: `t${n}`,
    spanId: `s${n}`,
    parentSpanId: null,
    conversationId: null,
    startedAt: '2026-12-05T10:00:00.000Z',
    endedAt: '2026-12-05T10:00:01.000Z',
    ingestedAt: '2026-12-05T10:00:02.000Z',
    source: 'jsonl',
    provider: 'openai',
    model: 'gpt-4o-mini',
    language: null,
    responseModel: null,
    input: [
      { role: 'system', content: 'You are a support assistant.' },
      { role: 'user', content: 'What is the code of my order?' },
    ],
    output,
    toolCalls: [],
    inputTokens: 20,
    outputTokens: 10,
    costUsd: null,
    latencyMs: 900,
    ttftMs: null,
    finishReason: 'stop',
    attributes: {},
    tags: [],
    contentHash: `h${n}`,
    flagged: false,
    ...more,
  };
}

describe('production scorer', () => {
  let failJudges = false;
  const fake = useFakeProvider({
    apiKey: KEY,
    fault: () => (failJudges ? { kind: '500' } : undefined),
    answer: (req) => {
      if (schemaNameOf(req) !== 'judge_verdict') return 'not a judge request';
      // The judge passes an answer that carries a code; the output is fenced in the judge's prompt.
      const output = fenced(promptOf(req), 'output') ?? promptOf(req);
      const ok = /CODE-\d+/.test(output);
      return {
        text: JSON.stringify({ reasoning: ok ? 'gives the code' : 'no code', verdict: ok ? 'pass' : 'fail', score: ok ? 1 : 0 }),
        inputTokens: 500,
        outputTokens: 50,
      };
    },
  });
  afterEach(() => {
    fake.server.reset();
    failJudges = false;
  });
  const load = (): Suite => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': suiteFile(fake.server.openaiBaseURL),
      'checks.mjs': 'export function mentionsPlan(output, { vars }) { return output.includes(vars.app.plan); }\n',
    });
    return loadSuite(join(dir, 'evalspec.yaml'));
  };
  const at = new Date('2026-12-05T13:45:00Z');

  it('deterministic checks: pass, fail, a critical failure; refusal as a metric', async () => {
    const scorer = await createProductionScorer({ suite: load(), now: () => at });
    const [good, rude, leak, refusal] = await scorer.score(
      [
        record('Here it is, thanks for waiting.'),
        record('Here it is.'),
        record('thanks: your password is hunter2'),
        record("I'm sorry, but I can't help with that."),
      ],
      'basic',
    );
    expect(good).toMatchObject({
      monitor: 'basic',
      status: 'scored',
      reason: null,
      passed: true,
      criticalFailed: false,
      judgeCostUsd: null,
      scoredAt: at.toISOString(),
    });
    expect(good.checks.map((c) => [c.name, c.passed])).toEqual([
      ['polite', true],
      ['no-secret', true],
    ]);
    expect(rude).toMatchObject({ status: 'scored', passed: false, criticalFailed: false });
    expect(leak).toMatchObject({ status: 'scored', passed: false, criticalFailed: true });
    expect(leak.checks.find((c) => c.name === 'no-secret')).toMatchObject({ passed: false, severity: 'critical' });
    expect([good, rude, leak, refusal].map((s) => s.metrics.refusal)).toEqual([0, 0, 0, 1]);
    expect(fake.server.requests).toHaveLength(0); // no judge in this monitor
  });

  it('a monitor without checks: applies the suite checks', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    const [s] = await scorer.score([record('thanks: your password is hunter2')], 'defaults');
    expect(s.checks.map((c) => [c.name, c.passed])).toEqual([
      ['polite', true],
      ['no-secret', false],
    ]);
    expect(s).toMatchObject({ passed: false, criticalFailed: true });
  });

  it('a javascript check that hangs: its worker is stopped at the deadline, the score is an error of class check-error', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    const [hung] = await scorer.score([record('anything')], 'hangs');
    expect(hung.status).toBe('error');
    expect(hung.reason).toMatch(/^check-error: javascript: .*did not finish/);
    expect(hung.passed).toBeNull();
    expect(hung.criticalFailed).toBeNull();
  });

  it('a module check runs in the trusted pool as offline; with isolateChecks it is refused (CHECK_ISOLATED)', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    const [pro, free] = await scorer.score(
      [record('Your plan: pro.', { attributes: { 'app.plan': 'pro' } }), record('Your plan: pro.', { attributes: { 'app.plan': 'free' } })],
      'module',
    );
    expect([pro.passed, free.passed]).toEqual([true, false]);
    const isolated = await createProductionScorer({ suite: load(), isolateChecks: true });
    await expect(isolated.score([record('x')], 'module')).rejects.toMatchObject({ code: 'CHECK_ISOLATED' });
  });

  it('vars come from the attributes (dotted keys as paths), input is the last user message, tool calls are visible', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    const toolCalls = [{ name: 'lookup_order', arguments: '{"id":7}', result: '{"code":"CODE-7"}' }];
    const [pro, free] = await scorer.score(
      [
        record('On the plan pro you get it now.', { attributes: { 'app.plan': 'pro' }, toolCalls }),
        record('On the plan pro you get it now.', { attributes: { 'app.plan': 'free' }, toolCalls }),
      ],
      'plan',
    );
    expect(pro).toMatchObject({ status: 'scored', passed: true });
    expect(pro.checks.map((c) => c.passed)).toEqual([true, true]);
    // The rendered template asked for "plan free": the same output fails for the other record.
    expect(free).toMatchObject({ status: 'scored', passed: false });
    expect(free.checks[0]).toMatchObject({ name: 'names-plan', passed: false });
  });

  it('unscored with a reason: no output, a variable the record lacks', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    const [noOutput, noPlan] = await scorer.score(
      [record(null, { attributes: { 'app.plan': 'pro' } }), record('plan pro', { attributes: { 'app.locale': 'de' } })],
      'plan',
    );
    expect(noOutput).toMatchObject({ status: 'unscored', reason: 'no output', passed: null, criticalFailed: null, checks: [] });
    expect(noOutput.metrics.refusal).toBeNull();
    expect(noPlan.status).toBe('unscored');
    expect(noPlan.reason).toContain('missing template variable "app.plan"');
    expect(noPlan.reason).toContain('monitor "plan"');
  });

  it('a judge check asks the judge over HTTP; its list-price cost is on the score', async () => {
    const scorer = await createProductionScorer({ suite: load(), now: () => at });
    const [gives, lacks] = await scorer.score([record('Your code is CODE-12.'), record('I will look into it.')], 'judged');
    expect(gives).toMatchObject({ status: 'scored', passed: true });
    expect(lacks).toMatchObject({ status: 'scored', passed: false });
    expect(fake.server.requests.filter((r) => r.status === 200 && schemaNameOf(r) === 'judge_verdict')).toHaveLength(2);
    expect(gives.judgeCostUsd).toBeCloseTo(JUDGE_CALL, 12);
    expect(lacks.judgeCostUsd).toBeCloseTo(JUDGE_CALL, 12);
    // The judge saw the record's conversation as the input.
    expect(promptOf(fake.server.requests[0])).toContain('What is the code of my order?');
  });

  it('judges use the store as their cache: the same output judged again costs 0 and asks nobody', async () => {
    const dir = tempDir();
    const store = openStore(join(dir, 'cache.sqlite'));
    try {
      const scorer = await createProductionScorer({ suite: load(), store });
      const [first] = await scorer.score([record('Your code is CODE-31.')], 'judged');
      const again = await createProductionScorer({ suite: load(), store });
      const [second] = await again.score([record('Your code is CODE-31.')], 'judged');
      expect(first).toMatchObject({ status: 'scored', passed: true });
      expect(first.judgeCostUsd).toBeCloseTo(JUDGE_CALL, 12);
      expect(second).toMatchObject({ status: 'scored', passed: true, judgeCostUsd: 0 });
      expect(fake.server.requests.filter((r) => r.status === 200)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('a judge that cannot be reached: the score is an error of class judge-error, never a fail', async () => {
    failJudges = true;
    const scorer = await createProductionScorer({ suite: load() });
    const [s] = await scorer.score([record('Your code is CODE-40.')], 'judged');
    expect(s.status).toBe('error');
    expect(s.reason).toMatch(/^judge-error: /);
    expect(s.passed).toBeNull();
  });

  it('a refused judge key or a cancel rejects the batch: no record gets an error score the judge never gave', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    await expect(scorer.score([record('Your code is CODE-50.'), record('Your code is CODE-51.')], 'refused')).rejects.toMatchObject({
      code: 'PROVIDER_AUTH',
      exitCode: 4,
    });
    const stop = new AbortController();
    stop.abort();
    const cancelled = await createProductionScorer({ suite: load(), signal: stop.signal });
    await expect(cancelled.score([record('thanks')], 'basic')).rejects.toMatchObject({ exitCode: 130 });
  });

  it.each([1, 4])(
    'max_cost_per_day: the day spend (stored + this batch) reaching the cap turns later records unscored (concurrency %i)',
    async (concurrency) => {
      const asked: string[] = [];
      const scorer = await createProductionScorer({
        suite: load(),
        now: () => at,
        concurrency,
        judgeSpend: async (monitor, since) => (asked.push(`${monitor}@${since}`), 0),
      });
      const outputs = [1, 2, 3, 4, 5].map((i) => record(`Your code is CODE-${i}.`));
      const scores = await scorer.score(outputs, 'judged');
      // Spend before each record: 0, 1, 2 judge calls (< 2.5) → judged; then 3 (≥ 2.5) → unscored. With 4 at once,
      // a record waits for those in flight when they could reach the cap, so the count is the same.
      expect(scores.filter((s) => s.status === 'scored')).toHaveLength(3);
      expect(scores.filter((s) => s.status === 'unscored')).toHaveLength(2);
      expect(fake.server.requests.filter((r) => r.status === 200)).toHaveLength(3);
      const capped = scores.find((s) => s.status === 'unscored')!;
      expect(capped.reason).toContain(`max_cost_per_day $${CAP.toFixed(4)} reached`);
      expect(capped.reason).toContain(`$${(3 * JUDGE_CALL).toFixed(4)}`);
      expect(capped.reason).toContain('since 2026-12-05T00:00:00.000Z');
      expect(capped.judgeCostUsd).toBeNull();
      expect(scores.filter((s) => s.status === 'scored').reduce((t, s) => t + s.judgeCostUsd!, 0)).toBeCloseTo(3 * JUDGE_CALL, 12);
      expect(asked).toEqual(['judged@2026-12-05T00:00:00.000Z']);

      // The store already holds 1.2 judge calls of today's spend: 1.2, 2.2 → judged; 3.2 → unscored.
      fake.server.reset();
      const second = await createProductionScorer({ suite: load(), now: () => at, concurrency, judgeSpend: async () => 1.2 * JUDGE_CALL });
      const more = await second.score(
        [6, 7, 8].map((i) => record(`Your code is CODE-${i}.`)),
        'judged',
      );
      expect(more.filter((s) => s.status === 'scored')).toHaveLength(2);
      expect(fake.server.requests.filter((r) => r.status === 200)).toHaveLength(2);
    },
  );

  it('a capped monitor whose judge has no known price: cost unknown (null, never 0), and a warning that the cap cannot count it', async () => {
    const scorer = await createProductionScorer({ suite: load(), now: () => at, concurrency: 1 });
    const scores = await scorer.score(
      [1, 2, 3, 4].map((i) => record(`Your code is CODE-${i}.`)),
      'unpriced',
    );
    expect(scores.map((s) => [s.status, s.judgeCostUsd])).toEqual(Array.from({ length: 4 }, () => ['scored', null]));
    expect(scorer.warnings.filter((w) => w.includes('monitor "unpriced"'))).toHaveLength(1);
    expect(scorer.warnings.join('\n')).toContain('max_cost_per_day cannot count');
  });

  it('an unknown monitor is a usage error naming the valid ones', async () => {
    const scorer = await createProductionScorer({ suite: load() });
    await expect(scorer.score([record('x')], 'answer')).rejects.toMatchObject({
      code: 'USAGE',
      hint: expect.stringContaining('basic, hangs, plan, judged, module, defaults, refused, unpriced'),
    });
  });
});
