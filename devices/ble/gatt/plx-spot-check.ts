// PLX Spot-Check Measurement 0x2A5E (reference §4b): SpO2 and pulse rate (SFLOAT), then Time Stamp,
// Measurement Status, Device and Sensor Status and Pulse Amplitude Index as the flags say. Flag bit 4 (device
// clock not set) adds no field. RFU flag bits are ignored.
//
// Reported as an `spo2` spot sample only: like a cuff's pulse rate, a spot-check's pulse rate is one number
// now and then, not the continuous HR source the HR rules and the hr-stale timer expect, so it is decoded but
// not sent to the core.
import type { GattCodec } from './codec.js';
import { checkLength, FrameReader, FrameWriter, readFlags } from './frame.js';
import {
  applyPlxStatus,
  deviceStatusFromWord,
  deviceStatusToWord,
  measurementStatusFromWord,
  measurementStatusToWord,
  type PlxDeviceStatusBit,
  type PlxMeasurementStatusBit,
} from './plx-status.js';
import { ReportBuilder } from './report-builder.js';
import { PULSE_OXIMETER_SERVICE } from './uuids.js';
import type { DateTime } from '../date-time.js';
import type { Ieee11073Number } from '../ieee11073.js';
import { decoded, type DecodeResult, type DeviceReport } from '../../types.js';

export interface PlxSpotCheck {
  /** % */
  spo2: Ieee11073Number;
  /** beats per minute */
  pulseRate: Ieee11073Number;
  timestamp?: DateTime;
  measurementStatus?: PlxMeasurementStatusBit[];
  deviceAndSensorStatus?: PlxDeviceStatusBit[];
  /** % */
  pulseAmplitudeIndex?: Ieee11073Number;
  /** flag bit 4: the device's clock is not set, so a time stamp means little */
  deviceClockNotSet: boolean;
}

const NAME = 'plx-spot-check';
const TIME_STAMP = 0x01;
const MEASUREMENT_STATUS = 0x02;
const DEVICE_STATUS = 0x04;
const PULSE_AMPLITUDE_INDEX = 0x08;
const CLOCK_NOT_SET = 0x10;

function frameLength(flags: number): number {
  return (
    5 +
    ((flags & TIME_STAMP) !== 0 ? 7 : 0) +
    ((flags & MEASUREMENT_STATUS) !== 0 ? 2 : 0) +
    ((flags & DEVICE_STATUS) !== 0 ? 3 : 0) +
    ((flags & PULSE_AMPLITUDE_INDEX) !== 0 ? 2 : 0)
  );
}

function decode(view: DataView): DecodeResult<PlxSpotCheck> {
  const read = readFlags(view, NAME);
  if (!read.ok) return read;
  const flags = read.value;
  const bad = checkLength(view, frameLength(flags), NAME);
  if (bad) return bad;

  const reader = new FrameReader(view, 1);
  const value: PlxSpotCheck = {
    spo2: reader.sfloat(),
    pulseRate: reader.sfloat(),
    deviceClockNotSet: (flags & CLOCK_NOT_SET) !== 0,
  };
  if ((flags & TIME_STAMP) !== 0) {
    const timestamp = reader.dateTime();
    if (!timestamp.ok) return timestamp;
    value.timestamp = timestamp.value;
  }
  if ((flags & MEASUREMENT_STATUS) !== 0) value.measurementStatus = measurementStatusFromWord(reader.uint16());
  if ((flags & DEVICE_STATUS) !== 0) value.deviceAndSensorStatus = deviceStatusFromWord(reader.uint24());
  if ((flags & PULSE_AMPLITUDE_INDEX) !== 0) value.pulseAmplitudeIndex = reader.sfloat();
  return decoded(value);
}

function encode(value: PlxSpotCheck): Uint8Array {
  const flags =
    (value.timestamp !== undefined ? TIME_STAMP : 0) |
    (value.measurementStatus !== undefined ? MEASUREMENT_STATUS : 0) |
    (value.deviceAndSensorStatus !== undefined ? DEVICE_STATUS : 0) |
    (value.pulseAmplitudeIndex !== undefined ? PULSE_AMPLITUDE_INDEX : 0) |
    (value.deviceClockNotSet ? CLOCK_NOT_SET : 0);
  const writer = new FrameWriter(frameLength(flags)).uint8(flags).sfloat(value.spo2).sfloat(value.pulseRate);
  if (value.timestamp !== undefined) writer.dateTime(value.timestamp);
  if (value.measurementStatus !== undefined) writer.uint16(measurementStatusToWord(value.measurementStatus));
  if (value.deviceAndSensorStatus !== undefined) writer.uint24(deviceStatusToWord(value.deviceAndSensorStatus));
  if (value.pulseAmplitudeIndex !== undefined) writer.sfloat(value.pulseAmplitudeIndex);
  return writer.finish();
}

/** A spot reading is complete in itself: its report always lists its conditions (possibly none). */
function report(value: PlxSpotCheck): DeviceReport {
  const builder = new ReportBuilder().measured('spo2', value.spo2, '%', 'spot');
  applyPlxStatus(builder, value.measurementStatus, value.deviceAndSensorStatus);
  return builder.build(true);
}

export const plxSpotCheck: GattCodec<PlxSpotCheck> = {
  name: NAME,
  uuid: 0x2a5e,
  service: PULSE_OXIMETER_SERVICE,
  property: 'indicate',
  decode,
  encode,
  report,
};
