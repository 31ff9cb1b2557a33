// DESIGN §9: "an InfluxDB outage of any length loses nothing once it is back". A session streams 50 samples/s
// into a real journal and the writer; its InfluxDB (a private server, so other tests keep theirs) is killed for
// 30 s mid-stream and started again on the same data. The queue bound is far below what the outage produces,
// so most of the outage comes back through the journal backfill. InfluxDB must end with every sample, exactly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlarmTransition, RecordingHeader, RecordingLine, Sample, SessionEvent } from '../../../services/core/types.js';
import { InfluxWriter } from '../../../services/store/influx-writer.js';
import { openRecordingWriter } from '../../../services/store/recording-writer.js';
import { createInstance, destroyInstance, influxQuery, rows, startInstance, stopInstance, type InfluxInstance } from './influx-control.js';

const SESSION = 's-outage';
const HEADER: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session: { id: SESSION, patient: 'P-001' } };
const RATE_HZ = 50;
const BEFORE_MS = 4000;
const OUTAGE_MS = 30_000;
const AFTER_MS = 4000;
/** how long InfluxDB may take to hold everything once streaming stops */
const SETTLE_MS = 30_000;

let server: InfluxInstance;
let dir: string;
beforeAll(async () => {
  const provided = inject('influx');
  if (!provided.ok) throw new Error(provided.error);
  // Under the shared root, so the global teardown stops it even if this file dies half-way.
  server = await createInstance(provided.root, `outage-${process.pid}`, provided.instance.binary);
  dir = await mkdtemp(join(tmpdir(), 'vigil-influx-outage-'));
});
afterAll(async () => {
  if (server !== undefined) await destroyInstance(server);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A reproducible value with a long fraction, so "exact" means exact to the last bit. */
function valueAt(i: number): number {
  return 70 + 20 * Math.sin(i / 37) + i / 1e6;
}

describe('InfluxDB outage', () => {
  it('ends with every sample, alarm and event after a 30 s outage, and write() never blocks', { timeout: 150_000 }, async () => {
    const journalPath = join(dir, `${SESSION}.ndjson`);
    const journal = await openRecordingWriter(journalPath, HEADER);
    const writer = new InfluxWriter({
      url: server.url,
      database: 'vigil',
      retentionPolicy: { name: 'vigil', duration: 'INF' },
      batchSize: 50,
      flushIntervalMs: 100,
      maxQueue: 200, // 4 s of samples: a 30 s outage must overflow it
      retryInitialMs: 100,
      retryMaxMs: 1000,
      requestTimeoutMs: 2000,
      backfillDelayMs: 500,
      journalPath: (id) => (id === SESSION ? journalPath : undefined),
    });

    const t0 = Date.now();
    const samples: Sample[] = [];
    const others: RecordingLine[] = [];
    const writeTimes: number[] = [];
    let i = 0;
    /** The session's feed: journal first (DESIGN §6), then the writer, every line due by the wall clock. */
    const feedUntil = async (end: number): Promise<void> => {
      while (Date.now() < end) {
        const due = Math.floor(((Date.now() - t0) * RATE_HZ) / 1000);
        for (; i <= due; i++) {
          const t = t0 + Math.round((i * 1000) / RATE_HZ);
          const lines: RecordingLine[] = [{ type: 'sample', t, vital: 'hr', value: valueAt(i), unit: '/min', device: 'hrm-1' }];
          if (i % 500 === 250) {
            lines.push({ type: 'event', t, event: 'dose', mg: 100 + i } satisfies SessionEvent);
            lines.push({ type: 'alarm', t, rule: 'hr-high', id: `hr-high#${i}`, vital: 'hr', priority: 'high', kind: 'physiological', state: 'raised', value: valueAt(i) } satisfies AlarmTransition);
          }
          for (const line of lines) {
            journal.append(line);
            const start = process.hrtime.bigint();
            writer.write(SESSION, line);
            writeTimes.push(Number(process.hrtime.bigint() - start) / 1000);
            if (line.type === 'sample') samples.push(line);
            else others.push(line);
          }
        }
        await sleep(10);
      }
    };

    await feedUntil(t0 + BEFORE_MS);
    await stopInstance(server, 'SIGKILL'); // a crash: connections reset, the port refuses
    const downAt = Date.now();
    await feedUntil(downAt + OUTAGE_MS);
    const down = writer.status();
    await startInstance(server); // same config, data, WAL and ports
    await feedUntil(Date.now() + AFTER_MS);
    await journal.close();

    // Every sample, within a bounded wait.
    const deadline = Date.now() + SETTLE_MS;
    let count = 0;
    while (Date.now() < deadline) {
      count = Number(rows(await influxQuery(server.url, 'vigil', `SELECT count(value) FROM vitals WHERE session = '${SESSION}'`))[0]?.['count'] ?? 0);
      if (count === samples.length && writer.status().pendingBackfill.length === 0 && writer.status().queued === 0) break;
      await sleep(200);
    }
    const status = writer.status();
    await writer.close();

    // The outage happened as intended: requests failed, the bound forced drops, the journal filled the gap.
    expect(down.connected).toBe(false);
    expect(down.failedBatches).toBeGreaterThan(0);
    expect(down.queued).toBeLessThanOrEqual(200 + 50);
    expect(status.dropped).toBeGreaterThan(OUTAGE_MS / 1000 * RATE_HZ - 250 - 50);
    expect(status.backfilled).toBeGreaterThanOrEqual(status.dropped);
    expect(status).toMatchObject({ connected: true, queued: 0, pendingBackfill: [], rejected: 0 });

    expect(count).toBe(samples.length);
    const got = rows(await influxQuery(server.url, 'vigil', `SELECT value FROM vitals WHERE session = '${SESSION}' ORDER BY time ASC`));
    expect(got.map((r) => [r['time'], r['value']])).toEqual(samples.map((s) => [s.t, s.value]));
    const alarms = rows(await influxQuery(server.url, 'vigil', `SELECT id, value FROM alarms WHERE session = '${SESSION}'`));
    const events = rows(await influxQuery(server.url, 'vigil', `SELECT mg FROM events WHERE session = '${SESSION}'`));
    expect(alarms.map((r) => [r['time'], r['id'], r['value']])).toEqual(
      others.filter((l): l is AlarmTransition => l.type === 'alarm').map((a) => [a.t, a.id, a.value]),
    );
    expect(events.map((r) => [r['time'], r['mg']])).toEqual(
      others.filter((l): l is SessionEvent => l.type === 'event').map((e) => [e.t, e.mg]),
    );

    // Never blocked: microseconds per call, while InfluxDB was up, down and coming back.
    writeTimes.sort((a, b) => a - b);
    const p99 = writeTimes[Math.floor(writeTimes.length * 0.99)] ?? Infinity;
    const max = writeTimes[writeTimes.length - 1] ?? Infinity;
    expect(samples.length).toBeGreaterThan((BEFORE_MS + OUTAGE_MS + AFTER_MS) / 1000 * RATE_HZ * 0.95);
    // Between sleeps every call runs cold (a few µs even for a bare allocation here); hot it is ~0.5 µs.
    expect(writeTimes[Math.floor(writeTimes.length / 2)]).toBeLessThan(100); // µs
    expect(p99).toBeLessThan(500); // µs
    // A writer that waited on InfluxDB would stall for the request timeout (2 s) or the whole outage; the bound
    // leaves room for a first-call compile or the OS preempting the test on a loaded 2-core machine.
    expect(max).toBeLessThan(50_000); // µs
    console.info(`influx outage: ${samples.length} samples, write() p50 ${writeTimes[Math.floor(writeTimes.length / 2)]?.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs, max ${max.toFixed(1)} µs; dropped ${status.dropped}, backfilled ${status.backfilled}, failed batches ${status.failedBatches}`);
  });
});
