// Every GATT codec vigil has, found by kebab-case name (Web Bluetooth's snake_case too) or by UUID in any
// of the spellings people paste: "2a37", "0x2a37", "2A37", "00002a37-0000-1000-8000-00805f9b34fb".
import { batteryLevel } from './battery-level.js';
import { bloodPressureMeasurement } from './blood-pressure-measurement.js';
import { bodySensorLocation } from './body-sensor-location.js';
import type { GattCodec } from './codec.js';
import { heartRateMeasurement } from './heart-rate-measurement.js';
import { intermediateCuffPressure } from './intermediate-cuff-pressure.js';
import { intermediateTemperature } from './intermediate-temperature.js';
import { plxContinuous } from './plx-continuous.js';
import { plxSpotCheck } from './plx-spot-check.js';
import { temperatureMeasurement } from './temperature-measurement.js';
import { temperatureType } from './temperature-type.js';
import { parseUuid16 } from './uuids.js';

export {
  BATTERY_SERVICE,
  BLOOD_PRESSURE_SERVICE,
  GATT_SERVICES,
  HEALTH_THERMOMETER_SERVICE,
  HEART_RATE_SERVICE,
  PULSE_OXIMETER_SERVICE,
  uuid128,
} from './uuids.js';

export const GATT_CODECS: readonly GattCodec<unknown>[] = [
  heartRateMeasurement,
  bodySensorLocation,
  bloodPressureMeasurement,
  intermediateCuffPressure,
  temperatureMeasurement,
  temperatureType,
  intermediateTemperature,
  plxSpotCheck,
  plxContinuous,
  batteryLevel,
];

const byName = new Map(GATT_CODECS.map((codec) => [codec.name, codec]));
const byUuid = new Map(GATT_CODECS.map((codec) => [codec.uuid, codec]));

export function findGattCodec(nameOrUuid: string): GattCodec<unknown> | undefined {
  const text = nameOrUuid.trim().toLowerCase();
  const named = byName.get(text.replaceAll('_', '-'));
  if (named !== undefined) return named;
  const uuid = parseUuid16(text);
  return uuid === undefined ? undefined : byUuid.get(uuid);
}

/** The codecs of one service (16-bit UUID), e.g. to subscribe to everything a connected device offers. */
export function gattCodecsOfService(service: number): GattCodec<unknown>[] {
  return GATT_CODECS.filter((codec) => codec.service === service);
}
