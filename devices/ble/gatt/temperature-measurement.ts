// Temperature Measurement 0x2A1C (reference §4.1): the thermometer's final reading, indicated; a spot value.
import type { GattCodec } from './codec.js';
import { decodeTemperature, encodeTemperature, reportTemperature, type TemperatureReading } from './temperature-layout.js';
import { HEALTH_THERMOMETER_SERVICE } from './uuids.js';

export type TemperatureMeasurement = TemperatureReading;

export const temperatureMeasurement: GattCodec<TemperatureMeasurement> = {
  name: 'temperature-measurement',
  uuid: 0x2a1c,
  service: HEALTH_THERMOMETER_SERVICE,
  property: 'indicate',
  decode: (view) => decodeTemperature(view, 'temperature-measurement'),
  encode: encodeTemperature,
  report: (value) => reportTemperature(value, 'spot'),
};
