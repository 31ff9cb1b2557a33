// The status fields of the Pulse Oximeter Service (reference §4b): Measurement Status (uint16) and Device
// and Sensor Status (uint24), decoded as the names of the bits set (in bit order; RFU bits are ignored), and
// how those bits read in vigil's terms.
import type { ReportBuilder } from './report-builder.js';
import type { SensorCondition } from '../../types.js';

/** Bit n+5 of Measurement Status (bits 0–4 are RFU). */
export const PLX_MEASUREMENT_STATUS_BITS = [
  'measurement-ongoing',
  'early-estimated-data',
  'validated-data',
  'fully-qualified-data',
  'data-from-measurement-storage',
  'data-for-demonstration',
  'data-for-testing',
  'calibration-ongoing',
  'measurement-unavailable',
  'questionable-measurement-detected',
  'invalid-measurement-detected',
] as const;
export type PlxMeasurementStatusBit = (typeof PLX_MEASUREMENT_STATUS_BITS)[number];
const MEASUREMENT_STATUS_FIRST_BIT = 5;

/** Bit n of Device and Sensor Status (bits 16–23 are RFU). */
export const PLX_DEVICE_STATUS_BITS = [
  'extended-display-update-ongoing',
  'equipment-malfunction-detected',
  'signal-processing-irregularity-detected',
  'inadequate-signal-detected',
  'poor-signal-detected',
  'low-perfusion-detected',
  'erratic-signal-detected',
  'non-pulsatile-signal-detected',
  'questionable-pulse-detected',
  'signal-analysis-ongoing',
  'sensor-interference-detected',
  'sensor-unconnected-to-user',
  'unknown-sensor-connected',
  'sensor-displaced',
  'sensor-malfunctioning',
  'sensor-disconnected',
] as const;
export type PlxDeviceStatusBit = (typeof PLX_DEVICE_STATUS_BITS)[number];

function bitNames<N extends string>(names: readonly N[], word: number, firstBit: number): N[] {
  return names.filter((_, i) => (word & (1 << (i + firstBit))) !== 0);
}

function bitWord<N extends string>(names: readonly N[], set: readonly N[], firstBit: number): number {
  let word = 0;
  for (const name of set) {
    const i = names.indexOf(name);
    if (i < 0) throw new RangeError(`unknown status bit ${String(name)}`);
    word |= 1 << (i + firstBit);
  }
  return word >>> 0;
}

export const measurementStatusFromWord = (word: number): PlxMeasurementStatusBit[] =>
  bitNames(PLX_MEASUREMENT_STATUS_BITS, word, MEASUREMENT_STATUS_FIRST_BIT);
export const measurementStatusToWord = (bits: readonly PlxMeasurementStatusBit[]): number =>
  bitWord(PLX_MEASUREMENT_STATUS_BITS, bits, MEASUREMENT_STATUS_FIRST_BIT);
export const deviceStatusFromWord = (word: number): PlxDeviceStatusBit[] => bitNames(PLX_DEVICE_STATUS_BITS, word, 0);
export const deviceStatusToWord = (bits: readonly PlxDeviceStatusBit[]): number => bitWord(PLX_DEVICE_STATUS_BITS, bits, 0);

/** Device and sensor bits that are technical conditions; the rest (display update) mean nothing here. */
const DEVICE_CONDITIONS: Partial<Record<PlxDeviceStatusBit, SensorCondition>> = {
  'equipment-malfunction-detected': 'sensor-fault',
  'sensor-malfunctioning': 'sensor-fault',
  'unknown-sensor-connected': 'sensor-fault',
  'signal-processing-irregularity-detected': 'artifact',
  'questionable-pulse-detected': 'artifact',
  'inadequate-signal-detected': 'poor-signal',
  'poor-signal-detected': 'poor-signal',
  'erratic-signal-detected': 'poor-signal',
  'non-pulsatile-signal-detected': 'poor-signal',
  'sensor-interference-detected': 'poor-signal',
  'low-perfusion-detected': 'low-perfusion',
  'signal-analysis-ongoing': 'pulse-search',
  'sensor-unconnected-to-user': 'sensor-off',
  'sensor-displaced': 'sensor-off',
  // the sensor is unplugged from the oximeter: devices/types.ts calls that 'no-sensor', not 'sensor-off'
  'sensor-disconnected': 'no-sensor',
};

const MEASUREMENT_CONDITIONS: Partial<Record<PlxMeasurementStatusBit, SensorCondition>> = {
  'measurement-unavailable': 'measurement-unavailable',
  'questionable-measurement-detected': 'measurement-unavailable',
  'invalid-measurement-detected': 'measurement-unavailable',
};

/**
 * Values that must not reach the core as current patient data. Measurement bits: unavailable or invalid
 * measurements, demonstration and test data (a demo mode's 98 % is not the patient's), and replayed stored
 * data (the adapter would stamp it with the receive time). Device bits: a sensor off the patient, unplugged
 * or broken reads nothing of the patient, whatever number the device still shows (as HR without contact).
 * Poor signal, low perfusion and questionable values still count, with their condition beside them.
 */
const WITHHOLD_MEASUREMENT: ReadonlySet<PlxMeasurementStatusBit> = new Set<PlxMeasurementStatusBit>([
  'measurement-unavailable',
  'invalid-measurement-detected',
  'data-for-demonstration',
  'data-for-testing',
  'data-from-measurement-storage',
]);
const WITHHOLD_CONDITION: ReadonlySet<SensorCondition> = new Set<SensorCondition>(['sensor-off', 'no-sensor', 'sensor-fault']);

export function applyPlxStatus(
  builder: ReportBuilder,
  measurement: readonly PlxMeasurementStatusBit[] | undefined,
  device: readonly PlxDeviceStatusBit[] | undefined,
): void {
  for (const bit of measurement ?? []) {
    const condition = MEASUREMENT_CONDITIONS[bit];
    if (condition !== undefined) builder.condition(condition);
    if (WITHHOLD_MEASUREMENT.has(bit)) builder.withholdSamples();
  }
  for (const bit of device ?? []) {
    const condition = DEVICE_CONDITIONS[bit];
    if (condition === undefined) continue;
    builder.condition(condition);
    if (WITHHOLD_CONDITION.has(condition)) builder.withholdSamples();
  }
}
