// The WebSocket hub at /ws: live session messages to dashboards and monitors (protocol: ws-protocol.ts,
// docs/websocket.md). The request is authenticated and checked before the upgrade, so a refused client never
// gets a socket. Broadcasting is synchronous and never waits for a socket: one slow client cannot delay another.
import { randomBytes } from 'node:crypto';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { User } from '../auth/types.js';
import type { HubHealth, HubNotifications, HubSession } from './hub-types.js';
import { SessionChannel, type Outgoing } from './ws-channel.js';
import { HubConnection } from './ws-connection.js';
import { resolveLimits, type ResolvedLimits, type WsHubLimits } from './ws-limits.js';
import {
  CLOSE,
  PROTOCOL_VERSION,
  type ConfirmMessage,
  type ErrorMessage,
  type NotificationMessage,
  type ReceiptMessage,
  type SnapshotReason,
  type SystemMessage,
  type SystemProblem,
} from './ws-protocol.js';
import { ALL_SESSIONS, parseHubQuery, type HubQuery } from './ws-query.js';

export interface HubSessions {
  get(id: string): HubSession | undefined;
  list(): HubSession[];
}

export interface WsHubOptions {
  sessions: HubSessions;
  /** who is asking, from the upgrade request (cookie or gateway token: browsers cannot set headers on a WebSocket) */
  authenticate(request: FastifyRequest): User | undefined | Promise<User | undefined>;
  canRead(user: User, sessionId: string): boolean;
  /** a user's client confirmed an alarm message: called once per user and alarm */
  onConfirm?(user: User, sessionId: string, message: { seq: number; alarmId?: string }): void;
  /** the notifier's monitor-view channel: targeted notification pushes, who just connected, receipts */
  notifications?: HubNotifications;
  /** the alarm system's own health: a `system` message to every connection after hello while failing, and on every change */
  health?: HubHealth;
  limits?: WsHubLimits;
  log?: FastifyBaseLogger;
  /** default /ws */
  path?: string;
}

/** What the hooks established about an upgrade request, for the handler. */
interface Admission {
  user: User;
  query: HubQuery | undefined;
}

const INTERNAL_ERROR = 1011;

function systemMessage(problems: SystemProblem[]): SystemMessage {
  return { type: 'system', state: problems.length > 0 ? 'failed' : 'ok', problems };
}

class Hub {
  /** changes with every start, so a client's seqs from an earlier run are never mistaken for ours */
  readonly epoch = randomBytes(6).toString('base64url');
  readonly admissions = new WeakMap<FastifyRequest, Admission>();
  private readonly channels = new Map<string, SessionChannel<HubConnection>>();
  /** the last seq of sessions whose channel was dropped: a returning session keeps counting up */
  private readonly lastSeq = new Map<string, number>();
  private readonly connections = new Set<HubConnection>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly clock = (): number => performance.now();
  private unsubscribeHealth: (() => void) | undefined;

  constructor(
    private readonly options: WsHubOptions,
    readonly limits: ResolvedLimits,
    readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.options.notifications?.attach({ push: (session, to, message) => this.push(session, to, message) });
    const every = (ms: number, run: () => void): void => {
      const timer = setInterval(() => {
        try {
          run();
        } catch (error) {
          this.log.error({ err: error }, 'ws: hub timer failed');
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.limits.sweepMs, () => this.sweep());
    every(this.limits.heartbeatMs, () => this.heartbeat());
    every(this.limits.sessionPollMs, () => this.poll());
    this.unsubscribeHealth = this.options.health?.subscribe((_change, problems) => this.broadcastSystem(problems));
  }

  stop(): void {
    this.unsubscribeHealth?.();
    this.unsubscribeHealth = undefined;
    for (const timer of this.timers) clearInterval(timer);
    for (const connection of this.connections) connection.end(CLOSE.goingAway, 'service stopping');
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  // --- admission (hooks, before the upgrade) ---

  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    let user: User | undefined;
    try {
      user = await this.options.authenticate(request);
    } catch (error) {
      this.log.error({ err: error }, 'ws: authenticate failed');
      return reply.code(500).send({ error: 'authentication failed' });
    }
    if (user === undefined) return reply.code(401).send({ error: 'sign in first' });
    this.admissions.set(request, { user, query: undefined });
    return undefined;
  }

  async admit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const admission = this.admissions.get(request);
    if (admission === undefined) return reply.code(401).send({ error: 'sign in first' });
    const parsed = parseHubQuery(request.query, { default: this.limits.defaultPoints, max: this.limits.maxPoints });
    if (!parsed.ok) return reply.code(400).send({ error: parsed.message });
    const id = parsed.query.session;
    if (id !== ALL_SESSIONS) {
      if (this.lookup(id) === undefined) return reply.code(404).send({ error: 'no such session' });
      if (!this.canRead(admission.user, id)) return reply.code(403).send({ error: 'not allowed to follow this session' });
    }
    admission.query = parsed.query;
    return undefined;
  }

  // --- connections ---

  accept(socket: WebSocket, request: FastifyRequest): void {
    const admission = this.admissions.get(request);
    this.admissions.delete(request);
    if (admission?.query === undefined) {
      socket.close(INTERNAL_ERROR, 'not admitted'); // hooks always run first; defensive
      return;
    }
    const { user, query } = admission;
    const followsAll = query.session === ALL_SESSIONS;
    const connection = new HubConnection(socket, user, followsAll, query.points, this.limits, this, this.log, this.clock);
    this.connections.add(connection);
    socket.on('message', (data, isBinary) => connection.receive(data, isBinary));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => connection.closed());

    const targets: HubSession[] = [];
    if (followsAll) {
      for (const session of this.list()) if (this.canRead(user, session.id)) targets.push(session);
    } else {
      const session = this.lookup(query.session);
      if (session !== undefined) targets.push(session);
    }
    connection.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      epoch: this.epoch,
      user: user.username,
      sessions: targets.map((session) => session.id),
      heartbeatMs: this.limits.heartbeatMs,
      confirmTimeoutMs: this.limits.confirmTimeoutMs,
      maxMessageBytes: this.limits.maxMessageBytes,
    });
    // Before any session message: a screen must know at once that its alarms may not be trustworthy.
    const problems = this.systemProblems();
    if (problems.length > 0) connection.send(systemMessage(problems));
    if (!followsAll && targets.length === 0) {
      connection.end(CLOSE.sessionRemoved, 'session removed'); // gone between the hook and now
      return;
    }
    for (const session of targets) this.follow(connection, session, query, 'connect');
  }

  /**
   * Starts a connection on a session: a snapshot or the messages it missed, then any alarm its user has not
   * confirmed, then live messages. All synchronous, so no message of the session can slip in between.
   */
  private follow(connection: HubConnection, session: HubSession, query: HubQuery | undefined, fresh: 'connect' | 'added'): void {
    if (connection.detached) return; // cut off meanwhile: it must not join another session's subscribers
    const channel = this.channelFor(session);
    channel.subscribers.add(connection);
    connection.channels.set(channel.id, channel);
    const since = query?.since.get(channel.id);
    const points = connection.points;
    let entries: Outgoing[] = [];
    if (since === undefined) {
      this.snapshot(connection, channel, points, fresh);
    } else if ((query?.epoch !== undefined && query.epoch !== this.epoch) || since > channel.seq) {
      this.snapshot(connection, channel, points, 'reset');
    } else {
      const missed = channel.replay(since);
      if (missed === undefined) {
        this.snapshot(connection, channel, points, 'gap');
        entries = channel.alarmsAfter(since);
      } else {
        entries = missed;
      }
    }
    const owed = channel.takeOwed(connection.user.username);
    if (owed.length > 0) {
      const included = new Set(entries.map((entry) => entry.seq));
      entries = [...entries, ...owed.filter((entry) => !included.has(entry.seq))].sort((a, b) => a.seq - b.seq);
    }
    for (const entry of entries) connection.deliver(entry);
    // After the snapshot: a notification waiting for this user arrives on top of the state it is about.
    try {
      this.options.notifications?.followed(connection.user, session.id);
    } catch (error) {
      this.log.error({ err: error, session: session.id }, 'ws: notifications.followed failed');
    }
  }

  private snapshot(connection: HubConnection, channel: SessionChannel<HubConnection>, points: number, reason: SnapshotReason): void {
    try {
      const state = channel.session.snapshot();
      const trend = points > 0 ? channel.session.trend(points) : {};
      connection.send({ type: 'snapshot', session: channel.id, seq: channel.seq, epoch: this.epoch, reason, state, trend });
    } catch (error) {
      this.log.error({ err: error, session: channel.id }, 'ws: session snapshot failed');
      connection.send({ type: 'error', code: 'unavailable', message: `the state of session ${channel.id} is unavailable` });
    }
  }

  private channelFor(session: HubSession): SessionChannel<HubConnection> {
    const existing = this.channels.get(session.id);
    if (existing !== undefined && existing.session === session) return existing;
    if (existing !== undefined) this.drop(existing); // the same id, a new session object: start over
    const channel = new SessionChannel<HubConnection>(session, {
      ringSize: this.limits.ringSize,
      alarmRingSize: this.limits.alarmRingSize,
      startSeq: this.lastSeq.get(session.id) ?? 0,
      onError: (error, where) => this.log.error({ err: error, session: session.id }, `ws: ${where} failed`),
    });
    this.channels.set(session.id, channel);
    return channel;
  }

  /** A session is gone: tell its followers; a connection that followed only it is closed. */
  private drop(channel: SessionChannel<HubConnection>): void {
    this.channels.delete(channel.id);
    this.lastSeq.set(channel.id, channel.seq);
    for (const subscriber of channel.subscribers) {
      subscriber.channels.delete(channel.id);
      subscriber.send({ type: 'removed', session: channel.id });
      if (!subscriber.followsAll) subscriber.end(CLOSE.sessionRemoved, 'session removed');
    }
    channel.close();
  }

  // --- ConnectionEvents ---

  confirm(connection: HubConnection, message: ConfirmMessage): ErrorMessage | undefined {
    // Under session=* the client must say which session; with a single session it may leave it out.
    const [only, ...others] = connection.channels.keys();
    const sessionId = message.session ?? (others.length === 0 ? only : undefined);
    if (sessionId === undefined) return { type: 'error', code: 'bad-message', message: 'confirm needs session: this connection follows several' };
    const channel = connection.channels.get(sessionId);
    if (channel === undefined) return { type: 'error', code: 'unknown-seq', message: `this connection does not follow session ${sessionId}` };
    const pending = connection.settle(sessionId, message.seq);
    const result = channel.confirm(connection.user.username, message.seq);
    if (result === 'again') return undefined;
    if (result === 'unknown' && pending === undefined) return { type: 'error', code: 'unknown-seq', message: `no alarm message with seq ${message.seq}` };
    const alarmId = (pending ?? channel.alarm(message.seq))?.alarmId;
    try {
      this.options.onConfirm?.(connection.user, sessionId, alarmId === undefined ? { seq: message.seq } : { seq: message.seq, alarmId });
    } catch (error) {
      this.log.error({ err: error, session: sessionId }, 'ws: onConfirm failed');
    }
    return undefined;
  }

  receipt(connection: HubConnection, message: ReceiptMessage): ErrorMessage | undefined {
    if (!connection.channels.has(message.session)) {
      return { type: 'error', code: 'refused', message: `this connection does not follow session ${message.session}` };
    }
    const notifications = this.options.notifications;
    if (notifications === undefined) return { type: 'error', code: 'unavailable', message: 'notifications are not enabled' };
    let refusal: string | undefined;
    try {
      refusal = notifications.receipt(connection.user, message);
    } catch (error) {
      this.log.error({ err: error, session: message.session }, 'ws: notifications.receipt failed');
      return { type: 'error', code: 'unavailable', message: 'the receipt could not be taken' };
    }
    return refusal === undefined ? undefined : { type: 'error', code: 'refused', message: refusal };
  }

  // --- targeted pushes (notifications): not numbered, to the chosen users' connections of one session ---

  push(sessionId: string, to: (user: User) => boolean, message: NotificationMessage): number {
    const channel = this.channels.get(sessionId);
    if (channel === undefined) return 0;
    let sent = 0;
    for (const connection of channel.subscribers) {
      try {
        if (to(connection.user) && connection.send(message)) sent++;
      } catch (error) {
        this.log.error({ err: error, session: sessionId }, 'ws: push failed');
      }
    }
    return sent;
  }

  // --- the alarm system's own health: every connection, whatever it follows ---

  broadcastSystem(problems: SystemProblem[]): void {
    const message = systemMessage(problems);
    for (const connection of this.connections) {
      try {
        connection.send(message);
      } catch (error) {
        this.log.error({ err: error }, 'ws: system message failed');
      }
    }
  }

  private systemProblems(): SystemProblem[] {
    try {
      return this.options.health?.problems() ?? [];
    } catch (error) {
      this.log.error({ err: error }, 'ws: health.problems failed');
      return [];
    }
  }

  detached(connection: HubConnection, unconfirmed: Outgoing[]): void {
    for (const entry of unconfirmed) connection.channels.get(entry.session)?.owe(connection.user.username, entry.seq);
    for (const channel of connection.channels.values()) channel.subscribers.delete(connection);
    this.connections.delete(connection);
  }

  // --- timers ---

  private sweep(): void {
    const now = this.clock();
    for (const connection of this.connections) {
      try {
        connection.sweep(now);
      } catch (error) {
        this.log.error({ err: error }, 'ws: sweep failed');
      }
    }
  }

  private heartbeat(): void {
    for (const connection of this.connections) {
      try {
        connection.heartbeat();
      } catch (error) {
        this.log.error({ err: error }, 'ws: heartbeat failed');
      }
    }
  }

  /** Sessions come and go: drop the ones that went, offer new ones to session=* connections. */
  private poll(): void {
    for (const channel of [...this.channels.values()]) {
      if (this.lookup(channel.id) !== channel.session) this.drop(channel);
    }
    const watchers = [...this.connections].filter((connection) => connection.followsAll && !connection.detached);
    if (watchers.length === 0) return;
    const sessions = this.list();
    for (const connection of watchers) {
      for (const session of sessions) {
        if (connection.detached) break;
        if (!connection.channels.has(session.id) && this.canRead(connection.user, session.id)) this.follow(connection, session, undefined, 'added');
      }
    }
  }

  // --- the lead's callbacks, guarded: a throwing callback must not take a connection or the service down ---

  private lookup(id: string): HubSession | undefined {
    try {
      return this.options.sessions.get(id);
    } catch (error) {
      this.log.error({ err: error, session: id }, 'ws: sessions.get failed');
      return undefined;
    }
  }

  private list(): HubSession[] {
    try {
      return this.options.sessions.list();
    } catch (error) {
      this.log.error({ err: error }, 'ws: sessions.list failed');
      return [];
    }
  }

  private canRead(user: User, id: string): boolean {
    try {
      return this.options.canRead(user, id);
    } catch (error) {
      this.log.error({ err: error, session: id }, 'ws: canRead failed');
      return false;
    }
  }
}

/**
 * The hub as a fastify plugin: `app.register(wsHub, options)`. Registers @fastify/websocket (with the hub's
 * frame limit) unless the application already has; then ws's maxPayload is the application's to set.
 */
export async function wsHub(app: FastifyInstance, options: WsHubOptions): Promise<void> {
  const limits = resolveLimits(options.limits);
  const log = options.log ?? app.log;
  const hub = new Hub(options, limits, log);

  // Before @fastify/websocket's own preClose, so clients get 1001 rather than a bare close.
  app.addHook('preClose', (done) => {
    hub.stop();
    done();
  });
  if (!app.hasDecorator('websocketServer')) {
    await app.register(fastifyWebsocket, {
      options: { maxPayload: limits.maxFrameBytes, perMessageDeflate: false },
      errorHandler: (error, socket) => {
        // ws has already started closing (1009 for an oversized frame); give the close frame time to leave.
        log.warn({ err: error }, 'ws: connection error');
        setTimeout(() => socket.terminate(), limits.closeGraceMs).unref();
      },
    });
  }
  app.route({
    method: 'GET',
    url: options.path ?? '/ws',
    onRequest: (request, reply) => hub.authenticate(request, reply),
    preValidation: (request, reply) => hub.admit(request, reply),
    handler: (_request, reply) => reply.code(426).header('upgrade', 'websocket').send({ error: 'this is a WebSocket endpoint' }),
    wsHandler: (socket, request) => {
      try {
        hub.accept(socket, request);
      } catch (error) {
        log.error({ err: error }, 'ws: accepting a connection failed');
        socket.close(INTERNAL_ERROR, 'internal error');
      }
    },
  });
  hub.start();
  app.addHook('onClose', (_instance, done) => {
    hub.stop();
    done();
  });
}
