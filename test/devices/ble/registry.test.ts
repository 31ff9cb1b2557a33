import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  BATTERY_SERVICE,
  BLOOD_PRESSURE_SERVICE,
  findGattCodec,
  GATT_CODECS,
  GATT_SERVICES,
  gattCodecsOfService,
  HEALTH_THERMOMETER_SERVICE,
  HEART_RATE_SERVICE,
  PULSE_OXIMETER_SERVICE,
  uuid128,
} from '../../../devices/ble/gatt/registry.js';
import { heartRateMeasurement } from '../../../devices/ble/gatt/heart-rate-measurement.js';
import { SENSOR_CONDITIONS } from '../../../devices/types.js';
import { CODEC_CASES } from './arbitraries.js';
import { viewOf } from './helpers.js';

describe('GATT codec registry', () => {
  it('finds a codec by name, short UUID in any spelling, or full 128-bit UUID', () => {
    for (const key of [
      'heart-rate-measurement',
      'heart_rate_measurement',
      '2a37',
      '0x2a37',
      '2A37',
      '0X2A37',
      ' 2a37 ',
      '00002a37-0000-1000-8000-00805f9b34fb',
      '00002A37-0000-1000-8000-00805F9B34FB',
    ]) {
      expect(findGattCodec(key), key).toBe(heartRateMeasurement);
    }
  });

  it('finds nothing for unknown names and UUIDs, or near misses', () => {
    for (const key of ['', 'heart-rate', '2a39', '0x2a3', '12a37', '00002a37-0000-1000-8000-00805f9b34fc', 'x2a37']) {
      expect(findGattCodec(key), key).toBeUndefined();
    }
  });

  it('holds every codec once, each findable by its own name and UUIDs', () => {
    expect(GATT_CODECS).toHaveLength(10);
    expect(new Set(GATT_CODECS.map((c) => c.name)).size).toBe(GATT_CODECS.length);
    expect(new Set(GATT_CODECS.map((c) => c.uuid)).size).toBe(GATT_CODECS.length);
    for (const codec of GATT_CODECS) {
      expect(codec.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(findGattCodec(codec.name)).toBe(codec);
      expect(findGattCodec(codec.uuid.toString(16))).toBe(codec);
      expect(findGattCodec(uuid128(codec.uuid))).toBe(codec);
      expect(GATT_SERVICES).toContain(codec.service);
    }
    expect(CODEC_CASES.map((c) => c.codec)).toEqual(GATT_CODECS);
  });

  it('knows the services and their characteristics', () => {
    expect([HEART_RATE_SERVICE, BLOOD_PRESSURE_SERVICE, HEALTH_THERMOMETER_SERVICE, PULSE_OXIMETER_SERVICE, BATTERY_SERVICE]).toEqual([
      0x180d, 0x1810, 0x1809, 0x1822, 0x180f,
    ]);
    expect(uuid128(0x180d)).toBe('0000180d-0000-1000-8000-00805f9b34fb');
    expect(gattCodecsOfService(HEART_RATE_SERVICE).map((c) => c.uuid)).toEqual([0x2a37, 0x2a38]);
    expect(gattCodecsOfService(BLOOD_PRESSURE_SERVICE).map((c) => c.uuid)).toEqual([0x2a35, 0x2a36]);
    expect(gattCodecsOfService(HEALTH_THERMOMETER_SERVICE).map((c) => c.uuid)).toEqual([0x2a1c, 0x2a1d, 0x2a1e]);
    expect(gattCodecsOfService(PULSE_OXIMETER_SERVICE).map((c) => c.uuid)).toEqual([0x2a5e, 0x2a5f]);
    expect(gattCodecsOfService(BATTERY_SERVICE).map((c) => c.uuid)).toEqual([0x2a19]);
    // indicated vs notified decides the CCCD bit a hand-rolled client writes (reference §1)
    expect(Object.fromEntries(GATT_CODECS.map((c) => [c.name, c.property]))).toEqual({
      'heart-rate-measurement': 'notify',
      'body-sensor-location': 'read',
      'blood-pressure-measurement': 'indicate',
      'intermediate-cuff-pressure': 'notify',
      'temperature-measurement': 'indicate',
      'temperature-type': 'read',
      'intermediate-temperature': 'notify',
      'plx-spot-check': 'indicate',
      'plx-continuous': 'notify',
      'battery-level': 'read',
    });
  });
});

describe.each(CODEC_CASES.map((c) => [c.codec.name, c] as const))('%s round trip', (_, { codec, values }) => {
  it('decode(encode(x)) = x and encode(decode(encode(x))) = encode(x); the report is well-formed', () => {
    fc.assert(
      fc.property(values, (value) => {
        const bytes = codec.encode(value);
        const result = codec.decode(viewOf(bytes));
        expect(result).toEqual({ ok: true, value });
        if (!result.ok) return;
        expect(isDeepStrictEqual(codec.encode(result.value), bytes)).toBe(true);
        const report = codec.report(result.value);
        for (const sample of report.samples) expect(Number.isFinite(sample.value)).toBe(true);
        for (const condition of report.conditions ?? []) expect(SENSOR_CONDITIONS).toContain(condition);
      }),
      { numRuns: 500 },
    );
  });
});
