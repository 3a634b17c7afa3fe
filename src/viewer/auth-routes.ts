// The shared viewer's sign-in (auth.ts says which credentials exist): the /login form, a one-time `?token=`
// link exchanged for the cookie, and the gate in front of every other path. The gate also refuses a client
// address past its failed-attempt limit (429) before looking at what it sent.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  CLEAR_SESSION_COOKIE,
  FailedAttempts,
  SESSION_COOKIE,
  cookieValue,
  hashToken,
  headerToken,
  loginPage,
  sessionCookie,
  type AuthResult,
  type Authenticator,
} from './auth.js';

export interface AuthUser {
  /** The token's name (store tokens); null for the shared token made at start. */
  name: string | null;
  /** How the token came: a header (no browser sends one on its own) or the session cookie. */
  via: 'header' | 'cookie';
  /** The token's hash: the playground's session (its spend cap), never the token itself. */
  session: string;
}

type Unavailable = { ok: false; status: 503; error: string };

export type ViewerEnv = { Variables: { user: AuthUser | undefined } };

/**
 * The address that sent the request, for the failed-attempt limit: the socket's peer. With `trustProxy` (the viewer
 * is reachable only through a reverse proxy), the last X-Forwarded-For entry instead: the one the proxy added,
 * never an earlier one (a client can write those itself). Untrusted by default (docs/team.md).
 */
export function clientAddress(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Does an Origin header name this server? "null" (a sandboxed frame, a file: page, some redirects) and an
 * unparsable value name no origin at all, so they are refused like a foreign one.
 */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (origin === 'null' || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const isApi = (c: Context) => c.req.path.startsWith('/api/');

export function installAuth(app: Hono<ViewerEnv>, authenticator: Authenticator, options: { trustProxy?: boolean } = {}): void {
  const attempts = new FailedAttempts();
  const client = (c: Context) => clientAddress(c, options.trustProxy);
  // A store that cannot be read (a database down) cannot say whether a token is valid: 503, never a guess.
  const auth = {
    mode: authenticator.mode,
    check: (token: string): Promise<AuthResult | Unavailable> =>
      authenticator
        .check(token)
        .catch((error: unknown) => ({ ok: false, status: 503, error: `cannot check the access token: ${(error as Error).message}` }) as const),
  };
  const refuse = (c: Context, result: Extract<AuthResult, { ok: false }> | Unavailable) => {
    if (result.status === 503) return isApi(c) ? c.json({ error: result.error }, 503) : c.text(result.error, 503);
    attempts.fail(client(c), Date.now());
    if (isApi(c)) return c.json({ error: result.error }, result.status);
    c.header('Set-Cookie', CLEAR_SESSION_COOKIE);
    return c.redirect('/login', 303);
  };
  const tooMany = (c: Context) => {
    const wait = attempts.retryAfter(client(c), Date.now());
    if (wait === 0) return undefined;
    c.header('Retry-After', String(wait));
    return c.json({ error: `too many failed sign-in attempts from this address: try again in ${wait} s` }, 429);
  };

  app.get('/login', (c) => c.html(loginPage(null, auth.mode)));
  app.post('/login', bodyLimit({ maxSize: 4096, onError: (c) => c.text('body too large', 413) }), async (c) => {
    const blocked = tooMany(c);
    if (blocked) return blocked;
    // A sign-in form posted from another site would sign the victim in as the attacker (login CSRF).
    const origin = c.req.header('origin');
    if (origin === undefined || !sameOrigin(origin, c.req.header('host'))) return c.json({ error: 'cross-origin requests are refused' }, 403);
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const result = token ? await auth.check(token) : ({ ok: false, status: 401, error: 'paste an access token' } as const);
    if (!result.ok) {
      if (result.status !== 503) attempts.fail(client(c), Date.now());
      return c.html(loginPage(result.error, auth.mode), result.status);
    }
    c.header('Set-Cookie', sessionCookie(token, origin.startsWith('https:')));
    return c.redirect('/', 303);
  });
  app.post('/logout', (c) => {
    const origin = c.req.header('origin');
    if (origin === undefined || !sameOrigin(origin, c.req.header('host'))) return c.json({ error: 'cross-origin requests are refused' }, 403);
    c.header('Set-Cookie', CLEAR_SESSION_COOKIE);
    return c.redirect('/login', 303);
  });

  app.use('*', async (c, next) => {
    const blocked = tooMany(c);
    if (blocked) return blocked;
    const fromHeader = headerToken(c.req.header('authorization'), c.req.header('x-evalspec-token'));
    const fromCookie = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
    const linkToken = !isApi(c) && c.req.method === 'GET' ? c.req.query('token') : undefined;
    if (linkToken) {
      // A `?token=` link (the URL `evalspec view` prints): exchanged once for the cookie, then the same page
      // without the token, so it stays out of the history and of later requests' logs.
      const result = await auth.check(linkToken);
      if (!result.ok) return refuse(c, result);
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      c.header('Set-Cookie', sessionCookie(linkToken, false));
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const token = fromHeader ?? fromCookie;
    if (!token) {
      if (isApi(c)) return c.json({ error: 'sign in: send Authorization: Bearer <token>, or open /login in a browser' }, 401);
      return c.redirect('/login', 303);
    }
    const result = await auth.check(token);
    if (!result.ok) return refuse(c, result);
    c.set('user', { name: result.name, via: fromHeader ? 'header' : 'cookie', session: hashToken(token) });
    await next();
  });
}
