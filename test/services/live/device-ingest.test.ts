import { describe, expect, test } from 'vitest';
import type { CoreInput, RawFrame } from '../../../services/core/types.js';
import { DeviceIngest } from '../../../services/live/device-ingest.js';

const T0 = Date.UTC(2026, 0, 1);

function target() {
  const inputs: CoreInput[] = [];
  const raw: RawFrame[] = [];
  return { inputs, raw, sink: { input: (line: CoreInput) => inputs.push(line), record: (line: RawFrame) => raw.push(line) } };
}

describe('device ingest', () => {
  test('every frame is recorded raw with its format; samples become core samples from that device', () => {
    const { inputs, raw, sink } = target();
    const ingest = new DeviceIngest(sink);
    ingest.report('hrm-1', T0, { samples: [{ vital: 'hr', value: 72, unit: '/min', mode: 'continuous' }] }, { format: 'heart-rate-measurement', bytes: Uint8Array.of(0x16, 0x48, 0x01, 0x04, 0x02, 0x04) });
    expect(raw).toEqual([{ type: 'raw', t: T0, device: 'hrm-1', hex: '164801040204', format: 'heart-rate-measurement' }]);
    expect(inputs).toEqual([{ type: 'sample', t: T0, vital: 'hr', value: 72, unit: '/min', device: 'hrm-1', mode: 'continuous' }]);
  });

  test('refused frames are recorded raw with the reason, and reach nothing else', () => {
    const { inputs, raw, sink } = target();
    const ingest = new DeviceIngest(sink);
    ingest.decodeError('ox-1', T0, 'nonin-8', { code: 'checksum', message: 'sum 0x12, frame says 0x13' }, Uint8Array.of(0x81, 0x02));
    expect(raw).toEqual([{ type: 'raw', t: T0, device: 'ox-1', hex: '8102', format: 'nonin-8', error: 'checksum: sum 0x12, frame says 0x13' }]);
    expect(inputs).toEqual([]);
    expect(ingest.stats('ox-1')).toEqual({ frames: 0, decodeErrors: 1 });
  });

  test('battery and sensor conditions reach the core only when they change', () => {
    const { inputs, sink } = target();
    const ingest = new DeviceIngest(sink);
    const frame = { format: 'nonin-8', bytes: new Uint8Array(4) };
    ingest.report('ox-1', T0, { samples: [], conditions: [], lowBattery: false }, frame);
    ingest.report('ox-1', T0 + 1000, { samples: [], conditions: ['sensor-off'], lowBattery: false }, frame);
    ingest.report('ox-1', T0 + 2000, { samples: [], conditions: ['sensor-off'], lowBattery: false }, frame);
    ingest.report('ox-1', T0 + 3000, { samples: [], conditions: ['pulse-search', 'sensor-off', 'sensor-off'], battery: 14 }, frame);
    ingest.report('ox-1', T0 + 4000, { samples: [], conditions: [] }, frame);
    expect(inputs).toEqual([
      { type: 'device', t: T0, device: 'ox-1', lowBattery: false },
      { type: 'device', t: T0 + 1000, device: 'ox-1', conditions: ['sensor-off'] },
      { type: 'device', t: T0 + 3000, device: 'ox-1', battery: 14, conditions: ['pulse-search', 'sensor-off'] },
      { type: 'device', t: T0 + 4000, device: 'ox-1', conditions: [] },
    ]);
  });

  test('link state: connected binds the device vitals, repeated disconnects are reported once, closed removes', () => {
    const { inputs, sink } = target();
    const ingest = new DeviceIngest(sink, (device) => (device === 'ox-1' ? ['spo2'] : undefined));
    ingest.state('ox-1', T0, 'connecting');
    ingest.state('ox-1', T0, 'disconnected'); // a configured device that never connects is a lost link too
    ingest.state('ox-1', T0, 'reconnecting');
    ingest.state('ox-1', T0 + 1, 'connected');
    ingest.state('ox-1', T0 + 2, 'disconnected');
    ingest.state('ox-1', T0 + 3, 'connecting');
    ingest.state('ox-1', T0 + 4, 'disconnected');
    ingest.state('ox-1', T0 + 5, 'connected');
    ingest.state('ox-1', T0 + 6, 'closed');
    expect(inputs.map((i) => (i.type === 'device' ? `${i.state}@${i.t - T0}${i.vitals === undefined ? '' : ` ${i.vitals.join()}`}` : i.type))).toEqual([
      'disconnected@0',
      'connected@1 spo2',
      'disconnected@2',
      'connected@5 spo2',
      'removed@6',
    ]);
  });

  test('a device passes on only the vitals it is the source of', () => {
    const { inputs, sink } = target();
    const ingest = new DeviceIngest(sink, () => ['spo2']);
    ingest.report('ox-1', T0, { samples: [{ vital: 'spo2', value: 97, unit: '%' }, { vital: 'hr', value: 71, unit: '/min' }] }, { format: 'nonin-8', bytes: new Uint8Array(4) });
    expect(inputs.map((i) => (i.type === 'sample' ? i.vital : i.type))).toEqual(['spo2']);
  });
});
