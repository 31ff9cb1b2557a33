// The WebSocket client of the hub (docs/websocket.md): connects, reconnects with backoff and `since`+`epoch`
// so it gets exactly what it missed, keeps the highest seq per session, confirms every alarm message (every
// copy), passes each message on once (de-duplicated by session and seq), and notices a dead link by itself
// (browsers cannot see the server's pings): app-level pings, and no message for too long means down.
// Beyond the journal lines (docs/notifications.md): `notification` messages to the addressees of an escalation,
// answered with `receipt`s, and `system` messages about the alarm system itself (reported page-wide).
import { observeServerTime } from './clock.js';
import { parseSystemMessage, systemStatus } from './system-status.js';
import type { LineMessage, NotificationMessage, ReceiptState, SessionLine, SessionSnapshot } from './types.js';

export interface Snapshot {
  session: string;
  seq: number;
  reason: 'connect' | 'gap' | 'reset' | 'added';
  state: SessionSnapshot;
  trend: Record<string, Array<[number, number]>>;
}

export interface HubHandlers {
  /** a fresh snapshot of one session: replace what you hold for it */
  snapshot(snapshot: Snapshot): void;
  /** a line not seen before (in seq order, except conflated samples) */
  line(session: string, seq: number, line: SessionLine): void;
  /** every copy of a notification addressed to this user (the hub re-sends until a receipt confirms it) */
  notification?(message: NotificationMessage): void;
  /** the link went up or down */
  status?(online: boolean): void;
  /** the session is gone (removed, or closed with 4004) */
  removed?(session: string): void;
  /** the connection keeps failing before it opens: maybe signed out, or no such session */
  failing?(attempts: number): void;
}

export interface HubOptions {
  /** a session id, or '*' for every session the user may read */
  session: string;
  /** trend points per vital in snapshots (0 = none) */
  points: number;
  handlers: HubHandlers;
}

const PING_MS = 4000;
/** No message at all (samples, pongs) for this long: the link is dead even if the socket has not noticed. */
const SILENCE_MS = 11_000;
const BACKOFF = { initialMs: 500, maxMs: 10_000, factor: 2 };
/** seqs remembered per session for de-duplication */
const SEEN_LIMIT = 4096;

interface Cursor {
  /** highest seq seen: what `since` means */
  highest: number;
  /** the last snapshot's seq: messages up to it are already in that state */
  snapshotSeq: number;
  seen: Set<number>;
}

export class HubClient {
  private socket: WebSocket | undefined;
  private epoch: string | undefined;
  private readonly cursors = new Map<string, Cursor>();
  private online = false;
  private stopped = false;
  private attempts = 0;
  private failures = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private lastMessageAt = 0;
  private pings = new Map<number, number>();
  private pingId = 0;
  private readonly onVisible = (): void => {
    // A tablet waking up: do not wait for the backoff.
    if (document.visibilityState === 'visible' && !this.online && !this.stopped) this.reconnectNow();
  };
  private readonly onNetworkOnline = (): void => {
    if (!this.online && !this.stopped) this.reconnectNow();
  };

  constructor(private readonly options: HubOptions) {}

  get isOnline(): boolean {
    return this.online;
  }

  start(): void {
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('online', this.onNetworkOnline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('online', this.onNetworkOnline);
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'view closed');
  }

  /** Confirms an alarm message. */
  confirm(session: string, seq: number): boolean {
    return this.send({ type: 'confirm', seq, session });
  }

  /** Reports what became of a notification here; false when the link is down (nothing was sent). */
  receipt(session: string, notification: string, state: ReceiptState): boolean {
    return this.send({ type: 'receipt', session, notification, state });
  }

  private send(message: object): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private url(): string {
    const params = new URLSearchParams({ session: this.options.session, points: String(this.options.points) });
    if (this.epoch !== undefined && this.cursors.size > 0) {
      if (this.options.session === '*') {
        params.set('since', [...this.cursors].map(([id, cursor]) => `${encodeURIComponent(id)}:${cursor.highest}`).join(','));
      } else {
        const cursor = this.cursors.get(this.options.session);
        if (cursor !== undefined) params.set('since', String(cursor.highest));
      }
      params.set('epoch', this.epoch);
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws?${params.toString()}`;
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempts++;
    let opened = false;
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.failures = 0;
      this.attempts = 0;
      this.lastMessageAt = performance.now();
      this.setOnline(true);
      this.ping();
      window.clearInterval(this.pingTimer);
      this.pingTimer = window.setInterval(() => this.watch(socket), PING_MS / 2);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.lastMessageAt = performance.now();
      this.receive(event.data);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      window.clearInterval(this.pingTimer);
      this.setOnline(false);
      if (event.code === 4004 && this.options.session !== '*') {
        this.options.handlers.removed?.(this.options.session);
        return;
      }
      if (!opened) {
        this.failures++;
        this.options.handlers.failing?.(this.failures);
      }
      this.scheduleReconnect();
    });
  }

  /** Pings now and then; a link silent for too long is closed and reconnected. */
  private watch(socket: WebSocket): void {
    if (this.socket !== socket) return;
    if (performance.now() - this.lastMessageAt > SILENCE_MS) {
      this.socket = undefined;
      window.clearInterval(this.pingTimer);
      socket.close(4000, 'silent');
      this.setOnline(false);
      this.scheduleReconnect();
      return;
    }
    this.ping();
  }

  private ping(): void {
    const id = ++this.pingId;
    this.pings.set(id, performance.now());
    if (this.pings.size > 8) this.pings.delete(id - 8);
    this.send({ type: 'ping', id });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    window.clearTimeout(this.retryTimer);
    const exp = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * BACKOFF.factor ** Math.max(0, this.attempts - 1));
    const delay = exp * (0.8 + Math.random() * 0.2);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  private reconnectNow(): void {
    window.clearTimeout(this.retryTimer);
    if (this.socket !== undefined) return;
    this.attempts = 0;
    this.connect();
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.options.handlers.status?.(online);
  }

  private cursor(session: string): Cursor {
    let cursor = this.cursors.get(session);
    if (cursor === undefined) {
      cursor = { highest: 0, snapshotSeq: 0, seen: new Set() };
      this.cursors.set(session, cursor);
    }
    return cursor;
  }

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const typed = message as { type?: unknown };
    if (typed.type !== 'hello' && typed.type !== 'system' && typed.type !== 'error') systemStatus.sessionMessage();
    switch (typed.type) {
      case 'system': {
        const system = parseSystemMessage(message);
        if (system !== undefined) systemStatus.apply(system);
        return;
      }
      case 'notification': {
        const notification = message as NotificationMessage;
        if (typeof notification.session !== 'string' || typeof notification.notification?.id !== 'string') return;
        this.options.handlers.notification?.(notification);
        return;
      }
      case 'hello': {
        systemStatus.hello();
        const hello = message as { epoch: string };
        if (this.epoch !== undefined && this.epoch !== hello.epoch) {
          // The service restarted: seqs start again; the snapshots that follow replace everything.
          for (const cursor of this.cursors.values()) cursor.seen.clear();
        }
        this.epoch = hello.epoch;
        return;
      }
      case 'snapshot': {
        const snapshot = message as Snapshot & { epoch: string };
        const cursor = this.cursor(snapshot.session);
        cursor.highest = snapshot.seq;
        cursor.snapshotSeq = snapshot.seq;
        cursor.seen.clear();
        this.epoch = snapshot.epoch;
        this.options.handlers.snapshot(snapshot);
        return;
      }
      case 'removed': {
        const removed = message as { session: string };
        this.cursors.delete(removed.session);
        this.options.handlers.removed?.(removed.session);
        return;
      }
      case 'pong': {
        const pong = message as { id?: number; t: number };
        const sentAt = typeof pong.id === 'number' ? this.pings.get(pong.id) : undefined;
        if (sentAt !== undefined) {
          this.pings.delete(pong.id as number);
          observeServerTime(pong.t, performance.now() - sentAt);
        }
        return;
      }
      case 'error':
        return;
      default:
        this.line(message as LineMessage);
    }
  }

  private line(message: LineMessage): void {
    if (typeof message.seq !== 'number' || typeof message.session !== 'string' || typeof message.line !== 'object') return;
    // Every copy of an alarm message is confirmed; it is shown once.
    if (message.type === 'alarm') this.confirm(message.session, message.seq);
    const cursor = this.cursor(message.session);
    if (message.seq <= cursor.snapshotSeq || cursor.seen.has(message.seq)) return;
    cursor.seen.add(message.seq);
    if (cursor.seen.size > SEEN_LIMIT) {
      const floor = cursor.highest - SEEN_LIMIT / 2;
      for (const seq of cursor.seen) if (seq < floor) cursor.seen.delete(seq);
    }
    if (message.seq > cursor.highest) cursor.highest = message.seq;
    this.options.handlers.line(message.session, message.seq, message.line);
  }
}
