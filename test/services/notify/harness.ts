// The real service in process with the notifier wired as `vigil serve` wires it, on a virtual clock the test
// moves (escalation waits 60 s of session time, not of the test's), plus a real HTTP receiver standing in for
// a paging system, and helpers to read a session's journal.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import WebSocket from 'ws';
import { buildServer } from '../../../services/api/server.js';
import { SessionTokens } from '../../../services/auth/session-tokens.js';
import type { Role } from '../../../services/auth/types.js';
import { UserStore } from '../../../services/auth/user-store.js';
import type { EscalationPolicySpec } from '../../../services/core/escalation-types.js';
import type { RecordingLine } from '../../../services/core/types.js';
import type { LiveSession } from '../../../services/live/live-session.js';
import { SessionManager } from '../../../services/live/session-manager.js';
import { withBuiltIns, type ChannelDefinitions } from '../../../services/notify/channel-registry.js';
import type { Notifier } from '../../../services/notify/notifier.js';
import { createNotifier } from '../../../services/notify/setup.js';
import { sign, verify } from '../../../services/notify/signature.js';
import { httpClient, PASSWORD, type Client } from '../api/service-harness.js';

export { PASSWORD, type Client } from '../api/service-harness.js';
export const SECRET = 'pager-secret-0123456789abcdef';
/** 2026-01-01T00:00:00Z: virtual session time starts here */
export const T0 = 1_767_225_600_000;

export interface NotifyServiceOptions {
  users?: Array<[string, Role[]]>;
  escalation?: EscalationPolicySpec;
  channels?: ChannelDefinitions;
  env?: NodeJS.ProcessEnv;
  /** reuse a data directory (a restart) */
  dataDir?: string;
  /** start the virtual clock here */
  now?: number;
}

export interface NotifyService {
  app: FastifyInstance;
  base: string;
  sessions: SessionManager;
  notifier: Notifier;
  dataDir: string;
  /** the virtual clock every session runs on */
  now(): number;
  /** moves virtual time on and ticks every session at the new time */
  advance(ms: number): void;
  signIn(username: string): Promise<Client>;
  request(client: Client | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** the journal lines of a session (flushed first) */
  journal(session: LiveSession): Promise<RecordingLine[]>;
  /** a WebSocket client of `client` following `session` */
  connect(client: Client, session: string): Promise<WsClient>;
  /** closes the service; the data directory stays unless `remove` */
  close(remove?: boolean): Promise<void>;
}

export async function startNotifyService(options: NotifyServiceOptions = {}): Promise<NotifyService> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-notify-'));
  const store = await UserStore.open(dataDir);
  for (const [username, roles] of options.users ?? []) if (store.get(username) === undefined) await store.add(username, PASSWORD, roles);
  let now = options.now ?? T0;
  let base = '';
  const notifier = createNotifier({
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    log: pino({ level: 'silent' }),
    publicUrl: () => base,
    env: options.env ?? {},
  });
  const sessions = new SessionManager({
    dataDir,
    clock: () => now,
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
    channels: new Set(Object.keys(withBuiltIns(options.channels))),
    onSession: (session) => notifier.attach(session),
  });
  await sessions.restoreAll();
  const app = await buildServer({ sessions, users: store, tokens: new SessionTokens(), notifier });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  notifier.start();

  const { request, signIn } = httpClient(base);
  return {
    app,
    base,
    sessions,
    notifier,
    dataDir,
    now: () => now,
    advance(ms) {
      now += ms;
      for (const session of sessions.list()) if (session.phase !== 'ended') session.tick(now);
    },
    request,
    signIn,
    async journal(session) {
      await session.flush();
      return readFileSync(session.journalPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as RecordingLine);
    },
    async connect(client, session) {
      return WsClient.open(`${base.replace('http', 'ws')}/ws?session=${encodeURIComponent(session)}&points=0`, { cookie: client.cookie, origin: base });
    },
    async close(remove = true) {
      notifier.close();
      await app.close();
      await sessions.closeAll();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Raises hr-high (high priority) in `session`: 150/min for 12 s of session time. Returns the raise time. */
export function raiseHrHigh(service: NotifyService, session: LiveSession): number {
  const start = service.now();
  for (let i = 0; i <= 12; i++) {
    service.advance(i === 0 ? 0 : 1000);
    session.input({ type: 'sample', t: service.now(), vital: 'hr', value: 150, unit: '/min', device: 'strap-1' });
  }
  return start;
}

/** Polls until `find` returns something (real time; the service works asynchronously). */
export async function waitFor<T>(what: string, find: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type Line<T extends RecordingLine['type']> = Extract<RecordingLine, { type: T }>;

export function linesOf<T extends RecordingLine['type']>(lines: RecordingLine[], type: T): Array<Line<T>> {
  return lines.filter((line): line is Line<T> => line.type === type);
}

// --- a WebSocket client that keeps every message ---

export interface WsMessage {
  type: string;
  [field: string]: unknown;
}

export class WsClient {
  readonly messages: WsMessage[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as WsMessage));
  }

  static async open(url: string, headers: Record<string, string>): Promise<WsClient> {
    const socket = new WebSocket(url, { headers });
    const client = new WsClient(socket);
    await once(socket, 'open');
    await waitFor('the snapshot', () => client.messages.find((m) => m.type === 'snapshot'));
    return client;
  }

  of(type: string): WsMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}

// --- a paging system: a real HTTP server that checks signatures and answers as told ---

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** the X-Vigil-Signature checked with SECRET */
  signatureOk: boolean;
  /** what the receiver answered */
  status: number;
}

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** the status to answer with */
  status = 200;
  private server: Server | undefined;
  port = 0;

  static async start(port = 0): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.listen(port);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/vigil`;
  }

  async listen(port = this.port): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = request.headers['x-vigil-signature'];
        const status = this.status;
        this.requests.push({
          at: Date.now(),
          path: request.url ?? '',
          headers: request.headers,
          raw,
          body: JSON.parse(raw) as Record<string, unknown>,
          signatureOk: verify(SECRET, typeof header === 'string' ? header : undefined, raw).ok,
          status,
        });
        // No keep-alive: when the test closes the port, the next attempt meets a refused connection, not a stale socket.
        response.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end('{}');
      });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes the port: connections are refused until listen() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }

  notifications(key?: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.body['type'] === 'vigil.notification' && (key === undefined || r.body['key'] === key));
  }

  closed(key?: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.body['type'] === 'vigil.notification.closed' && (key === undefined || r.body['key'] === key));
  }
}

/** A receipt as the paging system sends it: signed with the channel's secret. */
export async function postReceipt(base: string, body: unknown, options: { secret?: string; t?: number; signature?: string | null } = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? sign(options.secret ?? SECRET, raw, options.t ?? Date.now()) : options.signature;
  if (signature !== null) headers['x-vigil-signature'] = signature;
  return fetch(`${base}/api/notify/receipts`, { method: 'POST', headers, body: raw });
}
