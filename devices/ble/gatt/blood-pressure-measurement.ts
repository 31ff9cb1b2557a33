// Blood Pressure Measurement 0x2A35 (reference §3.1). Pressures stay in the device's unit (the core converts
// kPa) and keep special values visible: a failed cuff reading is 'measurement-unavailable', never 2047 mmHg.
//
// The cuff's pulse rate is decoded but not reported as an `hr` sample: it is one number per cuff cycle, not
// the continuous HR source the HR rules and the hr-stale timer are built around.
import {
  type BloodPressureStatus,
  cuffExtras,
  decodeBloodPressureLayout,
  encodeBloodPressureLayout,
  type PressureUnit,
  type UserId,
} from './blood-pressure-layout.js';
import type { GattCodec } from './codec.js';
import { ReportBuilder } from './report-builder.js';
import { BLOOD_PRESSURE_SERVICE } from './uuids.js';
import type { DateTime } from '../date-time.js';
import type { Ieee11073Number } from '../ieee11073.js';
import { decoded, type DecodeResult, type DeviceReport } from '../../types.js';

export interface BloodPressureMeasurement {
  systolic: Ieee11073Number;
  diastolic: Ieee11073Number;
  meanArterialPressure: Ieee11073Number;
  unit: PressureUnit;
  timestamp?: DateTime;
  /** beats per minute */
  pulseRate?: Ieee11073Number;
  userId?: UserId;
  status?: BloodPressureStatus;
}

const NAME = 'blood-pressure-measurement';

function decode(view: DataView): DecodeResult<BloodPressureMeasurement> {
  const layout = decodeBloodPressureLayout(view, NAME);
  if (!layout.ok) return layout;
  const [systolic, diastolic, meanArterialPressure] = layout.value.pressures;
  return decoded({ systolic, diastolic, meanArterialPressure, unit: layout.value.unit, ...cuffExtras(layout.value) });
}

function encode(value: BloodPressureMeasurement): Uint8Array {
  const pressures: [Ieee11073Number, Ieee11073Number, Ieee11073Number] = [
    value.systolic,
    value.diastolic,
    value.meanArterialPressure,
  ];
  return encodeBloodPressureLayout({ unit: value.unit, pressures, ...cuffExtras(value) }, NAME);
}

/** A cuff reading is complete in itself, so its report always lists its conditions (possibly none). */
function report(value: BloodPressureMeasurement): DeviceReport {
  const builder = new ReportBuilder()
    .measured('sbp', value.systolic, value.unit, 'spot')
    .measured('dbp', value.diastolic, value.unit, 'spot')
    .measured('map', value.meanArterialPressure, value.unit, 'spot');
  const status = value.status;
  if (status !== undefined) {
    if (status.bodyMovement || status.cuffTooLoose || status.improperPosition) builder.condition('cuff-problem');
    if (status.irregularPulse) builder.condition('irregular-pulse');
  }
  return builder.build(true);
}

export const bloodPressureMeasurement: GattCodec<BloodPressureMeasurement> = {
  name: NAME,
  uuid: 0x2a35,
  service: BLOOD_PRESSURE_SERVICE,
  property: 'indicate',
  decode,
  encode,
  report,
};
