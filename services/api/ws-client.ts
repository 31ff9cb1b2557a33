// The client side of the hub protocol, for Node tools (tests, benchmarks, a notifier): parses server
// messages and remembers where each session stands, so a reconnect asks for exactly what was missed.
// The dashboard does the same in the browser.
import { ALL_SESSIONS } from './ws-query.js';
import type { ServerMessage } from './ws-protocol.js';

const SERVER_TYPES: ReadonlySet<string> = new Set([
  'hello', 'snapshot', 'removed', 'pong', 'error',
  'sample', 'alarm', 'event', 'device', 'audio', 'baseline', 'rule',
  'notify', 'notify-end', 'delivery', 'notification',
  'system',
]);

/** Alarm seqs remembered per session to spot re-sent alarms (they are re-sent for seconds, not hours). */
const SEEN_ALARMS = 1024;

/** A server message, or undefined for anything that is not one (the server is trusted for the fields). */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('type' in value) || typeof value.type !== 'string') return undefined;
  return SERVER_TYPES.has(value.type) ? (value as ServerMessage) : undefined;
}

export class HubCursor {
  epoch: string | undefined;
  private readonly last = new Map<string, number>();
  private readonly seenAlarms = new Map<string, Set<number>>();

  /**
   * Takes note of a message. Returns false for an alarm already seen (re-sent because its confirmation was
   * not received: confirm it again, show it once). Samples may arrive below the highest seq (conflation).
   */
  observe(message: ServerMessage): boolean {
    switch (message.type) {
      case 'hello':
        if (this.epoch !== message.epoch) {
          this.epoch = message.epoch;
          this.last.clear();
          this.seenAlarms.clear();
        }
        return true;
      case 'snapshot':
        this.last.set(message.session, message.seq);
        if (message.reason === 'reset') this.seenAlarms.delete(message.session);
        return true;
      case 'removed':
        this.last.delete(message.session);
        this.seenAlarms.delete(message.session);
        return true;
      case 'pong':
      case 'error':
      case 'notification': // targeted, not numbered: no seq to track
      case 'system': // the alarm system's health, to every connection: not numbered either
        return true;
      default: {
        const fresh = message.type !== 'alarm' || this.markAlarm(message.session, message.seq);
        this.last.set(message.session, Math.max(this.last.get(message.session) ?? 0, message.seq));
        return fresh;
      }
    }
  }

  /** the highest seq seen of a session */
  since(session: string): number | undefined {
    return this.last.get(session);
  }

  /** The query string to (re)connect with: session, since and epoch when known, points when given. */
  query(session: string, points?: number): string {
    const params = new URLSearchParams({ session });
    if (session === ALL_SESSIONS) {
      const list = [...this.last].map(([id, seq]) => `${encodeURIComponent(id)}:${seq}`).join(',');
      if (list !== '') params.set('since', list);
    } else {
      const seq = this.last.get(session);
      if (seq !== undefined) params.set('since', String(seq));
    }
    if (this.epoch !== undefined && this.last.size > 0) params.set('epoch', this.epoch);
    if (points !== undefined) params.set('points', String(points));
    return params.toString();
  }

  private markAlarm(session: string, seq: number): boolean {
    let seen = this.seenAlarms.get(session);
    if (seen === undefined) this.seenAlarms.set(session, (seen = new Set()));
    if (seen.has(seq)) return false;
    seen.add(seq);
    if (seen.size > SEEN_ALARMS) {
      const [oldest] = seen;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  }
}
