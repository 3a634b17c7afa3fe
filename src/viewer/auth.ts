// Who may use a shared viewer (`evalspec view --host …`). Two kinds of credential:
//   - named tokens from the store (`evalspec tokens create --name alice`): each request is checked against the
//     store, so a revoked token stops working at once, and labels record the token's name as the labeller;
//   - when the store holds no active token, one random token made at start and printed (the first version's
//     behaviour, for a quick share on a LAN).
// A token travels as `Authorization: Bearer …` (scripts), or in an HttpOnly SameSite=Strict cookie set by the
// /login form or by a one-time `?token=` link (browsers). Failed attempts are counted per client address.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';

/** The token's prefix makes a leaked one recognisable (secret scanners, logs); 32 random bytes follow. */
export const TOKEN_PREFIX = 'esv_';
export const SESSION_COOKIE = 'evalspec_session';
/** How long a browser stays signed in (each request still checks the token against the store). */
export const SESSION_MAX_AGE_S = 14 * 24 * 3600;
/** Failed attempts allowed per client address in one window; past it every attempt from there gets 429. */
export const FAILED_ATTEMPT_LIMIT = 10;
export const FAILED_ATTEMPT_WINDOW_MS = 10 * 60_000;
/** last_used_at is written at most this often per token (a write per request would be wasteful). */
const TOUCH_EVERY_MS = 60_000;

/** A new token: 256 random bits, base64url, with a recognisable prefix. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * What the store keeps of a token: SHA-256, hex. A fast hash is enough because the token is 256 random bits
 * (no dictionary to try, 2^256 guesses per hash): slow hashes (scrypt, bcrypt) exist for low-entropy passwords.
 * Being deterministic, the hash is also the lookup key, so checking a token is one indexed read.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type AuthResult = { ok: true; name: string | null } | { ok: false; status: 401 | 403; error: string };

export interface Authenticator {
  /** 'store': named tokens; 'shared': the one token made at start. */
  readonly mode: 'store' | 'shared';
  check(token: string): Promise<AuthResult>;
}

const UNKNOWN: AuthResult = { ok: false, status: 401, error: 'unknown access token' };

/** Constant-time equality of two strings (a length difference shows, the content does not). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The one token printed at start; its holder labels under the viewer's --labeller. */
export function sharedTokenAuth(token: string): Authenticator {
  return { mode: 'shared', check: async (given) => (sameSecret(given, token) ? { ok: true, name: null } : UNKNOWN) };
}

/** Tokens from the store, looked up by hash; the stored hash is compared again in constant time. */
export function storeTokenAuth(store: Store, now: () => number = Date.now): Authenticator {
  const touched = new Map<string, number>();
  return {
    mode: 'store',
    check: async (given) => {
      const hash = hashToken(given);
      const record = await store.tokens.findByHash(hash);
      if (!record || !sameSecret(hash, record.hash)) return UNKNOWN;
      if (record.revokedAt !== null) return { ok: false, status: 403, error: `the access token "${record.name}" was revoked` };
      const at = now();
      if (at - (touched.get(hash) ?? -Infinity) >= TOUCH_EVERY_MS) {
        touched.set(hash, at);
        // The audit trail must not cost the reader its page: a read-only store simply keeps no last-used time.
        await store.tokens.touch(hash, new Date(at).toISOString()).catch(() => undefined);
      }
      return { ok: true, name: record.name };
    },
  };
}

/** Failed sign-in attempts per client address, in a fixed window from the first failure. */
export class FailedAttempts {
  private readonly byClient = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limit = FAILED_ATTEMPT_LIMIT,
    private readonly windowMs = FAILED_ATTEMPT_WINDOW_MS,
  ) {}

  /** Seconds until this client may try again, or 0 when it may now. */
  retryAfter(client: string, now: number): number {
    const entry = this.byClient.get(client);
    if (!entry || now - entry.since >= this.windowMs) return 0;
    return entry.count >= this.limit ? Math.ceil((entry.since + this.windowMs - now) / 1000) : 0;
  }

  fail(client: string, now: number): void {
    const entry = this.byClient.get(client);
    if (entry && now - entry.since < this.windowMs) entry.count++;
    else this.byClient.set(client, { count: 1, since: now });
    // Bounded memory under a spray from many addresses: forget windows that are over.
    if (this.byClient.size > 10_000) for (const [k, e] of this.byClient) if (now - e.since >= this.windowMs) this.byClient.delete(k);
  }
}

/** The token in `Authorization: Bearer …` or the older X-Evalspec-Token header. */
export function headerToken(authorization: string | undefined, legacy: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return bearer?.[1] ?? (legacy || undefined);
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim(); // a malformed %-escape: compared as sent (and refused), never a 500
      }
    }
  }
  return undefined;
}

/** Set-Cookie for a signed-in browser. Secure when the page was reached over https (a TLS proxy in front). */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
}

export const CLEAR_SESSION_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The sign-in page: a plain form (no script, no inline style, so the strict CSP holds; only form-action opens to 'self'). */
export function loginPage(message: string | null, mode: Authenticator['mode']): string {
  const where =
    mode === 'store'
      ? 'Paste the access token you were given (<code>evalspec tokens create --name you</code>).'
      : 'Paste the access token that <code>evalspec view</code> printed.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>evalspec viewer: sign in</title><meta name="viewport" content="width=device-width"></head>
<body><main>
<h1>evalspec viewer</h1>
<p>${where}</p>
${message ? `<p role="alert" id="login-error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/login">
<label>Access token <input type="password" name="token" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button>
</form>
</main></body></html>
`;
}
