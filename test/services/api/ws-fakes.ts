// Test doubles for the WebSocket hub: an in-memory HubSession the test drives line by line, a real fastify
// server on port 0 with the hub, and a real ws client that records what it receives.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { WebSocket, type ClientOptions } from 'ws';
import type { User } from '../../../services/auth/types.js';
import type { AlarmTransition, RecordingLine, Vital } from '../../../services/core/types.js';
import type { HubSession } from '../../../services/api/hub-types.js';
import { HubCursor, parseServerMessage } from '../../../services/api/ws-client.js';
import { wsHub, type WsHubOptions } from '../../../services/api/ws-hub.js';
import type { WsHubLimits } from '../../../services/api/ws-limits.js';
import type { ClientMessage, LineMessage, ServerMessage } from '../../../services/api/ws-protocol.js';

export const T0 = Date.UTC(2026, 0, 1, 9);

export class FakeSession implements HubSession {
  private readonly listeners = new Set<(line: RecordingLine) => void>();
  readonly lines: RecordingLine[] = [];
  private alarms = 0;

  constructor(readonly id: string) {}

  snapshot(): unknown {
    return { id: this.id, linesSoFar: this.lines.length };
  }

  trend(points: number): Record<string, Array<[number, number]>> {
    const hr: Array<[number, number]> = [];
    for (const line of this.lines) if (line.type === 'sample' && line.vital === 'hr') hr.push([line.t, line.value]);
    return { hr: hr.slice(-points) };
  }

  subscribe(listener: (line: RecordingLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  emit(line: RecordingLine): void {
    this.lines.push(line);
    for (const listener of this.listeners) listener(line);
  }

  sample(vital: Vital, value: number, t = T0 + this.lines.length * 1000): void {
    this.emit({ type: 'sample', t, vital, value, unit: vital === 'temp' ? 'Cel' : vital === 'spo2' ? '%' : vital === 'hr' ? '/min' : 'mm[Hg]' });
  }

  alarm(rule = 'hr-high', state: AlarmTransition['state'] = 'raised'): AlarmTransition {
    const line: AlarmTransition = { type: 'alarm', t: T0 + this.lines.length * 1000, rule, id: `${rule}#${++this.alarms}`, vital: 'hr', priority: 'high', kind: 'physiological', state, value: 131 };
    this.emit(line);
    return line;
  }

  note(text: string): void {
    this.emit({ type: 'event', t: T0 + this.lines.length * 1000, event: 'note', text });
  }
}

export const USERS: Record<string, User> = {
  alice: { username: 'alice', roles: ['therapist'] },
  bob: { username: 'bob', roles: ['monitor'] },
  eve: { username: 'eve', roles: ['therapist'] },
};

/** alice follows s-1 and s-2, bob (monitor) every session, eve none. */
function canRead(user: User, session: string): boolean {
  if (user.roles.includes('monitor')) return true;
  return user.username === 'alice' && (session === 's-1' || session === 's-2');
}

/** The cookie a browser would send; the lead's authenticate reads a real session cookie the same way. */
function authenticate(request: FastifyRequest): User | undefined {
  const match = /(?:^|;\s*)vigil=([a-z]+)/.exec(request.headers.cookie ?? '');
  return match === null ? undefined : USERS[match[1] as string];
}

export interface Confirmation {
  user: string;
  session: string;
  seq: number;
  alarmId?: string;
}

export interface TestHub {
  app: FastifyInstance;
  url: string;
  sessions: Map<string, FakeSession>;
  confirmations: Confirmation[];
  close(): Promise<void>;
}

export async function startHub(sessionIds: string[], limits: WsHubLimits = {}, extra: Partial<WsHubOptions> = {}): Promise<TestHub> {
  const sessions = new Map(sessionIds.map((id) => [id, new FakeSession(id)]));
  const confirmations: Confirmation[] = [];
  const app = Fastify({ logger: false });
  await app.register(wsHub, {
    sessions: { get: (id) => sessions.get(id), list: () => [...sessions.values()] },
    authenticate,
    canRead,
    onConfirm: (user, session, message) => confirmations.push({ user: user.username, session, ...message }),
    limits: { heartbeatMs: 60_000, ...limits },
    ...extra,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, url: `ws://127.0.0.1:${address.port}/ws`, sessions, confirmations, close: () => app.close() };
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A real ws client that records every message, can confirm alarms itself, and waits for what a test expects. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly cursor: HubCursor;
  readonly closed: Promise<CloseInfo>;
  /** when each message arrived (performance.now()), by index in `messages` */
  readonly arrivals: number[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    cursor: HubCursor,
    private readonly autoConfirm: boolean,
  ) {
    this.cursor = cursor;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const message = parseServerMessage(data.toString());
      if (message === undefined) throw new Error(`not a server message: ${data.toString().slice(0, 200)}`);
      this.arrivals.push(performance.now());
      this.messages.push(message);
      this.cursor.observe(message);
      if (this.autoConfirm && message.type === 'alarm') this.send({ type: 'confirm', seq: message.seq, session: message.session });
      for (const wake of this.waiters) wake();
    });
  }

  static async open(
    hub: TestHub,
    query: string,
    options: { user?: string; autoConfirm?: boolean; cursor?: HubCursor; ws?: ClientOptions } = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(`${hub.url}?${query}`, { headers: { cookie: `vigil=${options.user ?? 'alice'}` }, ...options.ws });
    const client = new TestClient(ws, options.cursor ?? new HubCursor(), options.autoConfirm ?? true);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(message: ClientMessage | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves once some message satisfies `predicate` (counting those already received). */
  async waitFor(predicate: (message: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found !== undefined) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Resolves once `count` messages match, with every match so far. */
  async waitForCount<M extends ServerMessage>(predicate: (message: ServerMessage) => message is M, count: number, timeoutMs?: number): Promise<M[]>;
  async waitForCount(predicate: (message: ServerMessage) => boolean, count: number, timeoutMs?: number): Promise<ServerMessage[]>;
  async waitForCount(predicate: (message: ServerMessage) => boolean, count: number, timeoutMs = 5_000): Promise<ServerMessage[]> {
    await this.waitFor(() => this.messages.filter(predicate).length >= count, timeoutMs);
    return this.messages.filter(predicate);
  }

  lines(): LineMessage[] {
    return this.messages.filter(isLine);
  }

  close(): void {
    this.ws.close();
  }
}

export function isLine(message: ServerMessage): message is LineMessage {
  return 'seq' in message && 'line' in message;
}

export function isAlarm(message: ServerMessage): message is Extract<LineMessage, { type: 'alarm' }> {
  return message.type === 'alarm';
}

/** The upgrade's HTTP answer when it is refused (and whether the socket ever opened). */
export function refusedUpgrade(url: string, cookie?: string): Promise<{ status: number; opened: boolean }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, cookie === undefined ? {} : { headers: { cookie } });
    let opened = false;
    ws.on('open', () => {
      opened = true;
      ws.close();
    });
    ws.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, opened });
      response.resume();
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (!opened) reject(error);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a condition the server side makes true (e.g. onConfirm was called). */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
