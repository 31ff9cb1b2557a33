// A real fastify server with the auth plugin on port 0, a few guarded routes, and sign-in over real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AttemptLimiterOptions } from '../../../services/auth/attempt-limiter.js';
import { authPlugin, requirePermission, requireUser } from '../../../services/auth/plugin.js';
import { SessionTokens, type SessionTokensOptions } from '../../../services/auth/session-tokens.js';
import type { SessionAccess } from '../../../services/auth/types.js';
import { UserStore } from '../../../services/auth/user-store.js';

export const PASSWORD = 'correct horse battery';

export interface TestServer {
  app: FastifyInstance;
  base: string;
  users: UserStore;
  tokens: SessionTokens;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  secureCookie?: boolean;
  loginLimit?: AttemptLimiterOptions;
  tokens?: SessionTokensOptions;
  dataDir?: string;
  /** staff accounts to create, username → roles */
  accounts?: Record<string, string[]>;
}

/** s-1: t.weber and m.okafor assigned, live; s-2: nobody of ours assigned, live. */
export const SESSIONS = new Map<string, SessionAccess>([
  ['s-1', { id: 's-1', assigned: ['t.weber', 'm.okafor'], live: true }],
  ['s-2', { id: 's-2', assigned: ['t.other'], live: true }],
]);

export const DEFAULT_ACCOUNTS: Record<string, string[]> = {
  't.weber': ['therapist'],
  'm.okafor': ['monitor'],
  'e.lind': ['engineer'],
  'a.root': ['admin'],
};

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-auth-'));
  const users = await UserStore.open(dataDir, { refreshIntervalMs: 0 });
  for (const [username, roles] of Object.entries(options.accounts ?? DEFAULT_ACCOUNTS)) {
    if (users.get(username) === undefined) await users.add(username, PASSWORD, roles);
  }
  const tokens = new SessionTokens(options.tokens);
  // trustProxy: tests stand in for many client addresses with X-Forwarded-For.
  const app = Fastify({ logger: false, trustProxy: true });
  await app.register(authPlugin, {
    users,
    tokens,
    secureCookie: options.secureCookie ?? false,
    ...(options.loginLimit === undefined ? {} : { loginLimit: options.loginLimit }),
  });
  app.post('/api/echo', { preHandler: requireUser() }, async (request) => ({ by: request.user?.username }));
  app.get('/api/whoami', async (request) => ({ user: request.user?.username ?? null }));
  app.get<{ Params: { id: string } }>(
    '/api/sessions/:id',
    { preHandler: requirePermission<{ Params: { id: string } }>('session:read', (request) => SESSIONS.get(request.params.id)) },
    async (request) => ({ id: request.params.id }),
  );
  app.post<{ Params: { id: string } }>(
    '/api/sessions/:id/acknowledge',
    { preHandler: requirePermission<{ Params: { id: string } }>('alarm:acknowledge', (request) => SESSIONS.get(request.params.id)) },
    async (request) => ({ acknowledged: true, by: request.user?.username }),
  );
  app.post('/api/users', { preHandler: requirePermission('user:manage') }, async () => ({ ok: true }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base: address,
    users,
    tokens,
    dataDir,
    close: async () => {
      await app.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SignedIn {
  /** the Cookie request header to send */
  cookie: string;
  token: string;
  csrfToken: string;
  setCookie: string;
}

export async function login(base: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
}

export async function signIn(base: string, username: string, password = PASSWORD): Promise<SignedIn> {
  const response = await login(base, username, password);
  if (response.status !== 200) throw new Error(`sign-in as ${username} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('vigil_session=')) ?? '';
  const token = /^vigil_session=([^;]*)/.exec(setCookie)?.[1] ?? '';
  return { cookie: `vigil_session=${token}`, token, csrfToken: body.csrfToken, setCookie };
}
