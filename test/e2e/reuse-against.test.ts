// The prototype loop's library side (issue #20), through runSuite() over real HTTP to the fake provider: an ad-hoc
// --model ref the suite lacks, buildPlan's `variants`, `against` reusing a stored run's unchanged results (the fake
// provider counts exactly the new calls), a changed prompt called again, and a --prompt selection kept by --resume.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir, writeFiles } from '../helpers/cli.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';
import { runSuite } from '../../src/pipeline.js';
import { loadSuite } from '../../src/suite/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { openStore } from '../../src/store/index.js';
import type { FakeRequest } from '../fake-provider/server.js';

const KEY = 'sk-reuse-against-key-0123456789';
process.env.OPENAI_API_KEY = KEY;
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
// gpt-4o answers every code; gpt-4o-mini misses the code of cases 1 and 2 (fails them), and the mini's v2 prompt
// (which says "briefly") misses none.
const fake = useFakeProvider({
  apiKey: KEY,
  answer: (req) => {
    const n = caseNumber(req);
    const brief = req.messages.some((m) => m.content.includes('briefly'));
    return req.model === 'gpt-4o-mini' && n <= 2 && !brief ? 'no idea' : `the code is CODE-${n}`;
  },
});
afterEach(() => fake.server.reset());

const TWO_PROMPTS = `  - id: v2
    messages: [{ role: user, content: "{{question}} Answer briefly." }]
`;
/** The suite YAML with a prompt entry added after v1 (openAiSuite writes `cases:` right after the prompts). */
const withPrompt = (yaml: string, entry: string): string => yaml.replace('cases: cases.jsonl', `${entry}cases: cases.jsonl`);

function setUp(options: { models?: string; prompts?: string; cases?: number; extra?: string } = {}): { dir: string; suite: string; db: string } {
  const dir = tempDir();
  let yaml = openAiSuite({
    name: 'reuse',
    url: fake.server.openaiBaseURL,
    models: options.models ?? '[openai:gpt-4o-mini]',
    checks: '[{ type: contains, value: "CODE-{{n}}" }]',
    extra: options.extra ?? '',
  });
  if (options.prompts) yaml = withPrompt(yaml, options.prompts);
  writeFiles(dir, { 'evalspec.yaml': yaml, 'cases.jsonl': ticketCases(options.cases ?? 4) });
  return { dir, suite: join(dir, 'evalspec.yaml'), db: join(dir, 'store.db') };
}

const modelsCalled = () => fake.server.requests.map((r) => r.model);

describe('ad-hoc models and buildPlan variants', () => {
  it('--model provider:model on a suite provider adds the model, labelled by its ref, with the suite params', async () => {
    const { suite, db } = setUp({ extra: 'params: { temperature: 0.3 }\n' });
    const loaded = loadSuite(suite, { models: ['openai:gpt-4o'] });
    expect(loaded.models.map((m) => [m.label, m.modelId, m.params])).toEqual([['openai:gpt-4o', 'gpt-4o', { temperature: 0.3 }]]);
    const { outcome, report } = await runSuite(suite, { db, models: ['openai:gpt-4o'] });
    expect(outcome.status).toBe('completed');
    expect(modelsCalled()).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o']);
    expect(report.variants.map((v) => v.id)).toEqual(['openai:gpt-4o']);
  });

  it('an unknown provider or label is a USAGE error naming the providers and the models', () => {
    const { suite } = setUp();
    expect(() => loadSuite(suite, { models: ['mistral:large'] })).toThrow(
      expect.objectContaining({ code: 'USAGE', hint: expect.stringMatching(/gpt-4o-mini.*one of its providers: openai, anthropic/) }),
    );
    expect(() => loadSuite(suite, { models: ['gpt-5'] })).toThrow(expect.objectContaining({ code: 'USAGE', hint: "the suite's models: gpt-4o-mini" }));
  });

  it('--prompt keeps the suite-wide variant ids; an unknown prompt id is a USAGE error listing the ids', () => {
    const { suite } = setUp({ prompts: TWO_PROMPTS });
    const plan = buildPlan(loadSuite(suite, { prompts: ['v2'] }));
    expect(plan.variants.map((v) => v.id)).toEqual(['gpt-4o-mini/v2']);
    expect(() => loadSuite(suite, { prompts: ['v3'] })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('did you mean v1?'), hint: "the suite's prompt ids: v1, v2" }),
    );
  });

  it('buildPlan({ variants }) plans exactly those variants, in that order; items and totalCalls follow', () => {
    const { suite } = setUp({ models: '[openai:gpt-4o-mini, openai:gpt-4o]', prompts: TWO_PROMPTS, cases: 3 });
    const plan = buildPlan(loadSuite(suite), { repeat: 2, variants: ['gpt-4o/v2', 'gpt-4o-mini/v1'] });
    expect(plan.variants.map((v) => v.id)).toEqual(['gpt-4o/v2', 'gpt-4o-mini/v1']);
    // 3 cases × 2 variants × 2 repeats
    expect(plan.totalCalls).toBe(12);
    const items = [...plan.items()];
    expect(items).toHaveLength(12);
    expect(new Set(items.map((i) => i.variantId))).toEqual(new Set(['gpt-4o/v2', 'gpt-4o-mini/v1']));
    expect(items.find((i) => i.variantId === 'gpt-4o/v2')!.messages.at(-1)!.content).toContain('Answer briefly.');
    expect(() => buildPlan(loadSuite(suite), { variants: ['gpt-4o'] })).toThrow(
      expect.objectContaining({ code: 'USAGE', hint: expect.stringContaining('gpt-4o/v1') }),
    );
  });
});

describe('against a stored run', () => {
  it('calls only the new model (cases × repeats), reuses the stored variant and compares them paired', async () => {
    const { suite, db } = setUp({ extra: 'repeat: 2\n' });
    const first = await runSuite(suite, { db });
    expect(first.outcome.counts.called).toBe(8);
    fake.server.reset();
    // A trial run in between is not "latest".
    await runSuite(suite, { db, label: 'try', models: ['openai:gpt-4o'], repeat: 1, cache: false });
    fake.server.reset();

    const { outcome, report, againstRunId } = await runSuite(suite, { db, models: ['openai:gpt-4o'], against: 'latest' });
    expect(againstRunId).toBe(first.outcome.runId);
    // 4 cases × 2 repeats of the new model; the stored variant's 8 results are reused, not served by the cache.
    expect(modelsCalled()).toEqual(Array(8).fill('gpt-4o'));
    expect(outcome.counts).toMatchObject({ called: 8, reused: 8, cached: 0, errors: 0 });
    expect(report.variants.map((v) => v.id)).toEqual(['gpt-4o-mini', 'openai:gpt-4o']);
    // Reused rows paid nothing; the stored variant's pass rate is the stored run's (cases 1 and 2 fail: 4/8).
    expect(report.variants[0]).toMatchObject({ passed: 4, failed: 4, cached: 8, costUsd: 0 });
    expect(report.baseline?.id).toBe('gpt-4o-mini');
    // Paired on 4 cases: the new model passes cases 1 and 2, which the stored variant failed (2 flips, +50 points).
    const comparison = report.comparisons![0];
    expect(comparison).toMatchObject({ baseline: 'gpt-4o-mini', variant: 'openai:gpt-4o' });
    expect(comparison.difference).toBeCloseTo(0.5, 9);

    const store = openStore(db);
    try {
      const run = await store.runs.get(outcome.runId);
      expect(run!.selection).toMatchObject({ models: ['openai:gpt-4o'], against: first.outcome.runId, repeat: 2 });
    } finally {
      await store.close();
    }
  });

  it('reuses without the cache, and calls again the variant whose prompt text changed', async () => {
    const { suite, db } = setUp({ models: '[openai:gpt-4o-mini, openai:gpt-4o]', prompts: TWO_PROMPTS, cases: 3 });
    const first = await runSuite(suite, { db, cache: false });
    expect(first.outcome.counts.called).toBe(12);
    // Edit v2's text: its variants must be called again; v1's are reused.
    writeFileSync(suite, readFileSync(suite, 'utf8').replace('Answer briefly.', 'Answer very briefly.'));
    fake.server.reset();
    const { outcome } = await runSuite(suite, { db, cache: false, against: first.outcome.runId });
    expect(outcome.counts).toMatchObject({ reused: 6, called: 6, cached: 0 });
    expect(fake.server.requests.every((r) => r.messages.at(-1)!.content.includes('Answer very briefly.'))).toBe(true);
    expect(fake.server.requests).toHaveLength(6);
  });

  it('keeps the stored variants first when the suite gains a prompt (variants matched by label and prompt id)', async () => {
    const { suite, db } = setUp({ cases: 3 });
    const first = await runSuite(suite, { db });
    writeFileSync(suite, withPrompt(readFileSync(suite, 'utf8'), TWO_PROMPTS));
    fake.server.reset();
    const { outcome, report } = await runSuite(suite, { db, prompts: ['v2'], against: first.outcome.runId });
    // The stored "gpt-4o-mini" is now "gpt-4o-mini/v1": reused, not called; only v2 is called (3 cases).
    expect(report.variants.map((v) => v.id)).toEqual(['gpt-4o-mini/v1', 'gpt-4o-mini/v2']);
    expect(outcome.counts).toMatchObject({ reused: 3, called: 3 });
    expect(fake.server.requests.every((r) => r.messages.at(-1)!.content.includes('briefly'))).toBe(true);
  });

  it('scores reused results with the current checks; changed params are called again', async () => {
    const { suite, db } = setUp({ cases: 3 });
    const first = await runSuite(suite, { db, cache: false });
    expect(first.report.variants[0]).toMatchObject({ passed: 1, failed: 2 });
    // A check every answer fails: the reused results are scored again (no call) and now all fail.
    writeFileSync(
      suite,
      readFileSync(suite, 'utf8').replace('checks: [{ type: contains, value: "CODE-{{n}}" }]', 'checks: [{ type: contains, value: "zzz" }]'),
    );
    fake.server.reset();
    const rescored = await runSuite(suite, { db, cache: false, against: first.outcome.runId });
    expect(rescored.outcome.counts).toMatchObject({ reused: 3, called: 0 });
    expect(rescored.report.variants[0]).toMatchObject({ passed: 0, failed: 3 });
    // Other params are another call: nothing reused.
    writeFileSync(suite, `${readFileSync(suite, 'utf8')}params: { temperature: 0.9 }\n`);
    const changed = await runSuite(suite, { db, cache: false, against: first.outcome.runId });
    expect(changed.outcome.counts).toMatchObject({ reused: 0, called: 3 });
    expect(fake.server.requests).toHaveLength(3);
  });

  it('two entries of one model ref, told apart by label and params, are each reused', async () => {
    const { suite, db } = setUp({ models: '[openai:gpt-4o-mini, { id: openai:gpt-4o-mini, label: mini-hot, params: { temperature: 1 } }]', cases: 2 });
    const first = await runSuite(suite, { db, cache: false });
    fake.server.reset();
    const again = await runSuite(suite, { db, cache: false, against: first.outcome.runId });
    expect(again.outcome.counts).toMatchObject({ reused: 4, called: 0 });
    expect(fake.server.requests).toHaveLength(0);
  });

  it('a resumed --against run plans against the same stored run and still reuses it', async () => {
    const { suite, db } = setUp({ cases: 3 });
    const first = await runSuite(suite, { db });
    fake.server.reset();
    const stop = new AbortController();
    const cut = await runSuite(suite, {
      db,
      models: ['openai:gpt-4o'],
      against: 'latest',
      cache: false,
      concurrency: 1,
      signal: stop.signal,
      onEvent: (e) => e.type === 'call-end' && !e.row.cached && stop.abort(),
    });
    expect(cut.outcome.status).toBe('cancelled');
    const calledBefore = fake.server.requests.length;
    const resumed = await runSuite(undefined, { db, resume: cut.outcome.runId, cache: false });
    expect(resumed.outcome.status).toBe('completed');
    expect(resumed.againstRunId).toBe(first.outcome.runId);
    // 3 cases of gpt-4o in all, over both invocations; the stored variant is never called.
    expect(fake.server.requests.map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o']);
    expect(calledBefore).toBeGreaterThanOrEqual(1);
    expect(resumed.report.variants.map((v) => [v.id, v.cached])).toEqual([
      ['gpt-4o-mini', 3],
      ['openai:gpt-4o', 0],
    ]);
  });

  it('an unknown run, or no run to compare with, is RUN_NOT_FOUND naming the fix', async () => {
    const { suite, db } = setUp();
    await expect(runSuite(suite, { db, against: 'latest' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', hint: expect.stringContaining('evalspec run') });
    await expect(runSuite(suite, { db, against: 'nope' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('--prompt and --resume', () => {
  it('a resume plans the stored --prompt selection again', async () => {
    const { suite, db } = setUp({ prompts: TWO_PROMPTS, cases: 3 });
    const cancelFirst = { on: true };
    const stop = new AbortController();
    // Cancel after the first result: the run is left with work to do.
    const first = await runSuite(suite, {
      db,
      prompts: ['v2'],
      concurrency: 1,
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'call-end' && cancelFirst.on) stop.abort();
      },
    });
    expect(first.outcome.status).toBe('cancelled');
    cancelFirst.on = false;
    const resumed = await runSuite(undefined, { db, resume: first.outcome.runId });
    expect(resumed.outcome.status).toBe('completed');
    expect(resumed.report.variants.map((v) => v.id)).toEqual(['gpt-4o-mini/v2']);
    expect(new Set(fake.server.requests.map((r) => r.messages.at(-1)!.content.includes('briefly')))).toEqual(new Set([true]));
    await expect(runSuite(undefined, { db, resume: first.outcome.runId, prompts: ['v1'] })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
