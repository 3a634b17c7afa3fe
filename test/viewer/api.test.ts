// The viewer's server without a browser: the JSON API, filters, paired comparisons, labels, and the
// security rules (loopback only by default, Host check, token with --host, CSRF header, CSP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/cli.js';
import { pairedProportionDifference } from '../../src/stats/index.js';
import {
  CONTENT_SECURITY_POLICY,
  type CaseResponse,
  type CompareResponse,
  type LabelRecord,
  type ReportResponse,
  type ResultsResponse,
  type RunResponse,
  type RunsResponse,
} from '../../src/viewer/index.js';
import { seededStore, startOver, storedLabels, type Seeded } from './helpers.js';

let seeded: Seeded;
let viewer: Awaited<ReturnType<typeof startOver>>;
const api = (path: string, init?: RequestInit) => fetch(`${viewer.url}api${path}`, init);
/** GET an API path that must answer 200; T is the server's declared response type for it. */
const json = async <T>(path: string): Promise<T> => {
  const response = await api(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

beforeAll(async () => {
  seeded = await seededStore(40);
  viewer = await startOver(seeded.db);
});
afterAll(async () => {
  await viewer?.closeAll();
  cleanupTempDirs();
});

describe('viewer API', () => {
  it('binds 127.0.0.1 on a free port, with no token', () => {
    expect(viewer.host).toBe('127.0.0.1');
    expect(viewer.port).toBeGreaterThan(0);
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/`);
    expect(viewer.token).toBeNull();
  });

  it('lists runs with headline intervals and filters by suite', async () => {
    const body = await json<RunsResponse>('/runs');
    expect(body.suites).toEqual(['support-answers']);
    expect(body.runs.map((r) => r.id)).toEqual(['run-cand', 'run-base']);
    const v = body.runs[1].variants[0];
    expect(v.passRateCi!.method).toBe('wilson');
    expect(v.passRateCi!.low).toBeLessThan(v.passRate!);
    expect((await json<RunsResponse>('/runs?suite=nope')).runs).toEqual([]);
  });

  it('serves the run page data: summary, heatmap, facets, error tags from the suite', async () => {
    const body = await json<RunResponse>('/runs/run-base');
    expect(body.summary).toHaveLength(3);
    expect(body.results).toBe(120);
    expect(body.facets.checks).toContain('policy');
    expect(body.facets.segments).toContain('edge-case');
    expect(body.errorTagsFromSuite).toBe(true);
    expect(body.errorTags).toContain('hallucinated-price');
    const edge = body.heatmap.find((r) => r.segment === 'edge-case')!;
    expect(edge.cells).toHaveLength(3);
    expect(edge.cells[0].ci).not.toBeNull();
    expect(typeof edge.cells[0].wide).toBe('boolean');
    expect((await api('/runs/missing')).status).toBe(404);
  });

  it('summarises each variant exactly as the run report does (first render), and serves the full report after', async () => {
    const quick = await json<RunResponse>('/runs/run-base');
    const full = await json<ReportResponse>('/runs/run-base/report');
    expect(full.report.runId).toBe('run-base');
    expect(Array.isArray(full.report.comparisons)).toBe(true);
    for (const [i, v] of quick.summary.entries()) {
      const r = full.report.variants[i];
      for (const key of ['id', 'cases', 'passed', 'failed', 'errors', 'cached', 'unpriced', 'tokens', 'latencyMs'] as const)
        expect(v[key], key).toEqual(r[key]);
      for (const key of ['passRate', 'meanScore', 'costUsd'] as const) expect(v[key], key).toBeCloseTo(r[key]!, 12);
      expect(v.passRateCi).toEqual(r.passRateCi);
    }
    // The heatmap from the report's own segments, once it is there.
    expect(full.heatmap![0].cells).toHaveLength(3);
  });

  it('filters results on the server and pages them', async () => {
    const all = await json<ResultsResponse>('/runs/run-base/results?limit=500');
    expect(all.total).toBe(120);
    const failed = await json<ResultsResponse>('/runs/run-base/results?outcome=fail&limit=500');
    expect(failed.total).toBeGreaterThan(0);
    expect(failed.rows.every((r) => r.pass === false)).toBe(true);
    const errored = await json<ResultsResponse>('/runs/run-base/results?outcome=error');
    expect(errored.rows.every((r) => r.errorClass === 'rate-limit')).toBe(true);
    const critical = await json<ResultsResponse>('/runs/run-base/results?severity=critical&limit=500');
    expect(critical.total).toBe(failed.rows.filter((r) => r.failedChecks.includes('policy')).length);
    const seg = await json<ResultsResponse>('/runs/run-base/results?segment=edge-case&variant=gpt-4o%2Fv1');
    expect(seg.rows.every((r) => r.tags.includes('edge-case') && r.variantId === 'gpt-4o/v1')).toBe(true);
    const search = await json<ResultsResponse>('/runs/run-base/results?q=onerror');
    expect(search.total).toBe(3);
    expect(search.rows[0].caseId).toBe('xss-probe');
    const page = await json<ResultsResponse>('/runs/run-base/results?offset=100&limit=50');
    expect(page.rows).toHaveLength(20);
    expect(page.total).toBe(120);
  });

  it('returns a case with every result, rendered messages and checks', async () => {
    const body = await json<CaseResponse>('/runs/run-base/cases/xss-probe');
    expect(body.results).toHaveLength(3);
    expect(body.results[0].messages![0].role).toBe('system');
    expect(body.results[0].output).toContain('<script>alert(1)</script>');
    expect(body.results[0].checks.some((c) => c.judge)).toBe(true);
    expect((await api('/runs/run-base/cases/nope')).status).toBe(404);
  });

  it('compares two variants with the paired difference of per-case pass values, flipped cases first', async () => {
    const body = await json<CompareResponse>('/compare?runA=run-base&variantA=gpt-4o-mini%2Fv1&variantB=claude-haiku%2Fv1&limit=500');
    expect(body.commonCases).toBe(39 + 1); // every case has a result (the errored one counts as not passed)
    const rows = body.rows;
    // One result per case: Newcombe's paired interval, as `evalspec run` and `select` give for the pair.
    const expected = pairedProportionDifference(
      rows.map((r) => r.passA === 1),
      rows.map((r) => r.passB === 1),
    )!;
    expect(body.pass!.test).toBe('newcombe-paired');
    expect(body.pass!.difference).toBeCloseTo(expected.difference, 12);
    expect(body.pass!.interval!.low).toBeCloseTo(expected.interval.low, 12);
    expect(body.pass!.interval!.high).toBeCloseTo(expected.interval.high, 12);
    const flips = rows.filter((r) => r.flip !== 'same').length;
    expect(flips).toBe(body.flips.aBetter + body.flips.bBetter);
    expect(rows.slice(0, flips).every((r) => r.flip !== 'same')).toBe(true);
    expect(body.mcnemarPValue).toBeGreaterThan(0);
    const flipped = await json<CompareResponse>('/compare?runA=run-base&variantA=gpt-4o-mini%2Fv1&variantB=claude-haiku%2Fv1&only=flipped');
    expect(flipped.total).toBe(flips);
    const across = await json<CompareResponse>('/compare?runA=run-base&variantA=gpt-4o%2Fv1&runB=run-cand&variantB=gpt-4o%2Fv1');
    expect(across.a.runId).toBe('run-base');
    expect(across.b.runId).toBe('run-cand');
    expect(across.commonCases).toBe(40);
    expect((await api('/compare?runA=run-base&variantA=nope&variantB=gpt-4o%2Fv1')).status).toBe(400);
  });

  it('stores labels (with the CSRF header only) and lists them', async () => {
    const body = { caseId: 'xss-probe', variantId: 'gpt-4o/v1', repeat: 0, label: 'fail', tag: 'format', comment: 'raw HTML in the answer' };
    const post = (headers: Record<string, string>) => api('/runs/run-base/labels', { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post({ 'Content-Type': 'application/json' })).status).toBe(403);
    expect((await post({ 'Content-Type': 'application/json', 'X-Evalspec-Request': '1', Origin: 'http://evil.example' })).status).toBe(403);
    const ok = await post({ 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' });
    expect(ok.status).toBe(200);
    const rows = storedLabels(seeded.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      run_id: 'run-base',
      case_id: 'xss-probe',
      variant_id: 'gpt-4o/v1',
      repeat_index: 0,
      label: 'fail',
      tag: 'format',
      labeller: 'tester',
    });
    const listed = await json<{ labels: LabelRecord[] }>('/runs/run-base/labels');
    expect(listed.labels[0].comment).toBe('raw HTML in the answer');
    const labelled = await json<ResultsResponse>('/runs/run-base/results?labelled=yes');
    expect(labelled.total).toBe(1);
    expect(labelled.rows[0].label).toBe('fail');
    const bad = await api('/runs/run-base/labels', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
      body: JSON.stringify({ ...body, label: 'maybe' }),
    });
    expect(bad.status).toBe(400);
    const missing = await api('/runs/run-base/labels', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
      body: JSON.stringify({ ...body, caseId: 'no-such-case' }),
    });
    expect(missing.status).toBe(404);
    const del = await api('/runs/run-base/labels?caseId=xss-probe&variantId=gpt-4o%2Fv1&repeat=0', {
      method: 'DELETE',
      headers: { 'X-Evalspec-Request': '1' },
    });
    expect(del.status).toBe(200);
    expect(storedLabels(seeded.db)).toHaveLength(0);
  });

  it('sends a strict CSP and refuses other Host names (DNS rebinding)', async () => {
    const page = await fetch(viewer.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const api200 = await fetch(`${viewer.url}api/runs`);
    expect(api200.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // fetch() cannot set Host; a raw request can.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: viewer.port, path: '/api/runs', headers: { Host: `attacker.example:${viewer.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    // Only built files are served, looked up by exact path: no traversal out of the web root.
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: viewer.port, path }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const traversal = await raw('/assets/../../../../etc/passwd');
    expect(traversal.body).not.toContain('root:');
    expect((await raw('/assets/..%2f..%2f..%2fpackage.json')).status).toBe(404);
    expect((await raw('/../../package.json')).status).toBe(404);
  });
});

describe('viewer shared with --host', () => {
  it('requires the access token on every API call (in a header: never in an API URL, which ends up in logs)', async () => {
    const shared = await startOver(seeded.db, { host: '127.0.0.1', requireToken: true });
    try {
      expect(shared.token).toMatch(/^[\w-]{40,}$/);
      expect(shared.accessUrl).toBe(`${shared.url}?token=${shared.token}`);
      expect((await fetch(`${shared.url}api/runs`)).status).toBe(401);
      expect((await fetch(`${shared.url}api/runs?token=wrong`)).status).toBe(401);
      expect((await fetch(`${shared.url}api/runs?token=${shared.token}`)).status).toBe(401);
      expect((await fetch(`${shared.url}api/runs`, { headers: { Authorization: `Bearer ${shared.token}` } })).status).toBe(200);
      expect((await fetch(`${shared.url}api/runs`, { headers: { 'X-Evalspec-Token': shared.token! } })).status).toBe(200);
      const post = await fetch(`${shared.url}api/runs/run-base/labels`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
        body: JSON.stringify({ caseId: 'xss-probe', variantId: 'gpt-4o/v1', repeat: 0, label: 'pass' }),
      });
      expect(post.status).toBe(401);
      // Without a session the page sends the browser to the sign-in form.
      const page = await fetch(shared.url, { redirect: 'manual' });
      expect([page.status, page.headers.get('location')]).toEqual([303, '/login']);
    } finally {
      await shared.closeAll();
    }
  });
});
