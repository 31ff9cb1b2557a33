// The InfluxDB writer against a real InfluxDB 1.x (test/influx-setup.ts): what it writes, where, and what it
// never writes; history downsampling; backfill from a journal; and behaviour with no InfluxDB at all.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlarmTransition, RecordingHeader, RecordingLine, Sample, SessionEvent } from '../../../services/core/types.js';
import { InfluxWriter, type InfluxWriterConfig } from '../../../services/store/influx-writer.js';
import { writeRecording } from '../../../services/store/recording-writer.js';
import { influxQuery, rows, type InfluxInstance } from './influx-control.js';

const T0 = 1767225600000;
const LABEL = 'P-4711-private-label';
const HEADER: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's-1', patient: LABEL } };

let server: InfluxInstance;
beforeAll(() => {
  const provided = inject('influx');
  if (!provided.ok) throw new Error(provided.error);
  server = provided.instance;
});

let dbCounter = 0;
const writers: InfluxWriter[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
});

/** A writer on a database of its own, so tests never see each other's points. */
function writer(config: Partial<InfluxWriterConfig> = {}): { w: InfluxWriter; db: string } {
  const db = `vigil_test_${process.pid}_${++dbCounter}`;
  const w = new InfluxWriter({ url: server.url, database: db, flushIntervalMs: 20, ...config });
  writers.push(w);
  return { w, db };
}

function sample(i: number, vital: Sample['vital'] = 'hr', value = 60 + i / 7): Sample {
  return { type: 'sample', t: T0 + i * 1000, vital, value, unit: vital === 'hr' ? '/min' : vital === 'spo2' ? '%' : vital === 'temp' ? 'Cel' : 'mm[Hg]', device: 'hrm-1' };
}

describe('samples', () => {
  it('writes every sample with its session, vital, device, unit and exact value, at ms precision', async () => {
    const { w, db } = writer();
    w.write('s-1', HEADER);
    const lines: Sample[] = [];
    for (let i = 0; i < 500; i++) lines.push({ ...sample(i), t: T0 + i * 1000 + (i % 1000) });
    lines.push({ type: 'sample', t: T0 + 1, vital: 'spo2', value: 97.5, unit: '%' });
    for (const line of lines) w.write('s-1', line);
    await w.flush();

    const got = rows(await influxQuery(server.url, db, `SELECT * FROM vitals WHERE session = 's-1' AND vital = 'hr'`));
    expect(got).toHaveLength(500);
    got.forEach((row, i) => {
      const line = lines[i] as Sample;
      expect(row).toEqual({ time: line.t, value: line.value, vital: 'hr', device: 'hrm-1', session: 's-1', unit: '/min' });
    });
    const spo2 = rows(await influxQuery(server.url, db, `SELECT * FROM vitals WHERE vital = 'spo2'`));
    expect(spo2).toEqual([{ time: T0 + 1, value: 97.5, vital: 'spo2', device: null, session: 's-1', unit: '%' }]);
    expect(w.status()).toMatchObject({ queued: 0, written: 501, connected: true, failedBatches: 0, dropped: 0 });
  });

  it('stores blood pressure and temperature in canonical units (kPa and °F converted)', async () => {
    const { w, db } = writer();
    w.write('s-1', { type: 'sample', t: T0, vital: 'sbp', value: 16, unit: 'kPa' });
    w.write('s-1', { type: 'sample', t: T0, vital: 'temp', value: 100.4, unit: '[degF]' });
    await w.flush();
    const got = rows(await influxQuery(server.url, db, 'SELECT value, unit, vital FROM vitals'));
    expect(got).toHaveLength(2);
    const sbp = got.find((r) => r['vital'] === 'sbp');
    const temp = got.find((r) => r['vital'] === 'temp');
    expect(sbp?.['unit']).toBe('mm[Hg]');
    expect(sbp?.['value']).toBeCloseTo(120.01, 2);
    expect(temp?.['unit']).toBe('Cel');
    expect(temp?.['value']).toBeCloseTo(38, 10);
  });

  it('keeps sessions apart and rewriting the same lines changes nothing (idempotent points)', async () => {
    const { w, db } = writer();
    for (let i = 0; i < 10; i++) {
      w.write('s-a', sample(i));
      w.write('s-b', sample(i, 'hr', 100 + i));
    }
    await w.flush();
    for (let i = 0; i < 10; i++) w.write('s-a', sample(i));
    await w.flush();
    const counts = await influxQuery(server.url, db, 'SELECT count(value) FROM vitals GROUP BY session');
    expect(counts.map((s) => [s.tags?.['session'], s.values[0]?.[1]])).toEqual([['s-a', 10], ['s-b', 10]]);
  });

  it('creates the retention policy as the default and writes into it; a changed duration is applied', async () => {
    // Points older than the retention are refused by InfluxDB: these are from now.
    const now = Date.now();
    const { w, db } = writer({ retentionPolicy: { name: 'vigil', duration: '90d' } });
    w.write('s-1', { ...sample(0), t: now });
    await w.flush();
    const policies = rows(await influxQuery(server.url, db, 'SHOW RETENTION POLICIES'));
    expect(policies.find((p) => p['name'] === 'vigil')).toMatchObject({ duration: '2160h0m0s', default: true });
    expect(rows(await influxQuery(server.url, db, `SELECT value FROM "${db}"."vigil"."vitals"`))).toHaveLength(1);

    const again = new InfluxWriter({ url: server.url, database: db, retentionPolicy: { name: 'vigil', duration: '30d' } });
    writers.push(again);
    again.write('s-1', { ...sample(1), t: now + 1 });
    await again.flush();
    const after = rows(await influxQuery(server.url, db, 'SHOW RETENTION POLICIES'));
    expect(after.find((p) => p['name'] === 'vigil')).toMatchObject({ duration: '720h0m0s', default: true });

    // A point older than the retention is refused (HTTP 400): counted, not retried forever.
    again.write('s-1', { ...sample(2), t: now - 40 * 86_400_000 });
    again.write('s-1', { ...sample(3), t: now + 3 });
    await again.flush();
    expect(again.status()).toMatchObject({ rejected: 2, queued: 0, connected: true });
    expect(again.status().lastError).toMatch(/beyond retention policy/);
  });
});

describe('alarms and events', () => {
  it('writes alarm transitions and session events to their own measurements', async () => {
    const { w, db } = writer();
    const alarms: AlarmTransition[] = [
      { type: 'alarm', t: T0 + 10, rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'raised', value: 103 },
      { type: 'alarm', t: T0 + 20, rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'escalated', level: 1 },
      { type: 'alarm', t: T0 + 30, rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'acknowledged', by: 'u-7' },
      { type: 'alarm', t: T0 + 40, rule: 'disconnected', id: 'disconnected#1', vital: 'device', priority: 'medium', kind: 'technical', state: 'raised', device: 'hrm-1' },
      // DESIGN §8 lines may omit id and kind
      { type: 'alarm', t: T0 + 50, rule: 'temp-high', vital: 'temp', priority: 'high', state: 'cleared', value: 37.9 },
    ];
    const events: SessionEvent[] = [
      { type: 'event', t: T0, event: 'session-start' },
      { type: 'event', t: T0 + 900_000, event: 'dose', mg: 120 },
      { type: 'event', t: T0 + 901_000, event: 'fluid', ml: 250 },
      { type: 'event', t: T0 + 902_000, event: 'note', text: 'feels warm', by: 'u-7' },
    ];
    for (const line of [...alarms, ...events]) w.write('s-1', line);
    await w.flush();

    const gotAlarms = rows(await influxQuery(server.url, db, 'SELECT * FROM alarms'));
    expect(gotAlarms).toEqual([
      { time: T0 + 10, session: 's-1', rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'raised', value: 103, level: null, device: null },
      { time: T0 + 20, session: 's-1', rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'escalated', value: null, level: 1, device: null },
      { time: T0 + 30, session: 's-1', rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'acknowledged', value: null, level: null, device: null },
      { time: T0 + 40, session: 's-1', rule: 'disconnected', id: 'disconnected#1', vital: 'device', priority: 'medium', kind: 'technical', state: 'raised', value: null, level: null, device: 'hrm-1' },
      { time: T0 + 50, session: 's-1', rule: 'temp-high', id: '', vital: 'temp', priority: 'high', kind: null, state: 'cleared', value: 37.9, level: null, device: null },
    ]);
    const gotEvents = rows(await influxQuery(server.url, db, 'SELECT * FROM events'));
    expect(gotEvents).toEqual([
      { time: T0, session: 's-1', event: 'session-start', kind: 'session-start', mg: null, ml: null },
      { time: T0 + 900_000, session: 's-1', event: 'dose', kind: 'dose', mg: 120, ml: null },
      { time: T0 + 901_000, session: 's-1', event: 'fluid', kind: 'fluid', mg: null, ml: 250 },
      { time: T0 + 902_000, session: 's-1', event: 'note', kind: 'note', mg: null, ml: null },
    ]);
  });

  it('ignores every other line type', async () => {
    const { w, db } = writer();
    const others: RecordingLine[] = [
      HEADER,
      { type: 'raw', t: T0, device: 'hrm-1', hex: '0047' },
      { type: 'device', t: T0, device: 'hrm-1', state: 'connected', vitals: ['hr'] },
      { type: 'action', t: T0, action: 'acknowledge', by: 'u-1' },
      { type: 'tick', t: T0 },
      { type: 'audio', t: T0, state: 'paused', until: T0 + 120_000 },
      { type: 'baseline', t: T0, vital: 'hr', value: 70, source: 'auto' },
      { type: 'artifact', t: T0, vital: 'hr', value: 400 },
      { type: 'rule', t: T0, rule: 'hr-high', enabled: false, reason: 'test' },
    ];
    for (const line of others) w.write('s-1', line);
    w.write('s-1', sample(0));
    await w.flush();
    expect(await influxQuery(server.url, db, 'SHOW MEASUREMENTS')).toEqual([{ name: 'measurements', columns: ['name'], values: [['vitals']] }]);
    expect(w.status().written).toBe(1);
  });
});

describe('privacy', () => {
  it('never writes a patient label, a note text or who acted: only session ids identify a session', async () => {
    const { w, db } = writer();
    const lines: RecordingLine[] = [
      HEADER,
      { type: 'event', t: T0, event: 'session-start', by: `therapist-of-${LABEL}` },
      { type: 'event', t: T0 + 1, event: 'note', text: `${LABEL} feels warm`, by: 'u-7' },
      sample(2),
      { type: 'action', t: T0 + 3, action: 'alarm-off', rule: 'hr-high', by: 'u-7', reason: LABEL },
      { type: 'alarm', t: T0 + 4, rule: 'hr-high', id: 'hr-high#1', vital: 'hr', priority: 'high', state: 'acknowledged', by: LABEL },
      { type: 'rule', t: T0 + 5, rule: 'hr-high', enabled: false, reason: LABEL, by: 'u-7' },
    ];
    for (const line of lines) w.write('s-1', line);
    await w.flush();

    const everything = await Promise.all(
      [
        'SHOW MEASUREMENTS',
        'SHOW SERIES',
        'SHOW TAG KEYS',
        'SHOW FIELD KEYS',
        'SHOW TAG VALUES WITH KEY =~ /.*/',
        'SELECT * FROM /.*/',
      ].map((q) => influxQuery(server.url, db, q)),
    );
    const text = JSON.stringify(everything);
    expect(text).toContain('s-1');
    expect(text).toContain('note'); // the event itself is there, its text is not
    expect(text).not.toContain(LABEL);
    expect(text).not.toContain('P-4711');
    expect(text).not.toContain('feels warm');
    expect(text).not.toContain('u-7');
  });
});

describe('history', () => {
  it('downsamples to at most the requested number of points, each the mean of its bucket', async () => {
    const { w } = writer({ batchSize: 1000 });
    // One sample a second for an hour; value = minute index * 10 + (second % 2): a minute's mean is index*10 + 0.5
    for (let s = 0; s < 3600; s++) w.write('s-1', { type: 'sample', t: T0 + s * 1000, vital: 'hr', value: Math.floor(s / 60) * 10 + (s % 2), unit: '/min' });
    w.write('s-1', { type: 'sample', t: T0, vital: 'spo2', value: 50, unit: '%' });
    w.write('s-other', { type: 'sample', t: T0, vital: 'hr', value: 1000, unit: '/min' });
    await w.flush();

    const perMinute = await w.history('s-1', 'hr', T0, T0 + 3_600_000, 60);
    expect(perMinute).toHaveLength(60);
    perMinute.forEach(([t, value], i) => {
      expect(t).toBe(T0 + i * 60_000);
      expect(value).toBeCloseTo(i * 10 + 0.5, 10);
    });

    for (const points of [1, 7, 59, 61, 1000, 5000]) {
      const got = await w.history('s-1', 'hr', T0 + 123, T0 + 3_600_000 - 77, points);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThanOrEqual(points);
      const interval = Math.ceil((3_600_000 - 200) / points);
      for (const [t] of got) expect((t - (T0 + 123)) % interval).toBe(0); // buckets are aligned to `from`
    }
    expect(await w.history('s-1', 'hr', T0 - 10_000, T0, 10)).toEqual([]);
    expect(await w.history('s-nobody', 'hr', T0, T0 + 3_600_000, 10)).toEqual([]);
    await expect(w.history('s-1', 'hr', T0, T0, 10)).rejects.toThrow(RangeError);
    await expect(w.history('s-1', 'hr', T0, T0 + 1, 0)).rejects.toThrow(RangeError);
  });

  it('quotes session ids in queries', async () => {
    const { w } = writer();
    const id = `s-'quoted' \\ "x"`;
    w.write(id, sample(0, 'hr', 80));
    w.write('s-1', sample(0, 'hr', 60));
    await w.flush();
    expect(await w.history(id, 'hr', T0, T0 + 1000, 1)).toEqual([[T0, 80]]);
  });
});

describe('backfill', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-influx-backfill-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every sample, alarm and event of a journal from `from` on', async () => {
    const path = join(dir, 's-1.ndjson');
    const lines: RecordingLine[] = [HEADER, { type: 'event', t: T0, event: 'session-start' }];
    for (let i = 0; i < 2500; i++) {
      lines.push(sample(i));
      lines.push({ type: 'raw', t: T0 + i * 1000, device: 'hrm-1', hex: '0047' });
    }
    lines.push({ type: 'alarm', t: T0 + 2_000_000, rule: 'hr-high', id: 'hr-high#1', vital: 'hr', priority: 'high', state: 'raised', value: 140 });
    await writeRecording(path, lines);

    const { w, db } = writer({ batchSize: 300 });
    expect(await w.backfill('s-1', path, T0 + 1000 * 1000)).toBe(1500 + 1);
    expect(rows(await influxQuery(server.url, db, 'SELECT count(value) FROM vitals'))[0]?.['count']).toBe(1500);
    expect(rows(await influxQuery(server.url, db, 'SELECT min(value) FROM vitals'))[0]?.['min']).toBe(60 + 1000 / 7);
    expect(rows(await influxQuery(server.url, db, 'SELECT count(id) FROM alarms'))[0]?.['count']).toBe(1);
    // From the start, and again: idempotent
    expect(await w.backfill('s-1', path, 0)).toBe(2500 + 2);
    expect(await w.backfill('s-1', path, 0)).toBe(2500 + 2);
    expect(rows(await influxQuery(server.url, db, 'SELECT count(value) FROM vitals'))[0]?.['count']).toBe(2500);
    expect(w.status()).toMatchObject({ backfilled: 1501 + 2 * 2502, pendingBackfill: [] });
  });

  it('backfills points dropped from a full queue once the journal reaches them', async () => {
    const path = join(dir, 's-lag.ndjson');
    const lines = Array.from({ length: 500 }, (_, i) => sample(i));
    await writeRecording(path, [HEADER, ...lines.slice(0, 100)]); // the journal lags behind the writer
    const { w, db } = writer({ batchSize: 50, maxQueue: 50, backfillDelayMs: 50, journalPath: (id) => (id === 's-1' ? path : undefined) });
    for (const line of lines) w.write('s-1', line); // 450 dropped at once
    expect(w.status().dropped).toBe(450);
    await sleep(400);
    expect(w.status().pendingBackfill).toEqual([{ sessionId: 's-1', from: T0 }]); // read, but not caught up yet
    await appendFile(path, lines.slice(100).map((l) => `${JSON.stringify(l)}\n`).join(''));
    const deadline = Date.now() + 10_000;
    while (w.status().pendingBackfill.length > 0 && Date.now() < deadline) await sleep(50);
    expect(w.status().pendingBackfill).toEqual([]);
    const got = rows(await influxQuery(server.url, db, 'SELECT value FROM vitals'));
    expect(got.map((r) => [r['time'], r['value']])).toEqual(lines.map((l) => [l.t, l.value]));
  });

  it('without a journal it keeps the gap in status(), until a backfill() call fills it', async () => {
    const path = join(dir, 's-nojournal.ndjson');
    const lines = Array.from({ length: 200 }, (_, i) => sample(i));
    await writeRecording(path, [HEADER, ...lines]);
    const { w, db } = writer({ batchSize: 50, maxQueue: 50, backfillDelayMs: 10 });
    for (const line of lines) w.write('s-1', line);
    await sleep(300);
    expect(w.status()).toMatchObject({ dropped: 150, queued: 0, pendingBackfill: [{ sessionId: 's-1', from: T0 }] });
    expect(await w.backfill('s-1', path, T0)).toBe(200);
    expect(w.status().pendingBackfill).toEqual([]);
    expect(rows(await influxQuery(server.url, db, 'SELECT count(value) FROM vitals'))[0]?.['count']).toBe(200);
  });

  it('makes the database again when it is dropped under it', async () => {
    const { w, db } = writer();
    w.write('s-1', sample(0));
    await w.flush();
    await influxQuery(server.url, db, `DROP DATABASE "${db}"`);
    w.write('s-1', sample(1));
    await w.flush();
    expect(rows(await influxQuery(server.url, db, 'SELECT value FROM vitals')).map((r) => r['time'])).toEqual([T0 + 1000]);
    expect(w.status()).toMatchObject({ written: 2, failedBatches: 0 });
  });

  it('rejects for a journal that cannot be read, and leaves no gap behind', async () => {
    const { w } = writer();
    await expect(w.backfill('s-1', join(dir, 'missing.ndjson'), 0)).rejects.toThrow(/ENOENT/);
    expect(w.status().pendingBackfill).toEqual([]);
  });
});

describe('with InfluxDB unreachable', () => {
  it('never throws or blocks, bounds its memory, and remembers what it must backfill', async () => {
    const port = await deadPort();
    const w = new InfluxWriter({ url: `http://127.0.0.1:${port}`, database: 'vigil', batchSize: 10, maxQueue: 100, flushIntervalMs: 0, retryInitialMs: 5, retryMaxMs: 20 });
    writers.push(w);
    let slowest = 0n;
    for (let i = 0; i < 5000; i++) {
      const start = process.hrtime.bigint();
      w.write(i % 2 === 0 ? 's-a' : 's-b', sample(i));
      const took = process.hrtime.bigint() - start;
      if (took > slowest) slowest = took;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = w.status();
    expect(status.connected).toBe(false);
    expect(status.failedBatches).toBeGreaterThan(0);
    expect(status.lastError).toMatch(/ECONNREFUSED/);
    expect(status.queued).toBeLessThanOrEqual(100 + 10);
    expect(status.dropped).toBeGreaterThanOrEqual(5000 - 110);
    expect(status.pendingBackfill).toEqual([
      { sessionId: 's-a', from: T0 },
      { sessionId: 's-b', from: T0 + 1000 },
    ]);
    expect(Number(slowest) / 1e6).toBeLessThan(50); // ms, for the slowest of 5000 calls (first-call compile, preemption); typically ~1 µs
    await expect(w.flush()).rejects.toThrow();
    await w.close(); // resolves even though nothing could be sent
    w.write('s-a', sample(1)); // after close: ignored, no throw
  });

  it('refuses an invalid configuration up front', () => {
    expect(() => new InfluxWriter({ url: 'ftp://x', database: 'd' })).toThrow(TypeError);
    expect(() => new InfluxWriter({ url: 'http://127.0.0.1:1', database: '' })).toThrow(TypeError);
    expect(() => new InfluxWriter({ url: 'http://127.0.0.1:1', database: 'd', retentionPolicy: { name: 'r', duration: '90d; DROP DATABASE d' } })).toThrow(TypeError);
    expect(() => new InfluxWriter({ url: 'http://127.0.0.1:1', database: 'd', batchSize: 0 })).toThrow(RangeError);
    expect(() => new InfluxWriter({ url: 'http://127.0.0.1:1', database: 'd', batchSize: 10, maxQueue: 5 })).toThrow(RangeError);
  });
});

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
