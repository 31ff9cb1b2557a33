// Temperature Type 0x2A1D (reference §4.2): one uint8, 1–9 as ISO/IEEE 11073-10408 defines them. 0 and
// 10–255 are RFU and rejected as 'reserved' (BlueZ rejects 0 too); the same rule applies to the optional
// Temperature Type field inside a temperature measurement.
import type { GattCodec } from './codec.js';
import { checkLength, FrameWriter } from './frame.js';
import { HEALTH_THERMOMETER_SERVICE } from './uuids.js';
import { decoded, decodeError, type DecodeResult, type DeviceReport } from '../../types.js';

/** Index + 1 is the wire value. */
export const TEMPERATURE_TYPES = [
  'armpit',
  'body',
  'ear',
  'finger',
  'gastro-intestinal-tract',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
] as const;
export type TemperatureTypeName = (typeof TEMPERATURE_TYPES)[number];

export interface TemperatureType {
  temperatureType: TemperatureTypeName;
}

const NAME = 'temperature-type';

export function temperatureTypeFromCode(code: number, name: string): DecodeResult<TemperatureTypeName> {
  const type: TemperatureTypeName | undefined = TEMPERATURE_TYPES[code - 1];
  if (type === undefined) return decodeError('reserved', `${name}: temperature type ${code} is reserved for future use`);
  return decoded(type);
}

/** The wire value; RangeError for a name that is not a temperature type. */
export function temperatureTypeCode(type: TemperatureTypeName): number {
  const index = TEMPERATURE_TYPES.indexOf(type);
  if (index < 0) throw new RangeError(`unknown temperature type ${String(type)}`);
  return index + 1;
}

function decode(view: DataView): DecodeResult<TemperatureType> {
  const bad = checkLength(view, 1, NAME);
  if (bad) return bad;
  const type = temperatureTypeFromCode(view.getUint8(0), NAME);
  return type.ok ? decoded({ temperatureType: type.value }) : type;
}

function encode(value: TemperatureType): Uint8Array {
  return new FrameWriter(1).uint8(temperatureTypeCode(value.temperatureType)).finish();
}

/** Where the probe sits is context, not a vital: nothing for the core. */
function report(): DeviceReport {
  return { samples: [] };
}

export const temperatureType: GattCodec<TemperatureType> = {
  name: NAME,
  uuid: 0x2a1d,
  service: HEALTH_THERMOMETER_SERVICE,
  property: 'read',
  decode,
  encode,
  report,
};
