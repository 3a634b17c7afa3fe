// The viewer's HTTP server (Hono on Node): a read-only JSON API over the store, the label endpoints, and the
// built front end (dist/viewer/public). Bound to 127.0.0.1 on a free port unless told otherwise; shared on a LAN
// (--host) only to who signs in: named tokens from the store, else one token made at start (auth.ts).
//
// Model outputs are untrusted text: the API sends them as JSON strings and the front end renders them as
// text, never HTML. Every response carries a strict Content-Security-Policy (no inline script, no eval, no
// third-party origin), so even a rendering bug could not run an output's <script>.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serve, type ServerType } from '@hono/node-server';
import type { Store } from '../store/index.js';
import { isEvalspecError } from '../errors.js';
import { BadRequest, NotFound, ViewerData, type LabelInput, type ResultFilter } from './data.js';
import { generateToken, sharedTokenAuth, storeTokenAuth, type Authenticator } from './auth.js';
import { installAuth, sameOrigin, type ViewerEnv } from './auth-routes.js';
import { MonitorData, type MonitoredSuite } from './monitor-data.js';
import { installProductionLabelRoutes } from './production-labels.js';
import { installPlaygroundRoutes } from './playground-routes.js';
import type { PlaygroundService } from './playground-types.js';
import { ExperimentData, installExperimentRoutes, type ExperimentSource } from './experiment-data.js';
import { installSafetyRoutes } from './safety-data.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
/** The sign-in page posts its form to the viewer itself; everything else stays as strict. */
const LOGIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("form-action 'none'", "form-action 'self'");

/** The first version's token header; `Authorization: Bearer` is the documented one, this one is still accepted. */
export const TOKEN_HEADER = 'x-evalspec-token';
/** Mutating calls must carry this header: a custom header makes a cross-site request need a CORS preflight, which the server never grants. */
export const REQUEST_HEADER = 'x-evalspec-request';

export interface ViewerOptions {
  store: Store;
  /** Address to bind; default 127.0.0.1. Giving one (a LAN address, 0.0.0.0) turns sign-in on. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Require sign-in on every path but /login. Default: on when `host` was given. */
  requireToken?: boolean;
  /**
   * One token to require instead of the store's named tokens. Default: the store's tokens when it holds an
   * active one (`evalspec tokens create`), else 32 random bytes made at start.
   */
  token?: string;
  /** Where the built front end is (default: dist/viewer/public next to this file). */
  webRoot?: string;
  /** Name stored with labels when the browser does not send one (default: the OS user name). */
  labeller?: string;
  /** Count failed sign-ins by the last X-Forwarded-For entry (a reverse proxy in front), not the socket's peer. */
  trustProxy?: boolean;
  /** The loaded suites whose monitors the Monitor page shows (`view --suite FILE`, else the suite files of stored runs). */
  suites?: MonitoredSuite[];
  /** The playground (`view --playground`, issue #20): trials through this process; absent, its API answers 404. */
  playground?: PlaygroundService;
  /** The Experiment page's experiment files and how to analyse one (`view --experiment FILE`, issue #17). */
  experiments?: ExperimentSource;
}

export interface ViewerServer {
  /** http://host:port/ */
  url: string;
  /** The URL to open: with ?token=… for the token made at start, /login for the store's tokens. */
  accessUrl: string;
  host: string;
  port: number;
  /** The one token made at start (or given); null without sign-in or with the store's named tokens. */
  token: string | null;
  /** none: loopback, no sign-in; store: named tokens; shared: the one token. */
  auth: 'none' | Authenticator['mode'];
  app: Hono<ViewerEnv>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function defaultWebRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'public');
}

/** Every file under the web root, by URL path: only these are ever served (no path is joined from a URL). */
function listStaticFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(root)) return files;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else files.set(`/${relative(root, file).split(sep).join('/')}`, file);
    }
  };
  walk(root);
  return files;
}

const text = (value: unknown, name: string, max: number, optional = true): string | null => {
  if (value === undefined || value === null || value === '') {
    if (optional) return null;
    throw new BadRequest(`${name} is required`);
  }
  if (typeof value !== 'string') throw new BadRequest(`${name} must be a string`);
  if (value.length > max) throw new BadRequest(`${name} is longer than ${max} characters`);
  return value;
};

function parseLabel(body: unknown, defaultLabeller: string): LabelInput {
  if (!body || typeof body !== 'object') throw new BadRequest('send a JSON object');
  const b = body as Record<string, unknown>;
  const repeat = b.repeat;
  if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0) throw new BadRequest('repeat must be a whole number ≥ 0');
  const label = b.label ?? null;
  if (label !== null && label !== 'pass' && label !== 'fail') throw new BadRequest('label must be "pass", "fail" or null');
  let scores: Record<string, number> | null = null;
  if (b.scores !== undefined && b.scores !== null) {
    if (typeof b.scores !== 'object' || Array.isArray(b.scores)) throw new BadRequest('scores must be an object of numbers');
    scores = {};
    for (const [k, v] of Object.entries(b.scores as Record<string, unknown>)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`scores.${k} must be a number`);
      scores[k] = v;
    }
  }
  const input: LabelInput = {
    caseId: text(b.caseId, 'caseId', 500, false)!,
    variantId: text(b.variantId, 'variantId', 500, false)!,
    repeat,
    label,
    tag: text(b.tag, 'tag', 100),
    comment: text(b.comment, 'comment', 10_000),
    labeller: text(b.labeller, 'labeller', 100) ?? defaultLabeller,
    scores,
  };
  if (input.label === null && input.tag === null && input.comment === null && input.scores === null) {
    throw new BadRequest('give a label, a tag, scores or a comment (DELETE removes a label)');
  }
  return input;
}

function osUser(): string {
  try {
    return userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}

/** The Hono app alone (no socket): for tests and for embedding. */
export function createViewerApp(
  options: Omit<ViewerOptions, 'token'> & { auth: Authenticator | null; allowedHosts: (host: string | undefined) => boolean },
): Hono<ViewerEnv> {
  const data = new ViewerData(options.store);
  const monitors = new MonitorData(options.store, options.suites ?? []);
  const files = listStaticFiles(options.webRoot ?? defaultWebRoot());
  const labeller = options.labeller ?? osUser();
  // Signed in with a named token, you label as that name, whatever the browser sends.
  const signedInAs = (c: Context<ViewerEnv>): string | null => c.get('user')?.name ?? null;
  const app = new Hono<ViewerEnv>();

  app.use('*', async (c, next) => {
    // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own Host header.
    if (!options.allowedHosts(c.req.header('host'))) return c.text('unknown host', 421);
    await next();
    c.header('Content-Security-Policy', c.req.path === '/login' ? LOGIN_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    // The sign-in form's POST must carry its Origin (checked against login CSRF); under no-referrer Chromium sends "Origin: null".
    c.header('Referrer-Policy', c.req.path === '/login' ? 'same-origin' : 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  });

  if (options.auth) installAuth(app, options.auth, { trustProxy: options.trustProxy });

  app.use('/api/*', async (c, next) => {
    if (c.req.header('sec-fetch-site') === 'cross-site') return c.json({ error: 'cross-site requests are refused' }, 403);
    // CSRF: a token in a header is never sent by a browser on its own, so such a write needs nothing more. A
    // cookie (or no sign-in on loopback) does ride along: the write must carry the custom header (a cross-site
    // page cannot without a CORS preflight, never granted) and an Origin naming this server (required with a cookie).
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.get('user')?.via !== 'header') {
      if (c.req.header(REQUEST_HEADER) !== '1') return c.json({ error: `send the ${REQUEST_HEADER}: 1 header` }, 403);
      const origin = c.req.header('origin');
      if (origin === undefined && c.get('user')) return c.json({ error: 'a write signed in by cookie must carry an Origin header' }, 403);
      if (origin !== undefined && !sameOrigin(origin, c.req.header('host'))) return c.json({ error: 'cross-origin requests are refused' }, 403);
    }
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const handle = (fn: (c: Context<ViewerEnv>) => Promise<unknown>) => async (c: Context<ViewerEnv>) => {
    try {
      return c.json(await fn(c));
    } catch (error) {
      if (error instanceof NotFound) return c.json({ error: error.message }, 404);
      if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
      // The store failed in words (read-only, damaged, locked): say so instead of a bare 500.
      if (isEvalspecError(error)) return c.json({ error: error.message, fix: error.hint ?? null }, 503);
      throw error;
    }
  };

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.get(
    '/api/runs',
    handle(async (c) => data.runs({ suite: c.req.query('suite') || undefined })),
  );
  app.get(
    '/api/runs/:id',
    handle(async (c) => data.run(c.req.param('id')!)),
  );
  app.get(
    '/api/runs/:id/report',
    handle(async (c) => data.fullReport(c.req.param('id')!)),
  );
  app.get(
    '/api/runs/:id/results',
    handle(async (c) => {
      const q = c.req.query();
      const filter: ResultFilter = {
        variant: q.variant || undefined,
        outcome: q.outcome === 'pass' || q.outcome === 'fail' || q.outcome === 'error' ? q.outcome : undefined,
        check: q.check || undefined,
        segment: q.segment || undefined,
        severity: q.severity === 'critical' || q.severity === 'normal' ? q.severity : undefined,
        q: q.q ? q.q.slice(0, 500) : undefined,
        labelled: q.labelled === 'yes' || q.labelled === 'no' ? q.labelled : undefined,
        offset: q.offset ? Number(q.offset) || 0 : 0,
        limit: q.limit ? Number(q.limit) || 100 : 100,
      };
      return data.results(c.req.param('id')!, filter);
    }),
  );
  app.get(
    '/api/runs/:id/cases/:caseId',
    handle(async (c) => data.caseDetail(c.req.param('id')!, c.req.param('caseId')!)),
  );
  app.get(
    '/api/runs/:id/labels',
    handle(async (c) => ({ labels: await data.labels(c.req.param('id')!), labeller: signedInAs(c) ?? labeller })),
  );
  app.get(
    '/api/compare',
    handle(async (c) => {
      const q = c.req.query();
      if (!q.runA || !q.variantA || !q.variantB) throw new BadRequest('give runA, variantA, variantB (and runB for two runs)');
      return data.compare(
        { runA: q.runA, variantA: q.variantA, runB: q.runB || q.runA, variantB: q.variantB },
        {
          offset: Number(q.offset) || 0,
          limit: Number(q.limit) || 100,
          only: q.only === 'flipped' ? 'flipped' : 'all',
          segment: q.segment || undefined,
        },
      );
    }),
  );
  // browserSession: signed in with the session cookie (the page offers to sign out; a Bearer script has nothing to end).
  app.get('/api/me', (c) => c.json({ labeller: signedInAs(c) ?? labeller, browserSession: c.get('user')?.via === 'cookie' }));
  app.post(
    '/api/runs/:id/labels',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }),
    handle(async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) throw new BadRequest('send Content-Type: application/json');
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new BadRequest('invalid JSON');
      }
      const input = parseLabel(body, labeller);
      const name = signedInAs(c);
      return { label: await data.putLabel(c.req.param('id')!, name === null ? input : { ...input, labeller: name }) };
    }),
  );
  app.delete(
    '/api/runs/:id/labels',
    handle(async (c) => {
      const q = c.req.query();
      const repeat = Number(q.repeat);
      if (!q.caseId || !q.variantId || !Number.isInteger(repeat)) throw new BadRequest('give caseId, variantId and repeat');
      await data.deleteLabel(c.req.param('id')!, { caseId: q.caseId, variantId: q.variantId, repeat, labeller: signedInAs(c) ?? (q.labeller || labeller) });
      return { deleted: true };
    }),
  );
  app.get(
    '/api/monitor',
    handle(async () => monitors.list()),
  );
  app.get(
    '/api/monitor/:suite/:monitor',
    handle(async (c) => monitors.detail(c.req.param('suite')!, c.req.param('monitor')!)),
  );
  app.get(
    '/api/production/records',
    handle(async (c) => monitors.records(c.req.query())),
  );
  app.get(
    '/api/production/records/:id',
    handle(async (c) => monitors.record(c.req.param('id')!)),
  );
  // A write like a label: the same CSRF rules (the /api/* guard above) and body limit.
  app.post(
    '/api/production/records/:id/flag',
    bodyLimit({ maxSize: 4096, onError: (c) => c.json({ error: 'body too large' }, 413) }),
    handle(async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) throw new BadRequest('send Content-Type: application/json');
      const body: unknown = await c.req.json().catch(() => {
        throw new BadRequest('invalid JSON');
      });
      return monitors.flag(c.req.param('id')!, body);
    }),
  );
  installProductionLabelRoutes(app, {
    store: options.store,
    suites: options.suites ?? [],
    handle,
    labellerOf: (c, asked) => signedInAs(c) ?? (typeof asked === 'string' && asked !== '' ? asked : labeller),
  });
  installPlaygroundRoutes(app, { service: options.playground ?? null });
  installExperimentRoutes(app, new ExperimentData(options.experiments), handle);
  installSafetyRoutes(app, data, handle);
  app.all('/api/*', (c) => c.json({ error: 'no such endpoint' }, 404));

  // The front end: built files only, looked up in a fixed list. The app routes with #hash, so any other
  // path is the index page.
  app.get('*', (c) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path;
    const file = files.get(path) ?? (extname(path) ? undefined : files.get('/index.html'));
    if (!file) {
      if (files.size === 0) return c.text('the viewer front end is not built: run `npm run build` (it builds viewer-ui/ into dist/viewer/public)', 503);
      return c.text('not found', 404);
    }
    const body = readFileSync(file);
    c.header('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    c.header('Cache-Control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(body);
  });
  return app;
}

/** Start the viewer; resolves once it listens. */
export async function startViewer(options: ViewerOptions): Promise<ViewerServer> {
  const host = options.host ?? '127.0.0.1';
  const requireToken = options.requireToken ?? options.host !== undefined;
  // Decided once, at start: named tokens when the store holds an active one, else one token made now.
  const storeTokens = requireToken && options.token === undefined && (await options.store.tokens.list()).some((t) => t.revokedAt === null);
  const token = requireToken && !storeTokens ? (options.token ?? generateToken()) : null;
  const auth = storeTokens ? storeTokenAuth(options.store) : token !== null ? sharedTokenAuth(token) : null;
  let port = 0;
  const loopbackBound = LOOPBACK.has(host);
  const allowedHosts = (header: string | undefined): boolean => {
    // Shared (a LAN address, or loopback behind a reverse proxy that passes the public Host on): sign-in guards it,
    // whatever name it is reached by — a rebinding page holds no session. Without sign-in only loopback names pass.
    if (!loopbackBound || auth) return true;
    if (!header) return false;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(header.toLowerCase());
  };
  const app = createViewerApp({ ...options, auth, allowedHosts });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host });
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? host : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    accessUrl: token ? `${url}?token=${token}` : storeTokens ? `${url}login` : url,
    host,
    port,
    token,
    auth: auth?.mode ?? 'none',
    app,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
