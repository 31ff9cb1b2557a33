// Runs in the page (bundled by fake-bluetooth.ts, injected with page.addInitScript before the dashboard loads):
// navigator.bluetooth is the project's fake Web Bluetooth peripheral — requestDevice() matching by service,
// gatt.connect(), getPrimaryServices(), getCharacteristics(), readValue(), startNotifications() and
// characteristicvaluechanged events — behind which a chest strap sends spec-exact Heart Rate Measurement
// frames made by the same GATT codec the adapter decodes with. The test drives it through window.__fakeBle.
import { batteryLevel } from '../../devices/ble/gatt/battery-level.js';
import { bodySensorLocation } from '../../devices/ble/gatt/body-sensor-location.js';
import { heartRateMeasurement } from '../../devices/ble/gatt/heart-rate-measurement.js';
import { BATTERY_SERVICE, HEART_RATE_SERVICE, parseUuid16, uuid128 } from '../../devices/ble/gatt/uuids.js';
import { FakeBluetooth, FakePeripheral } from '../../devices/sim/fake-ble-peripheral.js';

const FAKE_STRAP_NAME = 'Fake HRM strap'; // FAKE_STRAP_NAME in fake-bluetooth.ts

const strap = new FakePeripheral({
  id: 'fake-strap-id-1',
  name: FAKE_STRAP_NAME,
  services: [
    {
      uuid: HEART_RATE_SERVICE,
      characteristics: [
        { uuid: heartRateMeasurement.uuid, properties: ['notify'] },
        { uuid: bodySensorLocation.uuid, properties: ['read'], value: bodySensorLocation.encode({ location: 'chest' }) },
      ],
    },
    { uuid: BATTERY_SERVICE, characteristics: [{ uuid: batteryLevel.uuid, properties: ['read', 'notify'], value: batteryLevel.encode({ level: 87 }) }] },
  ],
});
const bluetooth = new FakeBluetooth([strap]);

const page = globalThis as unknown as { navigator: object; __fakeBle: unknown };
Object.defineProperty(page.navigator, 'bluetooth', { value: bluetooth, configurable: true });

/** What the test calls (page.evaluate). */
page.__fakeBle = {
  /** sends one Heart Rate Measurement notification; returns the frame's hex and how many subscribers got it */
  heartRate(bpm: number): { hex: string; delivered: number } {
    const bytes = heartRateMeasurement.encode({ heartRate: bpm, heartRateFormat: 'uint8', sensorContact: 'detected' });
    const delivered = strap.notify(heartRateMeasurement.uuid, bytes);
    return { hex: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(''), delivered };
  },
  connected: (): boolean => strap.connected,
  subscribed: (): number[] => strap.subscribed(),
  /** the services named in requestDevice()'s filters, as 128-bit UUID strings */
  requestedServices: (): string[] =>
    bluetooth.requests.flatMap((r) => ('filters' in r ? (r.filters ?? []).flatMap((f) => (f.services ?? []).map(canonical)) : [])),
  connectCalls: (): number => strap.connectCalls,
};

function canonical(uuid: number | string): string {
  if (typeof uuid === 'number') return uuid128(uuid);
  const short = parseUuid16(uuid);
  return short === undefined ? uuid.toLowerCase() : uuid128(short);
}
