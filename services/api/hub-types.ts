// What the WebSocket hub needs from a live session, and what it tells the rest of the service.
import type { RecordingLine } from '../core/types.js';

export interface HubSession {
  readonly id: string;
  /** the session's state now, sent first to every client (JSON-serialisable) */
  snapshot(): unknown;
  /**
   * The trend so far for the snapshot, downsampled to at most `points` points per vital
   * ([t, value] pairs, oldest first).
   */
  trend(points: number): Record<string, Array<[number, number]>>;
  /** every line the session journals from now on (samples, events, device state, alarm transitions, …) */
  subscribe(listener: (line: RecordingLine) => void): () => void;
}
