// Where the sensor sits, from the read-once characteristics: Temperature Type (0x2A1D) and Body Sensor
// Location (0x2A38). Remembered per sensor (across reconnects) and attached to the raw frames of the
// measurements they describe. A Temperature Measurement that carries its own type field keeps it; one without
// gets the characteristic's value, as BlueZ does (reference §4.1).
import { type BodySensorLocationName, bodySensorLocation } from './gatt/body-sensor-location.js';
import { heartRateMeasurement } from './gatt/heart-rate-measurement.js';
import { intermediateTemperature } from './gatt/intermediate-temperature.js';
import { decodeTemperature } from './gatt/temperature-layout.js';
import { temperatureMeasurement } from './gatt/temperature-measurement.js';
import { type TemperatureTypeName, temperatureType } from './gatt/temperature-type.js';

export interface SiteAnnotation {
  temperatureType?: TemperatureTypeName;
  bodySensorLocation?: BodySensorLocationName;
}

const TEMPERATURE_FRAMES = new Set([temperatureMeasurement.uuid, intermediateTemperature.uuid, temperatureType.uuid]);
const HEART_RATE_FRAMES = new Set([heartRateMeasurement.uuid, bodySensorLocation.uuid]);

export class SiteContext {
  #temperatureType: TemperatureTypeName | undefined;
  #bodySensorLocation: BodySensorLocationName | undefined;

  /** Keeps the value of a Temperature Type or Body Sensor Location frame; ignores anything else or invalid. */
  remember(uuid: number, bytes: Uint8Array): void {
    if (uuid === temperatureType.uuid) {
      const result = temperatureType.decode(viewOf(bytes));
      if (result.ok) this.#temperatureType = result.value.temperatureType;
    } else if (uuid === bodySensorLocation.uuid) {
      const result = bodySensorLocation.decode(viewOf(bytes));
      if (result.ok) this.#bodySensorLocation = result.value.location;
    }
  }

  /** The site fields for a frame of characteristic `uuid` (already decoded successfully). */
  annotate(uuid: number, bytes: Uint8Array): SiteAnnotation {
    if (TEMPERATURE_FRAMES.has(uuid)) {
      const own = uuid === temperatureType.uuid ? undefined : ownTemperatureType(bytes);
      const type = own ?? this.#temperatureType;
      return type === undefined ? {} : { temperatureType: type };
    }
    if (HEART_RATE_FRAMES.has(uuid) && this.#bodySensorLocation !== undefined) {
      return { bodySensorLocation: this.#bodySensorLocation };
    }
    return {};
  }
}

function ownTemperatureType(bytes: Uint8Array): TemperatureTypeName | undefined {
  const result = decodeTemperature(viewOf(bytes), 'temperature');
  return result.ok ? result.value.temperatureType : undefined;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
