// 16-bit SIG UUIDs of the services vigil reads, and their 128-bit form (Bluetooth Base UUID) for APIs that
// want it. Numeric aliases avoid Web Bluetooth name-table drift (reference §1: 0x2A36's name differs by table).

export const HEART_RATE_SERVICE = 0x180d;
export const BLOOD_PRESSURE_SERVICE = 0x1810;
export const HEALTH_THERMOMETER_SERVICE = 0x1809;
export const PULSE_OXIMETER_SERVICE = 0x1822;
export const BATTERY_SERVICE = 0x180f;

/** Every service a GATT codec belongs to. */
export const GATT_SERVICES = [
  HEART_RATE_SERVICE,
  BLOOD_PRESSURE_SERVICE,
  HEALTH_THERMOMETER_SERVICE,
  PULSE_OXIMETER_SERVICE,
  BATTERY_SERVICE,
] as const;

const BASE_UUID_SUFFIX = '-0000-1000-8000-00805f9b34fb';

/** "00002a37-0000-1000-8000-00805f9b34fb" for 0x2a37 (what BluetoothUUID.canonicalUUID returns). */
export function uuid128(uuid16: number): string {
  if (!Number.isInteger(uuid16) || uuid16 < 0 || uuid16 > 0xffff) throw new RangeError(`${uuid16} is not a 16-bit UUID`);
  return `0000${uuid16.toString(16).padStart(4, '0')}${BASE_UUID_SUFFIX}`;
}

/** The 16-bit UUID in "2a37", "0x2a37", "2A37" or full Base-UUID form, or undefined for anything else. */
export function parseUuid16(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const short = /^(?:0x)?([0-9a-f]{4})$/.exec(t);
  const long = /^0000([0-9a-f]{4})-0000-1000-8000-00805f9b34fb$/.exec(t);
  const hex = short?.[1] ?? long?.[1];
  return hex === undefined ? undefined : Number.parseInt(hex, 16);
}
