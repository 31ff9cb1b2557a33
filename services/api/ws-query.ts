// The upgrade request's query string, checked before the WebSocket exists: a bad one is a 400, not a socket
// that opens and then closes.
//   session  <id> or * (every session the user may read)
//   since    <seq> for one session; <id>:<seq>,<id>:<seq> under session=* (ids URL-encoded)
//   epoch    the hub epoch the seqs belong to (from `hello`)
//   points   trend points per vital in snapshots, 0..maxPoints

export const ALL_SESSIONS = '*';

export interface HubQuery {
  /** a session id, or ALL_SESSIONS */
  session: string;
  /** last seq the client holds, per session */
  since: ReadonlyMap<string, number>;
  epoch: string | undefined;
  points: number;
}

export type QueryResult = { ok: true; query: HubQuery } | { ok: false; message: string };

const MAX_ID = 200;
const MAX_SINCE_ENTRIES = 5_000;

function single(query: Record<string, unknown>, name: string): string | undefined | null {
  const value = query[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null; // repeated parameters are ambiguous: refuse them
}

function parseSeq(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function parseSinceList(text: string): Map<string, number> | undefined {
  const since = new Map<string, number>();
  if (text === '') return since;
  const entries = text.split(',');
  if (entries.length > MAX_SINCE_ENTRIES) return undefined;
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(entry.slice(0, colon));
    } catch {
      return undefined;
    }
    const seq = parseSeq(entry.slice(colon + 1));
    if (seq === undefined || id.length > MAX_ID) return undefined;
    since.set(id, seq);
  }
  return since;
}

export function parseHubQuery(raw: unknown, points: { default: number; max: number }): QueryResult {
  if (typeof raw !== 'object' || raw === null) return { ok: false, message: 'missing query' };
  const query = raw as Record<string, unknown>;
  const session = single(query, 'session');
  if (typeof session !== 'string' || session.length === 0 || session.length > MAX_ID) {
    return { ok: false, message: 'session must be one session id or *' };
  }
  const sinceText = single(query, 'since');
  if (sinceText === null) return { ok: false, message: 'since given twice' };
  let since = new Map<string, number>();
  if (sinceText !== undefined) {
    if (session === ALL_SESSIONS) {
      const list = parseSinceList(sinceText);
      if (list === undefined) return { ok: false, message: 'since must be <id>:<seq>,… under session=*' };
      since = list;
    } else {
      const seq = parseSeq(sinceText);
      if (seq === undefined) return { ok: false, message: 'since must be a sequence number' };
      since.set(session, seq);
    }
  }
  const epoch = single(query, 'epoch');
  if (epoch === null || (epoch !== undefined && (epoch.length === 0 || epoch.length > 64))) return { ok: false, message: 'bad epoch' };
  const pointsText = single(query, 'points');
  let n = points.default;
  if (pointsText !== undefined) {
    const parsed = pointsText === null ? undefined : parseSeq(pointsText);
    if (parsed === undefined || parsed > points.max) return { ok: false, message: `points must be 0..${points.max}` };
    n = parsed;
  }
  return { ok: true, query: { session, since, epoch, points: n } };
}
