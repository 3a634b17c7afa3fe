// The HTTP transport handed to the AI SDK providers: a `fetch` built on node:http/https keep-alive agents.
// Node's global fetch (undici + web streams) costs about 0.3 ms of CPU per call, more than the rest of a
// call together; on a fast endpoint that is the harness's throughput limit. This sends the same request
// (fetch's default headers included), decompresses gzip/deflate/br like fetch, follows redirects like
// fetch, rejects with the abort reason on abort and with TypeError('fetch failed', { cause }) when the
// connection fails, so the SDK builds the same errors from it. It implements what the providers' JSON
// calls use: status, ok, statusText, headers (get, has, iteration), body.getReader(), text(), json().
// EVALSPEC_FETCH=global uses the global fetch instead, and so does a globalThis.fetch replaced at run
// time (a test's interceptor, a proxy-aware fetch). A server-sent event stream (issue #20: streamed calls) is
// answered at its head with a body read as it arrives, event by event (its time to first token is the point); every
// other body is read whole before the response is handed over.
import http from 'node:http';
import https from 'node:https';
import type { ReadableWritablePair } from 'node:stream/web';
import { abortReason, decode, streamedBody } from './http-body.js';

type FetchInit = { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null; redirect?: string };
type FetchLike = (input: string | URL | Request, init?: FetchInit) => Promise<Response>;

const nativeFetch: FetchLike = globalThis.fetch as FetchLike;
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

class BufferHeaders {
  // Parallel arrays, names lower-cased and sorted (Headers iterate in sorted order); a response has a
  // dozen headers at most, so a linear lookup beats building a Map per response.
  private readonly ns: string[] = [];
  private readonly vs: string[] = [];
  constructor(raw: string[]) {
    const names = this.ns;
    const values = this.vs;
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i].toLowerCase();
      const at = names.indexOf(k);
      if (at >= 0) {
        values[at] = `${values[at]}, ${raw[i + 1]}`;
        continue;
      }
      let j = names.length;
      while (j > 0 && names[j - 1] > k) j--;
      names.splice(j, 0, k);
      values.splice(j, 0, raw[i + 1]);
    }
  }
  get(name: string): string | null {
    const at = this.ns.indexOf(name.toLowerCase());
    return at >= 0 ? this.vs[at] : null;
  }
  has(name: string): boolean {
    return this.ns.includes(name.toLowerCase());
  }
  forEach(cb: (value: string, key: string, parent: BufferHeaders) => void): void {
    for (let i = 0; i < this.ns.length; i++) cb(this.vs[i], this.ns[i], this);
  }
  entries(): IterableIterator<[string, string]> {
    return this.ns.map((n, i): [string, string] => [n, this.vs[i]])[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return this.ns[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return this.vs[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A complete, already-read response body behind the parts of the Response interface the SDK uses. */
class BufferResponse {
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly type = 'basic';
  private used = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: BufferHeaders,
    private readonly bytes: Buffer,
    readonly url: string,
    redirected: boolean,
  ) {
    this.ok = status >= 200 && status < 300;
    this.redirected = redirected;
  }
  get bodyUsed(): boolean {
    return this.used;
  }
  /** A one-chunk reader; anything beyond getReader gets a real ReadableStream. */
  get body() {
    const bytes = this.bytes;
    const take = () => {
      if (this.used) throw new TypeError('Body is unusable: Body has already been read');
      this.used = true;
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    };
    const stream = () => {
      const chunk = take();
      return new ReadableStream<Uint8Array>({
        start(controller) {
          if (chunk.length) controller.enqueue(chunk);
          controller.close();
        },
      });
    };
    return {
      locked: false,
      getReader() {
        const chunk = take();
        let done = chunk.length === 0;
        return {
          read: async () => (done ? { done: true as const, value: undefined } : ((done = true), { done: false as const, value: chunk })),
          cancel: async () => {
            done = true;
          },
          releaseLock() {},
          closed: Promise.resolve(undefined),
        };
      },
      cancel: async () => {
        this.used = true;
      },
      pipeThrough: <T>(transform: ReadableWritablePair<T, Uint8Array>) => stream().pipeThrough(transform),
      pipeTo: (dest: WritableStream<Uint8Array>) => stream().pipeTo(dest),
      tee: () => stream().tee(),
      [Symbol.asyncIterator]: () => stream()[Symbol.asyncIterator](),
    };
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return this.take().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }
  clone(): BufferResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferResponse(this.status, this.statusText, this.headers, this.bytes, this.url, this.redirected);
  }
  private take(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.bytes;
  }
}

/**
 * A server-sent event stream's response (issue #20: streamed calls), answered when its head arrives: `body` is a
 * ReadableStream of the bytes as they come (decompressed like fetch), what the SDK's SSE parser reads. A connection
 * lost mid-stream errors the body with TypeError('terminated', { cause }) as fetch does; an abort with its reason.
 */
class StreamedResponse {
  readonly ok: boolean;
  readonly type = 'basic';
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: BufferHeaders,
    readonly body: ReadableStream<Uint8Array>,
    readonly url: string,
    readonly redirected: boolean,
  ) {
    this.ok = status >= 200 && status < 300;
  }
  get bodyUsed(): boolean {
    return this.body.locked;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const all = Buffer.concat(chunks);
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return Buffer.from(await this.arrayBuffer()).toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** Copy request headers (a plain object, a Headers or [name, value] pairs) into `out`, names lower-cased. */
function addHeaders(out: Record<string, string>, headers: unknown): Record<string, string> {
  if (!headers) return out;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [k, v] of headers as Iterable<[string, string]>) if (v !== undefined) out[k.toLowerCase()] = String(v);
  } else {
    const h = headers as Record<string, unknown>;
    for (const k in h) if (h[k] !== undefined) out[k.toLowerCase()] = String(h[k]);
  }
  return out;
}

/** Parsed request URLs by string: a run calls one or two endpoints thousands of times. */
const parsedUrls = new Map<string, URL>();
function parseUrl(input: string | URL): URL {
  if (typeof input !== 'string') return input;
  let url = parsedUrls.get(input);
  if (url === undefined) {
    url = new URL(input);
    if (parsedUrls.size >= 256) parsedUrls.clear();
    parsedUrls.set(input, url);
  }
  return url;
}

function request(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
  redirects: number,
): Promise<BufferResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const agent = agents[url.protocol as 'http:' | 'https:'];
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = () => {
      fail(abortReason(signal!));
      req.destroy();
    };
    const options = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent,
    };
    const req = client.request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300 && method !== 'HEAD' && /^text\/event-stream/i.test(res.headers['content-type'] ?? '')) {
        // A stream (issue #20): answered at its head, its body read as it arrives; an abort still destroys the request.
        settled = true;
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        const headers = new BufferHeaders(res.rawHeaders);
        const body = streamedBody(res, headers.get('content-encoding'), signal);
        return resolve(new StreamedResponse(status, res.statusMessage ?? '', headers, body, url.href, redirects > 0) as unknown as BufferResponse);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
      });
      res.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
      res.on('aborted', () => fail(new TypeError('fetch failed', { cause: new Error('other side closed') })));
      res.on('end', () => {
        if (settled) return;
        const status = res.statusCode ?? 0;
        const resHeaders = new BufferHeaders(res.rawHeaders);
        const location = resHeaders.get('location');
        if (REDIRECTS.has(status) && location !== null) {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          if (redirects >= MAX_REDIRECTS) return reject(new TypeError('fetch failed', { cause: new Error('redirect count exceeded') }));
          // fetch's rules: 303 (and 301/302 after POST) become a GET without a body.
          const toGet = (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
          const next = { ...headers };
          if (toGet) for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete next[h];
          const target = new URL(location, url);
          if (target.origin !== url.origin) delete next.authorization;
          return resolve(
            request(target, toGet ? 'GET' : method, next, toGet ? undefined : body, signal, redirects + 1).then((r) => {
              (r as { redirected: boolean }).redirected = true;
              return r;
            }),
          );
        }
        let bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        try {
          if (method !== 'HEAD' && status !== 204 && status !== 304) bytes = decode(bytes, resHeaders.get('content-encoding') ?? undefined);
        } catch (error) {
          return fail(new TypeError('terminated', { cause: error }));
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(new BufferResponse(status, res.statusMessage ?? '', resHeaders, bytes, url.href, redirects > 0));
      });
    });
    req.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** A fetch for the AI SDK providers (see the top of this file). */
export const providerFetch: FetchLike = (input, init = {}) => {
  const fetchNow = globalThis.fetch as FetchLike;
  const body = init.body;
  if (
    process.env.EVALSPEC_FETCH === 'global' ||
    fetchNow !== nativeFetch ||
    (typeof input !== 'string' && !(input instanceof URL)) ||
    (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) ||
    (init.redirect !== undefined && init.redirect !== 'follow')
  ) {
    return fetchNow(input, init);
  }
  const url = parseUrl(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetchNow(input, init);
  const method = (init.method ?? 'GET').toUpperCase();
  // The headers Node's fetch sends, in its order: host and connection, the caller's, then its defaults.
  const headers = addHeaders({ host: url.host, connection: 'keep-alive' }, init.headers);
  if (body !== undefined && body !== null && headers['content-type'] === undefined && typeof body === 'string')
    headers['content-type'] = 'text/plain;charset=UTF-8';
  headers.accept ??= '*/*';
  headers['accept-language'] ??= '*';
  headers['sec-fetch-mode'] ??= 'cors';
  headers['user-agent'] ??= 'node';
  headers['accept-encoding'] ??= 'gzip, deflate';
  const payload = body === undefined || body === null ? undefined : (body as string | Uint8Array);
  if (payload !== undefined) headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  return request(url, method, headers, payload, init.signal ?? undefined, 0) as unknown as Promise<Response>;
};
