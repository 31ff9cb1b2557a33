// Virtual devices: the simulator's values encoded into the real byte formats and sent through real adapters —
// the HR strap and the cuff as BLE peripherals behind the Web Bluetooth interfaces (BleSensor reads them),
// the oximeter (Nonin #8) and the DIY temperature probe (vigil-line) on serial lines. So bytes → samples →
// alarms runs end to end without hardware.
import { BleSensor } from '../ble/adapter.js';
import type { BleSink } from '../ble/adapter-types.js';
import { bloodPressureMeasurement } from '../ble/gatt/blood-pressure-measurement.js';
import { heartRateMeasurement } from '../ble/gatt/heart-rate-measurement.js';
import { encodeSfloat } from '../ble/ieee11073.js';
import { nonin8 } from '../serial/protocols/nonin-8.js';
import type { SerialProtocol } from '../serial/protocols/protocol.js';
import { vigilLine } from '../serial/protocols/vigil-line.js';
import type { SerialSink } from '../serial/serial-source.js';
import { LoopbackSource } from '../serial/loopback-source.js';
import type { DeviceUpdate, RecordingLine, Sample, Vital } from '../../services/core/types.js';
import { FakeBluetooth, FakePeripheral } from './fake-ble-peripheral.js';

/** A serial line a virtual device writes into: in process (LoopbackSource) or a real pseudo-terminal. */
export interface SerialWire {
  write(bytes: Uint8Array): void;
  plug(): void;
  unplug(): void;
  close(): void | Promise<void>;
}

export interface VirtualDevicesOptions {
  /** receives what the adapters hear (a DeviceIngest) */
  sink: BleSink & SerialSink;
  /** the session clock the adapters stamp frames with */
  clock: () => number;
  /** how a serial device is wired; default: in process through the protocol's real frame decoder */
  serialWire?: (device: string, protocol: SerialProtocol<unknown>) => SerialWire;
}

/** Which device speaks which format, and which vitals it is the source of. */
export const VIRTUAL_DEVICES: Readonly<Record<string, { transport: 'ble' | 'serial'; format: string; vitals: Vital[] }>> = {
  'hrm-1': { transport: 'ble', format: 'heart-rate-measurement', vitals: ['hr'] },
  'cuff-1': { transport: 'ble', format: 'blood-pressure-measurement', vitals: ['sbp', 'dbp', 'map'] },
  'ox-1': { transport: 'serial', format: 'nonin-8', vitals: ['spo2'] },
  'temp-1': { transport: 'serial', format: 'vigil-line', vitals: ['temp'] },
};

function peripheral(id: string, service: number, characteristics: Array<{ uuid: number; properties: Array<'read' | 'notify' | 'indicate'>; value?: number[] }>): FakePeripheral {
  return new FakePeripheral({
    id,
    name: id,
    services: [
      { uuid: service, characteristics },
      { uuid: 0x180f, characteristics: [{ uuid: 0x2a19, properties: ['read', 'notify'], value: [100] }] },
    ],
  });
}

export class VirtualDevices {
  private readonly strap = peripheral('hrm-1', 0x180d, [
    { uuid: 0x2a37, properties: ['notify'] },
    { uuid: 0x2a38, properties: ['read'], value: [1] }, // chest
  ]);
  private readonly cuff = peripheral('cuff-1', 0x1810, [
    { uuid: 0x2a35, properties: ['indicate'] },
    { uuid: 0x2a36, properties: ['notify'] },
  ]);
  private readonly peripherals: Record<string, FakePeripheral> = { 'hrm-1': this.strap, 'cuff-1': this.cuff };
  private readonly sensors: BleSensor[];
  private readonly wires: Record<string, SerialWire>;
  private readonly pendingCuff = new Map<Vital, number>();
  private lastHr: number | null = null;
  private oximeterBattery = 100;
  private probeSeq = 0;
  private probeBattery: number | undefined;

  constructor(options: VirtualDevicesOptions) {
    const bluetooth = new FakeBluetooth([this.strap, this.cuff]);
    this.sensors = Object.values(this.peripherals).map(
      (p) =>
        new BleSensor(bluetooth, {
          sink: options.sink,
          select: { device: p.device },
          label: p.spec.id,
          clock: options.clock,
          // a virtual link comes back quickly, as a strap does when the patient returns to the room
          backoff: { initialMs: 200, maxMs: 2000 },
        }),
    );
    const wire =
      options.serialWire ?? ((device: string, protocol: SerialProtocol<unknown>) => new LoopbackSource(device, protocol, options.sink, options.clock));
    this.wires = { 'ox-1': wire('ox-1', nonin8 as SerialProtocol<unknown>), 'temp-1': wire('temp-1', vigilLine as SerialProtocol<unknown>) };
  }

  /** Plugs the serial devices in and connects the BLE ones. */
  async start(): Promise<void> {
    for (const wire of Object.values(this.wires)) wire.plug();
    await Promise.all(this.sensors.map((sensor) => sensor.open()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sensors.map((sensor) => sensor.close()));
    for (const wire of Object.values(this.wires)) await wire.close();
  }

  /**
   * Sends what one simulator line means for the devices. Returns false for lines that are not device data
   * (events, therapist actions): the caller gives those to the session itself.
   */
  send(line: RecordingLine): boolean {
    if (line.type === 'sample' && line.device !== undefined && line.device in VIRTUAL_DEVICES) {
      this.sample(line);
      return true;
    }
    if (line.type === 'device' && line.device in VIRTUAL_DEVICES) {
      this.device(line);
      return true;
    }
    return false;
  }

  private sample(sample: Sample): void {
    switch (sample.device) {
      case 'hrm-1': {
        // uint16 when the value needs it: an artifact of 350 is sent as the device would.
        const heartRate = Math.max(0, Math.round(sample.value));
        this.lastHr = heartRate;
        const rr = heartRate > 0 ? [Math.round((60 / heartRate) * 1024) / 1024] : undefined;
        this.strap.notify(
          0x2a37,
          heartRateMeasurement.encode({ heartRate, heartRateFormat: heartRate > 255 ? 'uint16' : 'uint8', sensorContact: 'detected', ...(rr === undefined ? {} : { rrIntervals: rr }) }),
        );
        return;
      }
      case 'ox-1': {
        const spo2 = Math.round(sample.value);
        const lowBattery = this.oximeterBattery <= 15;
        const frame = {
          hr: this.lastHr !== null && this.lastHr < 511 ? this.lastHr : null,
          // 127 is the format's "no reading": a value it cannot carry is sent as none
          spo2: spo2 >= 0 && spo2 <= 100 ? spo2 : null,
          outOfTrack: false,
          lowPerfusion: false,
          marginalPerfusion: false,
          artifact: false,
          smartPoint: false,
          sensorAlarm: false,
          lowBattery,
        };
        this.wires['ox-1']?.write(nonin8.encode(frame));
        return;
      }
      case 'cuff-1': {
        // The three values of one reading share a t: send the indication once the reading is complete.
        this.pendingCuff.set(sample.vital, sample.value);
        const sbp = this.pendingCuff.get('sbp');
        const dbp = this.pendingCuff.get('dbp');
        const map = this.pendingCuff.get('map');
        if (sbp === undefined || dbp === undefined || map === undefined) return;
        this.pendingCuff.clear();
        this.cuff.notify(
          0x2a35,
          bloodPressureMeasurement.encode({
            systolic: encodeSfloat(sbp, 0),
            diastolic: encodeSfloat(dbp, 0),
            meanArterialPressure: encodeSfloat(map, 0),
            unit: 'mm[Hg]',
          }),
        );
        return;
      }
      case 'temp-1': {
        this.wires['temp-1']?.write(
          vigilLine.encode({
            seq: this.probeSeq,
            readings: [{ vital: 'temp', value: Math.round(sample.value * 100) / 100, unit: 'Cel' }],
            mode: 'continuous',
            ...(this.probeBattery === undefined ? {} : { battery: this.probeBattery }),
            errors: [],
          }),
        );
        this.probeSeq = (this.probeSeq + 1) % 256;
        return;
      }
    }
  }

  private device(update: DeviceUpdate): void {
    const ble = this.peripherals[update.device];
    const wire = this.wires[update.device];
    if (update.state === 'disconnected') {
      if (ble !== undefined) {
        ble.refuseConnections(Number.MAX_SAFE_INTEGER);
        ble.disconnect();
      }
      wire?.unplug();
    } else if (update.state === 'connected') {
      ble?.acceptConnections();
      wire?.plug();
    }
    if (update.battery !== undefined) {
      const percent = Math.round(update.battery);
      if (ble !== undefined) ble.setBattery(percent);
      else if (update.device === 'ox-1') this.oximeterBattery = percent;
      else if (update.device === 'temp-1') this.probeBattery = percent;
    }
  }
}
