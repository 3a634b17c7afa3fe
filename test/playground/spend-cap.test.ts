// The playground's per-session spend cap (issue #20): a trial whose estimate passes what is left is refused before any
// call (402); a running trial stops at the cap (run/'s budget: no call is started past it); each signed-in session
// has its own cap, and the key reaches no response.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/cli.js';
import { hashToken } from '../../src/viewer/index.js';
import type { PlaygroundInfo, TrialEstimate, TrialEvent, TrialRequest } from '../../src/viewer/index.js';
import { answer, CASES, events, KEY, startHarness, type Harness } from './setup.js';

const EDITED = [{ role: 'user' as const, content: 'Quote the code: {{question}}' }];
const all = Array.from({ length: CASES }, (_, i) => `c${i + 1}`);
let h: Harness | undefined;
afterEach(async () => {
  for (const body of h?.bodies ?? []) expect(body).not.toContain(KEY);
  await h?.close();
  h = undefined;
  cleanupTempDirs();
});

const request = (runId: string): TrialRequest => ({ runId, variantId: 'gpt-4o-mini', caseIds: all, messages: EDITED, model: 'gpt-4o-mini' });

describe('playground spend cap', () => {
  it('refuses a trial whose estimate passes the cap, before any call', async () => {
    h = await startHarness({ playground: { maxCostUsd: 0.000001 } });
    const estimate = (await (await h.post('/playground/estimate', request(h.runId))).json()) as TrialEstimate;
    expect(estimate.costUsd).toBeGreaterThan(0.000001);
    expect(estimate.withinCap).toBe(false);
    h.provider.reset();
    const response = await h.post('/playground/trials', request(h.runId));
    expect(response.status).toBe(402);
    const body = (await response.json()) as { code: string; error: string; fix: string };
    expect(body.code).toBe('SPEND_CAP');
    expect(body.error).toMatch(/would cost \$[\d.]+, and this session has \$0\.0000 left of its \$0\.000001 cap/);
    expect(body.fix).toMatch(/fewer cases|--playground-max-cost/);
    expect(h.provider.requests).toHaveLength(0);
  });

  it('stops a running trial at the cap: no call is started once the spend reaches it', async () => {
    // The edited prompt's answers report a million output tokens: $0.60 each at gpt-4o-mini's list price, while the
    // estimate (no history for the trial variant: 256 tokens per call) is well under the $0.05 cap.
    h = await startHarness({
      playground: { maxCostUsd: 0.05 },
      provider: { answer: (req) => (req.messages[0].content.startsWith('Quote') ? { text: answer(req), outputTokens: 1_000_000 } : answer(req)) },
    });
    const estimate = (await (await h.post('/playground/estimate', request(h.runId))).json()) as TrialEstimate;
    expect(estimate.withinCap).toBe(true);
    h.provider.reset();
    const list = events<TrialEvent>(await (await h.post('/playground/trials', request(h.runId))).text());
    const end = list.at(-1)!;
    if (end.type !== 'end') throw new Error(JSON.stringify(end));
    expect(end.status).not.toBe('completed');
    // The suite runs one call at a time: the first call passed the cap, so no second one was started.
    expect(h.provider.requests).toHaveLength(1);
    expect(end.spend.spentUsd).toBeGreaterThan(0.05);
    const info = (await (await h.api('/playground')).json()) as PlaygroundInfo;
    expect(info.spend.spentUsd).toBe(end.spend.spentUsd);
    // Nothing is left: the next trial is refused up front.
    expect((await h.post('/playground/trials', request(h.runId))).status).toBe(402);
  });

  it('keeps one cap per signed-in session (the token hash), and needs sign-in with --host', async () => {
    const alice = 'esv_alice-token-for-the-playground-test-000';
    const bob = 'esv_bob00-token-for-the-playground-test-0000000';
    h = await startHarness({ playground: { maxCostUsd: 1 }, tokens: [alice, bob] });
    const as = (token: string, path: string, init: RequestInit = {}) =>
      h!.api(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    expect((await h.api('/playground')).status).toBe(401);
    const trial = await as(alice, '/playground/trials', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request(h.runId)),
    });
    expect(trial.status).toBe(200);
    const ended = events<TrialEvent>(await trial.text()).at(-1)!;
    expect(ended.type).toBe('end');
    const aliceInfo = (await (await as(alice, '/playground')).json()) as PlaygroundInfo;
    const bobInfo = (await (await as(bob, '/playground')).json()) as PlaygroundInfo;
    expect(aliceInfo.spend.spentUsd).toBeGreaterThan(0);
    expect(bobInfo.spend).toEqual({ capUsd: 1, spentUsd: 0 });
    expect(hashToken(alice)).not.toBe(hashToken(bob));
  });
});
