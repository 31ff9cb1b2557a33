// Battery Level 0x2A19 (Battery Service 0x180F): one uint8, 0–100 %. Above 100 is a 'range' error.
import type { GattCodec } from './codec.js';
import { checkLength, FrameWriter } from './frame.js';
import { BATTERY_SERVICE } from './uuids.js';
import { decoded, decodeError, type DecodeResult, type DeviceReport } from '../../types.js';

export interface BatteryLevel {
  /** % */
  level: number;
}

const NAME = 'battery-level';
const MAX_LEVEL = 100;

function decode(view: DataView): DecodeResult<BatteryLevel> {
  const bad = checkLength(view, 1, NAME);
  if (bad) return bad;
  const level = view.getUint8(0);
  if (level > MAX_LEVEL) return decodeError('range', `${NAME}: ${level} % is above 100 %`);
  return decoded({ level });
}

/** RangeError for a level outside 0–100 (the decoder would reject it). */
function encode(value: BatteryLevel): Uint8Array {
  if (value.level > MAX_LEVEL) throw new RangeError(`${NAME}: ${value.level} % is above 100 %`);
  return new FrameWriter(1).uint8(value.level).finish();
}

function report(value: BatteryLevel): DeviceReport {
  return { samples: [], battery: value.level };
}

export const batteryLevel: GattCodec<BatteryLevel> = {
  name: NAME,
  uuid: 0x2a19,
  service: BATTERY_SERVICE,
  // Battery Level is read, with optional notifications; reading it is what every server supports
  property: 'read',
  decode,
  encode,
  report,
};
