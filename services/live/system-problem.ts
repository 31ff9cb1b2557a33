// What the service reports about its own alarm system (services/live/system-health.ts): plain data with no
// Node-only imports, so the WebSocket protocol and the dashboard share these types.

/** The part of the alarm system that failed: a session's journal, or the evaluation (the core, its timers, the event loop). */
export type SystemComponent = 'journal' | 'core';

/** One current problem with the alarm system itself. */
export interface SystemProblem {
  component: SystemComponent;
  /** the session it concerns; absent for the whole service (an event-loop stall) */
  session?: string;
  /** for people: what failed and what it means for the alarms (never a path or a patient label) */
  message: string;
  /** ms since the epoch: when the problem began */
  since: number;
}

/** `failed` while any problem is current. */
export type SystemState = 'failed' | 'ok';
