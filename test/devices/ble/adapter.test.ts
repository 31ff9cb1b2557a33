/// <reference types="web-bluetooth" />
// The BLE adapter against a fake peripheral, with spec-exact bytes written by hand from
// shared/devices-reference.md. Time: an injected clock for timestamps, vitest fake timers for backoff.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, resolveBackoff } from '../../../devices/ble/adapter-backoff.js';
import { BleSensor, type BleSensorOptions } from '../../../devices/ble/adapter.js';
import type {
  BleDeviceLike,
  BleRawFrame,
  BleSink,
  BleState,
  BleStateDetail,
  BluetoothLike,
} from '../../../devices/ble/adapter-types.js';
import type { GattCodec } from '../../../devices/ble/gatt/codec.js';
import { heartRateMeasurement } from '../../../devices/ble/gatt/heart-rate-measurement.js';
import { findGattCodec } from '../../../devices/ble/gatt/registry.js';
import { uuid128 } from '../../../devices/ble/gatt/uuids.js';
import type { DecodeError, DeviceReport } from '../../../devices/types.js';
import { FakeBluetooth, FakePeripheral, type FakePeripheralSpec } from '../../../devices/sim/fake-ble-peripheral.js';

// Compile-time: the real Web Bluetooth objects fit the adapter's interfaces (tsc checks this file).
export const realBluetoothFits = (bluetooth: Bluetooth): BluetoothLike => bluetooth;
export const realDeviceFits = (device: BluetoothDevice): BleDeviceLike => device;

const T0 = 1_767_225_600_000;

type SinkEvent =
  | { kind: 'report'; deviceId: string; t: number; report: DeviceReport; raw: BleRawFrame }
  | { kind: 'state'; deviceId: string; t: number; state: BleState; detail: BleStateDetail | undefined }
  | { kind: 'decodeError'; deviceId: string; t: number; characteristic: string; error: DecodeError; bytes: Uint8Array };

const HEART_RATE: FakePeripheralSpec = {
  id: 'dev-hrm',
  name: 'HRM Pro',
  services: [
    {
      uuid: 0x180d,
      characteristics: [
        { uuid: 0x2a37, properties: ['notify'] },
        { uuid: 0x2a38, properties: ['read'], value: [0x01] }, // chest
      ],
    },
  ],
};

const BLOOD_PRESSURE: FakePeripheralSpec = {
  id: 'dev-cuff',
  services: [
    {
      uuid: 0x1810,
      characteristics: [
        { uuid: 0x2a35, properties: ['indicate'] },
        { uuid: 0x2a36, properties: ['notify'] },
      ],
    },
  ],
};

const THERMOMETER: FakePeripheralSpec = {
  id: 'dev-thermo',
  services: [
    {
      uuid: 0x1809,
      characteristics: [
        { uuid: 0x2a1c, properties: ['indicate'] },
        { uuid: 0x2a1d, properties: ['read'], value: [0x06] }, // mouth
        { uuid: 0x2a1e, properties: ['notify'] },
      ],
    },
  ],
};

function oximeter(battery: ('read' | 'notify')[], level = 14): FakePeripheralSpec {
  return {
    id: 'dev-ox',
    services: [
      { uuid: 0x1822, characteristics: [{ uuid: 0x2a5f, properties: ['notify'] }, { uuid: 0x2a5e, properties: ['indicate'] }] },
      { uuid: 0x180f, characteristics: [{ uuid: 0x2a19, properties: battery, value: [level] }] },
    ],
  };
}

function harness(spec: FakePeripheralSpec, options: Partial<BleSensorOptions> = {}) {
  let now = T0;
  const events: SinkEvent[] = [];
  const sink: BleSink = {
    report: (deviceId, t, report, raw) => events.push({ kind: 'report', deviceId, t, report, raw }),
    state: (deviceId, t, state, detail) => events.push({ kind: 'state', deviceId, t, state, detail }),
    decodeError: (deviceId, t, characteristic, error, bytes) =>
      events.push({ kind: 'decodeError', deviceId, t, characteristic, error, bytes }),
  };
  const peripheral = new FakePeripheral(spec);
  const bluetooth = new FakeBluetooth([peripheral]);
  const sensor = new BleSensor(bluetooth, {
    sink,
    clock: () => now,
    backoff: { jitter: 0 },
    ...options,
  });
  return {
    peripheral,
    bluetooth,
    sensor,
    events,
    setNow: (t: number) => {
      now = t;
    },
    reports: () => events.flatMap((e) => (e.kind === 'report' ? [e] : [])),
    states: () => events.flatMap((e) => (e.kind === 'state' ? [e] : [])),
    errors: () => events.flatMap((e) => (e.kind === 'decodeError' ? [e] : [])),
    reportsOf: (characteristic: string) =>
      events.flatMap((e) => (e.kind === 'report' && e.raw.characteristic === characteristic ? [e] : [])),
  };
}

const stateNames = (h: ReturnType<typeof harness>): BleState[] => h.states().map((s) => s.state);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('connecting', () => {
  it('asks for any device with one of the four measurement services, battery optional', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    const request = h.bluetooth.requests[0];
    expect(request).toBeDefined();
    expect(request !== undefined && 'filters' in request ? request.filters : []).toEqual([
      { services: [0x180d] },
      { services: [0x1810] },
      { services: [0x1809] },
      { services: [0x1822] },
    ]);
    expect(request?.optionalServices).toContain(0x180f);
    expect(h.sensor.state).toBe('connected');
    expect(h.sensor.deviceId).toBe('dev-hrm');
  });

  it('reports connecting then connected with the device name, stamped by the injected clock', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    expect(h.states()).toEqual([
      { kind: 'state', deviceId: 'dev-hrm', t: T0, state: 'connecting', detail: { name: 'HRM Pro' } },
      { kind: 'state', deviceId: 'dev-hrm', t: T0, state: 'connected', detail: { name: 'HRM Pro' } },
    ]);
  });

  it('subscribes to notify/indicate characteristics and reads the read-once ones, once each', async () => {
    const h = harness(THERMOMETER);
    await h.sensor.open();
    expect(h.peripheral.connectCalls).toBe(1);
    expect(h.peripheral.subscribed().sort()).toEqual([0x2a1c, 0x2a1e]);
    expect(h.peripheral.reads.of(0x2a1d)).toBe(1);
    expect(h.peripheral.starts.of(0x2a1d)).toBe(0);
  });

  it('delivers the values read at connect after reporting connected', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    const kinds = h.events.map((e) => (e.kind === 'state' ? e.state : e.kind));
    expect(kinds).toEqual(['connecting', 'connected', 'report']);
    expect(h.reports()[0]?.raw).toEqual({
      characteristic: 'body-sensor-location',
      uuid: 0x2a38,
      bytes: Uint8Array.of(0x01),
      bodySensorLocation: 'chest',
    });
  });

  it('uses the label as device id when given one', async () => {
    const h = harness(HEART_RATE, { label: 'hrm-1' });
    await h.sensor.open();
    expect(h.events.every((e) => e.deviceId === 'hrm-1')).toBe(true);
  });

  it('selects a permitted device by id through getDevices, and rejects an unknown id', async () => {
    const found = harness(HEART_RATE, { select: { deviceId: 'dev-hrm' } });
    await found.sensor.open();
    expect(found.bluetooth.requests).toHaveLength(0);
    expect(found.sensor.state).toBe('connected');

    const missing = harness(HEART_RATE, { select: { deviceId: 'nope' } });
    await expect(missing.sensor.open()).rejects.toThrow(/no permitted Bluetooth device with id nope/);
    expect(missing.peripheral.connectCalls).toBe(0);
  });

  it('rejects open() when the chooser finds nothing', async () => {
    const h = harness(HEART_RATE, { select: { filters: [{ services: [0x1810] }] } });
    await expect(h.sensor.open()).rejects.toThrow(/cancelled/);
    expect(h.events).toEqual([]);
  });
});

describe('notifications become reports', () => {
  it('heart rate 16 48 01 04 02 04: HR 72 with contact, raw bytes passed on', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.setNow(T0 + 1234);
    expect(h.peripheral.notify(0x2a37, [0x16, 0x48, 0x01, 0x04, 0x02, 0x04])).toBe(1);
    const [report] = h.reportsOf('heart-rate-measurement');
    expect(report).toEqual({
      kind: 'report',
      deviceId: 'dev-hrm',
      t: T0 + 1234,
      report: { samples: [{ vital: 'hr', value: 72, unit: '/min', mode: 'continuous' }], conditions: [] },
      raw: {
        characteristic: 'heart-rate-measurement',
        uuid: 0x2a37,
        bytes: Uint8Array.of(0x16, 0x48, 0x01, 0x04, 0x02, 0x04),
        bodySensorLocation: 'chest',
      },
    });
  });

  it('copies the raw bytes: a reused buffer does not change what was reported', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.peripheral.notify(0x2a37, [0x00, 0x48]);
    h.peripheral.lastSent?.setUint8(1, 0x99);
    expect(h.reportsOf('heart-rate-measurement')[0]?.raw.bytes).toEqual(Uint8Array.of(0x00, 0x48));
  });

  it('stamps each report with the clock at arrival', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    for (const [dt, hr] of [
      [1000, 70],
      [2000, 71],
      [3500, 73],
    ] as const) {
      h.setNow(T0 + dt);
      h.peripheral.notify(0x2a37, [0x00, hr]);
    }
    expect(h.reportsOf('heart-rate-measurement').map((r) => [r.t - T0, r.report.samples[0]?.value])).toEqual([
      [1000, 70],
      [2000, 71],
      [3500, 73],
    ]);
  });

  it('blood pressure indication in mmHg: 120/80, MAP 93', async () => {
    const h = harness(BLOOD_PRESSURE);
    await h.sensor.open();
    // flags 0x04 (mmHg, pulse rate present); SFLOAT exponent 0: 120, 80, 93; pulse 72
    h.peripheral.notify(0x2a35, [0x04, 0x78, 0x00, 0x50, 0x00, 0x5d, 0x00, 0x48, 0x00]);
    expect(h.reportsOf('blood-pressure-measurement')[0]?.report).toEqual({
      samples: [
        { vital: 'sbp', value: 120, unit: 'mm[Hg]', mode: 'spot' },
        { vital: 'dbp', value: 80, unit: 'mm[Hg]', mode: 'spot' },
        { vital: 'map', value: 93, unit: 'mm[Hg]', mode: 'spot' },
      ],
      conditions: [],
    });
  });

  it('blood pressure indication in kPa: 16.0 / 10.7 / 12.5 kPa', async () => {
    const h = harness(BLOOD_PRESSURE);
    await h.sensor.open();
    // flags 0x01 (kPa); SFLOAT exponent −1 (0xF...): 160, 107, 125 tenths
    h.peripheral.notify(0x2a35, [0x01, 0xa0, 0xf0, 0x6b, 0xf0, 0x7d, 0xf0]);
    expect(h.reportsOf('blood-pressure-measurement')[0]?.report.samples).toEqual([
      { vital: 'sbp', value: 16, unit: 'kPa', mode: 'spot' },
      { vital: 'dbp', value: 10.7, unit: 'kPa', mode: 'spot' },
      { vital: 'map', value: 12.5, unit: 'kPa', mode: 'spot' },
    ]);
  });

  it('temperature in °F without a type field gets the Temperature Type read at connect', async () => {
    const h = harness(THERMOMETER);
    await h.sensor.open();
    // flags 0x01 (°F); FLOAT mantissa 986 (DA 03 00), exponent −1 (FF) = 98.6 °F
    h.peripheral.notify(0x2a1c, [0x01, 0xda, 0x03, 0x00, 0xff]);
    const [report] = h.reportsOf('temperature-measurement');
    expect(report?.report).toEqual({ samples: [{ vital: 'temp', value: 98.6, unit: '[degF]', mode: 'spot' }], conditions: [] });
    expect(report?.raw.temperatureType).toBe('mouth');
  });

  it('a temperature frame with its own type field keeps it', async () => {
    const h = harness(THERMOMETER);
    await h.sensor.open();
    // flags 0x05 (°F, type present); 1004 × 10^−1 = 100.4 °F; type 3 = ear
    h.peripheral.notify(0x2a1c, [0x05, 0xec, 0x03, 0x00, 0xff, 0x03]);
    const [report] = h.reportsOf('temperature-measurement');
    expect(report?.report.samples).toEqual([{ vital: 'temp', value: 100.4, unit: '[degF]', mode: 'spot' }]);
    expect(report?.raw.temperatureType).toBe('ear');
  });

  it('intermediate temperature (notified, °C) is passed on raw with the remembered type, but is no sample', async () => {
    const h = harness(THERMOMETER);
    await h.sensor.open();
    // flags 0x00 (°C); 366 × 10^−1 = 36.6
    h.peripheral.notify(0x2a1e, [0x00, 0x6e, 0x01, 0x00, 0xff]);
    const [report] = h.reportsOf('intermediate-temperature');
    // a measurement in progress is not the patient's temperature yet (see intermediate-temperature.ts)
    expect(report?.report.samples).toEqual([]);
    expect(Array.from(report?.raw.bytes ?? [])).toEqual([0x00, 0x6e, 0x01, 0x00, 0xff]);
    expect(report?.raw.temperatureType).toBe('mouth');
  });

  it('PLX continuous: SpO2 97 %, pulse 72, and low perfusion from the device status', async () => {
    const h = harness(oximeter(['read']));
    await h.sensor.open();
    h.peripheral.notify(0x2a5f, [0x00, 0x61, 0x00, 0x48, 0x00]);
    // flags 0x08: Device and Sensor Status present, bit 5 = low perfusion
    h.peripheral.notify(0x2a5f, [0x08, 0x61, 0x00, 0x48, 0x00, 0x20, 0x00, 0x00]);
    const reports = h.reportsOf('plx-continuous').map((r) => r.report);
    expect(reports).toEqual([
      {
        samples: [
          { vital: 'spo2', value: 97, unit: '%', mode: 'continuous' },
          { vital: 'hr', value: 72, unit: '/min', mode: 'continuous' },
        ],
        conditions: [],
      },
      {
        samples: [
          { vital: 'spo2', value: 97, unit: '%', mode: 'continuous' },
          { vital: 'hr', value: 72, unit: '/min', mode: 'continuous' },
        ],
        conditions: ['low-perfusion'],
      },
    ]);
  });
});

describe('battery', () => {
  it('a battery of 14 % read at connect is reported as battery 14 (low-battery territory)', async () => {
    const h = harness(oximeter(['read'], 14));
    await h.sensor.open();
    const battery = h.reportsOf('battery-level');
    expect(battery).toHaveLength(1);
    expect(battery[0]?.report).toEqual({ samples: [], battery: 14 });
    expect(battery[0]?.raw.bytes).toEqual(Uint8Array.of(0x0e));
  });

  it('subscribes when Battery Level can notify, reads it once, and reports each change', async () => {
    const h = harness(oximeter(['read', 'notify'], 40));
    await h.sensor.open();
    expect(h.peripheral.starts.of(0x2a19)).toBe(1);
    expect(h.peripheral.reads.of(0x2a19)).toBe(1);
    expect(h.peripheral.setBattery(14)).toBe(1);
    // one report per value: the read's own characteristicvaluechanged event is not counted twice
    expect(h.reportsOf('battery-level').map((r) => r.report.battery)).toEqual([40, 14]);
  });

  it('re-reads a battery that cannot notify every batteryPollMs', async () => {
    const h = harness(oximeter(['read'], 30), { batteryPollMs: 60_000 });
    await h.sensor.open();
    h.peripheral.setBattery(14);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(h.reportsOf('battery-level').map((r) => r.report.battery)).toEqual([30]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.reportsOf('battery-level').map((r) => r.report.battery)).toEqual([30, 14]);
    expect(h.peripheral.reads.of(0x2a19)).toBe(2);
  });
});

describe('bad frames', () => {
  it('a malformed notification becomes a decode error, and the next good one still works', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.setNow(T0 + 500);
    // flags 0x01 promise a uint16 heart rate, only one byte follows
    h.peripheral.notify(0x2a37, [0x01, 0x48]);
    h.setNow(T0 + 1500);
    h.peripheral.notify(0x2a37, [0x00, 0x50]);
    expect(h.errors()).toEqual([
      {
        kind: 'decodeError',
        deviceId: 'dev-hrm',
        t: T0 + 500,
        characteristic: 'heart-rate-measurement',
        error: expect.objectContaining({ code: 'truncated' }),
        bytes: Uint8Array.of(0x01, 0x48),
      },
    ]);
    const hr = h.reportsOf('heart-rate-measurement');
    expect(hr.map((r) => [r.t, r.report.samples[0]?.value])).toEqual([[T0 + 1500, 80]]);
  });

  it('a decoder that throws becomes a decode error instead of escaping the event handler', async () => {
    const throwing: GattCodec<unknown> = {
      ...heartRateMeasurement,
      decode: () => {
        throw new RangeError('Offset is outside the bounds of the DataView');
      },
    };
    const h = harness(HEART_RATE, {
      findCodec: (uuid) => (uuid === uuid128(0x2a37) ? throwing : findGattCodec(uuid)),
    });
    await h.sensor.open();
    expect(() => h.peripheral.notify(0x2a37, [0x00, 0x48])).not.toThrow();
    expect(h.errors().map((e) => [e.characteristic, e.error.code])).toEqual([['heart-rate-measurement', 'truncated']]);
    expect(h.reportsOf('heart-rate-measurement')).toEqual([]);
  });

  it('a reserved Temperature Type read at connect is a decode error and is not remembered', async () => {
    const spec = structuredClone(THERMOMETER);
    const type = spec.services[0]?.characteristics.find((c) => c.uuid === 0x2a1d);
    if (type) type.value = [0x00]; // 0 is RFU
    const h = harness(spec);
    await h.sensor.open();
    expect(h.errors().map((e) => [e.characteristic, e.error.code])).toEqual([['temperature-type', 'reserved']]);
    h.peripheral.notify(0x2a1c, [0x00, 0x6e, 0x01, 0x00, 0xff]);
    expect(h.reportsOf('temperature-measurement')[0]?.raw.temperatureType).toBeUndefined();
  });
});

describe('disconnect and reconnect', () => {
  it('reports disconnected at once, reconnects after the backoff and resubscribes', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.setNow(T0 + 10_000);
    h.peripheral.disconnect();
    expect(h.states().slice(-2)).toEqual([
      { kind: 'state', deviceId: 'dev-hrm', t: T0 + 10_000, state: 'disconnected', detail: { reason: 'link lost' } },
      {
        kind: 'state',
        deviceId: 'dev-hrm',
        t: T0 + 10_000,
        state: 'reconnecting',
        detail: { attempt: 1, delayMs: 500, reason: 'link lost' },
      },
    ]);
    expect(h.peripheral.notify(0x2a37, [0x00, 0x48])).toBe(0);

    await vi.advanceTimersByTimeAsync(499);
    expect(h.peripheral.connectCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.peripheral.connectCalls).toBe(2);
    expect(h.sensor.state).toBe('connected');
    expect(h.peripheral.starts.of(0x2a37)).toBe(2);
    expect(h.peripheral.reads.of(0x2a38)).toBe(2);

    h.setNow(T0 + 11_000);
    expect(h.peripheral.notify(0x2a37, [0x00, 0x4a])).toBe(1);
    // exactly one report: the old link's listener is gone
    expect(h.reportsOf('heart-rate-measurement').map((r) => [r.t, r.report.samples[0]?.value])).toEqual([[T0 + 11_000, 74]]);
  });

  it('backs off exponentially while the peripheral refuses, capped at maxMs, then resets', async () => {
    const h = harness(HEART_RATE, { backoff: { initialMs: 500, maxMs: 4000, factor: 2, jitter: 0 } });
    await h.sensor.open();
    h.peripheral.refuseConnections(5);
    h.peripheral.disconnect();

    const expected = [500, 1000, 2000, 4000, 4000, 4000];
    for (const [i, delay] of expected.entries()) {
      const last = h.states().at(-1);
      expect(last?.state).toBe('reconnecting');
      expect(last?.detail).toMatchObject({ attempt: i + 1, delayMs: delay });
      const calls = h.peripheral.connectCalls;
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(h.peripheral.connectCalls).toBe(calls); // not before the delay is over
      await vi.advanceTimersByTimeAsync(1);
      expect(h.peripheral.connectCalls).toBe(calls + 1);
      if (i < 5) expect(h.states().at(-1)?.detail?.reason).toMatch(/Connection failed/);
      else break;
    }
    expect(h.sensor.state).toBe('connected');
    expect(h.peripheral.starts.of(0x2a37)).toBe(2);

    h.peripheral.disconnect();
    expect(h.states().at(-1)?.detail).toMatchObject({ attempt: 1, delayMs: 500 });
  });

  it('jitter shortens the wait by up to its fraction, deterministically with an injected random', async () => {
    const h = harness(HEART_RATE, { backoff: { initialMs: 1000, jitter: 0.2 }, random: () => 0.5 });
    await h.sensor.open();
    h.peripheral.disconnect();
    expect(h.states().at(-1)?.detail?.delayMs).toBe(900);
  });

  it('a setup step failing on a live link: one retry, and the echo of its own disconnect is ignored', async () => {
    const h = harness(HEART_RATE);
    h.peripheral.failReads(1);
    await h.sensor.open();
    await vi.advanceTimersByTimeAsync(0); // let the queued gattserverdisconnected echo arrive
    expect(h.peripheral.connected).toBe(false);
    expect(h.states().map((s) => [s.state, s.detail?.attempt])).toEqual([
      ['connecting', undefined],
      ['reconnecting', 1],
    ]);
    expect(h.states().at(-1)?.detail?.reason).toMatch(/GATT operation failed/);
    await vi.advanceTimersByTimeAsync(500);
    expect(h.peripheral.connectCalls).toBe(2);
    expect(stateNames(h)).toEqual(['connecting', 'reconnecting', 'connecting', 'connected']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.peripheral.connectCalls).toBe(2);
  });

  it('with an implementation that reuses GATT objects across reconnects, each value is reported once', async () => {
    const h = harness(HEART_RATE);
    h.peripheral.reuseGattObjects = true;
    await h.sensor.open();
    for (let i = 0; i < 3; i++) {
      h.peripheral.disconnect();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(h.sensor.state).toBe('connected');
    expect(h.peripheral.notify(0x2a37, [0x00, 0x48])).toBe(1);
    expect(h.reportsOf('heart-rate-measurement')).toHaveLength(1);
  });

  it('keeps retrying when the very first connection fails', async () => {
    const h = harness(HEART_RATE);
    h.peripheral.refuseConnections(2);
    await h.sensor.open();
    expect(stateNames(h)).toEqual(['connecting', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(stateNames(h)).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'connected']);
    expect(h.peripheral.subscribed()).toEqual([0x2a37]);
  });

  it('a link lost during setup is retried, without a connected or disconnected report', async () => {
    const h = harness(HEART_RATE);
    h.peripheral.afterConnect = () => {
      h.peripheral.afterConnect = undefined;
      queueMicrotask(() => h.peripheral.disconnect()); // drops while services are being discovered
    };
    await h.sensor.open();
    expect(h.states().map((s) => [s.state, s.detail?.reason])).toEqual([
      ['connecting', undefined],
      ['reconnecting', 'link lost during setup'],
    ]);
    await vi.advanceTimersByTimeAsync(500);
    expect(stateNames(h)).toEqual(['connecting', 'reconnecting', 'connecting', 'connected']);
    expect(h.peripheral.connectCalls).toBe(2);
    expect(h.peripheral.subscribed()).toEqual([0x2a37]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.peripheral.connectCalls).toBe(2); // the stale attempt scheduled nothing
  });
});

describe('close', () => {
  it('unsubscribes, disconnects and reports closed; no reports or reconnects afterwards', async () => {
    const h = harness(BLOOD_PRESSURE);
    await h.sensor.open();
    await h.sensor.close();
    expect(h.peripheral.stops.of(0x2a35)).toBe(1);
    expect(h.peripheral.stops.of(0x2a36)).toBe(1);
    expect(h.peripheral.connected).toBe(false);
    expect(h.states().at(-1)?.state).toBe('closed');
    const seen = h.events.length;

    h.peripheral.notify(0x2a35, [0x00, 0x78, 0x00, 0x50, 0x00, 0x5d, 0x00]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.peripheral.connectCalls).toBe(1);
    expect(h.events).toHaveLength(seen); // not even the echo of our own disconnect
  });

  it('does not wait long for a peripheral that never confirms stopNotifications', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.peripheral.hangStops = true;
    let closed = false;
    void h.sensor.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(closed).toBe(true);
    expect(h.peripheral.connected).toBe(false);
    expect(stateNames(h).at(-1)).toBe('closed');
  });

  it('cancels a pending reconnect', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.peripheral.disconnect();
    await h.sensor.close();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.peripheral.connectCalls).toBe(1);
    expect(stateNames(h)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting', 'closed']);
  });

  it('drops a connection that only completes after close()', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    h.peripheral.connectDelayMs = 1000;
    h.peripheral.disconnect();
    await vi.advanceTimersByTimeAsync(500); // the retry's connect() is now in flight
    expect(h.peripheral.connectCalls).toBe(2);
    await h.sensor.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.peripheral.connected).toBe(false);
    expect(h.peripheral.subscribed()).toEqual([]);
    expect(stateNames(h).at(-1)).toBe('closed');
    expect(stateNames(h).filter((s) => s === 'connected')).toHaveLength(1);
  });

  it('is idempotent and refuses a second open()', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.open();
    await expect(h.sensor.open()).rejects.toThrow(/already opened/);
    await h.sensor.close();
    await h.sensor.close();
    expect(stateNames(h).filter((s) => s === 'closed')).toHaveLength(1);
  });

  it('refuses open() after close(), without asking for a device', async () => {
    const h = harness(HEART_RATE);
    await h.sensor.close();
    await expect(h.sensor.open()).rejects.toThrow(/closed/);
    expect(h.bluetooth.requests).toHaveLength(0);
  });
});

describe('backoff delays', () => {
  it('defaults to 500 ms doubling to 30 s', () => {
    const o = resolveBackoff({ jitter: 0 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, o, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(DEFAULT_BACKOFF.maxMs).toBe(30_000);
  });

  it('stays within [base·(1−jitter), base], never above maxMs, and grows with the attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialMs, extra, factor, jitter, r) => {
          const o = resolveBackoff({ initialMs, maxMs: initialMs + extra, factor, jitter });
          const base = Math.min(o.maxMs, initialMs * factor ** (attempt - 1));
          const d = backoffDelay(attempt, o, () => r);
          expect(d).toBeLessThanOrEqual(o.maxMs);
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(backoffDelay(attempt + 1, o, () => 0)).toBeGreaterThanOrEqual(backoffDelay(attempt, o, () => 0));
        },
      ),
    );
  });

  it('rejects settings that would spin or never retry', () => {
    expect(() => resolveBackoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => resolveBackoff({ initialMs: 1000, maxMs: 10 })).toThrow(RangeError);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => resolveBackoff({ jitter: 2 })).toThrow(RangeError);
  });
});
