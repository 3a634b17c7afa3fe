// The production label endpoints (#15 item 5): label a record (pass / fail, error tags from the suite's error_tags, a
// note), list its labels, replace and delete them, the review queue of a monitor (unlabelled by you: failed and judged
// first); writes refused without the X-Evalspec-Request header, from a foreign origin or cross-site (the run labels'
// rules); bad input answered 400/404 in words. A store seeded through store.production (as ingest and the scorer would).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';
import { startOver } from './helpers.js';
import { openStore } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { generateToken, hashToken, type ProductionLabelsResponse, type ReviewQueueResponse } from '../../src/viewer/index.js';
import { record, score } from '../store/production-fixture.js';

const SUITE_YAML = `name: support
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
error_tags: [wrong-fact, rude, too-long]
checks:
  - { type: contains, value: "thanks", metric: polite }
monitors:
  - name: answers
`;

describe('viewer production labels API', () => {
  let db: string;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  const api = (path: string, init?: RequestInit) => fetch(`${viewer.url}api${path}`, init);
  const write = (method: 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = { 'X-Evalspec-Request': '1' }) =>
    api(path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = async <T>(path: string) => {
    const res = await api(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const stored = async () => {
    const store = openStore(db, { access: 'read' });
    try {
      return await store.production.labels.list({ suite: 'support' });
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE_YAML });
    db = join(dir, 'evalspec.db');
    const store = openStore(db);
    // r1 failed (judged), r2 passed (judged), r3 failed, r4 passed: the queue order is r1, r3, r2, r4.
    await store.production.putRecords([record('r1', 1), record('r2', 2), record('r3', 3), record('r4', 4)], []);
    await store.production.complete([
      score('r1', 'answers', { passed: false, judgeCostUsd: 0.001 }),
      score('r2', 'answers', { passed: true, judgeCostUsd: 0.001 }),
      score('r3', 'answers', { passed: false }),
      score('r4', 'answers', { passed: true }),
    ]);
    await store.close();
    viewer = await startOver(db, { suites: [loadSuite(join(dir, 'evalspec.yaml'))] });
  });
  afterAll(async () => {
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('refuses a label without the request header, from a foreign origin or cross-site, and stores nothing', async () => {
    const body = { verdict: 'fail' };
    expect((await write('POST', '/production/records/r1/labels', body, {})).status).toBe(403);
    expect((await write('POST', '/production/records/r1/labels', body, { 'X-Evalspec-Request': '1', Origin: 'http://evil.example' })).status).toBe(403);
    expect((await write('POST', '/production/records/r1/labels', body, { 'X-Evalspec-Request': '1', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await write('DELETE', '/production/records/r1/labels', undefined, {})).status).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it('answers bad input with 400 / 404 in words', async () => {
    const bad = async (path: string, body: unknown, status: number, message: RegExp) => {
      const res = await write('POST', path, body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    };
    await bad('/production/records/r1/labels', { verdict: 'maybe' }, 400, /verdict must be "pass" or "fail"/);
    await bad(
      '/production/records/r1/labels',
      { verdict: 'fail', errorTags: ['hallucination'] },
      400,
      /not one of the suite's error_tags \(wrong-fact, rude, too-long\)/,
    );
    await bad('/production/records/r1/labels', { verdict: 'fail', note: 3 }, 400, /note must be a string/);
    await bad('/production/records/nope/labels', { verdict: 'fail' }, 404, /no production record nope/);
    expect((await api('/production/records/nope/labels')).status).toBe(404);
    expect((await api('/monitor/support/answers/review?limit=0')).status).toBe(400);
    expect(await stored()).toEqual([]);
  });

  it('labels a record, lists, replaces and deletes the label, with the viewer’s labeller name', async () => {
    const empty = await json<ProductionLabelsResponse>('/production/records/r1/labels');
    expect(empty).toEqual({ labels: [], labeller: 'tester', errorTags: ['wrong-fact', 'rude', 'too-long'], errorTagsFromSuite: true });
    const origin = viewer.url.replace(/\/$/, '');
    const res = await write(
      'POST',
      '/production/records/r1/labels',
      { verdict: 'fail', errorTags: ['rude'], note: '<b>curt</b>' },
      { 'X-Evalspec-Request': '1', Origin: origin },
    );
    expect(res.status).toBe(200);
    const { label } = (await res.json()) as { label: ProductionLabelsResponse['labels'][number] };
    expect(label).toMatchObject({ recordId: 'r1', suite: 'support', labeller: 'tester', verdict: 'fail', errorTags: ['rude'], note: '<b>curt</b>' });
    // A name the browser sends is used when nobody is signed in (as for run labels).
    expect((await write('POST', '/production/records/r1/labels', { verdict: 'pass', labeller: 'bob' })).status).toBe(200);
    expect((await write('POST', '/production/records/r1/labels', { verdict: 'pass' })).status).toBe(200);
    const listed = await json<ProductionLabelsResponse>('/production/records/r1/labels');
    expect(listed.labels.map((l) => `${l.labeller}:${l.verdict}:${l.errorTags.join('+')}`)).toEqual(['bob:pass:', 'tester:pass:']);
    expect((await stored()).map((l) => `${l.recordId}/${l.labeller}/${l.verdict}`)).toEqual(['r1/bob/pass', 'r1/tester/pass']);
    expect((await write('DELETE', '/production/records/r1/labels?labeller=bob')).status).toBe(200);
    expect((await stored()).map((l) => `${l.recordId}/${l.labeller}`)).toEqual(['r1/tester']);
  });

  it('serves the review queue: records you have not labelled, failed and judged first', async () => {
    // tester labelled r1 above.
    const mine = await json<ReviewQueueResponse>('/monitor/support/answers/review');
    expect(mine.labeller).toBe('tester');
    expect(mine.items.map((i) => i.recordId)).toEqual(['r3', 'r2', 'r4']);
    expect(mine.items[0]).toMatchObject({ recordId: 'r3', passed: false, judged: false, status: 'scored' });
    const carol = await json<ReviewQueueResponse>('/monitor/support/answers/review?labeller=carol');
    expect(carol.items.map((i) => i.recordId)).toEqual(['r1', 'r3', 'r2', 'r4']);
  });

  it("records the signed-in token's name as the labeller, whatever the body claims (as run labels)", async () => {
    const alice = generateToken();
    const store = openStore(db);
    await store.tokens.create({ name: 'alice', hash: hashToken(alice), createdAt: new Date().toISOString() });
    await store.close();
    // A shared viewer (--host) signs people in with the store's tokens.
    const shared = await startOver(db, { host: '127.0.0.1', suites: [] });
    try {
      const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${alice}` };
      expect((await fetch(`${shared.url}api/production/records/r2/labels`, { method: 'POST', headers, body: '{"verdict":"fail"}' })).status).toBe(200);
      const claimed = await fetch(`${shared.url}api/production/records/r3/labels`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ verdict: 'pass', labeller: 'mallory' }),
      });
      expect(claimed.status).toBe(200);
      expect((await stored()).filter((l) => l.recordId !== 'r1').map((l) => `${l.recordId}/${l.labeller}/${l.verdict}`)).toEqual([
        'r2/alice/fail',
        'r3/alice/pass',
      ]);
      const queue = (await (await fetch(`${shared.url}api/monitor/support/answers/review?labeller=mallory`, { headers })).json()) as ReviewQueueResponse;
      expect(queue.labeller).toBe('alice');
      expect(queue.items.map((i) => i.recordId)).toEqual(['r1', 'r4']);
      const noAuth = await fetch(`${shared.url}api/production/records/r4/labels`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"verdict":"fail"}',
      });
      expect(noAuth.status).toBe(401);
    } finally {
      await shared.closeAll();
    }
  });
});
