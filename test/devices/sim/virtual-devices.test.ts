// End to end without hardware: simulator values → real byte formats → the real adapters (BLE through the
// Web Bluetooth interfaces, serial through the protocols' frame decoders) → ingest → core → alarms. The alarms
// must be the ones the same session gives when its samples are fed to the core directly.
import { describe, expect, test } from 'vitest';
import { simulateSession } from '../../../devices/sim/session.js';
import { VIRTUAL_DEVICES, VirtualDevices } from '../../../devices/sim/virtual-devices.js';
import { loadProfile } from '../../../services/core/profile.js';
import { SessionCore } from '../../../services/core/session-core.js';
import { isCoreInput, type AlarmTransition, type CoreOutput, type RawFrame, type RecordingLine } from '../../../services/core/types.js';
import { DeviceIngest } from '../../../services/live/device-ingest.js';

const profile = loadProfile();
const alarmKey = (a: AlarmTransition): string => `${a.t} ${a.rule} ${a.state}`;

function direct(lines: RecordingLine[]): AlarmTransition[] {
  const outputs: CoreOutput[] = [];
  const core = new SessionCore(profile, (o) => outputs.push(o));
  for (const line of lines) if (isCoreInput(line)) core.input(line);
  return outputs.filter((o): o is AlarmTransition => o.type === 'alarm');
}

async function throughDevices(lines: RecordingLine[]) {
  const outputs: CoreOutput[] = [];
  const raw: RawFrame[] = [];
  const core = new SessionCore(profile, (o) => outputs.push(o));
  let now = lines.find((l) => l.type !== 'header' && 't' in l)?.t ?? 0;
  const ingest = new DeviceIngest({ input: (l) => core.input(l), record: (l) => raw.push(l) }, (device) => VIRTUAL_DEVICES[device]?.vitals);
  const devices = new VirtualDevices({ sink: ingest, clock: () => now });
  await devices.start();
  for (const line of lines) {
    if (line.type === 'header' || !('t' in line)) continue;
    now = line.t;
    if (!devices.send(line) && isCoreInput(line)) core.input(line);
  }
  await devices.close();
  return { core, raw, alarms: outputs.filter((o): o is AlarmTransition => o.type === 'alarm') };
}

describe.each(['tachycardia', 'hypertensive', 'hyperthermia'])('%s through virtual devices', (scenario) => {
  test('bytes → adapters → core raise exactly the alarms of the direct feed', async () => {
    const lines = [...simulateSession({ scenario, seed: 2 })];
    const expected = direct(lines);
    const { core, raw, alarms } = await throughDevices(lines);
    expect(expected.length).toBeGreaterThan(4);
    expect(alarms.map(alarmKey)).toEqual(expected.map(alarmKey));
    // every frame was captured raw, in the format it was read with
    const formats = new Set(raw.map((r) => `${r.device}:${r.format}`));
    for (const [device, { format }] of Object.entries(VIRTUAL_DEVICES)) expect(formats).toContain(`${device}:${format}`);
    expect(raw.filter((r) => r.error !== undefined)).toEqual([]);
    const { vitals } = core.snapshot();
    expect(vitals.hr.samples).toBeGreaterThan(28_000);
    expect(vitals.spo2.samples).toBeGreaterThan(28_000);
    expect(vitals.temp.samples).toBeGreaterThan(400);
  });
});

test('a low battery reported over BLE raises low-battery', async () => {
  const lines = [...simulateSession({ scenario: 'typical', seed: 1, durationMs: 20 * 60_000 })];
  const end = lines.findIndex((l) => l.type === 'event' && l.event === 'session-end');
  const endT = (lines[end] as { t: number }).t;
  lines.splice(end, 0, { type: 'device', t: endT, device: 'cuff-1', battery: 12 });
  const { alarms } = await throughDevices(lines);
  expect(alarms.map((a) => `${a.rule} ${a.state} ${a.device ?? ''} ${a.value ?? ''}`)).toContain('low-battery raised cuff-1 12');
});
