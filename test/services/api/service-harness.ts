// The real service in process, listening on a real port: users of every role, sign-in over HTTP, a session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../services/api/server.js';
import { SessionTokens } from '../../../services/auth/session-tokens.js';
import type { Role } from '../../../services/auth/types.js';
import { UserStore } from '../../../services/auth/user-store.js';
import { SessionManager } from '../../../services/live/session-manager.js';
import type { SystemHealth } from '../../../services/live/system-health.js';

export const PASSWORD = 'correct horse battery staple';

export interface Client {
  cookie: string;
  csrf: string;
}

export interface ServiceHarness {
  app: FastifyInstance;
  base: string;
  sessions: SessionManager;
  dataDir: string;
  signIn(username: string): Promise<Client>;
  request(client: Client | undefined, method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface HttpClient {
  /** JSON bodies (a string is sent as is); `headers` add to or override the defaults */
  request(client: Client | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** signs in over the API with PASSWORD: the session cookie and the CSRF token */
  signIn(username: string): Promise<Client>;
}

/** Requests to a service at `base` as a signed-in user (cookie and CSRF header) or as nobody. */
export function httpClient(base: string): HttpClient {
  const request: HttpClient['request'] = (client, method, path, body, extra = {}) => {
    const headers: Record<string, string> = { ...extra };
    if (client !== undefined) {
      headers['cookie'] = client.cookie;
      headers['x-vigil-csrf'] = client.csrf;
    }
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    return fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  };
  return {
    request,
    async signIn(username) {
      const response = await request(undefined, 'POST', '/api/login', { username, password: PASSWORD });
      if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status}`);
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: csrfToken };
    },
  };
}

/** `health`: the alarm system's health to run with (a test's watchdog settings); by default the manager's own. */
export async function startService(users: Array<[string, Role[]]>, options: { health?: SystemHealth } = {}): Promise<ServiceHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-service-'));
  const store = await UserStore.open(dataDir);
  for (const [username, roles] of users) await store.add(username, PASSWORD, roles);
  const sessions = new SessionManager({ dataDir, ...(options.health === undefined ? {} : { health: options.health }) });
  const app = await buildServer({ sessions, users: store, tokens: new SessionTokens() });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const { request, signIn } = httpClient(base);
  return {
    app,
    base,
    sessions,
    dataDir,
    request,
    signIn,
    async close() {
      await app.close();
      await sessions.closeAll();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
