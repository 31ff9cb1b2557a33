// Turns what device adapters hear into session inputs: every frame (good or refused) is recorded raw, with the
// format it was read with, so a session can be re-decoded after a decoder fix; samples go to the core; device
// state (link, battery, sensor conditions) goes to the core as device lines, only when it changes.
import type { DecodeError, DeviceReport } from '../../devices/types.js';
import type { CoreInput, RawFrame, SensorCondition, Vital } from '../core/types.js';

/** Where ingest delivers: a live session (journal + core). */
export interface IngestTarget {
  input(line: CoreInput): unknown;
  record(line: RawFrame): void;
}

/** A frame as an adapter hands it on: serial names the protocol, BLE the characteristic (both are decode formats). */
export type RawBytes = { bytes: Uint8Array; format: string } | { bytes: Uint8Array; characteristic: string };

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'closed';

interface DeviceMemory {
  linked: boolean | undefined;
  battery: number | undefined;
  lowBattery: boolean | undefined;
  conditions: string;
  decodeErrors: number;
  frames: number;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export class DeviceIngest {
  private readonly devices = new Map<string, DeviceMemory>();

  constructor(
    private readonly target: IngestTarget,
    /** vitals each device is the source of (undefined = all it reports); bound on connect, so stale timers start */
    private readonly vitalsOf: (device: string) => Vital[] | undefined = () => undefined,
  ) {}

  report(device: string, t: number, report: DeviceReport, raw: RawBytes): void {
    const memory = this.memory(device);
    memory.frames++;
    this.target.record({ type: 'raw', t, device, hex: toHex(raw.bytes), format: 'format' in raw ? raw.format : raw.characteristic });
    // A device is the source only of the vitals it is bound to (an oximeter's pulse rate must not
    // interleave with the chest strap's heart rate); the rest stays in the raw frame.
    const vitals = this.vitalsOf(device);
    for (const sample of report.samples) {
      if (vitals !== undefined && !vitals.includes(sample.vital)) continue;
      const line: CoreInput = { type: 'sample', t, vital: sample.vital, value: sample.value, unit: sample.unit, device };
      if (sample.mode !== undefined) line.mode = sample.mode;
      this.target.input(line);
    }
    const update: CoreInput = { type: 'device', t, device };
    let changed = false;
    if (report.battery !== undefined && report.battery !== memory.battery) {
      memory.battery = update.battery = report.battery;
      changed = true;
    }
    if (report.lowBattery !== undefined && report.lowBattery !== memory.lowBattery) {
      memory.lowBattery = update.lowBattery = report.lowBattery;
      changed = true;
    }
    if (report.conditions !== undefined) {
      const conditions: SensorCondition[] = [...new Set(report.conditions)].sort();
      const key = conditions.join(',');
      if (key !== memory.conditions) {
        memory.conditions = key;
        update.conditions = conditions;
        changed = true;
      }
    }
    if (changed) this.target.input(update);
  }

  decodeError(device: string, t: number, format: string, error: DecodeError, bytes: Uint8Array): void {
    this.memory(device).decodeErrors++;
    this.target.record({ type: 'raw', t, device, hex: toHex(bytes), format, error: `${error.code}: ${error.message}` });
  }

  state(device: string, t: number, state: LinkState): void {
    const memory = this.memory(device);
    if (state === 'connected' && memory.linked !== true) {
      memory.linked = true;
      const vitals = this.vitalsOf(device);
      this.target.input(vitals === undefined ? { type: 'device', t, device, state: 'connected' } : { type: 'device', t, device, state: 'connected', vitals });
    } else if ((state === 'disconnected' || state === 'reconnecting') && memory.linked !== false) {
      // Also when the first connection never succeeds: a configured device that is not there is a lost link.
      memory.linked = false;
      memory.conditions = '';
      this.target.input({ type: 'device', t, device, state: 'disconnected' });
    } else if (state === 'closed') {
      // Stopped on purpose: silence is expected from now on.
      memory.linked = undefined;
      this.target.input({ type: 'device', t, device, state: 'removed' });
    }
  }

  /** frames and refused frames per device so far */
  stats(device: string): { frames: number; decodeErrors: number } {
    const { frames, decodeErrors } = this.memory(device);
    return { frames, decodeErrors };
  }

  private memory(device: string): DeviceMemory {
    let memory = this.devices.get(device);
    if (memory === undefined) {
      memory = { linked: undefined, battery: undefined, lowBattery: undefined, conditions: '', decodeErrors: 0, frames: 0 };
      this.devices.set(device, memory);
    }
    return memory;
  }
}
