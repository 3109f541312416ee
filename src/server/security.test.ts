import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import {
  type AuthSettings,
  checkExposure,
  createSecurity,
  NO_AUTH,
  resolveAuth,
  type ServerEnv,
} from './security.js';

const TOKEN = 'correct-horse-battery-staple-42';
const BASIC = { username: 'ops', password: 'pa:ss word' };
const CONFIG = {
  tokenEnv: 'HEADROOM_SERVE_TOKEN',
  username: undefined,
  passwordEnv: undefined,
  sessionTtlMs: 3_600_000,
};

describe('resolveAuth', () => {
  it('reads the token and the password from the variables named, never from the config', () => {
    expect(resolveAuth(CONFIG, {})).toEqual({ token: undefined, basic: undefined, sessionTtlMs: 3_600_000 });
    expect(resolveAuth(CONFIG, { HEADROOM_SERVE_TOKEN: ` ${TOKEN} ` }).token).toBe(TOKEN);
    expect(
      resolveAuth(
        { ...CONFIG, tokenEnv: 'MY_TOKEN', username: 'ops', passwordEnv: 'MY_PASSWORD' },
        {
          MY_TOKEN: TOKEN,
          MY_PASSWORD: BASIC.password,
        },
      ),
    ).toEqual({ token: TOKEN, basic: BASIC, sessionTtlMs: 3_600_000 });
  });

  it('refuses a token that could be guessed, naming the variable', () => {
    expect(() => resolveAuth(CONFIG, { HEADROOM_SERVE_TOKEN: 'short' })).toThrow(
      expect.objectContaining({
        code: 'HR_SERVE_AUTH',
        exitCode: 2,
        message: 'HEADROOM_SERVE_TOKEN holds a token of 5 characters; serve.auth needs at least 16',
      }),
    );
  });

  it('refuses basic authentication whose password variable is unset', () => {
    expect(() => resolveAuth({ ...CONFIG, username: 'ops', passwordEnv: 'NOT_SET' }, {})).toThrow(
      expect.objectContaining({
        code: 'HR_SERVE_AUTH',
        message: expect.stringContaining('serve.auth.passwordEnv names NOT_SET, which is not set') as string,
      }),
    );
  });
});

describe('checkExposure', () => {
  const withToken: AuthSettings = { ...NO_AUTH, token: TOKEN };

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])(
    'lets %s be listened on, with or without auth',
    (host) => {
      expect(() => {
        checkExposure(host, false, NO_AUTH, 'serve.host');
      }).not.toThrow();
    },
  );

  it.each(['0.0.0.0', '::', '10.1.2.3', 'metrics.example.internal'])(
    'refuses %s without allowRemote, then without auth, naming where it came from',
    (host) => {
      expect(() => {
        checkExposure(host, false, withToken, '--host');
      }).toThrow(
        expect.objectContaining({
          code: 'HR_SERVE_REMOTE_BIND',
          exitCode: 2,
          message: expect.stringMatching(
            new RegExp(`^--host ${host.replace(/\./g, '\\.')} is not a loopback address`),
          ) as string,
          hint: expect.stringContaining('serve.allowRemote: true') as string,
        }),
      );
      expect(() => {
        checkExposure(host, true, NO_AUTH, 'serve.host');
      }).toThrow(
        expect.objectContaining({
          code: 'HR_SERVE_AUTH_REQUIRED',
          message: expect.stringContaining(
            `serve.host ${host} is not a loopback address and serve has no authentication`,
          ) as string,
          hint: expect.stringContaining('HEADROOM_SERVE_TOKEN') as string,
        }),
      );
      expect(() => {
        checkExposure(host, true, withToken, '--host');
      }).not.toThrow();
    },
  );
});

/** A tiny app behind the middleware: a page, an API read, an API write, and health. */
function app(auth: AuthSettings, now: () => number = Date.now) {
  const security = createSecurity({ auth, operator: 'alice@host', now });
  const hono = new Hono<ServerEnv>();
  hono.use('*', security.middleware);
  hono.route('/', security.routes);
  hono.get('/healthz', (c) => c.json({ ok: true }));
  hono.get('/', (c) => c.html('<p>dashboard</p>'));
  hono.get('/api/v1/session', (c) => {
    const caller = security.callerOf(c);
    return c.json({ ...caller, csrfToken: security.csrfTokenOf(caller) });
  });
  hono.post('/api/v1/write', (c) => c.json({ wrote: security.callerOf(c).user }));
  hono.onError((error, c) => {
    if (error instanceof ApiError)
      return c.json({ error: { code: error.code, field: error.field } }, error.status);
    throw error;
  });
  return hono;
}

const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function csrfOf(hono: Hono<ServerEnv>, headers: Record<string, string>): Promise<string> {
  const session = await hono.request('/api/v1/session', { headers });
  return ((await session.json()) as { csrfToken: string }).csrfToken;
}

describe('without authentication (loopback)', () => {
  const hono = app(NO_AUTH);

  it("records the server's operator, and sets the security headers", async () => {
    const response = await hono.request('/api/v1/session', { headers: { host: '127.0.0.1:9877' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ auth: 'none', user: 'alice@host', bearer: false });
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each(['127.0.0.1:9877', 'localhost:9877', '[::1]:9877', 'localhost'])(
    'answers Host %s',
    async (host) => {
      expect((await hono.request('/', { headers: { host } })).status).toBe(200);
    },
  );

  it.each(['evil.example', 'evil.example:9877', '127.0.0.1.evil.example', '10.0.0.8:9877'])(
    'refuses Host %s (DNS rebinding)',
    async (host) => {
      const response = await hono.request('/', { headers: { host } });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: { code: 'HR_API_HOST', field: 'host' } });
    },
  );

  it('needs the CSRF token for a write, and refuses another site even with it', async () => {
    const headers = { host: '127.0.0.1:9877' };
    const token = await csrfOf(hono, headers);
    const write = (extra: Record<string, string>) =>
      hono.request('/api/v1/write', { method: 'POST', headers: { ...headers, ...extra } });
    expect((await write({})).status).toBe(403);
    expect(await (await write({})).json()).toEqual({ error: { code: 'HR_API_CSRF', field: 'x-csrf-token' } });
    expect((await write({ 'x-csrf-token': `${token}x` })).status).toBe(403);
    expect((await write({ 'x-csrf-token': token })).status).toBe(200);
    expect((await write({ 'x-csrf-token': token, origin: 'http://127.0.0.1:9877' })).status).toBe(200);
    expect((await write({ 'x-csrf-token': token, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    const foreigners: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const foreign of foreigners) {
      const response = await write({ 'x-csrf-token': token, ...foreign });
      expect(response.status, JSON.stringify(foreign)).toBe(403);
      expect(await response.json()).toEqual({ error: { code: 'HR_API_CSRF', field: 'origin' } });
    }
  });

  it('sends /login home: there is nothing to sign in to', async () => {
    const response = await hono.request('/login', { headers: { host: 'localhost' } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });
});

describe('with a token', () => {
  let clock = 1_000_000;
  const hono = app({ ...NO_AUTH, token: TOKEN, sessionTtlMs: 60_000 }, () => clock);

  it('refuses calls without it, saying how to authenticate, and keeps health open', async () => {
    const response = await hono.request('/api/v1/session');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="headroom"');
    expect(await response.json()).toMatchObject({
      error: { code: 'HR_API_UNAUTHENTICATED', field: 'authorization' },
    });
    expect(
      (await hono.request('/api/v1/session', { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect((await hono.request('/healthz')).status).toBe(200);
  });

  it('sends a browser asking for a page to the sign-in page, keeping where it was going', async () => {
    const response = await hono.request('/compare?source=a', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fcompare%3Fsource%3Da');
  });

  it('lets a bearer token in, and a bearer call needs no CSRF token (another site cannot send one)', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect(await (await hono.request('/api/v1/session', { headers })).json()).toMatchObject({
      auth: 'token',
      user: 'token',
      bearer: true,
    });
    expect((await hono.request('/api/v1/write', { method: 'POST', headers })).status).toBe(200);
  });

  it('signs a browser in with the token: an HttpOnly, SameSite=Strict cookie that expires', async () => {
    const page = await hono.request('/login?next=/requests');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="token" type="password"');
    expect(html).toContain('value="/requests"');
    expect(html).not.toContain(TOKEN);

    const form = (token: string, next = '/requests') =>
      hono.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, next }).toString(),
      });
    const wrong = await form('not the token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const right = await form(TOKEN);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/requests');
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^headroom_session=[A-Za-z0-9_-]{43}; Max-Age=60; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const session = cookie.split(';')[0] ?? '';
    const me = await hono.request('/api/v1/session', { headers: { cookie: session } });
    expect(await me.json()).toMatchObject({ auth: 'token', bearer: false });
    // A cookie is sent by the browser on its own: a write with it needs the CSRF token.
    expect(
      (await hono.request('/api/v1/write', { method: 'POST', headers: { cookie: session } })).status,
    ).toBe(403);
    const csrf = await csrfOf(hono, { cookie: session });
    expect(
      (
        await hono.request('/api/v1/write', {
          method: 'POST',
          headers: { cookie: session, 'x-csrf-token': csrf },
        })
      ).status,
    ).toBe(200);
    // Another session's CSRF token is not this one's.
    expect(csrf).not.toBe(await csrfOf(hono, { authorization: `Bearer ${TOKEN}` }));

    clock += 61_000;
    expect((await hono.request('/api/v1/session', { headers: { cookie: session } })).status).toBe(401);
  });

  it('signs out: the session is forgotten, and signing out needs the CSRF token too', async () => {
    const signIn = await hono.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect((await hono.request('/logout', { method: 'POST', headers: { cookie: session } })).status).toBe(
      403,
    );
    const csrf = await csrfOf(hono, { cookie: session });
    const out = await hono.request('/logout', {
      method: 'POST',
      headers: { cookie: session, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login');
    expect(out.headers.get('set-cookie')).toMatch(/^headroom_session=; Max-Age=0; Path=\//);
    expect((await hono.request('/api/v1/session', { headers: { cookie: session } })).status).toBe(401);
  });

  it('never sends a browser elsewhere after signing in', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await hono.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: TOKEN, next }).toString(),
      });
      expect(response.headers.get('location'), next).toBe('/');
    }
  });

  it('refuses a sign-in from another site, and stops guessing after 10 failures a minute', async () => {
    const crossSite = await hono.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(crossSite.status).toBe(403);
    const guess = () =>
      hono.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: 'guess' }).toString(),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await guess()).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    clock += 61_000;
    expect((await guess()).status).toBe(401);
  });
});

describe('with basic authentication', () => {
  const hono = app({ ...NO_AUTH, basic: BASIC });

  it('asks a browser for the user name and password', async () => {
    const response = await hono.request('/', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="headroom", charset="UTF-8"');
  });

  it('lets the right user in, by name, and no one else', async () => {
    const ok = await hono.request('/api/v1/session', {
      headers: { authorization: basicHeader('ops', BASIC.password) },
    });
    expect(await ok.json()).toMatchObject({ auth: 'basic', user: 'ops', bearer: false });
    for (const [user, password] of [
      ['ops', 'wrong'],
      ['other', BASIC.password],
      ['', ''],
    ] as const) {
      const response = await hono.request('/api/v1/session', {
        headers: { authorization: basicHeader(user, password) },
      });
      expect(response.status, `${user}:${password}`).toBe(401);
    }
    expect(
      (await hono.request('/api/v1/session', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(401);
  });

  it('needs the CSRF token for a write: a browser sends basic credentials on its own', async () => {
    const headers = { authorization: basicHeader('ops', BASIC.password) };
    expect((await hono.request('/api/v1/write', { method: 'POST', headers })).status).toBe(403);
    const csrf = await csrfOf(hono, headers);
    const response = await hono.request('/api/v1/write', {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrf },
    });
    expect(await response.json()).toEqual({ wrote: 'ops' });
  });
});
