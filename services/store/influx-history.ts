// Downsampled history of one vital of one session, for the API's trend views: InfluxDB averages the samples
// into at most `points` equal time buckets, so a week-long range costs the same to send as a minute.
import { escape } from 'influx';
import type { Vital } from '../core/types.js';
import type { InfluxTarget } from './influx-client.js';

/** [bucket start in ms since the Unix epoch, mean value in the vital's canonical unit] */
export type HistoryPoint = [t: number, value: number];

/**
 * Means of `vital` over [from, to) in at most `points` buckets of equal length, oldest first; empty buckets
 * are left out. Rejects when InfluxDB cannot be queried.
 */
export async function queryHistory(
  target: InfluxTarget,
  sessionId: string,
  vital: Vital,
  from: number,
  to: number,
  points: number,
): Promise<HistoryPoint[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to <= from) {
    throw new RangeError(`history needs integer from < to (ms), got ${from}..${to}`);
  }
  if (!Number.isSafeInteger(points) || points < 1) throw new RangeError(`history needs a positive integer point count, got ${points}`);
  const interval = Math.max(1, Math.ceil((to - from) / points));
  // Buckets are aligned to the epoch unless offset: shifting them to start at `from` keeps the count at
  // ceil((to - from) / interval) <= points instead of one more for a range straddling a boundary.
  const offset = from % interval;
  const source = target.retentionPolicy === undefined
    ? `${escape.quoted(target.database)}..${escape.quoted('vitals')}`
    : `${escape.quoted(target.database)}.${escape.quoted(target.retentionPolicy.name)}.${escape.quoted('vitals')}`;
  const query =
    `SELECT mean("value") FROM ${source} ` +
    `WHERE "session" = ${stringLiteral(sessionId)} AND "vital" = ${stringLiteral(vital)} ` +
    `AND time >= ${from}ms AND time < ${to}ms ` +
    `GROUP BY time(${interval}ms, ${offset}ms) fill(none)`;
  const raw: unknown = await target.client.queryRaw(query, { precision: 'ms' });
  return parseRows(raw).slice(0, points);
}

/** Reads `[time, mean]` rows out of a /query response, refusing anything shaped otherwise. */
function parseRows(raw: unknown): HistoryPoint[] {
  const results = field(raw, 'results');
  if (!Array.isArray(results) || results.length === 0) throw new Error('influx: query response without results');
  const first: unknown = results[0];
  const error = field(first, 'error');
  if (typeof error === 'string') throw new Error(`influx: ${error}`);
  const series = field(first, 'series');
  if (series === undefined) return [];
  if (!Array.isArray(series)) throw new Error('influx: malformed query response');
  const out: HistoryPoint[] = [];
  for (const s of series) {
    const values = field(s, 'values');
    if (!Array.isArray(values)) continue;
    for (const row of values) {
      if (!Array.isArray(row)) continue;
      const [t, value]: unknown[] = row;
      if (typeof t === 'number' && typeof value === 'number') out.push([t, value]);
    }
  }
  return out;
}

/** An InfluxQL string literal. The client's escape.stringLit leaves backslashes alone, which InfluxQL reads as escapes. */
function stringLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}
