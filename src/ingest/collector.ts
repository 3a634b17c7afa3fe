// The OTLP/HTTP + JSONL receiver on node:http. A batch is acknowledged (200) only after `sink(records)` resolved,
// i.e. after the store committed it; a sink failure is a 503 and nothing is acknowledged (OTLP exporters retry
// 503). Bad input is a 4xx with the reason and the fix, and never stops the server. Loopback by default: any other
// host needs a token, sent as `Authorization: Bearer …` (as the viewer does).
import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EvalspecError, isEvalspecError } from '../errors.js';
import type { ProductionRecord } from '../store/index.js';
import { createRedactor, ingestContext, type IngestContextOptions } from './finish-record.js';
import { parseJsonlRecords, parseJsonRecordArray } from './jsonl.js';
import { loadLanguageDetector } from './language.js';
import { warmUpReceiver } from './warm-up.js';
import { CallParentMemory, spansToRecords } from './map-spans.js';
import {
  checkContentEncoding,
  decodeContentEncoding,
  decodeOtlpTraces,
  DEFAULT_MAX_BODY_BYTES,
  exportTraceResponse,
  IngestHttpError,
  otlpContentType,
} from './otlp-decode.js';

export interface CollectorOptions extends IngestContextOptions {
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1. Any non-loopback host requires `token`. */
  host?: string;
  token?: string;
  /** Commit the records (and their queue entries); resolve only once durable. */
  sink: (records: ProductionRecord[]) => Promise<void>;
  /** Largest accepted body, compressed and inflated (default 20 MB). */
  maxBodyBytes?: number;
}

export interface CollectorStats {
  /** Batches acknowledged (sink resolved). */
  batches: number;
  records: number;
  /** Spans without GenAI attributes, skipped. */
  ignoredSpans: number;
  /** Tool spans whose call span was not in the same batch. */
  unattachedToolSpans: number;
  /** Requests answered 4xx. */
  rejected: number;
  /** Sink failures (answered 503). */
  sinkFailures: number;
}

export interface Collector {
  /** http://host:port */
  url: string;
  port: number;
  stats(): CollectorStats;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Constant-time token check on fixed-length digests (the length of the token does not show either). */
function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The body up to `limit` bytes; past it (by Content-Length, or while streaming) a 413 without reading the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A sender that went away mid-body: settle (nothing to answer, nothing stored) instead of waiting forever.
    req.on('close', () => {
      if (!req.complete) reject(new IngestHttpError(400, 'the body ended early (the sender closed the connection)'));
    });
  });
}

const tooLarge = (limit: number) =>
  new IngestHttpError(
    413,
    `the body is larger than ${limit} bytes`,
    'export smaller batches (BatchSpanProcessor maxExportBatchSize) or raise the collector limit',
  );

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.token) {
    throw new EvalspecError('USAGE', `the collector would listen on ${host} without a token`, {
      hint: 'pass a token (senders send Authorization: Bearer <token>), or keep the default host 127.0.0.1',
    });
  }
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  await loadLanguageDetector();
  const ctx = ingestContext(options);
  const callParents = new CallParentMemory();
  // An invalid redact pattern is the suite's error, raised now rather than as a 500 on the first batch.
  createRedactor(ctx.production);
  warmUpReceiver(ctx); // before the first connection (warm-up.ts)
  const stats: CollectorStats = { batches: 0, records: 0, ignoredSpans: 0, unattachedToolSpans: 0, rejected: 0, sinkFailures: 0 };

  async function commit(res: ServerResponse, records: ProductionRecord[]): Promise<boolean> {
    try {
      if (records.length > 0) await options.sink(records);
    } catch (err) {
      stats.sinkFailures++;
      sendJson(res, 503, { code: 503, message: `the batch was not stored: ${(err as Error).message}` }, { 'retry-after': '1' });
      return false;
    }
    stats.batches++;
    stats.records += records.length;
    return true;
  }

  async function traces(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Headers first: a wrong type or encoding is refused before a byte of the body is read.
    const type = otlpContentType(req.headers['content-type']);
    checkContentEncoding(req.headers['content-encoding']);
    const body = await readBody(req, limit);
    const mapping = spansToRecords(decodeOtlpTraces(body, req.headers['content-type'], req.headers['content-encoding'], limit), ctx, callParents);
    if (!(await commit(res, mapping.records))) return;
    stats.ignoredSpans += mapping.ignored;
    stats.unattachedToolSpans += mapping.unattachedTools;
    const answer = exportTraceResponse(type);
    res.writeHead(200, {
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
      'x-evalspec-records': String(mapping.records.length),
      'x-evalspec-ignored-spans': String(mapping.ignored),
    });
    res.end(answer.body);
  }

  async function records(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const jsonl = ['application/x-ndjson', 'application/jsonl', 'application/jsonlines', 'text/plain'].includes(mediaType);
    if (mediaType !== 'application/json' && !jsonl) {
      throw new IngestHttpError(
        415,
        `unsupported content type "${req.headers['content-type'] ?? ''}"`,
        'send a JSON array (application/json) or JSONL (application/x-ndjson)',
      );
    }
    checkContentEncoding(req.headers['content-encoding']);
    const text = decodeContentEncoding(await readBody(req, limit), req.headers['content-encoding'], limit).toString('utf8');
    const source = req.headers['x-evalspec-source'] === 'middleware' ? 'middleware' : 'jsonl';
    let parsed: ProductionRecord[];
    try {
      parsed = jsonl ? parseJsonlRecords(text, ctx, { source }) : parseJsonRecordArray(parseJson(text), ctx, source);
    } catch (err) {
      if (isEvalspecError(err)) throw new IngestHttpError(400, err.message, err.hint);
      throw err;
    }
    if (await commit(res, parsed)) sendJson(res, 200, { records: parsed.length });
  }

  function authorized(req: IncomingMessage): boolean {
    if (!options.token) return true;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return tokenMatches(bearer?.[1], options.token);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { ok: true });
    if (path !== '/v1/traces' && path !== '/v1/records')
      throw new IngestHttpError(404, `no route ${req.method} ${path}`, 'POST /v1/traces (OTLP) or /v1/records (JSONL)');
    if (req.method !== 'POST') throw new IngestHttpError(405, `${path} takes POST`);
    if (!authorized(req)) throw new IngestHttpError(401, 'missing or wrong access token', 'send Authorization: Bearer <the collector token>');
    return path === '/v1/traces' ? traces(req, res) : records(req, res);
  }

  const server = http.createServer((req, res) => {
    req.on('error', () => undefined);
    handle(req, res).catch((err: unknown) => {
      const known = err instanceof IngestHttpError;
      if (known) stats.rejected++;
      if (res.headersSent) return void res.end();
      const status = known ? err.status : 500;
      const message = known ? err.message : `internal error: ${(err as Error).message}`;
      // A refused body may still be arriving: close the connection rather than read the rest of it.
      const close: Record<string, string> = !req.complete ? { connection: 'close' } : {};
      sendJson(res, status, { code: status, message, ...(known && err.hint ? { hint: err.hint } : {}) }, close);
      if (!req.complete) res.on('finish', () => req.destroy());
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    port,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IngestHttpError(400, `the body is not valid JSON: ${(err as Error).message}`, 'send a JSON array of records');
  }
}
