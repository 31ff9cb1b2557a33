// Body Sensor Location 0x2A38 (reference §2.2): one uint8. Values 7–255 are RFU and rejected as 'reserved'.
import type { GattCodec } from './codec.js';
import { checkLength, FrameWriter } from './frame.js';
import { HEART_RATE_SERVICE } from './uuids.js';
import { decoded, decodeError, type DecodeResult, type DeviceReport } from '../../types.js';

export const BODY_SENSOR_LOCATIONS = ['other', 'chest', 'wrist', 'finger', 'hand', 'ear-lobe', 'foot'] as const;
export type BodySensorLocationName = (typeof BODY_SENSOR_LOCATIONS)[number];

export interface BodySensorLocation {
  location: BodySensorLocationName;
}

const NAME = 'body-sensor-location';

function decode(view: DataView): DecodeResult<BodySensorLocation> {
  const bad = checkLength(view, 1, NAME);
  if (bad) return bad;
  const code = view.getUint8(0);
  const location = BODY_SENSOR_LOCATIONS[code];
  if (location === undefined) return decodeError('reserved', `${NAME}: ${code} is reserved for future use`);
  return decoded({ location });
}

function encode(value: BodySensorLocation): Uint8Array {
  return new FrameWriter(1).uint8(BODY_SENSOR_LOCATIONS.indexOf(value.location)).finish();
}

/** Where the sensor sits is context, not a vital: nothing for the core. */
function report(): DeviceReport {
  return { samples: [] };
}

export const bodySensorLocation: GattCodec<BodySensorLocation> = {
  name: NAME,
  uuid: 0x2a38,
  service: HEART_RATE_SERVICE,
  property: 'read',
  decode,
  encode,
  report,
};
