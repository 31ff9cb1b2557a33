// Intermediate Temperature 0x2A1E (reference §4.1): same layout as Temperature Measurement, notified while a
// measurement is in progress (a predictive thermometer's rising readings). Those are not the patient's
// temperature yet: vigil decodes them (and records them raw) but evaluates only the final Temperature
// Measurement, as it ignores a cuff's intermediate pressure.
import type { GattCodec } from './codec.js';
import { decodeTemperature, encodeTemperature, type TemperatureReading } from './temperature-layout.js';
import { HEALTH_THERMOMETER_SERVICE } from './uuids.js';

export type IntermediateTemperature = TemperatureReading;

export const intermediateTemperature: GattCodec<IntermediateTemperature> = {
  name: 'intermediate-temperature',
  uuid: 0x2a1e,
  service: HEALTH_THERMOMETER_SERVICE,
  property: 'notify',
  decode: (view) => decodeTemperature(view, 'intermediate-temperature'),
  encode: encodeTemperature,
  report: () => ({ samples: [] }),
};
