// The shared viewer's sign-in with named tokens from the store, on SQLite and on PostgreSQL: tokens made with
// `evalspec tokens create` (the built CLI), then the API with no, an unknown, a revoked and a valid token
// (401/403 with a JSON error), the browser's cookie (login form, one-time ?token= link, Origin on writes),
// labels recorded under the token's name, the last use recorded, and the failed-attempt limit (429).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import { createPgDatabase, pgQuery, pgTestMode } from '../helpers/pg.js';
import { FAILED_ATTEMPT_LIMIT, startViewer } from '../../src/viewer/index.js';
import { openStore } from '../../src/store/index.js';
import { WEB_ROOT, seededStore, startOver, storedLabels } from './helpers.js';

afterAll(() => cleanupTempDirs());

const label = { caseId: 'xss-probe', variantId: 'gpt-4o/v1', repeat: 0, label: 'fail' };
const json = { 'Content-Type': 'application/json' };

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgTestMode() === 'skip')(`viewer sign-in with named tokens [${kind}]`, () => {
    let db: string;
    let dir: string;
    let alice: string;
    let viewer: Awaited<ReturnType<typeof startOver>>;
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
    const labelsStored = async () => (kind === 'sqlite' ? storedLabels(db) : await pgQuery(db, 'SELECT * FROM labels ORDER BY created_at'));

    beforeAll(async () => {
      const seeded = await seededStore(8);
      dir = seeded.dir;
      db = seeded.db;
      if (kind === 'postgres') {
        db = await createPgDatabase();
        const copied = await runCli(['store', 'copy', '--from', seeded.db, '--to', db], { cwd: dir });
        expect(copied.exitCode, copied.stderr).toBe(0);
      }
      const created = await cli('tokens', 'create', '--name', 'alice');
      expect(created.exitCode, created.stderr).toBe(0);
      alice = created.stdout.trim();
      expect(alice).toMatch(/^esv_[\w-]{43}$/);
      const bob = await cli('tokens', 'create', '--name', 'bob');
      expect((await cli('tokens', 'revoke', '--name', 'bob')).exitCode).toBe(0);
      expect(bob.stdout.trim()).not.toBe(alice);
      viewer = await startOver(db, { host: '127.0.0.1' });
    }, 60_000);
    afterAll(async () => {
      await viewer?.closeAll();
    });

    it('uses the store tokens: no token of its own, the sign-in page to open', () => {
      expect(viewer.auth).toBe('store');
      expect(viewer.token).toBeNull();
      expect(viewer.accessUrl).toBe(`${viewer.url}login`);
    });

    it('API: no token or an unknown one → 401, a revoked one → 403, each with a JSON error; a valid Bearer → 200', async () => {
      const call = (authorization?: string) => fetch(`${viewer.url}api/runs`, { headers: authorization ? { Authorization: authorization } : {} });
      for (const [authorization, status] of [
        [undefined, 401],
        [`Bearer esv_${'A'.repeat(43)}`, 401],
        [`Bearer ${alice.slice(0, -1)}`, 401],
      ] as const) {
        const response = await call(authorization);
        expect(response.status).toBe(status);
        expect(await response.json()).toEqual({ error: expect.any(String) });
      }
      const bob = (await cli('tokens', 'list', '--json')).stdout;
      expect(bob).toContain('"bob"');
      const revokedToken = await cli('tokens', 'create', '--name', 'carol');
      await cli('tokens', 'revoke', '--name', 'carol');
      const revoked = await call(`Bearer ${revokedToken.stdout.trim()}`);
      expect(revoked.status).toBe(403);
      expect(await revoked.json()).toEqual({ error: 'the access token "carol" was revoked' });
      const ok = await call(`Bearer ${alice}`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { runs: unknown[] }).runs).toHaveLength(2);
    });

    it("a label written with alice's token records alice, whatever labeller the body claims", async () => {
      const response = await fetch(`${viewer.url}api/runs/run-base/labels`, {
        method: 'POST',
        headers: { ...json, Authorization: `Bearer ${alice}` },
        body: JSON.stringify({ ...label, labeller: 'mallory' }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const rows = await labelsStored();
      expect(rows.map((r) => r.labeller)).toEqual(['alice']);
      const me = await fetch(`${viewer.url}api/me`, { headers: { Authorization: `Bearer ${alice}` } });
      // A script signed in by its Bearer header has no browser session to end.
      expect(await me.json()).toEqual({ labeller: 'alice', browserSession: false });
    });

    it('tokens list shows names, creation and last use, never a token or its hash', async () => {
      const listed = await cli('tokens', 'list');
      expect(listed.exitCode).toBe(0);
      expect(listed.stdout).not.toContain(alice.slice(4));
      const aliceLine = listed.stdout.split('\n').find((l) => l.startsWith('alice'))!;
      expect(aliceLine).toMatch(/active$/);
      expect(aliceLine).not.toContain('never'); // used by the calls above
      expect(listed.stdout.split('\n').find((l) => l.startsWith('bob'))).toMatch(/never\s+revoked/);
      const asJson = JSON.parse((await cli('tokens', 'list', '--json')).stdout) as Record<string, unknown>[];
      expect(Object.keys(asJson[0]).sort()).toEqual(['createdAt', 'lastUsedAt', 'name', 'revokedAt']);
    });

    it('browser: the login form sets an HttpOnly SameSite=Strict cookie; cookie writes need the Origin', async () => {
      const origin = `http://127.0.0.1:${viewer.port}`;
      const login = (token: string, from?: string) =>
        fetch(`${viewer.url}login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(from ? { Origin: from } : {}) },
          body: new URLSearchParams({ token }).toString(),
        });
      expect((await login(alice)).status).toBe(403); // no Origin: refused (login CSRF)
      expect((await login(alice, 'http://evil.example')).status).toBe(403);
      const wrong = await login('esv_wrong', origin);
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('unknown access token');
      const ok = await login(alice, origin);
      expect([ok.status, ok.headers.get('location')]).toEqual([303, '/']);
      const setCookie = ok.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      const cookie = setCookie.split(';')[0];
      expect((await fetch(`${viewer.url}api/runs`, { headers: { Cookie: cookie } })).status).toBe(200);
      expect((await fetch(`${viewer.url}api/runs`, { headers: { Cookie: 'evalspec_session=%E0%A4%A' } })).status).toBe(401);
      const write = (headers: Record<string, string>) =>
        fetch(`${viewer.url}api/runs/run-base/labels`, {
          method: 'POST',
          headers: { ...json, Cookie: cookie, 'X-Evalspec-Request': '1', ...headers },
          body: JSON.stringify({ ...label, label: 'pass' }),
        });
      expect((await write({})).status).toBe(403);
      expect((await write({ Origin: 'http://evil.example' })).status).toBe(403);
      expect((await write({ Origin: origin })).status).toBe(200);
      expect((await labelsStored()).map((r) => [r.labeller, r.label])).toEqual([['alice', 'pass']]);
    });

    it('behind a reverse proxy (the public Host passed on to a loopback viewer): a signed-in request is answered', async () => {
      const { request } = await import('node:http');
      const status = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: viewer.port, path: '/api/runs', headers: { Host: 'viewer.example.com', ...headers } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status({ Authorization: `Bearer ${alice}` })).toBe(200);
      expect(await status({})).toBe(401);
    });

    it('a ?token= link is exchanged once for the cookie and the browser sent on without the token', async () => {
      const response = await fetch(`${viewer.url}?token=${alice}#/runs`, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
      expect(response.headers.get('set-cookie')).toMatch(/^evalspec_session=esv_[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
      const page = await fetch(viewer.url, { redirect: 'manual' });
      expect([page.status, page.headers.get('location')]).toEqual([303, '/login']);
      expect((await fetch(`${viewer.url}login`)).status).toBe(200);
    });
  });
}

describe('viewer sign-in: failed attempts', () => {
  it(`after ${FAILED_ATTEMPT_LIMIT} failures from one address every attempt from it gets 429, a valid token too`, async () => {
    const seeded = await seededStore(4);
    const created = await runCli(['--db', seeded.db, 'tokens', 'create', '--name', 'dana'], { cwd: seeded.dir });
    const token = created.stdout.trim();
    const viewer = await startOver(seeded.db, { host: '127.0.0.1' });
    try {
      const call = (t: string) => fetch(`${viewer.url}api/runs`, { headers: { Authorization: `Bearer ${t}` } });
      expect((await call(token)).status).toBe(200);
      for (let i = 0; i < FAILED_ATTEMPT_LIMIT; i++) expect((await call(`esv_guess${i}`)).status).toBe(401);
      const blocked = await call(token);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await blocked.json()).toEqual({ error: expect.stringContaining('too many failed sign-in attempts') });
    } finally {
      await viewer.closeAll();
    }
  }, 30_000);

  for (const trustProxy of [false, true]) {
    it(`behind a proxy (X-Forwarded-For): ${trustProxy ? 'with trustProxy one client is blocked, another signs in' : 'by default the header is ignored: the address is the peer, so both are blocked'}`, async () => {
      const seeded = await seededStore(2);
      const token = (await runCli(['--db', seeded.db, 'tokens', 'create', '--name', 'gil'], { cwd: seeded.dir })).stdout.trim();
      const viewer = await startOver(seeded.db, { host: '127.0.0.1', trustProxy });
      try {
        // As nginx's $proxy_add_x_forwarded_for writes it: what the client sent, then the address the proxy saw.
        const call = (t: string, client: string) =>
          fetch(`${viewer.url}api/runs`, { headers: { Authorization: `Bearer ${t}`, 'X-Forwarded-For': `10.9.9.9, ${client}` } });
        for (let i = 0; i < FAILED_ATTEMPT_LIMIT; i++) expect((await call(`esv_guess${i}`, '203.0.113.7')).status).toBe(401);
        expect((await call(token, '203.0.113.7')).status).toBe(429);
        expect((await call(token, '198.51.100.4')).status).toBe(trustProxy ? 200 : 429);
      } finally {
        await viewer.closeAll();
      }
    }, 30_000);
  }

  it('a store that cannot be read cannot vouch for a token: 503 with the reason, not 401 and no failed attempt', async () => {
    const seeded = await seededStore(2);
    const token = (await runCli(['--db', seeded.db, 'tokens', 'create', '--name', 'fay'], { cwd: seeded.dir })).stdout.trim();
    const store = openStore(seeded.db);
    const viewer = await startViewer({ store, host: '127.0.0.1', webRoot: WEB_ROOT });
    try {
      await store.close(); // the database is gone under the running viewer
      for (let i = 0; i <= FAILED_ATTEMPT_LIMIT; i++) {
        const response = await fetch(`${viewer.url}api/runs`, { headers: { Authorization: `Bearer ${token}` } });
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({ error: expect.stringContaining('cannot check the access token') });
      }
    } finally {
      await viewer.close();
    }
  }, 30_000);

  it('tokens: a bad name or revoking a name without a token is a usage error (exit 2); a second active token for a name is refused', async () => {
    const seeded = await seededStore(2);
    const cli = (...args: string[]) => runCli(['--db', seeded.db, 'tokens', ...args], { cwd: seeded.dir });
    const bad = await cli('create', '--name', 'a b');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--name');
    expect((await cli('revoke', '--name', 'nobody')).exitCode).toBe(2);
    expect((await cli('create', '--name', 'erin')).exitCode).toBe(0);
    const again = await cli('create', '--name', 'erin');
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('evalspec tokens revoke --name erin');
    expect(again.stdout).toBe('');
  }, 30_000);
});
