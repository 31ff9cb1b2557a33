// Intermediate Cuff Pressure 0x2A36 (reference §3.2): the Blood Pressure Measurement layout with the cuff's
// current pressure in place of systolic. Diastolic and MAP are unused; devices fill them with NaN (spec) or
// zeros (Nordic's tests), so the decoder ignores whatever they hold and the encoder writes NaN.
import {
  type BloodPressureStatus,
  cuffExtras,
  decodeBloodPressureLayout,
  encodeBloodPressureLayout,
  type PressureUnit,
  type UserId,
} from './blood-pressure-layout.js';
import type { GattCodec } from './codec.js';
import { BLOOD_PRESSURE_SERVICE } from './uuids.js';
import type { DateTime } from '../date-time.js';
import { type Ieee11073Number, special } from '../ieee11073.js';
import { decoded, type DecodeResult, type DeviceReport } from '../../types.js';

export interface IntermediateCuffPressure {
  cuffPressure: Ieee11073Number;
  unit: PressureUnit;
  timestamp?: DateTime;
  /** beats per minute */
  pulseRate?: Ieee11073Number;
  userId?: UserId;
  status?: BloodPressureStatus;
}

const NAME = 'intermediate-cuff-pressure';

function decode(view: DataView): DecodeResult<IntermediateCuffPressure> {
  const layout = decodeBloodPressureLayout(view, NAME);
  if (!layout.ok) return layout;
  return decoded({ cuffPressure: layout.value.pressures[0], unit: layout.value.unit, ...cuffExtras(layout.value) });
}

function encode(value: IntermediateCuffPressure): Uint8Array {
  const unused = special('nan');
  return encodeBloodPressureLayout({ unit: value.unit, pressures: [value.cuffPressure, unused, unused], ...cuffExtras(value) }, NAME);
}

/** The cuff inflating is progress, not a reading: no samples, no conditions. */
function report(): DeviceReport {
  return { samples: [] };
}

export const intermediateCuffPressure: GattCodec<IntermediateCuffPressure> = {
  name: NAME,
  uuid: 0x2a36,
  service: BLOOD_PRESSURE_SERVICE,
  property: 'notify',
  decode,
  encode,
  report,
};
