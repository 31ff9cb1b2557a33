// One session's feed in the hub: numbers the session's journal lines, serialises each once for every
// client, keeps the recent ones for reconnecting clients, and remembers which alarms each user still owes a
// confirmation for. Its listener runs inside the live session's journal path, so it never throws.
import type { RecordingLine } from '../core/types.js';
import type { HubSession } from './hub-types.js';
import { isHubLine, type HubLine, type HubLineType } from './ws-protocol.js';
import { SeqRing } from './ws-ring.js';

/** A numbered message, serialised once and shared by every connection of the session. */
export interface Outgoing {
  readonly seq: number;
  readonly session: string;
  readonly kind: HubLineType;
  /** samples: the vital, what conflation keeps the latest of */
  readonly vital: string | undefined;
  /** alarms: the alarm instance id, for onConfirm */
  readonly alarmId: string | undefined;
  readonly text: string;
}

export interface ChannelSubscriber {
  deliver(entry: Outgoing): void;
}

export interface ChannelOptions {
  ringSize: number;
  alarmRingSize: number;
  /** seq to continue from (a session the hub followed before keeps counting up) */
  startSeq: number;
  onError(error: unknown, where: string): void;
}

export type ConfirmResult = 'first' | 'again' | 'unknown';

export class SessionChannel<S extends ChannelSubscriber = ChannelSubscriber> {
  private seqNow: number;
  private readonly recent: SeqRing<Outgoing>;
  /** alarms outlive the general buffer: a client back from a long gap still gets every alarm transition */
  private readonly alarms: SeqRing<Outgoing>;
  readonly subscribers = new Set<S>();
  /** per user: alarms sent to a connection that closed before the user confirmed them */
  private readonly owed = new Map<string, Set<number>>();
  /** per buffered alarm: users who confirmed it (onConfirm is called once per user and alarm) */
  private readonly confirmed = new Map<number, Set<string>>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly session: HubSession,
    private readonly options: ChannelOptions,
  ) {
    this.seqNow = options.startSeq;
    this.recent = new SeqRing(options.ringSize);
    this.alarms = new SeqRing(options.alarmRingSize);
    this.unsubscribe = session.subscribe((line) => this.publish(line));
  }

  get id(): string {
    return this.session.id;
  }

  /** the last seq handed out */
  get seq(): number {
    return this.seqNow;
  }

  publish(line: RecordingLine): void {
    try {
      if (!isHubLine(line)) return;
      const seq = ++this.seqNow;
      const message: { type: HubLineType; seq: number; session: string; line: HubLine } = { type: line.type, seq, session: this.id, line };
      const entry: Outgoing = {
        seq,
        session: this.id,
        kind: line.type,
        vital: line.type === 'sample' ? line.vital : undefined,
        alarmId: line.type === 'alarm' ? line.id : undefined,
        text: JSON.stringify(message),
      };
      this.recent.push(entry);
      if (entry.kind === 'alarm') this.forget(this.alarms.push(entry));
      for (const subscriber of this.subscribers) {
        try {
          subscriber.deliver(entry);
        } catch (error) {
          this.options.onError(error, 'deliver');
        }
      }
    } catch (error) {
      this.options.onError(error, 'publish');
    }
  }

  /** Every message after `since`, or undefined when some of them are no longer buffered. */
  replay(since: number): Outgoing[] | undefined {
    if (since >= this.seqNow) return [];
    const oldest = this.recent.oldest;
    if (oldest === undefined || oldest > since + 1) return undefined;
    return this.recent.after(since);
  }

  /** The buffered alarm messages after `since` (what a client back from a gap must still see). */
  alarmsAfter(since: number): Outgoing[] {
    return this.alarms.after(since);
  }

  alarm(seq: number): Outgoing | undefined {
    return this.alarms.get(seq);
  }

  /** Remembers that `user` was sent this alarm and has not confirmed it: their next connection gets it again. */
  owe(user: string, seq: number): void {
    if (this.alarms.get(seq) === undefined || this.confirmed.get(seq)?.has(user) === true) return;
    let seqs = this.owed.get(user);
    if (seqs === undefined) this.owed.set(user, (seqs = new Set()));
    seqs.add(seq);
  }

  /** The alarms `user` still owes a confirmation for, oldest first; they are the new connection's to track now. */
  takeOwed(user: string): Outgoing[] {
    const seqs = this.owed.get(user);
    if (seqs === undefined) return [];
    this.owed.delete(user);
    const out: Outgoing[] = [];
    for (const seq of seqs) {
      const entry = this.alarms.get(seq);
      if (entry !== undefined) out.push(entry);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  confirm(user: string, seq: number): ConfirmResult {
    if (this.alarms.get(seq) === undefined) return 'unknown';
    this.owed.get(user)?.delete(seq);
    let users = this.confirmed.get(seq);
    if (users === undefined) this.confirmed.set(seq, (users = new Set()));
    if (users.has(user)) return 'again';
    users.add(user);
    return 'first';
  }

  close(): void {
    this.unsubscribe();
    this.subscribers.clear();
  }

  /** An alarm left the buffer: what was remembered about it goes too, so memory stays bounded. */
  private forget(evicted: Outgoing | undefined): void {
    if (evicted === undefined) return;
    this.confirmed.delete(evicted.seq);
    for (const [user, seqs] of this.owed) {
      seqs.delete(evicted.seq);
      if (seqs.size === 0) this.owed.delete(user);
    }
  }
}
