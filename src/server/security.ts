/**
 * Who may use `headroom serve`, and how a browser is kept from being used against it.
 *
 * - **Authentication** (`serve.auth`): a bearer token, HTTP basic authentication, or both. When
 *   either is set, every page, API call and `/metrics` needs it; `/healthz` (counts only) and the
 *   sign-in page do not. A browser signs in with the token once at `/login` and gets a session
 *   cookie (HttpOnly, SameSite=Strict), so the token is never kept where scripts can read it.
 * - **Cross-site requests**: every state-changing call made with credentials a browser sends by
 *   itself (a session cookie, basic authentication, or none on loopback) must carry the
 *   `X-CSRF-Token` that `GET /api/v1/session` gives (an HMAC of who is calling under a per-process
 *   key), and must not come from another site (`Sec-Fetch-Site`, `Origin`). A call that sends
 *   `Authorization: Bearer` itself cannot be forged by another site and needs no CSRF token.
 * - **DNS rebinding**: without authentication the server is on loopback, and it only answers
 *   requests that name a loopback host, so a page whose name was rebound to 127.0.0.1 is refused.
 * - **Headers**: a strict Content-Security-Policy, no framing, no sniffing, no referrer sent to
 *   other sites; API answers are never cached.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { InputError } from '../domain/errors.js';
import { ApiError } from './errors.js';
import { isLoopback } from './listen.js';

/** Where the settings come from: headroom.yaml's `serve.auth`. */
export interface AuthConfig {
  readonly tokenEnv: string;
  readonly username: string | undefined;
  readonly passwordEnv: string | undefined;
  readonly sessionTtlMs: number;
}

/** The secrets, read from the environment once at start. */
export interface AuthSettings {
  readonly token: string | undefined;
  readonly basic: { readonly username: string; readonly password: string } | undefined;
  readonly sessionTtlMs: number;
}

export const NO_AUTH: AuthSettings = { token: undefined, basic: undefined, sessionTtlMs: 12 * 3_600_000 };

/** A token shorter than this is refused: it could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Reads the token and password from the variables the config names. A token that is too short, or
 * a password variable named but unset, stops `serve` with one line naming the variable.
 */
export function resolveAuth(config: AuthConfig, env: NodeJS.ProcessEnv): AuthSettings {
  const token = env[config.tokenEnv]?.trim() ?? '';
  if (token !== '' && token.length < MIN_TOKEN_LENGTH) {
    throw new InputError(
      'HR_SERVE_AUTH',
      `${config.tokenEnv} holds a token of ${token.length} characters; serve.auth needs at least ${MIN_TOKEN_LENGTH}`,
      { hint: `set ${config.tokenEnv} to a long random value, e.g. $(openssl rand -hex 32)` },
    );
  }
  let basic: AuthSettings['basic'];
  if (config.username !== undefined && config.passwordEnv !== undefined) {
    const password = env[config.passwordEnv] ?? '';
    if (password === '') {
      throw new InputError(
        'HR_SERVE_AUTH',
        `serve.auth.passwordEnv names ${config.passwordEnv}, which is not set: basic authentication has no password`,
        { hint: `set ${config.passwordEnv} in serve's environment, or remove serve.auth.username` },
      );
    }
    basic = { username: config.username, password };
  }
  return { token: token === '' ? undefined : token, basic, sessionTtlMs: config.sessionTtlMs };
}

/** Whether anyone must sign in. */
export function authRequired(auth: AuthSettings): boolean {
  return auth.token !== undefined || auth.basic !== undefined;
}

/**
 * Refuses a bind that would expose the server: a non-loopback `host` needs `allowRemote` and
 * authentication. `field` names where the host came from (`--host`, `serve.host`).
 */
export function checkExposure(host: string, allowRemote: boolean, auth: AuthSettings, field: string): void {
  if (isLoopback(host)) return;
  if (!allowRemote) {
    throw new InputError(
      'HR_SERVE_REMOTE_BIND',
      `${field} ${host} is not a loopback address: anyone who reaches it could read every account's quotas and file increase requests`,
      {
        hint: 'listen on 127.0.0.1, or set serve.allowRemote: true with a token (HEADROOM_SERVE_TOKEN) or basic authentication',
      },
    );
  }
  if (!authRequired(auth)) {
    throw new InputError(
      'HR_SERVE_AUTH_REQUIRED',
      `${field} ${host} is not a loopback address and serve has no authentication: the dashboard, the API and /metrics would be open to anyone who reaches it`,
      {
        hint: 'set HEADROOM_SERVE_TOKEN (serve.auth.tokenEnv) to a random token of 16 or more characters, or serve.auth.username with passwordEnv',
      },
    );
  }
}

/** The variables the middleware sets on a request's context. */
export interface ServerEnv {
  Variables: { caller: Caller };
}

/** Who a request comes from, once authenticated. */
export interface Caller {
  /** How: `none` when no authentication is configured. */
  readonly auth: 'none' | 'token' | 'basic';
  /** Recorded on what the caller files: basic auth's user, `token`, or the server's operator. */
  readonly user: string;
  /** Sent `Authorization: Bearer` itself: another site cannot forge such a call. */
  readonly bearer: boolean;
  /** What the CSRF token is bound to. */
  readonly binding: string;
}

const SESSION_COOKIE = 'headroom_session';
const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Equal strings, compared in constant time (their hashes have one length). */
function same(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface SecurityOptions {
  readonly auth: AuthSettings;
  /** Who is recorded when no authentication is configured (the server's operator). */
  readonly operator: string;
  readonly now?: () => number;
}

/** The parts app.ts wires in: the middleware, the sign-in routes, and what the API asks of them. */
export interface Security {
  readonly middleware: MiddlewareHandler<ServerEnv>;
  readonly routes: Hono<ServerEnv>;
  /** The authenticated caller of a request the middleware let through. */
  callerOf(c: Context<ServerEnv>): Caller;
  csrfTokenOf(caller: Caller): string;
}

/** Paths anyone may reach: health (counts only) and the sign-in page and its stylesheet. */
function isPublic(path: string): boolean {
  return path === '/healthz' || path === '/login' || path === '/login.css';
}

function wantsHtml(c: Context): boolean {
  return c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
}

/** The host a request names, without its port (`[::1]:9877` → `::1`). */
function hostnameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  return hostHeader.replace(/:\d+$/, '');
}

/** Whether a state-changing request comes from this site, as far as the browser says. */
function fromThisSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    return new URL(origin).host === c.req.header('host');
  } catch {
    return false;
  }
}

export function createSecurity(options: SecurityOptions): Security {
  const { auth, operator } = options;
  const now = options.now ?? Date.now;
  const key = randomBytes(32);
  const sessions = new Map<string, number>();
  const failures: number[] = [];
  const required = authRequired(auth);

  const challenge = [
    ...(auth.token === undefined ? [] : ['Bearer realm="headroom"']),
    ...(auth.basic === undefined ? [] : ['Basic realm="headroom", charset="UTF-8"']),
  ].join(', ');

  function authenticate(c: Context): Caller | undefined {
    if (!required) return { auth: 'none', user: operator, bearer: false, binding: 'anonymous' };
    const header = c.req.header('authorization') ?? '';
    const [scheme = '', credentials = ''] = header.split(/\s+/, 2);
    if (auth.token !== undefined && scheme.toLowerCase() === 'bearer' && same(credentials, auth.token)) {
      return { auth: 'token', user: 'token', bearer: true, binding: 'bearer' };
    }
    if (auth.basic !== undefined && scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? '' : decoded.slice(colon + 1);
      // Both compared, always: how long it takes does not tell which was wrong.
      const userOk = same(user, auth.basic.username);
      const passwordOk = same(password, auth.basic.password);
      if (userOk && passwordOk) {
        return { auth: 'basic', user: auth.basic.username, bearer: false, binding: `basic:${user}` };
      }
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (session !== undefined) {
      const expires = sessions.get(session);
      if (expires !== undefined && expires > now()) {
        return { auth: 'token', user: 'token', bearer: false, binding: `session:${session}` };
      }
      if (expires !== undefined) sessions.delete(session);
    }
    return undefined;
  }

  function csrfTokenOf(caller: Caller): string {
    return createHmac('sha256', key).update(caller.binding).digest('base64url');
  }

  function unauthenticated(c: Context): Response {
    if (wantsHtml(c) && auth.basic === undefined) {
      const next = encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''));
      return c.redirect(`/login?next=${next}`, 303);
    }
    // Kept on the answer the error boundary gives.
    c.header('WWW-Authenticate', challenge);
    throw new ApiError(
      'HR_API_UNAUTHENTICATED',
      401,
      'authorization is missing or wrong: this server needs a token or a user name and password',
      {
        field: 'authorization',
        hint:
          auth.token === undefined
            ? 'send the user name and password (basic authentication)'
            : 'send Authorization: Bearer <token>, or sign in at /login',
      },
    );
  }

  const middleware: MiddlewareHandler<ServerEnv> = async (c, next) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    // same-origin, not no-referrer: under no-referrer a browser's own form and fetch POSTs carry
    // `Origin: null`, which the same-site check must refuse.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');

    if (!required) {
      // Only reachable on loopback: refuse a request for any other host name (DNS rebinding).
      // Browsers always send Host; a caller without one (in-process, raw sockets) is no page.
      const sent = c.req.header('host');
      const host = hostnameOf(sent ?? '');
      if (sent !== undefined && !isLoopback(host)) {
        throw new ApiError(
          'HR_API_HOST',
          403,
          `the Host header names ${host || 'nothing'}, not this machine`,
          {
            field: 'host',
            hint: 'open the dashboard at http://127.0.0.1:<port>/ (or localhost); to serve other names, configure serve.auth',
          },
        );
      }
    }
    if (isPublic(c.req.path)) {
      await next();
      return;
    }
    const caller = authenticate(c);
    if (!caller) return unauthenticated(c);
    c.set('caller', caller);
    if (UNSAFE.has(c.req.method) && !caller.bearer) {
      if (!fromThisSite(c)) {
        throw new ApiError('HR_API_CSRF', 403, 'the request comes from another site', {
          field: 'origin',
          hint: 'state-changing calls are accepted only from the dashboard itself or with Authorization: Bearer',
        });
      }
      const sent = c.req.header(CSRF_HEADER);
      if (sent === undefined || sent === '') {
        throw new ApiError('HR_API_CSRF', 403, `${CSRF_HEADER} is missing: state-changing calls need it`, {
          field: CSRF_HEADER,
          hint: 'send the csrfToken of GET /api/v1/session as the X-CSRF-Token header',
        });
      }
      if (!same(sent, csrfTokenOf(caller))) {
        throw new ApiError('HR_API_CSRF', 403, `${CSRF_HEADER} is not the token of this session`, {
          field: CSRF_HEADER,
          hint: 'get a fresh one from GET /api/v1/session (tokens change when serve restarts)',
        });
      }
    }
    await next();
  };

  const routes = new Hono<ServerEnv>();
  routes.get('/login', (c) => {
    if (auth.token === undefined) return c.redirect('/', 303);
    return c.html(loginPage({ next: safeNext(c.req.query('next')), error: undefined }));
  });
  routes.get('/login.css', (c) => c.body(LOGIN_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  routes.post('/login', async (c) => {
    if (auth.token === undefined) return c.redirect('/', 303);
    if (!fromThisSite(c)) {
      throw new ApiError('HR_API_CSRF', 403, 'the sign-in comes from another site', { field: 'origin' });
    }
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    // At most 10 failed sign-ins a minute: the token cannot be guessed by trying.
    const minuteAgo = now() - 60_000;
    while (failures.length > 0 && (failures[0] ?? 0) < minuteAgo) failures.shift();
    if (failures.length >= 10) {
      return c.html(loginPage({ next, error: 'Too many failed sign-ins; wait a minute.' }), 429);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!same(token, auth.token)) {
      failures.push(now());
      return c.html(loginPage({ next, error: 'That token is not the one this server was given.' }), 401);
    }
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, now() + auth.sessionTtlMs);
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: Math.floor(auth.sessionTtlMs / 1000),
    });
    return c.redirect(next, 303);
  });
  routes.post('/logout', (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session !== undefined) sessions.delete(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(auth.token === undefined ? '/' : '/login', 303);
  });

  return {
    middleware,
    routes,
    callerOf: (c) => c.get('caller'),
    csrfTokenOf,
  };
}

/** Where to go after signing in: a path of this site only (never `//elsewhere`). */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const LOGIN_CSS = `body{font:15px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f4f5f7;color:#1d2430}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12);width:min(24rem,90vw)}
h1{font-size:1.25rem;margin:0 0 1rem}label{display:block;margin-bottom:.25rem}
input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #9aa3b0;border-radius:4px}
button{margin-top:1rem;padding:.5rem 1rem;font:inherit;background:#2458d6;color:#fff;border:0;border-radius:4px;cursor:pointer}
:focus-visible{outline:3px solid #f0a400;outline-offset:2px}.error{color:#b3261e}`;

function loginPage(options: { next: string; error: string | undefined }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · headroom</title><link rel="stylesheet" href="/login.css"></head>
<body><main><form method="post" action="/login">
<h1>headroom</h1>
${options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`}
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<button type="submit">Sign in</button>
</form></main></body></html>`;
}
