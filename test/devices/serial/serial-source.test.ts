// The serial adapter over real pseudo-terminals (socat): bytes in → samples out → alarms; the port vanishing
// is reported at once, and the adapter reconnects by itself when it returns.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { nonin8, type Nonin8Reading } from '../../../devices/serial/protocols/nonin-8.js';
import { findSerialProtocol } from '../../../devices/serial/protocols/registry.js';
import { vigilLine } from '../../../devices/serial/protocols/vigil-line.js';
import { SerialSource } from '../../../devices/serial/serial-source.js';
import { loadProfile } from '../../../services/core/profile.js';
import { SessionCore } from '../../../services/core/session-core.js';
import type { AlarmTransition, CoreOutput, RawFrame, Vital } from '../../../services/core/types.js';
import { DeviceIngest } from '../../../services/live/device-ingest.js';
import { ptyPair, type PtyPair } from '../../../devices/serial/pty-pair.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-pty-'));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reading = (hr: number | null, spo2: number | null, extra: Partial<Nonin8Reading> = {}): Nonin8Reading => ({
  hr,
  spo2,
  outOfTrack: false,
  lowPerfusion: false,
  marginalPerfusion: false,
  artifact: false,
  smartPoint: false,
  sensorAlarm: false,
  lowBattery: false,
  ...extra,
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A core fed by a SerialSource through DeviceIngest, as a live session is. */
async function rig(name: string, protocol = 'nonin-8', vitals: Vital[] = ['hr', 'spo2']) {
  const pty: PtyPair = await ptyPair(join(dir, `${name}-device`), join(dir, `${name}-far`));
  const outputs: CoreOutput[] = [];
  const raw: RawFrame[] = [];
  const core = new SessionCore(loadProfile(), (o) => outputs.push(o));
  let last = 0;
  const clock = (): number => (last = Math.max(last + 1, Date.now()));
  const ingest = new DeviceIngest({ input: (line) => core.input(line), record: (line) => raw.push(line) }, () => vitals);
  const states: string[] = [];
  const source = new SerialSource({
    device: 'ox-1',
    path: pty.device,
    protocol: findSerialProtocol(protocol)!,
    clock,
    sink: {
      report: (...args) => ingest.report(...args),
      decodeError: (...args) => ingest.decodeError(...args),
      state: (device, t, state) => {
        states.push(state);
        ingest.state(device, t, state);
      },
    },
  });
  source.start();
  let fd = -1;
  const openFar = (): void => {
    fd = openSync(pty.far, 'w');
  };
  openFar();
  const send = (bytes: Uint8Array): void => {
    writeSync(fd, bytes);
  };
  cleanups.push(async () => {
    await source.close();
    closeSync(fd);
    await pty.kill();
  });
  await waitFor(() => (states.includes('connected') ? true : undefined), 3000, 'the port to open');
  return { pty, core, outputs, raw, states, send, openFar, source, alarms: () => outputs.filter((o): o is AlarmTransition => o.type === 'alarm') };
}

describe('serial adapter over a real pseudo-terminal', () => {
  test('bytes in → samples out, with every frame recorded raw; a frame split across writes and garbage before it', async () => {
    const r = await rig('basic');
    const first = nonin8.encode(reading(150, 97)); // HR above 127 needs the MSB bits
    r.send(first);
    await waitFor(() => (r.core.snapshot().vitals.hr.value === 150 ? true : undefined), 2000, 'HR 150');
    const frame = nonin8.encode(reading(72, 98));
    r.send(Uint8Array.of(0x13, 0x37)); // garbage: no start bit
    r.send(frame.subarray(0, 2));
    await sleep(30);
    r.send(frame.subarray(2));
    await waitFor(() => (r.core.snapshot().vitals.spo2.value === 98 ? true : undefined), 2000, 'SpO2 98');
    expect(r.core.snapshot().vitals.hr).toMatchObject({ value: 72, samples: 2 });
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(r.raw.filter((l) => l.error === undefined).map((l) => l.hex)).toEqual([hex(first), hex(frame)]);
    expect(r.raw.every((l) => l.format === 'nonin-8' && l.device === 'ox-1')).toBe(true);
  });

  test('the "no reading" values and the sensor alarm become technical state, not numbers', async () => {
    const r = await rig('nodata');
    r.send(nonin8.encode(reading(72, 97)));
    for (let i = 0; i < 3; i++) r.send(nonin8.encode(reading(null, null, { sensorAlarm: true })));
    await waitFor(() => (r.core.snapshot().devices[0]?.conditions.includes('sensor-off') === true ? true : undefined), 2000, 'sensor-off');
    expect(r.core.snapshot().vitals.hr).toMatchObject({ value: 72, samples: 1, artifacts: 0 });
  });

  test('pulling the port raises device-disconnected within 1 s; bringing it back reconnects within 2 s, no restart', async () => {
    const r = await rig('unplug');
    r.send(nonin8.encode(reading(80, 97)));
    await waitFor(() => (r.core.snapshot().vitals.hr.value === 80 ? true : undefined), 2000, 'the first frame');

    const pulled = performance.now();
    await r.pty.kill();
    const raised = await waitFor(() => r.alarms().find((a) => a.rule === 'device-disconnected' && a.state === 'raised'), 1000, 'device-disconnected');
    expect(raised).toMatchObject({ device: 'ox-1', priority: 'medium', kind: 'technical' });
    const disconnectMs = performance.now() - pulled;

    await sleep(300);
    const back = performance.now();
    await r.pty.revive();
    await waitFor(() => r.alarms().find((a) => a.rule === 'device-disconnected' && a.state === 'cleared'), 2000, 'the reconnect');
    const reconnectMs = performance.now() - back;
    r.openFar();
    r.send(nonin8.encode(reading(91, 96)));
    await waitFor(() => (r.core.snapshot().vitals.hr.value === 91 ? true : undefined), 2000, 'a frame after the reconnect');
    expect(disconnectMs).toBeLessThan(1000);
    expect(reconnectMs).toBeLessThan(2000);
  });

  test('a line protocol over the pty: the DIY temperature probe', async () => {
    const r = await rig('diy', 'vigil-line', ['temp']);
    const protocol = findSerialProtocol('vigil-line')!;
    const line = protocol.decodeFrame('$VGL,1,temp=37.25Cel');
    expect(line.ok).toBe(false); // no checksum: refused
    r.send(new TextEncoder().encode('garbage without newline '));
    const good = vigilLine.encode({ seq: 0, readings: [{ vital: 'temp', value: 37.25, unit: 'Cel' }], mode: 'continuous', errors: [] });
    r.send(good);
    await waitFor(() => (r.core.snapshot().vitals.temp.value === 37.25 ? true : undefined), 2000, 'the temperature');
  });
});
