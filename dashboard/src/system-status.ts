// Whether the alarm system itself works (docs/notifications.md: the hub's `system` message). A page-wide fact,
// not a session's: every WebSocket connection reports it here, and the shell shows one banner on every view.
// The hub sends `system` right after `hello` only while failing, so a connection whose first session message
// comes without one means the failure is over.
import type { SystemMessage, SystemProblem } from './types.js';

export interface SystemStatus {
  failing: boolean;
  problems: SystemProblem[];
}

type Listener = (status: SystemStatus) => void;

const OK: SystemStatus = { failing: false, problems: [] };

function isProblem(value: unknown): value is SystemProblem {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p['component'] === 'string' && typeof p['message'] === 'string' && (p['session'] === undefined || typeof p['session'] === 'string');
}

/** A `system` message as it came off the wire, checked; undefined when it is not one. */
export function parseSystemMessage(value: unknown): SystemMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m['type'] !== 'system' || (m['state'] !== 'failed' && m['state'] !== 'ok')) return undefined;
  const problems = Array.isArray(m['problems']) ? m['problems'].filter(isProblem) : [];
  return { type: 'system', state: m['state'], problems };
}

export class SystemStatusStore {
  private status: SystemStatus = OK;
  private readonly listeners = new Set<Listener>();
  /** a connection said hello and its `system` message (if failing) has not come yet */
  private awaitingAfterHello = false;

  get current(): SystemStatus {
    return this.status;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A `system` message. */
  apply(message: SystemMessage): void {
    this.awaitingAfterHello = false;
    const failing = message.state === 'failed';
    this.set({ failing, problems: failing ? message.problems : [] });
  }

  /** A connection (re)opened: the hub will say so at once if the system is failing. */
  hello(): void {
    this.awaitingAfterHello = true;
  }

  /** Any other message after `hello`: had the system been failing, the `system` message would have come first. */
  sessionMessage(): void {
    if (!this.awaitingAfterHello) return;
    this.awaitingAfterHello = false;
    if (this.status.failing) this.set(OK);
  }

  /** Signed out: nothing is known any more. */
  reset(): void {
    this.awaitingAfterHello = false;
    this.set(OK);
  }

  private set(status: SystemStatus): void {
    if (status.failing === this.status.failing && JSON.stringify(status.problems) === JSON.stringify(this.status.problems)) return;
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** The page's one store. */
export const systemStatus = new SystemStatusStore();
