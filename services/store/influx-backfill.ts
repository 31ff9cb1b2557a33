// Replays a session's journal into InfluxDB: every sample, alarm and event at or after `from`. The journal is
// the source of truth, so whatever InfluxDB missed (an outage, points dropped from a full queue) is recovered
// from it; rewriting points InfluxDB already holds overwrites them with the same values.
import { readRecording } from './recording-reader.js';
import { toPoint, type InfluxPoint } from './influx-points.js';

export interface BackfillResult {
  /** points handed to `send` */
  points: number;
  /** the latest `t` of any line at or after `from` (-Infinity when there was none): how far the journal reaches */
  lastT: number;
}

/**
 * Streams `journalPath` (constant memory) and hands its points with t >= from to `send` in batches of at most
 * `batchSize`, awaiting each, so the file is read no faster than InfluxDB takes the points.
 */
export async function backfillFromJournal(
  sessionId: string,
  journalPath: string,
  from: number,
  batchSize: number,
  send: (points: InfluxPoint[]) => Promise<void>,
): Promise<BackfillResult> {
  let batch: InfluxPoint[] = [];
  let points = 0;
  let lastT = -Infinity;
  for await (const records of readRecording(journalPath)) {
    for (const { line } of records) {
      if (line.type === 'header' || line.t < from) continue;
      if (line.t > lastT) lastT = line.t;
      const point = toPoint(sessionId, line);
      if (point === null) continue;
      batch.push(point);
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await send(full);
        points += full.length;
      }
    }
  }
  if (batch.length > 0) {
    await send(batch);
    points += batch.length;
  }
  return { points, lastT };
}
