// Sign-in for the HTTP API: POST /api/login, POST /api/logout, GET /api/me; request.user from the
// vigil_session cookie (browsers) or an Authorization: Bearer token (device gateways, tools); CSRF
// defences for cookie-authenticated state changes. Route guards live in guards.ts.
import type { IncomingHttpHeaders } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { AttemptLimiter, type AttemptLimiterOptions } from './attempt-limiter.js';
import { isForeignOrigin, safeEqual } from './origin.js';
import type { SessionTokens, SignIn } from './session-tokens.js';
import type { User } from './types.js';
import { normaliseUsername, USERNAME_PATTERN, type UserStore } from './user-store.js';

export { requirePermission, requireUser, type Guard, type SessionOf } from './guards.js';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-vigil-csrf';
export const LOGIN_PATH = '/api/login';
export const LOGOUT_PATH = '/api/logout';
export const ME_PATH = '/api/me';

export interface AuthPluginOptions {
  users: UserStore;
  tokens: SessionTokens;
  /** mark the cookie Secure: true whenever the service is reached over TLS (directly or behind a proxy) */
  secureCookie: boolean;
  /** origins other than the service's own that may send state-changing requests, e.g. a dev server */
  allowedOrigins?: readonly string[];
  /** failed sign-ins allowed per IP address and per username (default 10 a minute each) */
  loginLimit?: AttemptLimiterOptions;
}

/** What the WebSocket hub has at the upgrade: a FastifyRequest or a raw IncomingMessage both fit. */
export interface UpgradeRequest {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
}

/** Answers sent by this plugin: `{ username, roles, csrfToken }` for login and /api/me. */
export interface SignInView extends User {
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in user, or undefined: set by the auth plugin before any handler runs */
    user: User | undefined;
  }
  interface FastifyInstance {
    /** The user a WebSocket upgrade belongs to: cookie (same origin only), bearer header or ?token=. */
    authenticateUpgrade(request: UpgradeRequest): User | undefined;
  }
}

type Via = 'cookie' | 'bearer';
interface Credentials {
  token: string;
  via: Via;
}
interface Authenticated extends Credentials {
  user: User;
  signIn: SignIn;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const loginSchema = {
  body: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 100 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
    },
  },
} as const;

interface LoginBody {
  username: string;
  password: string;
}

/** The token of an `Authorization: Bearer` header; other schemes (a proxy's Basic auth) are not ours. */
function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer\s+(.*)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
}

async function registerAuth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { users, tokens, secureCookie } = options;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const limiter = new AttemptLimiter(options.loginLimit);
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookie } as const;
  /** the credentials behind request.user, for logout and the CSRF check */
  const authenticated = new WeakMap<FastifyRequest, Authenticated>();

  // Another plugin may already have brought @fastify/cookie; registering it twice is an error.
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);

  /** A Bearer Authorization header, when present, is the only credential looked at: pages cannot send one cross-site. */
  function credentialsOf(headers: IncomingHttpHeaders): Credentials | undefined {
    const bearer = bearerToken(headers);
    if (bearer !== undefined) return { token: bearer, via: 'bearer' };
    const cookie = headers.cookie === undefined ? undefined : app.parseCookie(headers.cookie)[SESSION_COOKIE];
    return cookie === undefined ? undefined : { token: cookie, via: 'cookie' };
  }

  /** Users are looked up on every request, so a removed user, changed roles or a new password take effect at once. */
  function authenticate(credentials: Credentials | undefined): Authenticated | undefined {
    if (credentials === undefined) return undefined;
    const signIn = tokens.resolve(credentials.token);
    if (signIn === undefined) return undefined;
    const account = users.get(signIn.username);
    if (account === undefined || account.passwordVersion !== signIn.passwordVersion) {
      tokens.revoke(credentials.token);
      return undefined;
    }
    return { ...credentials, signIn, user: { username: account.username, roles: account.roles } };
  }

  app.decorateRequest('user', undefined);

  /**
   * A WebSocket handshake is a GET, so the CSRF checks below never see it, yet browsers send cookies with
   * cross-site handshakes: a cookie counts only from our own pages. Gateways may pass ?token= instead.
   */
  function upgradeCredentials(request: UpgradeRequest, host: string | undefined): Credentials | undefined {
    const credentials = credentialsOf(request.headers);
    if (credentials === undefined) {
      const query = new URL(request.url ?? '/', 'http://upgrade').searchParams.get('token');
      return query === null ? undefined : { token: query, via: 'bearer' };
    }
    if (credentials.via === 'cookie' && isForeignOrigin(request.headers.origin, host, allowedOrigins)) return undefined;
    return credentials;
  }

  app.decorate('authenticateUpgrade', (request: UpgradeRequest): User | undefined => authenticate(upgradeCredentials(request, request.headers.host))?.user);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // A damaged users file must not take the API down: keep the last good copy and say why.
    await users.refresh().catch((error: unknown) => request.log.error({ err: error }, 'cannot reread the users file'));
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const credentials = upgrade ? upgradeCredentials(request, request.host) : credentialsOf(request.headers);
    const auth = authenticate(credentials);
    if (auth !== undefined) {
      request.user = auth.user;
      authenticated.set(request, auth);
    }
    // Browsers attach cookies to cross-site requests; bearer tokens they never send on their own.
    if (!STATE_CHANGING.has(request.method) || credentials?.via === 'bearer') return;
    if (isForeignOrigin(request.headers.origin, request.host, allowedOrigins)) {
      await reply.code(403).send({ error: 'cross-origin request refused' });
      return;
    }
    // Sign-in is exempt: it needs no token, and its Origin was checked just above.
    if (auth === undefined || request.routeOptions.url === LOGIN_PATH) return;
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !safeEqual(given, auth.signIn.csrfToken)) {
      await reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
    }
  });

  app.post<{ Body: LoginBody }>(LOGIN_PATH, { schema: loginSchema, bodyLimit: 4096 }, async (request, reply) => {
    const username = normaliseUsername(request.body.username);
    const keys = [`ip:${request.ip}`, `user:${username}`];
    const waitMs = Math.max(...keys.map((key) => limiter.retryAfterMs(key)));
    if (waitMs > 0) {
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil(waitMs / 1000)))
        .send({ error: 'too many failed sign-ins; try again later' });
    }
    // Counted as failed until proven otherwise, so parallel guesses cannot all slip under the limit.
    for (const key of keys) limiter.fail(key);
    const account = await users.verify(username, request.body.password);
    if (account === undefined) {
      // Never log what was typed unless it is a plausible username: people type passwords into the wrong field.
      request.log.warn({ username: USERNAME_PATTERN.test(username) ? username : '(not a username)', ip: request.ip }, 'sign-in failed');
      return reply.code(401).send({ error: 'wrong username or password' });
    }
    limiter.forgive(`ip:${request.ip}`);
    limiter.reset(`user:${username}`);
    // A new sign-in in this browser replaces the old one.
    const previous = authenticated.get(request);
    if (previous?.via === 'cookie') tokens.revoke(previous.token);
    const issued = tokens.issue(account, account.passwordVersion);
    request.log.info({ username: account.username }, 'signed in');
    reply.setCookie(SESSION_COOKIE, issued.token, { ...cookieOptions, maxAge: Math.floor(tokens.maxAgeMs / 1000) });
    reply.header('cache-control', 'no-store');
    const view: SignInView = { username: account.username, roles: account.roles, csrfToken: issued.csrfToken };
    return view;
  });

  app.post(LOGOUT_PATH, async (request, reply) => {
    const auth = authenticated.get(request);
    if (auth !== undefined) {
      tokens.revoke(auth.token);
      // A sign-out must survive a restart: wait until the sign-in is gone from the file as well.
      await tokens.flush();
      request.log.info({ username: auth.user.username }, 'signed out');
    }
    return reply.clearCookie(SESSION_COOKIE, cookieOptions).code(204).send();
  });

  app.get(ME_PATH, async (request, reply) => {
    const auth = authenticated.get(request);
    if (auth === undefined) return reply.code(401).send({ error: 'not signed in' });
    const view: SignInView = { ...auth.user, csrfToken: auth.signIn.csrfToken };
    return reply.header('cache-control', 'no-store').send(view);
  });
}

/**
 * Register before the routes it protects. Not encapsulated (fastify-plugin): request.user, the CSRF checks
 * and app.authenticateUpgrade apply to the whole server.
 */
export const authPlugin = fastifyPlugin(registerAuth, { fastify: '5.x', name: 'vigil-auth' });
export default authPlugin;
