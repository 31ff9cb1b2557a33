// One client connection of the hub: what goes out on it and when. Sending never waits for the socket — ws
// queues — so a slow client costs only its own memory, and this class bounds that: samples are conflated
// while the socket is backed up, and a client that stays too far behind is cut off. Alarms are tracked until
// the client confirms them and re-sent when it does not.
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { User } from '../auth/types.js';
import type { Outgoing, SessionChannel } from './ws-channel.js';
import type { ResolvedLimits } from './ws-limits.js';
import { CLOSE, parseClientMessage, type ConfirmMessage, type ErrorMessage, type ReceiptMessage, type ServerMessage } from './ws-protocol.js';

export type ConnectionLimits = Pick<
  ResolvedLimits,
  'maxMessageBytes' | 'softBufferedBytes' | 'hardBufferedBytes' | 'behindGraceMs' | 'maxUnconfirmed' | 'confirmTimeoutMs' | 'closeGraceMs'
>;

/** What the connection asks of the hub. */
export interface ConnectionEvents {
  /** a well-formed confirm from the client; returns the error to reply with, if any */
  confirm(connection: HubConnection, message: ConfirmMessage): ErrorMessage | undefined;
  /** a well-formed receipt for a notification; returns the error to reply with, if any */
  receipt?(connection: HubConnection, message: ReceiptMessage): ErrorMessage | undefined;
  /** the connection stopped receiving (closed or cut off); `unconfirmed` are its alarms still awaiting confirmation */
  detached(connection: HubConnection, unconfirmed: Outgoing[]): void;
}

interface PendingAlarm {
  readonly entry: Outgoing;
  /** first sent on this connection */
  readonly since: number;
  /** when the last send left our buffer (undefined while it is still queued): the confirm timeout starts here */
  flushedAt: number | undefined;
}

const OPEN = 1; // WebSocket.OPEN; a literal keeps ws a type-only import here

function key(session: string, part: string | number): string {
  return `${session}\u0000${part}`;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data.byteLength;
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

export class HubConnection {
  /** cleared at each ping, set again by the pong */
  alive = true;
  /** the sessions this connection follows, by id (the hub adds and removes them) */
  readonly channels = new Map<string, SessionChannel<HubConnection>>();
  private readonly pending = new Map<string, PendingAlarm>();
  /** samples held back while the socket is backed up: the latest per session and vital */
  private readonly held = new Map<string, Outgoing>();
  private behindSince: number | undefined;
  private detachedNow = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly user: User,
    /** session=*: follows every session the user may read, including ones that start later */
    readonly followsAll: boolean,
    /** trend points per vital in snapshots, as the client asked */
    readonly points: number,
    private readonly limits: ConnectionLimits,
    private readonly events: ConnectionEvents,
    private readonly log: FastifyBaseLogger,
    private readonly clock: () => number,
  ) {}

  get detached(): boolean {
    return this.detachedNow;
  }

  /** A numbered session message. Alarms and everything but samples go out at once, in order, whatever the backlog. */
  deliver(entry: Outgoing): void {
    if (this.detachedNow || this.socket.readyState !== OPEN) return;
    const congested = this.socket.bufferedAmount > this.limits.softBufferedBytes;
    if (entry.kind === 'sample') {
      const slot = key(entry.session, entry.vital ?? '');
      if (congested) {
        this.held.set(slot, entry);
        return;
      }
      this.held.delete(slot); // superseded
    }
    if (!congested && this.held.size > 0) this.flushHeld();
    const now = this.clock();
    if (entry.kind === 'alarm') this.track(entry, now);
    else this.write(entry.text);
    this.checkBacklog(now);
  }

  /** Control messages (hello, snapshot, error, pong, removed, notification): not numbered, never held. False when not sent. */
  send(message: ServerMessage): boolean {
    if (this.detachedNow || this.socket.readyState !== OPEN) return false;
    this.write(JSON.stringify(message));
    return true;
  }

  /** A client frame. Anything wrong with it is answered with an error; nothing escapes. */
  receive(data: RawData, isBinary: boolean): void {
    try {
      if (this.detachedNow) return;
      const size = byteLength(data);
      if (size > this.limits.maxMessageBytes) {
        this.send({ type: 'error', code: 'too-large', message: `message of ${size} bytes; the limit is ${this.limits.maxMessageBytes}` });
        return;
      }
      if (isBinary) {
        this.send({ type: 'error', code: 'bad-message', message: 'messages are JSON text' });
        return;
      }
      const parsed = parseClientMessage(toText(data));
      if (!parsed.ok) {
        this.send(parsed.error);
        return;
      }
      const message = parsed.message;
      if (message.type === 'ping') {
        this.send(message.id === undefined ? { type: 'pong', t: Date.now() } : { type: 'pong', id: message.id, t: Date.now() });
        return;
      }
      const error = message.type === 'receipt' ? this.events.receipt?.(this, message) : this.events.confirm(this, message);
      if (error !== undefined) this.send(error);
    } catch (error) {
      this.log.error({ err: error, user: this.user.username }, 'ws: handling a client message failed');
    }
  }

  /** The client confirmed an alarm: stop re-sending it. Returns what was pending, if it was. */
  settle(session: string, seq: number): Outgoing | undefined {
    const slot = key(session, seq);
    const pending = this.pending.get(slot);
    this.pending.delete(slot);
    return pending?.entry;
  }

  /**
   * Periodic: flush conflated samples once drained, re-send unconfirmed alarms, cut off a client too far
   * behind. Only overdue alarms count against maxUnconfirmed, so a burst (a reconnect re-sending many) is fine.
   */
  sweep(now: number): void {
    if (this.detachedNow) return;
    if (this.checkBacklog(now)) return;
    let overdue = 0;
    for (const pending of this.pending.values()) if (now - pending.since >= this.limits.confirmTimeoutMs) overdue++;
    if (overdue > this.limits.maxUnconfirmed) {
      this.log.warn({ user: this.user.username, overdue }, 'ws: too many unconfirmed alarms, cutting off');
      this.end(CLOSE.tooFarBehind, 'too many unconfirmed alarms');
      return;
    }
    if (this.socket.bufferedAmount > this.limits.softBufferedBytes) return;
    if (this.held.size > 0) this.flushHeld();
    for (const pending of this.pending.values()) {
      if (pending.flushedAt === undefined || now - pending.flushedAt < this.limits.confirmTimeoutMs) continue;
      this.sendAlarm(pending);
      if (this.socket.bufferedAmount > this.limits.softBufferedBytes) break;
    }
  }

  /** Heartbeat: a connection that did not answer the previous ping is dead. Returns false when it terminated it. */
  heartbeat(): boolean {
    if (!this.alive) {
      this.log.info({ user: this.user.username }, 'ws: no pong, terminating');
      this.socket.terminate();
      return false;
    }
    this.alive = false;
    if (this.socket.readyState === OPEN) this.socket.ping();
    return true;
  }

  /** Stops delivering and closes with `code`; terminates if the client does not finish the close in time. */
  end(code: number, reason: string): void {
    if (this.detachedNow) return;
    this.detach();
    this.socket.close(code, reason);
    this.killTimer = setTimeout(() => this.socket.terminate(), this.limits.closeGraceMs);
    this.killTimer.unref();
  }

  /** The socket closed (any reason). */
  closed(): void {
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    this.detach();
  }

  private detach(): void {
    if (this.detachedNow) return;
    this.detachedNow = true;
    const unconfirmed = [...this.pending.values()].map((pending) => pending.entry);
    this.pending.clear();
    this.held.clear();
    this.events.detached(this, unconfirmed);
  }

  private track(entry: Outgoing, now: number): void {
    const slot = key(entry.session, entry.seq);
    let pending = this.pending.get(slot);
    if (pending === undefined) {
      pending = { entry, since: now, flushedAt: undefined };
      this.pending.set(slot, pending);
    }
    this.sendAlarm(pending);
  }

  private sendAlarm(pending: PendingAlarm): void {
    pending.flushedAt = undefined;
    this.socket.send(pending.entry.text, (error) => {
      if (error === undefined || error === null) pending.flushedAt = this.clock();
    });
  }

  private flushHeld(): void {
    const samples = [...this.held.values()].sort((a, b) => a.seq - b.seq);
    this.held.clear();
    for (const sample of samples) this.write(sample.text);
  }

  private write(text: string): void {
    this.socket.send(text);
  }

  /** Tracks how long the backlog has been above the hard limit; cuts the client off past the grace. True if it did. */
  private checkBacklog(now: number): boolean {
    const backlog = this.socket.bufferedAmount;
    if (backlog <= this.limits.hardBufferedBytes) {
      this.behindSince = undefined;
      return false;
    }
    this.behindSince ??= now;
    if (now - this.behindSince < this.limits.behindGraceMs) return false;
    this.log.warn({ user: this.user.username, backlog }, 'ws: client too far behind, cutting off');
    this.end(CLOSE.tooFarBehind, 'too far behind');
    return true;
  }
}
