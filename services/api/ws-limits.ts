// The hub's limits and their defaults. Each bounds one thing a client or a session could otherwise grow
// without end: message size, replay memory, a slow socket's backlog, unconfirmed alarms, dead connections.

export interface WsHubLimits {
  /** a client message above this gets an `error` reply and the connection stays up (default 16 KiB) */
  maxMessageBytes?: number;
  /**
   * a frame above this closes the connection with 1009: ws must hold a whole message before we can look at it,
   * so this caps what one client can make us buffer (default 1 MiB)
   */
  maxFrameBytes?: number;
  /** messages kept per session for reconnecting clients (default 1024, ~8 minutes of a typical session) */
  ringSize?: number;
  /** alarm messages kept per session, beyond the general buffer (default 256) */
  alarmRingSize?: number;
  /** above this many bytes waiting on a socket, samples are conflated to the latest per vital (default 64 KiB) */
  softBufferedBytes?: number;
  /** above this many bytes waiting for longer than behindGraceMs, the client is cut off (default 4 MiB) */
  hardBufferedBytes?: number;
  behindGraceMs?: number;
  /** more alarms than this unconfirmed for longer than confirmTimeoutMs on one connection and it is cut off (default 64) */
  maxUnconfirmed?: number;
  /** an alarm not confirmed this long after it left our buffer is sent again (default 5 s) */
  confirmTimeoutMs?: number;
  /** ping interval; a connection with no pong by the next ping is terminated (default 30 s) */
  heartbeatMs?: number;
  /** how often backed-up sockets are checked for draining, resends and cut-offs (default 100 ms) */
  sweepMs?: number;
  /** how often session=* connections look for new sessions and every connection for removed ones (default 2 s) */
  sessionPollMs?: number;
  /** a cut-off client that does not complete the close handshake in this time is terminated (default 1 s) */
  closeGraceMs?: number;
  /** trend points per vital in a snapshot when the client does not say (default 300) */
  defaultPoints?: number;
  maxPoints?: number;
}

export type ResolvedLimits = Required<WsHubLimits>;

/** counts, not sizes or durations */
const INTEGER_LIMITS: ReadonlySet<keyof ResolvedLimits> = new Set(['ringSize', 'alarmRingSize', 'maxUnconfirmed', 'defaultPoints', 'maxPoints']);

export const DEFAULT_LIMITS: ResolvedLimits = {
  maxMessageBytes: 16 * 1024,
  maxFrameBytes: 1024 * 1024,
  ringSize: 1024,
  alarmRingSize: 256,
  softBufferedBytes: 64 * 1024,
  hardBufferedBytes: 4 * 1024 * 1024,
  behindGraceMs: 10_000,
  maxUnconfirmed: 64,
  confirmTimeoutMs: 5_000,
  heartbeatMs: 30_000,
  sweepMs: 100,
  sessionPollMs: 2_000,
  closeGraceMs: 1_000,
  defaultPoints: 300,
  maxPoints: 5_000,
};

/** Fills in defaults; throws on a limit that is not a positive number (a configuration error, at startup). */
export function resolveLimits(limits: WsHubLimits = {}): ResolvedLimits {
  const resolved: ResolvedLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ResolvedLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    const zeroOk = key === 'defaultPoints';
    const integral = !INTEGER_LIMITS.has(key) || Number.isSafeInteger(value);
    if (typeof value !== 'number' || !Number.isFinite(value) || !integral || value < 0 || (value === 0 && !zeroOk)) {
      throw new RangeError(`ws hub limit ${key} must be a positive number, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  if (resolved.maxFrameBytes < resolved.maxMessageBytes) throw new RangeError('ws hub: maxFrameBytes must be at least maxMessageBytes');
  if (resolved.hardBufferedBytes < resolved.softBufferedBytes) throw new RangeError('ws hub: hardBufferedBytes must be at least softBufferedBytes');
  if (resolved.defaultPoints > resolved.maxPoints) throw new RangeError('ws hub: defaultPoints must be at most maxPoints');
  return resolved;
}
