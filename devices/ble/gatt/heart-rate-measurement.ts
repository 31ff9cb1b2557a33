// Heart Rate Measurement 0x2A37 (reference §2.1): flags, HR uint8/uint16, optional Energy Expended (kJ) and
// RR intervals (1/1024 s, oldest first).
//
// Length rules: the RR flag with no RR bytes is invalid ('truncated': the flag promises at least one
// interval), as Nordic and BlueZ do. An odd byte after the RR intervals is rejected as 'length', as BlueZ
// does (Nordic and WebBluetoothCG drop it): a frame whose length disagrees with its own layout is probably
// misframed, and losing one frame of a ~1 Hz stream costs less than trusting a corrupted one.
// RFU flag bits 5–7 are ignored (a future field they announce would show up as a 'length' error).
import type { GattCodec } from './codec.js';
import { checkLength, FrameReader, FrameWriter, readFlags } from './frame.js';
import { ReportBuilder } from './report-builder.js';
import { HEART_RATE_SERVICE } from './uuids.js';
import { decoded, decodeError, type DecodeResult, type DeviceReport } from '../../types.js';

export type SensorContact = 'detected' | 'not-detected' | 'not-supported';

export interface HeartRateMeasurement {
  /** beats per minute */
  heartRate: number;
  /** the wire format the device used; kept so encoding reproduces the frame */
  heartRateFormat: 'uint8' | 'uint16';
  sensorContact: SensorContact;
  /** kilojoules since the last reset (present when the device sent it) */
  energyExpended?: number;
  /** seconds (raw / 1024), oldest first; present and non-empty when the device sent any */
  rrIntervals?: number[];
}

const NAME = 'heart-rate-measurement';
const HR_UINT16 = 0x01;
const CONTACT_DETECTED = 0x02;
const CONTACT_SUPPORTED = 0x04;
const ENERGY_EXPENDED = 0x08;
const RR_INTERVALS = 0x10;
const RR_RESOLUTION = 1024;

function sensorContact(flags: number): SensorContact {
  // bit 1 means nothing unless bit 2 says the feature is supported (flags 0x02 = "not supported")
  if ((flags & CONTACT_SUPPORTED) === 0) return 'not-supported';
  return (flags & CONTACT_DETECTED) !== 0 ? 'detected' : 'not-detected';
}

function decode(view: DataView): DecodeResult<HeartRateMeasurement> {
  const read = readFlags(view, NAME);
  if (!read.ok) return read;
  const flags = read.value;
  const uint16 = (flags & HR_UINT16) !== 0;
  const fixedLength = 1 + (uint16 ? 2 : 1) + ((flags & ENERGY_EXPENDED) !== 0 ? 2 : 0);
  let rrCount = 0;
  if ((flags & RR_INTERVALS) !== 0) {
    const rrBytes = view.byteLength - fixedLength;
    if (rrBytes < 2) return decodeError('truncated', `${NAME}: RR-interval flag set but no RR interval present`);
    if (rrBytes % 2 !== 0) return decodeError('length', `${NAME}: odd byte after the RR intervals`);
    rrCount = rrBytes / 2;
  } else {
    const bad = checkLength(view, fixedLength, NAME);
    if (bad) return bad;
  }

  const reader = new FrameReader(view, 1);
  const value: HeartRateMeasurement = {
    heartRate: uint16 ? reader.uint16() : reader.uint8(),
    heartRateFormat: uint16 ? 'uint16' : 'uint8',
    sensorContact: sensorContact(flags),
  };
  if ((flags & ENERGY_EXPENDED) !== 0) value.energyExpended = reader.uint16();
  if (rrCount > 0) value.rrIntervals = Array.from({ length: rrCount }, () => reader.uint16() / RR_RESOLUTION);
  return decoded(value);
}

const CONTACT_FLAGS: Record<SensorContact, number> = {
  'not-supported': 0,
  'not-detected': CONTACT_SUPPORTED,
  detected: CONTACT_SUPPORTED | CONTACT_DETECTED,
};

/** RR intervals are rounded to the 1/1024 s the wire carries; an empty RR list cannot be sent (RangeError). */
function encode(value: HeartRateMeasurement): Uint8Array {
  const uint16 = value.heartRateFormat === 'uint16';
  const rr = value.rrIntervals;
  if (rr !== undefined && rr.length === 0) throw new RangeError(`${NAME}: an RR-interval list cannot be empty`);
  const flags =
    (uint16 ? HR_UINT16 : 0) |
    CONTACT_FLAGS[value.sensorContact] |
    (value.energyExpended !== undefined ? ENERGY_EXPENDED : 0) |
    (rr !== undefined ? RR_INTERVALS : 0);
  const length = 1 + (uint16 ? 2 : 1) + (value.energyExpended !== undefined ? 2 : 0) + 2 * (rr?.length ?? 0);
  const writer = new FrameWriter(length).uint8(flags);
  if (uint16) writer.uint16(value.heartRate);
  else writer.uint8(value.heartRate);
  if (value.energyExpended !== undefined) writer.uint16(value.energyExpended);
  for (const seconds of rr ?? []) writer.uint16(Math.round(seconds * RR_RESOLUTION));
  return writer.finish();
}

/** Contact lost → no HR sample and 'sensor-off'; without contact detection the frame states no conditions. */
function report(value: HeartRateMeasurement): DeviceReport {
  const builder = new ReportBuilder();
  if (value.sensorContact === 'not-detected') return builder.condition('sensor-off').build(true);
  builder.sample('hr', value.heartRate, '/min', 'continuous');
  return builder.build(value.sensorContact === 'detected');
}

export const heartRateMeasurement: GattCodec<HeartRateMeasurement> = {
  name: NAME,
  uuid: 0x2a37,
  service: HEART_RATE_SERVICE,
  property: 'notify',
  decode,
  encode,
  report,
};
