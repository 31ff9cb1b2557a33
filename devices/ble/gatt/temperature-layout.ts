// The layout Temperature Measurement 0x2A1C and Intermediate Temperature 0x2A1E share (reference §4.1):
// flags, FLOAT temperature, then Time Stamp and Temperature Type as the flags say. RFU flag bits are ignored.
import type { DateTime } from '../date-time.js';
import type { Ieee11073Number } from '../ieee11073.js';
import { checkLength, FrameReader, FrameWriter, readFlags } from './frame.js';
import { ReportBuilder } from './report-builder.js';
import { temperatureTypeCode, temperatureTypeFromCode, type TemperatureTypeName } from './temperature-type.js';
import type { SampleMode } from '../../../services/core/types.js';
import { decoded, type DecodeResult, type DeviceReport } from '../../types.js';

/** UCUM code of the temperature's unit; the core converts °F. */
export type TemperatureUnit = 'Cel' | '[degF]';

export interface TemperatureReading {
  temperature: Ieee11073Number;
  unit: TemperatureUnit;
  timestamp?: DateTime;
  /** absent: the Temperature Type characteristic (0x2A1D), if any, says where the probe is */
  temperatureType?: TemperatureTypeName;
}

const FAHRENHEIT = 0x01;
const TIME_STAMP = 0x02;
const TEMPERATURE_TYPE = 0x04;

function frameLength(flags: number): number {
  return 5 + ((flags & TIME_STAMP) !== 0 ? 7 : 0) + ((flags & TEMPERATURE_TYPE) !== 0 ? 1 : 0);
}

export function decodeTemperature(view: DataView, name: string): DecodeResult<TemperatureReading> {
  const read = readFlags(view, name);
  if (!read.ok) return read;
  const flags = read.value;
  const bad = checkLength(view, frameLength(flags), name);
  if (bad) return bad;

  const reader = new FrameReader(view, 1);
  const value: TemperatureReading = { temperature: reader.float(), unit: (flags & FAHRENHEIT) !== 0 ? '[degF]' : 'Cel' };
  if ((flags & TIME_STAMP) !== 0) {
    const timestamp = reader.dateTime();
    if (!timestamp.ok) return timestamp;
    value.timestamp = timestamp.value;
  }
  if ((flags & TEMPERATURE_TYPE) !== 0) {
    const type = temperatureTypeFromCode(reader.uint8(), name);
    if (!type.ok) return type;
    value.temperatureType = type.value;
  }
  return decoded(value);
}

export function encodeTemperature(value: TemperatureReading): Uint8Array {
  const flags =
    (value.unit === '[degF]' ? FAHRENHEIT : 0) |
    (value.timestamp !== undefined ? TIME_STAMP : 0) |
    (value.temperatureType !== undefined ? TEMPERATURE_TYPE : 0);
  const writer = new FrameWriter(frameLength(flags)).uint8(flags).float(value.temperature);
  if (value.timestamp !== undefined) writer.dateTime(value.timestamp);
  if (value.temperatureType !== undefined) writer.uint8(temperatureTypeCode(value.temperatureType));
  return writer.finish();
}

/** A temperature frame is complete in itself: it lists its conditions (only a special value makes one). */
export function reportTemperature(value: TemperatureReading, mode: SampleMode): DeviceReport {
  return new ReportBuilder().measured('temp', value.temperature, value.unit, mode).build(true);
}
