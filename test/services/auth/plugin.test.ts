// The auth plugin over real HTTP: sign-in and its cookie, /api/me, rate limiting, CSRF and Origin checks,
// bearer tokens, route guards (401/403/404), sign-out, expiry, and the WebSocket upgrade check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { login, PASSWORD, signIn, startServer, type TestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

const post = (path: string, headers: Record<string, string>, body?: unknown): Promise<Response> =>
  fetch(`${server.base}${path}`, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${server.base}${path}`, { headers });

describe('sign-in', () => {
  test('sets an HttpOnly, SameSite=Strict session cookie and answers with the user and a CSRF token', async () => {
    const response = await login(server.base, 'T.Weber', PASSWORD);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { username: string; roles: string[]; csrfToken: string };
    expect(body.username).toBe('t.weber');
    expect(body.roles).toEqual(['therapist']);
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('vigil_session=')) ?? '';
    expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
    expect(response.headers.get('cache-control')).toBe('no-store');
    // The password never comes back.
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  test('the cookie is Secure when the service says it runs behind TLS', async () => {
    const tls = await startServer({ secureCookie: true, accounts: { 't.weber': ['therapist'] } });
    try {
      const { setCookie } = await signIn(tls.base, 't.weber');
      expect(setCookie).toMatch(/; Secure/i);
    } finally {
      await tls.close();
    }
  });

  test('a wrong password or an unknown user gets 401 and no cookie; malformed or oversized bodies are refused', async () => {
    for (const [username, password] of [
      ['t.weber', 'not the password'],
      ['nobody.here', PASSWORD],
    ] as const) {
      const response = await login(server.base, username, password, { 'x-forwarded-for': '10.9.9.9' });
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.json()).toEqual({ error: 'wrong username or password' });
    }
    expect((await post('/api/login', {}, { username: 't.weber' })).status).toBe(400);
    // Fastify strips unknown fields (removeAdditional): they can never raise a role.
    const extra = await post('/api/login', {}, { username: 't.weber', password: PASSWORD, roles: ['admin'] });
    expect(extra.status).toBe(200);
    expect(((await extra.json()) as { roles: string[] }).roles).toEqual(['therapist']);
    expect((await post('/api/login', {}, { username: 't.weber', password: 'x'.repeat(2000) })).status).toBe(400);
    expect((await post('/api/login', {}, { username: 't.weber', password: 'x'.repeat(5000) })).status).toBe(413);
  });

  test('GET /api/me: 401 without a cookie, the user and the same CSRF token with one', async () => {
    const me = await get('/api/me');
    expect(me.status).toBe(401);
    const session = await signIn(server.base, 'm.okafor');
    const signedIn = await get('/api/me', { cookie: session.cookie });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ username: 'm.okafor', roles: ['monitor'], csrfToken: session.csrfToken });
    expect((await get('/api/me', { cookie: 'vigil_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
  });
});

describe('login rate limit', () => {
  test('per username: after N failures even the right password from a new address gets 429 with Retry-After', async () => {
    const limited = await startServer({ loginLimit: { max: 3, windowMs: 60_000 }, accounts: { 't.weber': ['therapist'], 'm.okafor': ['monitor'] } });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await login(limited.base, 't.weber', 'guess number ' + i, { 'x-forwarded-for': `10.0.0.${i + 1}` })).status).toBe(401);
      }
      const blocked = await login(limited.base, 't.weber', PASSWORD, { 'x-forwarded-for': '10.0.0.99' });
      expect(blocked.status).toBe(429);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Other accounts are not affected.
      expect((await login(limited.base, 'm.okafor', PASSWORD, { 'x-forwarded-for': '10.0.0.99' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('per address: failures across usernames block that address only; successes never count', async () => {
    const limited = await startServer({ loginLimit: { max: 3, windowMs: 60_000 }, accounts: { 't.weber': ['therapist'] } });
    try {
      // A whole ward signing in from one NAT address is fine.
      for (let i = 0; i < 5; i++) expect((await login(limited.base, 't.weber', PASSWORD, { 'x-forwarded-for': '10.1.1.1' })).status).toBe(200);
      for (const name of ['a.one', 'b.two', 'c.three']) {
        expect((await login(limited.base, name, 'some guess here', { 'x-forwarded-for': '10.1.1.1' })).status).toBe(401);
      }
      expect((await login(limited.base, 't.weber', PASSWORD, { 'x-forwarded-for': '10.1.1.1' })).status).toBe(429);
      expect((await login(limited.base, 't.weber', PASSWORD, { 'x-forwarded-for': '10.2.2.2' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('parallel guesses cannot slip under the limit', async () => {
    const limited = await startServer({ loginLimit: { max: 3, windowMs: 60_000 }, accounts: { 't.weber': ['therapist'] } });
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => login(limited.base, 't.weber', `parallel guess ${i}`)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    } finally {
      await limited.close();
    }
  });
});

describe('CSRF and Origin', () => {
  test('a cookie-authenticated POST needs the x-vigil-csrf header, and the right one', async () => {
    const session = await signIn(server.base, 't.weber');
    const without = await post('/api/echo', { cookie: session.cookie });
    expect(without.status).toBe(403);
    expect(await without.json()).toEqual({ error: 'missing or wrong x-vigil-csrf header' });
    expect((await post('/api/echo', { cookie: session.cookie, 'x-vigil-csrf': 'A'.repeat(43) })).status).toBe(403);
    const other = await signIn(server.base, 'm.okafor');
    expect((await post('/api/echo', { cookie: session.cookie, 'x-vigil-csrf': other.csrfToken })).status).toBe(403);
    const ok = await post('/api/echo', { cookie: session.cookie, 'x-vigil-csrf': session.csrfToken });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ by: 't.weber' });
    // Safe methods need no token.
    expect((await get('/api/me', { cookie: session.cookie })).status).toBe(200);
  });

  test('a foreign Origin is refused even with the right token; our own origin passes', async () => {
    const session = await signIn(server.base, 't.weber');
    const headers = { cookie: session.cookie, 'x-vigil-csrf': session.csrfToken };
    const foreign = await post('/api/echo', { ...headers, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: 'cross-origin request refused' });
    expect((await post('/api/echo', { ...headers, origin: 'null' })).status).toBe(403);
    expect((await post('/api/echo', { ...headers, origin: server.base })).status).toBe(200);
    // Sign-in from another site is refused too (login CSRF).
    expect((await login(server.base, 't.weber', PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
  });

  test('bearer-token requests are exempt: browsers never attach them on their own', async () => {
    const session = await signIn(server.base, 'e.lind');
    const response = await post('/api/echo', { authorization: `Bearer ${session.token}`, origin: 'https://gateway.example' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ by: 'e.lind' });
    expect((await post('/api/echo', { authorization: 'Bearer not-a-token' })).status).toBe(401);
    // An Authorization header of another scheme (a proxy's Basic auth) does not hide the cookie.
    const cookie = await signIn(server.base, 't.weber');
    expect((await post('/api/echo', { authorization: 'Basic dXNlcjpwYXNz', cookie: cookie.cookie })).status).toBe(403);
  });
});

describe('route guards', () => {
  test('401 when not signed in, 404 for no such session, 403 when not allowed, 200 when allowed', async () => {
    const therapist = await signIn(server.base, 't.weber');
    const engineer = await signIn(server.base, 'e.lind');
    const monitor = await signIn(server.base, 'm.okafor');
    const admin = await signIn(server.base, 'a.root');
    const ack = (who: { cookie: string; csrfToken: string }, id: string): Promise<Response> =>
      post(`/api/sessions/${id}/acknowledge`, { cookie: who.cookie, 'x-vigil-csrf': who.csrfToken });

    expect((await get('/api/sessions/s-1')).status).toBe(401);
    expect((await post('/api/sessions/s-1/acknowledge', {})).status).toBe(401);
    expect((await get('/api/sessions/nope', { cookie: therapist.cookie })).status).toBe(404);

    expect((await get('/api/sessions/s-1', { cookie: therapist.cookie })).status).toBe(200);
    expect((await get('/api/sessions/s-2', { cookie: therapist.cookie })).status).toBe(403);
    expect((await get('/api/sessions/s-2', { cookie: monitor.cookie })).status).toBe(200); // the overview
    expect((await get('/api/sessions/s-2', { cookie: engineer.cookie })).status).toBe(200);

    const acknowledged = await ack(therapist, 's-1');
    expect(acknowledged.status).toBe(200);
    expect(await acknowledged.json()).toEqual({ acknowledged: true, by: 't.weber' });
    expect((await ack(therapist, 's-2')).status).toBe(403);
    expect((await ack(monitor, 's-2')).status).toBe(403);
    expect((await ack(engineer, 's-1')).status).toBe(403);
    expect((await ack(admin, 's-1')).status).toBe(403);

    expect((await post('/api/users', { cookie: admin.cookie, 'x-vigil-csrf': admin.csrfToken })).status).toBe(200);
    expect((await post('/api/users', { cookie: therapist.cookie, 'x-vigil-csrf': therapist.csrfToken })).status).toBe(403);
  });
});

describe('sign-out and the end of sign-ins', () => {
  test('logout needs the CSRF header, revokes the sign-in and clears the cookie', async () => {
    const session = await signIn(server.base, 't.weber');
    expect((await post('/api/logout', { cookie: session.cookie })).status).toBe(403);
    expect((await get('/api/me', { cookie: session.cookie })).status).toBe(200);
    const out = await post('/api/logout', { cookie: session.cookie, 'x-vigil-csrf': session.csrfToken });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('vigil_session=')) ?? '';
    expect(cleared).toMatch(/^vigil_session=;/);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect((await get('/api/me', { cookie: session.cookie })).status).toBe(401);
    expect((await get('/api/me', { authorization: `Bearer ${session.token}` })).status).toBe(401);
  });

  test('signing in again in the same browser ends the previous sign-in', async () => {
    const first = await signIn(server.base, 't.weber');
    const again = await post('/api/login', { cookie: first.cookie }, { username: 't.weber', password: PASSWORD });
    expect(again.status).toBe(200);
    expect((await get('/api/me', { cookie: first.cookie })).status).toBe(401);
  });

  test('a new password or a removed account ends existing sign-ins at once', async () => {
    const own = await startServer({ accounts: { 'a.root': ['admin'], 't.weber': ['therapist'] } });
    try {
      const session = await signIn(own.base, 't.weber');
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } })).status).toBe(200);
      await own.users.setPassword('t.weber', 'another long password');
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } })).status).toBe(401);
      const fresh = await signIn(own.base, 't.weber', 'another long password');
      await own.users.remove('t.weber');
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: fresh.cookie } })).status).toBe(401);
    } finally {
      await own.close();
    }
  });

  test('a users file damaged while running keeps the last good accounts (and sign-ins) working', async () => {
    const own = await startServer({ accounts: { 't.weber': ['therapist'] } });
    try {
      const session = await signIn(own.base, 't.weber');
      writeFileSync(join(own.dataDir, 'users.json'), '{ not json');
      const me = await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } });
      expect(me.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  test('sign-ins expire after the idle timeout', async () => {
    let now = 1_767_225_600_000;
    const own = await startServer({ tokens: { now: () => now, idleTimeoutMs: 60_000, maxAgeMs: 600_000 }, accounts: { 't.weber': ['therapist'] } });
    try {
      const session = await signIn(own.base, 't.weber');
      now += 59_000;
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } })).status).toBe(200);
      now += 59_000;
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } })).status).toBe(200);
      now += 60_000;
      expect((await fetch(`${own.base}/api/me`, { headers: { cookie: session.cookie } })).status).toBe(401);
    } finally {
      await own.close();
    }
  });
});

describe('authenticateUpgrade (WebSocket hub)', () => {
  test('cookie from our own origin, bearer header or ?token= authenticate; a foreign origin or nothing does not', async () => {
    const session = await signIn(server.base, 'm.okafor');
    const host = new URL(server.base).host;
    const upgrade = server.app.authenticateUpgrade;
    expect(upgrade({ headers: { host, origin: server.base, cookie: session.cookie }, url: '/ws' })).toEqual({ username: 'm.okafor', roles: ['monitor'] });
    expect(upgrade({ headers: { host, origin: 'https://evil.example', cookie: session.cookie }, url: '/ws' })).toBeUndefined();
    expect(upgrade({ headers: { host }, url: `/ws?token=${session.token}` })?.username).toBe('m.okafor');
    expect(upgrade({ headers: { host, authorization: `Bearer ${session.token}` }, url: '/ws' })?.username).toBe('m.okafor');
    expect(upgrade({ headers: { host }, url: '/ws?token=nonsense' })).toBeUndefined();
    expect(upgrade({ headers: { host }, url: '/ws' })).toBeUndefined();
  });

  test('request.user on a WebSocket handshake (a GET) follows the same rule: no cookie from a foreign page', async () => {
    const session = await signIn(server.base, 'm.okafor');
    const handshake = async (headers: Record<string, string>, url = '/api/whoami'): Promise<unknown> =>
      // inject: fetch cannot send Upgrade headers; the hook under test is the same either way.
      (await server.app.inject({ method: 'GET', url, headers: { upgrade: 'websocket', connection: 'Upgrade', ...headers } })).json();
    const host = new URL(server.base).host;
    expect(await handshake({ host, origin: server.base, cookie: session.cookie })).toEqual({ user: 'm.okafor' });
    expect(await handshake({ host, origin: 'https://evil.example', cookie: session.cookie })).toEqual({ user: null });
    expect(await handshake({ host }, `/api/whoami?token=${session.token}`)).toEqual({ user: 'm.okafor' });
  });
});
