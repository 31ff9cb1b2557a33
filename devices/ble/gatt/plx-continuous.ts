// PLX Continuous Measurement 0x2A5F (reference §4b): SpO2PR-Normal (SpO2, pulse rate: SFLOAT), then
// SpO2PR-Fast, SpO2PR-Slow, Measurement Status, Device and Sensor Status and Pulse Amplitude Index as the
// flags say. RFU flag bits are ignored.
//
// vigil's samples come from SpO2PR-Normal (the mandatory, standard-averaged pair): `spo2` and `hr`, both
// continuous. Fast and Slow are decoded for completeness but not reported, so one device is one stream.
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
import type { Ieee11073Number } from '../ieee11073.js';
import { decoded, type DecodeResult, type DeviceReport } from '../../types.js';

export interface PlxSpo2Pr {
  /** % */
  spo2: Ieee11073Number;
  /** beats per minute */
  pulseRate: Ieee11073Number;
}

export interface PlxContinuous extends PlxSpo2Pr {
  fast?: PlxSpo2Pr;
  slow?: PlxSpo2Pr;
  measurementStatus?: PlxMeasurementStatusBit[];
  deviceAndSensorStatus?: PlxDeviceStatusBit[];
  /** % */
  pulseAmplitudeIndex?: Ieee11073Number;
}

const NAME = 'plx-continuous';
const FAST = 0x01;
const SLOW = 0x02;
const MEASUREMENT_STATUS = 0x04;
const DEVICE_STATUS = 0x08;
const PULSE_AMPLITUDE_INDEX = 0x10;

function frameLength(flags: number): number {
  return (
    5 +
    ((flags & FAST) !== 0 ? 4 : 0) +
    ((flags & SLOW) !== 0 ? 4 : 0) +
    ((flags & MEASUREMENT_STATUS) !== 0 ? 2 : 0) +
    ((flags & DEVICE_STATUS) !== 0 ? 3 : 0) +
    ((flags & PULSE_AMPLITUDE_INDEX) !== 0 ? 2 : 0)
  );
}

function readPair(reader: FrameReader): PlxSpo2Pr {
  return { spo2: reader.sfloat(), pulseRate: reader.sfloat() };
}

function decode(view: DataView): DecodeResult<PlxContinuous> {
  const read = readFlags(view, NAME);
  if (!read.ok) return read;
  const flags = read.value;
  const bad = checkLength(view, frameLength(flags), NAME);
  if (bad) return bad;

  const reader = new FrameReader(view, 1);
  const value: PlxContinuous = readPair(reader);
  if ((flags & FAST) !== 0) value.fast = readPair(reader);
  if ((flags & SLOW) !== 0) value.slow = readPair(reader);
  if ((flags & MEASUREMENT_STATUS) !== 0) value.measurementStatus = measurementStatusFromWord(reader.uint16());
  if ((flags & DEVICE_STATUS) !== 0) value.deviceAndSensorStatus = deviceStatusFromWord(reader.uint24());
  if ((flags & PULSE_AMPLITUDE_INDEX) !== 0) value.pulseAmplitudeIndex = reader.sfloat();
  return decoded(value);
}

function encode(value: PlxContinuous): Uint8Array {
  const flags =
    (value.fast !== undefined ? FAST : 0) |
    (value.slow !== undefined ? SLOW : 0) |
    (value.measurementStatus !== undefined ? MEASUREMENT_STATUS : 0) |
    (value.deviceAndSensorStatus !== undefined ? DEVICE_STATUS : 0) |
    (value.pulseAmplitudeIndex !== undefined ? PULSE_AMPLITUDE_INDEX : 0);
  const writer = new FrameWriter(frameLength(flags)).uint8(flags).sfloat(value.spo2).sfloat(value.pulseRate);
  for (const pair of [value.fast, value.slow]) if (pair !== undefined) writer.sfloat(pair.spo2).sfloat(pair.pulseRate);
  if (value.measurementStatus !== undefined) writer.uint16(measurementStatusToWord(value.measurementStatus));
  if (value.deviceAndSensorStatus !== undefined) writer.uint24(deviceStatusToWord(value.deviceAndSensorStatus));
  if (value.pulseAmplitudeIndex !== undefined) writer.sfloat(value.pulseAmplitudeIndex);
  return writer.finish();
}

/** Every frame carries values that may be special, so it always lists its conditions (possibly none). */
function report(value: PlxContinuous): DeviceReport {
  const builder = new ReportBuilder()
    .measured('spo2', value.spo2, '%', 'continuous')
    .measured('hr', value.pulseRate, '/min', 'continuous');
  applyPlxStatus(builder, value.measurementStatus, value.deviceAndSensorStatus);
  return builder.build(true);
}

export const plxContinuous: GattCodec<PlxContinuous> = {
  name: NAME,
  uuid: 0x2a5f,
  service: PULSE_OXIMETER_SERVICE,
  property: 'notify',
  decode,
  encode,
  report,
};
