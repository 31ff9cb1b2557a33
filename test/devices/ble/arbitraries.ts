// fast-check arbitraries producing valid measurement values for every GATT codec: the round-trip properties
// and the fuzz test's seed frames come from here.
import fc from 'fast-check';
import { type DateTime, dateTime, type DateTimeFields } from '../../../devices/ble/date-time.js';
import { floatFromWord, type Ieee11073Number, sfloatFromWord } from '../../../devices/ble/ieee11073.js';
import type { BatteryLevel } from '../../../devices/ble/gatt/battery-level.js';
import type { BloodPressureStatus, UserId } from '../../../devices/ble/gatt/blood-pressure-layout.js';
import type { BloodPressureMeasurement } from '../../../devices/ble/gatt/blood-pressure-measurement.js';
import { BODY_SENSOR_LOCATIONS, type BodySensorLocation } from '../../../devices/ble/gatt/body-sensor-location.js';
import type { GattCodec } from '../../../devices/ble/gatt/codec.js';
import type { HeartRateMeasurement } from '../../../devices/ble/gatt/heart-rate-measurement.js';
import type { IntermediateCuffPressure } from '../../../devices/ble/gatt/intermediate-cuff-pressure.js';
import type { PlxContinuous, PlxSpo2Pr } from '../../../devices/ble/gatt/plx-continuous.js';
import type { PlxSpotCheck } from '../../../devices/ble/gatt/plx-spot-check.js';
import { PLX_DEVICE_STATUS_BITS, PLX_MEASUREMENT_STATUS_BITS } from '../../../devices/ble/gatt/plx-status.js';
import type { TemperatureReading } from '../../../devices/ble/gatt/temperature-layout.js';
import { TEMPERATURE_TYPES, type TemperatureType } from '../../../devices/ble/gatt/temperature-type.js';
import { batteryLevel } from '../../../devices/ble/gatt/battery-level.js';
import { bloodPressureMeasurement } from '../../../devices/ble/gatt/blood-pressure-measurement.js';
import { bodySensorLocation } from '../../../devices/ble/gatt/body-sensor-location.js';
import { heartRateMeasurement } from '../../../devices/ble/gatt/heart-rate-measurement.js';
import { intermediateCuffPressure } from '../../../devices/ble/gatt/intermediate-cuff-pressure.js';
import { intermediateTemperature } from '../../../devices/ble/gatt/intermediate-temperature.js';
import { plxContinuous } from '../../../devices/ble/gatt/plx-continuous.js';
import { plxSpotCheck } from '../../../devices/ble/gatt/plx-spot-check.js';
import { temperatureMeasurement } from '../../../devices/ble/gatt/temperature-measurement.js';
import { temperatureType } from '../../../devices/ble/gatt/temperature-type.js';

const SPECIAL_SFLOAT_WORDS = [0x07ff, 0x0800, 0x07fe, 0x0802, 0x0801];
const SPECIAL_FLOAT_WORDS = [0x007fffff, 0x00800000, 0x007ffffe, 0x00800002, 0x00800001];

/** Any SFLOAT, with the special words far more often than 5 in 65536. */
export const sfloatArb: fc.Arbitrary<Ieee11073Number> = fc
  .oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffff }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_SFLOAT_WORDS) })
  .map(sfloatFromWord);

export const floatArb: fc.Arbitrary<Ieee11073Number> = fc
  .oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_FLOAT_WORDS) })
  .map(floatFromWord);

function isValidDate(f: DateTimeFields): boolean {
  try {
    dateTime(f);
    return true;
  } catch {
    return false;
  }
}

export const dateTimeArb: fc.Arbitrary<DateTime> = fc
  .record({
    year: fc.option(fc.integer({ min: 1582, max: 9999 }), { nil: undefined }),
    month: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    day: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }),
    hours: fc.integer({ min: 0, max: 23 }),
    minutes: fc.integer({ min: 0, max: 59 }),
    seconds: fc.integer({ min: 0, max: 59 }),
  })
  .filter(isValidDate)
  .map(dateTime);

export const heartRateArb: fc.Arbitrary<HeartRateMeasurement> = fc
  .record(
    {
      heartRateFormat: fc.constantFrom('uint8' as const, 'uint16' as const),
      heartRate: fc.integer({ min: 0, max: 0xffff }),
      sensorContact: fc.constantFrom('detected' as const, 'not-detected' as const, 'not-supported' as const),
      energyExpended: fc.integer({ min: 0, max: 0xffff }),
      rrIntervals: fc.array(fc.integer({ min: 0, max: 0xffff }).map((raw) => raw / 1024), { minLength: 1, maxLength: 9 }),
    },
    { requiredKeys: ['heartRateFormat', 'heartRate', 'sensorContact'] },
  )
  .map((v) => (v.heartRateFormat === 'uint8' ? { ...v, heartRate: v.heartRate & 0xff } : v));

export const bodySensorLocationArb: fc.Arbitrary<BodySensorLocation> = fc.record({ location: fc.constantFrom(...BODY_SENSOR_LOCATIONS) });

const userIdArb: fc.Arbitrary<UserId> = fc.oneof(fc.integer({ min: 0, max: 254 }), fc.constant('unknown' as const));

export const bpStatusArb: fc.Arbitrary<BloodPressureStatus> = fc.record({
  bodyMovement: fc.boolean(),
  cuffTooLoose: fc.boolean(),
  irregularPulse: fc.boolean(),
  pulseRateRange: fc.constantFrom('in-range' as const, 'above-upper-limit' as const, 'below-lower-limit' as const),
  improperPosition: fc.boolean(),
});

const cuffTail = {
  unit: fc.constantFrom('mm[Hg]' as const, 'kPa' as const),
  timestamp: dateTimeArb,
  pulseRate: sfloatArb,
  userId: userIdArb,
  status: bpStatusArb,
};

export const bloodPressureArb: fc.Arbitrary<BloodPressureMeasurement> = fc.record(
  { systolic: sfloatArb, diastolic: sfloatArb, meanArterialPressure: sfloatArb, ...cuffTail },
  { requiredKeys: ['systolic', 'diastolic', 'meanArterialPressure', 'unit'] },
);

export const cuffPressureArb: fc.Arbitrary<IntermediateCuffPressure> = fc.record(
  { cuffPressure: sfloatArb, ...cuffTail },
  { requiredKeys: ['cuffPressure', 'unit'] },
);

export const temperatureArb: fc.Arbitrary<TemperatureReading> = fc.record(
  {
    temperature: floatArb,
    unit: fc.constantFrom('Cel' as const, '[degF]' as const),
    timestamp: dateTimeArb,
    temperatureType: fc.constantFrom(...TEMPERATURE_TYPES),
  },
  { requiredKeys: ['temperature', 'unit'] },
);

export const temperatureTypeArb: fc.Arbitrary<TemperatureType> = fc.record({ temperatureType: fc.constantFrom(...TEMPERATURE_TYPES) });

const measurementStatusArb = fc.subarray([...PLX_MEASUREMENT_STATUS_BITS]);
const deviceStatusArb = fc.subarray([...PLX_DEVICE_STATUS_BITS]);
const pairArb: fc.Arbitrary<PlxSpo2Pr> = fc.record({ spo2: sfloatArb, pulseRate: sfloatArb });

export const plxSpotCheckArb: fc.Arbitrary<PlxSpotCheck> = fc.record(
  {
    spo2: sfloatArb,
    pulseRate: sfloatArb,
    timestamp: dateTimeArb,
    measurementStatus: measurementStatusArb,
    deviceAndSensorStatus: deviceStatusArb,
    pulseAmplitudeIndex: sfloatArb,
    deviceClockNotSet: fc.boolean(),
  },
  { requiredKeys: ['spo2', 'pulseRate', 'deviceClockNotSet'] },
);

export const plxContinuousArb: fc.Arbitrary<PlxContinuous> = fc.record(
  {
    spo2: sfloatArb,
    pulseRate: sfloatArb,
    fast: pairArb,
    slow: pairArb,
    measurementStatus: measurementStatusArb,
    deviceAndSensorStatus: deviceStatusArb,
    pulseAmplitudeIndex: sfloatArb,
  },
  { requiredKeys: ['spo2', 'pulseRate'] },
);

export const batteryLevelArb: fc.Arbitrary<BatteryLevel> = fc.record({ level: fc.integer({ min: 0, max: 100 }) });

/** A codec with the arbitrary of its values; the type ties them together, the list erases it. */
export interface CodecCase {
  codec: GattCodec<unknown>;
  values: fc.Arbitrary<unknown>;
}

function codecCase<T>(codec: GattCodec<T>, values: fc.Arbitrary<T>): CodecCase {
  return { codec, values };
}

export const CODEC_CASES: readonly CodecCase[] = [
  codecCase(heartRateMeasurement, heartRateArb),
  codecCase(bodySensorLocation, bodySensorLocationArb),
  codecCase(bloodPressureMeasurement, bloodPressureArb),
  codecCase(intermediateCuffPressure, cuffPressureArb),
  codecCase(temperatureMeasurement, temperatureArb),
  codecCase(temperatureType, temperatureTypeArb),
  codecCase(intermediateTemperature, temperatureArb),
  codecCase(plxSpotCheck, plxSpotCheckArb),
  codecCase(plxContinuous, plxContinuousArb),
  codecCase(batteryLevel, batteryLevelArb),
];
