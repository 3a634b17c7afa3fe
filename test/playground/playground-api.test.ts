// The playground's API over real HTTP (issue #20): a stored run's info and slices, a trial's estimate and its NDJSON
// events, its comparison (the same figures `evalspec show` gives for the trial run), saving a prompt version, and the
// rule that the provider key never reaches the browser: every response body of every route, errors included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import { loadSuite } from '../../src/suite/index.js';
import type {
  FullRunEvent,
  PlaygroundInfo,
  PlaygroundRunInfo,
  PlaygroundSlice,
  SavePromptResult,
  TrialEstimate,
  TrialEvent,
  TrialRequest,
} from '../../src/viewer/index.js';
import { CASES, KEY, events, startHarness, suiteText, ticketOf, type Harness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  // No response of any test in this file carried the key (the suite reads it from the environment; the calls use it).
  expect(h.bodies.length).toBeGreaterThan(10);
  for (const body of h.bodies) expect(body).not.toContain(KEY);
  await h?.close();
  cleanupTempDirs();
});

const json = async <T>(response: Response, status = 200): Promise<T> => {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
};

const EDITED = [{ role: 'user' as const, content: 'Quote the code: {{question}}' }];
const odd = Array.from({ length: CASES }, (_, i) => `c${i + 1}`).filter((_, i) => i % 2 === 0);
const all = Array.from({ length: CASES }, (_, i) => `c${i + 1}`);

describe('playground API', () => {
  it('says it is on, with the session spend and the trial size limit', async () => {
    const info = await json<PlaygroundInfo>(await h.api('/playground'));
    expect(info).toEqual({ spend: { capUsd: 5, spentUsd: 0 }, maxTrialCases: 100 });
  });

  it('describes a stored run from its suite file: models by label and ref, prompts, providers, variants, tags; no provider settings', async () => {
    const info = await json<PlaygroundRunInfo>(await h.api(`/playground/runs/${h.runId}`));
    expect(info.problem).toBeNull();
    expect(info.models).toEqual([{ label: 'gpt-4o-mini', ref: 'openai:gpt-4o-mini' }]);
    expect(info.prompts).toEqual([{ id: 'v1', messages: [{ role: 'user', content: '{{question}}' }] }]);
    expect(info.providers).toEqual(['openai']);
    expect(info.variants).toEqual([{ id: 'gpt-4o-mini', label: 'gpt-4o-mini', promptId: 'v1', comparable: true }]);
    expect(info.tags).toEqual(['segment:enterprise', 'segment:smb']);
    expect(JSON.stringify(info)).not.toContain(h.provider.openaiBaseURL);
    await json(await h.api('/playground/runs/nope'), 404);
  });

  it('slices the run: failed cases, a tag, a search over the output, a seeded sample, all', async () => {
    const slice = (q: string) => h.api(`/playground/runs/${h.runId}/slice?variant=gpt-4o-mini&${q}`).then((r) => json<PlaygroundSlice>(r));
    const failed = await slice('kind=failed');
    // The fake provider leaves the code out of odd tickets' answers: those fail the contains check.
    expect(failed.cases.map((c) => c.caseId)).toEqual(odd);
    expect(failed.cases.every((c) => c.pass === false && c.output === 'I cannot find a code.')).toBe(true);
    expect(failed.cases[0].vars).toEqual({ question: 'Ticket 1: the code is CODE-1.', n: '1' });
    expect((await slice('kind=tag&value=segment:smb')).cases.map((c) => c.caseId)).toEqual(['c4', 'c5', 'c6']);
    const search = await slice('kind=search&value=CODE-4.');
    expect(search.cases.map((c) => [c.caseId, c.pass])).toEqual([['c4', true]]);
    const a = await slice('kind=sample&n=3&seed=7');
    expect(a.matched).toBe(CASES);
    expect(a.cases).toHaveLength(3);
    expect(new Set(a.cases.map((c) => c.caseId)).size).toBe(3);
    expect((await slice('kind=sample&n=3&seed=7')).cases).toEqual(a.cases); // the same seed, the same sample
    expect((await slice('kind=all&n=4')).cases.map((c) => c.caseId)).toEqual(['c1', 'c2', 'c3', 'c4']);
    await json(await h.api(`/playground/runs/${h.runId}/slice?variant=gpt-4o-mini&kind=bogus`), 400);
    await json(await h.api(`/playground/runs/${h.runId}/slice?variant=nope&kind=all`), 400);
  });

  it('estimates a trial: the new variant is called on each case, the stored one reused', async () => {
    const request: TrialRequest = { runId: h.runId, variantId: 'gpt-4o-mini', caseIds: all, messages: EDITED, model: 'gpt-4o-mini' };
    const estimate = await json<TrialEstimate>(await h.post('/playground/estimate', request));
    expect(estimate.calls).toBe(CASES);
    expect(estimate.reused).toBe(CASES);
    expect(estimate.costUsd).toBeGreaterThan(0);
    expect(estimate.withinCap).toBe(true);
    expect(estimate.spend).toEqual({ capUsd: 5, spentUsd: 0 });
  });

  it('refuses bad trial requests with 400 and says what to send', async () => {
    const base = { runId: h.runId, variantId: 'gpt-4o-mini', caseIds: ['c1'], model: 'gpt-4o-mini' };
    const refused = async (body: unknown, status = 400) => (await json<{ error: string }>(await h.post('/playground/trials', body), status)).error;
    expect(await refused({ ...base })).toMatch(/exactly one of messages/);
    expect(await refused({ ...base, messages: [{ role: 'robot', content: 'x' }] })).toMatch(/role must be/);
    expect(await refused({ ...base, promptId: 'v1' })).toMatch(/variant gpt-4o-mini itself/);
    expect(await refused({ ...base, messages: EDITED, params: { temperature: 7 } })).toMatch(/temperature/);
    expect(await refused({ ...base, messages: EDITED, caseIds: ['c99'] })).toMatch(/no case c99/);
    expect(await refused({ ...base, messages: EDITED, model: 'nosuch:model' })).toMatch(/nosuch/);
    expect(await refused({ ...base, runId: 'nope', messages: EDITED }, 404)).toMatch(/no run nope/);
    // A write without the custom header is refused before the playground sees it (CSRF, as label writes).
    const bare = await h.api('/playground/trials', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
    expect(bare.status).toBe(403);
  });

  it('runs a trial: results case by case, then the paired difference and the flipped cases, equal to `evalspec show` of the trial run', async () => {
    const request: TrialRequest = { runId: h.runId, variantId: 'gpt-4o-mini', caseIds: all, messages: EDITED, model: 'gpt-4o-mini' };
    h.provider.reset();
    const response = await h.post('/playground/trials', request);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type'), text).toMatch(/application\/x-ndjson/);
    const list = events<TrialEvent>(text);
    expect(list[0].type).toBe('start');
    const end = list.at(-1)!;
    if (end.type !== 'end') throw new Error(`the trial ended with ${JSON.stringify(end)}`);
    expect(end.status).toBe('completed');
    const results = list.flatMap((e) => (e.type === 'result' ? [e.result] : []));
    const trial = results.filter((r) => r.side === 'trial');
    expect(trial.map((r) => r.caseId).sort()).toEqual(all);
    expect(trial.every((r) => r.pass === true && r.output === `The code is CODE-${r.caseId.slice(1)}.`)).toBe(true);
    expect(trial[0].checks).toEqual([expect.objectContaining({ name: 'contains', pass: true, critical: false })]);
    // Only the trial's calls reached the provider, streamed, with the edited prompt: the stored side was reused.
    expect(h.provider.requests.map((r) => [r.messages[0].content.startsWith('Quote the code'), r.stream])).toEqual(all.map(() => [true, true]));
    expect(h.provider.requests.map(ticketOf).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const stored = results.filter((r) => r.side === 'stored');
    expect(stored.map((r) => [r.caseId, r.pass, r.costUsd, r.ttftMs]).sort()).toEqual(all.map((id, i) => [id, i % 2 === 1, 0, null]).sort());
    // Streamed: the deltas of each case add up to its output, and its time to first token is within its latency.
    for (const r of trial) {
      const deltas = list.flatMap((e) => (e.type === 'delta' && e.caseId === r.caseId ? [e.text] : []));
      expect(deltas.join('')).toBe(r.output);
      expect(r.ttftMs).toBeGreaterThan(0);
      expect(r.ttftMs!).toBeLessThanOrEqual(r.latencyMs!);
    }

    const c = end.comparison;
    // By hand: stored passes c2, c4, c6 (3/6); the trial passes all 6: +0.5, and c1, c3, c5 flipped to passing.
    expect(c.cases).toBe(CASES);
    expect(c.stored).toEqual({ runId: h.runId, variantId: 'gpt-4o-mini', passRate: 0.5 });
    expect(c.trial.passRate).toBe(1);
    expect(c.difference.estimate).toBeCloseTo(0.5, 12);
    expect(c.flipped).toEqual({ fixed: odd, broken: [] });
    expect(c.costUsd.trial).toBeGreaterThan(0);
    expect(c.costUsd.stored).toBeGreaterThan(0);
    expect(end.spend.spentUsd).toBeGreaterThan(0);
    expect(end.spend.spentUsd).toBeLessThanOrEqual(5);

    // `evalspec show TRIAL_RUN --json` compares the same two variants with the same figures.
    const start = list[0] as Extract<TrialEvent, { type: 'start' }>;
    const out = join(h.dir, 'show.json');
    const shown = await runCli(['show', start.trialRunId, '--json', out, '--db', h.db], { cwd: h.dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { label: string; comparisons: Record<string, unknown>[] };
    expect(report.label).toBe('playground');
    expect(report.comparisons).toHaveLength(1);
    const figures = report.comparisons[0] as { n: number; difference: number; interval: { low: number; high: number; level: number; method: string } };
    expect(c.cases).toBe(figures.n);
    expect(c.difference.estimate).toBe(figures.difference);
    expect([c.difference.low, c.difference.high, c.difference.level, c.difference.method]).toEqual([
      figures.interval.low,
      figures.interval.high,
      figures.interval.level,
      figures.interval.method,
    ]);
    expect((await json<PlaygroundInfo>(await h.api('/playground'))).spend.spentUsd).toBe(end.spend.spentUsd);
  });

  it('saves the prompt as a new version: the suite file gains exactly that entry, comments kept, and still loads', async () => {
    const before = suiteText(h);
    const saved = await json<SavePromptResult>(await h.post('/playground/prompts', { runId: h.runId, messages: EDITED }));
    expect(saved.promptId).toBe('v1-v2');
    const after = suiteText(h);
    const added = `  - id: v1-v2\n    messages:\n      - role: user\n        content: "Quote the code: {{question}}"\n`;
    // Byte for byte: the old file with the entry inserted after the last prompt's lines, at the line returned.
    const at = before.indexOf('\n\ncases:') + 1; // the blank line after the prompts list
    expect(after).toBe(before.slice(0, at) + added + before.slice(at));
    expect(after.split('\n')[saved.line - 1]).toBe('  - id: v1-v2');
    const suite = loadSuite(h.suiteFile);
    expect(suite.prompts.map((p) => p.id)).toEqual(['v1', 'v1-v2']);
    expect(suite.prompts[1].messages).toEqual(EDITED);
    // The same id again is refused, and the file is unchanged.
    const again = await json<{ error: string; fix: string }>(await h.post('/playground/prompts', { runId: h.runId, id: 'v1-v2', messages: EDITED }), 400);
    expect(again.error).toMatch(/already has a prompt "v1-v2"/);
    expect(again.fix).toMatch(/v1-v3/);
    expect(suiteText(h)).toBe(after);
  });

  it('runs the saved version on the full suite against the stored run: only its calls are made, streamed, within the cap', async () => {
    h.provider.reset();
    const before = (await json<PlaygroundInfo>(await h.api('/playground'))).spend.spentUsd;
    const response = await h.post('/playground/full-runs', { runId: h.runId, model: 'gpt-4o-mini', promptId: 'v1-v2' });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const list = events<FullRunEvent>(text);
    expect(list[0]).toMatchObject({ type: 'start' });
    const end = list.at(-1)!;
    if (end.type !== 'end') throw new Error(text);
    expect([end.status, end.exitCode]).toEqual(['completed', 0]);
    expect(list.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(CASES);
    // No call at all: the stored variant (v1) is reused from the stored run, and the saved version's messages are
    // the trial's, so the cache answers them (same model, messages, params and repeat).
    expect(h.provider.requests).toHaveLength(0);
    const run = await h.store.runs.get(end.runId);
    expect(run!.variants.map((v) => v.id).sort()).toEqual(['gpt-4o-mini/v1', 'gpt-4o-mini/v1-v2']);
    const rows = [];
    for await (const row of h.store.results.list(end.runId, { variantId: 'gpt-4o-mini/v1-v2' })) rows.push(row);
    expect(rows.map((r) => [r.caseId, r.pass, r.cached]).sort()).toEqual(all.map((id) => [id, true, true]));
    expect(end.spend.spentUsd).toBe(before);
    // An unknown run is a 404 before anything starts.
    await json(await h.post('/playground/full-runs', { runId: 'nope', model: 'gpt-4o-mini', promptId: 'v1-v2' }), 404);
  });
});
