// run/http-fetch.ts (providerFetch, the fetch evalspec hands the AI SDK) against real loopback servers:
// keep-alive reuse, the headers fetch sends, decompression, redirects, abort and connection failures
// mapped the way fetch maps them (so the SDK builds the same errors), and the one-read body rule.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerFetch } from '../../src/run/http-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  remotePort: number;
}

/** A loopback server whose routes are plain functions; records every request it got. */
async function startServer(route: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, remotePort: req.socket.remotePort! });
      route(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;

describe('providerFetch', () => {
  let main: Server;
  let other: Server; // another origin (another port), for cross-origin redirects
  beforeAll(async () => {
    other = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('other origin');
    });
    main = await startServer((req, res, body) => {
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-dup': 'a' });
        return res.end(JSON.stringify({ method: req.method, body }));
      }
      if (path === '/dup') {
        res.writeHead(200, [
          ['X-Dup', 'one'],
          ['x-dup', 'two'],
          ['Zeta', 'z'],
          ['Alpha', 'a'],
        ]);
        return res.end('ok');
      }
      if (path === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        return res.end(zlib.gzipSync('unzipped text'));
      }
      if (path === '/br') {
        res.writeHead(200, { 'content-encoding': 'br' });
        return res.end(zlib.brotliCompressSync('brotli text'));
      }
      if (path === '/307') {
        res.writeHead(307, { location: '/echo' });
        return res.end();
      }
      if (path === '/303') {
        res.writeHead(303, { location: '/echo' });
        return res.end();
      }
      if (path === '/away') {
        res.writeHead(302, { location: `${other.url}/x` });
        return res.end();
      }
      if (path === '/loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      if (path === '/hang') return; // never answers
      if (path === '/reset') return req.socket.destroy();
      if (path === '/error') {
        res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' });
        return res.end('{"error":{"message":"slow down"}}');
      }
      res.writeHead(404);
      res.end();
    });
  });
  afterAll(async () => {
    await Promise.all([main.close(), other.close()]);
  });

  it("sends the body with fetch's headers and reads status, headers and JSON", async () => {
    const res = await providerFetch(`${main.url}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer k' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":1}' });
    const h = main.seen.at(-1)!.headers;
    expect(h).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer k',
      'content-length': '7',
      connection: 'keep-alive',
      accept: '*/*',
      'user-agent': 'node',
      'accept-encoding': 'gzip, deflate',
    });
  });

  it('a string body without a content type is sent as text/plain, like fetch', async () => {
    await providerFetch(`${main.url}/echo`, { method: 'POST', body: 'héllo' });
    expect(main.seen.at(-1)!.headers).toMatchObject({ 'content-type': 'text/plain;charset=UTF-8', 'content-length': '6' }); // é is 2 bytes
  });

  it('keeps the connection alive: sequential calls reuse one socket', async () => {
    const before = main.connections();
    for (let i = 0; i < 3; i++) await (await providerFetch(`${main.url}/echo`, { method: 'POST', body: String(i) })).text();
    const ports = main.seen.slice(-3).map((s) => s.remotePort);
    expect(new Set(ports).size).toBe(1);
    expect(main.connections() - before).toBeLessThanOrEqual(1);
  });

  it('joins repeated headers and iterates them sorted by lower-cased name, as Headers does', async () => {
    const res = await providerFetch(`${main.url}/dup`);
    expect(res.headers.get('x-dup')).toBe('one, two');
    expect(res.headers.has('ALPHA')).toBe(true);
    const names = [...res.headers].map(([k]) => k).filter((k) => ['alpha', 'x-dup', 'zeta'].includes(k));
    expect(names).toEqual(['alpha', 'x-dup', 'zeta']);
  });

  it('decompresses gzip and brotli bodies', async () => {
    expect(await (await providerFetch(`${main.url}/gzip`)).text()).toBe('unzipped text');
    expect(await (await providerFetch(`${main.url}/br`)).text()).toBe('brotli text');
  });

  it('follows redirects like fetch: 307 keeps the POST and body, 303 becomes a GET without one', async () => {
    const kept = await providerFetch(`${main.url}/307`, { method: 'POST', body: 'payload' });
    expect(await kept.json()).toEqual({ method: 'POST', body: 'payload' });
    expect(kept.redirected).toBe(true);
    const got = await providerFetch(`${main.url}/303`, { method: 'POST', body: 'payload' });
    expect(await got.json()).toEqual({ method: 'GET', body: '' });
  });

  it('drops the Authorization header when a redirect leaves the origin, and stops a redirect loop', async () => {
    const res = await providerFetch(`${main.url}/away`, { headers: { authorization: 'Bearer secret' } });
    expect(await res.text()).toBe('other origin');
    expect(other.seen.at(-1)!.headers.authorization).toBeUndefined();
    const loop = await providerFetch(`${main.url}/loop`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(loop).toBeInstanceOf(TypeError);
    expect((loop as Error).message).toBe('fetch failed');
    expect(((loop as Error).cause as Error).message).toMatch(/redirect count exceeded/);
  });

  it('an error status is a response, not a rejection', async () => {
    const res = await providerFetch(`${main.url}/error`, { method: 'POST', body: '{}' });
    expect([res.status, res.ok, res.headers.get('retry-after')]).toEqual([429, false, '3']);
    expect(await res.text()).toContain('slow down');
  });

  it('rejects with the abort reason: already aborted, and aborted while waiting', async () => {
    const early = new AbortController();
    early.abort(new Error('stop now'));
    await expect(providerFetch(`${main.url}/echo`, { signal: early.signal })).rejects.toThrow('stop now');
    const err = await providerFetch(`${main.url}/hang`, { signal: AbortSignal.timeout(50) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('TimeoutError');
    const plain = new AbortController();
    const pending = providerFetch(`${main.url}/hang`, { signal: plain.signal });
    setTimeout(() => plain.abort(), 20);
    const aborted = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((aborted as Error).name).toBe('AbortError');
  });

  it('a reset or refused connection rejects with TypeError("fetch failed", { cause })', async () => {
    const reset = await providerFetch(`${main.url}/reset`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(reset).toBeInstanceOf(TypeError);
    expect((reset as Error).message).toBe('fetch failed');
    expect((reset as Error).cause).toBeDefined();
    const gone = await startServer(() => {});
    const port = new URL(gone.url).port;
    await gone.close();
    const refused = await providerFetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect(((refused as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('a body can be read once; clone before reading gives a second copy', async () => {
    const res = await providerFetch(`${main.url}/echo`, { method: 'POST', body: 'x' });
    const copy = res.clone();
    expect(res.bodyUsed).toBe(false);
    await res.text();
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(await copy.json()).toEqual({ method: 'POST', body: 'x' });
    // The SDK reads bodies through getReader(): one chunk, then done.
    const streamed = await providerFetch(`${main.url}/echo`, { method: 'POST', body: 'y' });
    const reader = streamed.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('{"method":"POST","body":"y"}');
    expect((await reader.read()).done).toBe(true);
  });
});

// Server-sent event streams (issue #20: streamed calls): answered at their head, the body read as it arrives.
describe('providerFetch, event streams', () => {
  let sse: Server;
  let release: () => void = () => {};
  beforeAll(async () => {
    sse = await startServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      res.writeHead(200, { 'content-type': 'text/event-stream', ...(path === '/gzip' ? { 'content-encoding': 'gzip' } : {}) });
      if (path === '/gzip') {
        const gz = zlib.createGzip();
        gz.pipe(res);
        gz.write('data: one\n\n');
        gz.flush(() => (release = () => gz.end('data: two\n\n')));
        return;
      }
      res.write('data: one\n\n');
      // The rest only when the test says so: the first event must be readable before the answer ends.
      release = () => (path === '/cut' ? req.socket.destroy() : res.end('data: two\n\n'));
    });
  });
  afterAll(() => sse.close());

  const read = async (body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    return { first, rest };
  };

  it('hands the response over at its head and each event as it arrives, decompressed', async () => {
    for (const path of ['/plain', '/gzip']) {
      const res = await providerFetch(`${sse.url}${path}`, { method: 'POST', body: '{"stream":true}' });
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
      expect(await read(res.body!)).toEqual({ first: 'data: one\n\n', rest: 'data: two\n\n' });
    }
  });

  it('a connection lost mid-stream errors the body with TypeError("terminated"); an abort with its reason', async () => {
    const cut = await providerFetch(`${sse.url}/cut`, { method: 'POST', body: '{}' });
    await expect(read(cut.body!)).rejects.toThrow(expect.objectContaining({ name: 'TypeError', message: 'terminated' }));
    const controller = new AbortController();
    const aborted = await providerFetch(`${sse.url}/plain`, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = aborted.body!.getReader();
    await reader.read();
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    await expect(reader.read()).rejects.toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    release(); // the server's pending answer
  });
});
