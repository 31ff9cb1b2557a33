/// <reference types="web-bluetooth" />
// The boundary of the BLE adapter: the slice of Web Bluetooth it uses (so navigator.bluetooth, the
// `webbluetooth` package and a test fake all fit) and what it hands to its owner. No Node-only types here:
// the dashboard bundles this for the browser.
import type { DecodeError, DeviceReport } from '../types.js';
import type { BodySensorLocationName } from './gatt/body-sensor-location.js';
import type { GattCodec } from './gatt/codec.js';
import type { TemperatureTypeName } from './gatt/temperature-type.js';

/** The members of BluetoothRemoteGATTCharacteristic the adapter uses. */
export interface BleCharacteristicLike {
  /** lowercase 128-bit UUID, "00002a37-0000-1000-8000-00805f9b34fb" */
  readonly uuid: string;
  readonly properties: Readonly<Pick<BluetoothCharacteristicProperties, 'read' | 'notify' | 'indicate'>>;
  readonly value?: DataView | undefined;
  readValue(): Promise<DataView>;
  startNotifications(): Promise<unknown>;
  stopNotifications(): Promise<unknown>;
  addEventListener(type: 'characteristicvaluechanged', listener: (event: Event) => void): void;
  removeEventListener(type: 'characteristicvaluechanged', listener: (event: Event) => void): void;
}

/** The members of BluetoothRemoteGATTService the adapter uses. */
export interface BleServiceLike {
  readonly uuid: string;
  getCharacteristics(): Promise<BleCharacteristicLike[]>;
}

/** The members of BluetoothRemoteGATTServer the adapter uses. */
export interface BleServerLike {
  readonly connected: boolean;
  connect(): Promise<unknown>;
  disconnect(): void;
  getPrimaryServices(): Promise<BleServiceLike[]>;
}

/** The members of BluetoothDevice the adapter uses. */
export interface BleDeviceLike {
  readonly id: string;
  readonly name?: string | undefined;
  readonly gatt?: BleServerLike | undefined;
  addEventListener(type: 'gattserverdisconnected', listener: (event: Event) => void): void;
  removeEventListener(type: 'gattserverdisconnected', listener: (event: Event) => void): void;
}

/** The members of Bluetooth (navigator.bluetooth) the adapter uses. */
export interface BluetoothLike {
  requestDevice(options: RequestDeviceOptions): Promise<BleDeviceLike>;
  /** absent in some Node implementations; only needed to select a device by id */
  getDevices?(): Promise<BleDeviceLike[]>;
}

export type BleState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'closed';

export interface BleStateDetail {
  /** the device's advertised name, when it has one */
  name?: string;
  /** consecutive failed attempts so far (on 'reconnecting') */
  attempt?: number;
  /** wait before the next attempt, ms (on 'reconnecting') */
  delayMs?: number;
  /** what went wrong: the failed step's error message, or why the link went down */
  reason?: string;
}

/** The bytes a report or decode error came from, for the journal's raw frames and `vigil decode`. */
export interface BleRawFrame {
  /** kebab-case codec name: "heart-rate-measurement" */
  characteristic: string;
  /** 16-bit characteristic UUID: 0x2a37 */
  uuid: number;
  /** a copy: the browser may reuse the DataView's buffer */
  bytes: Uint8Array;
  /**
   * Where the thermometer probe sits, on thermometer frames: the frame's own Temperature Type field when it
   * carries one, else the Temperature Type characteristic (0x2A1D) read at connect (what BlueZ does).
   */
  temperatureType?: TemperatureTypeName;
  /** Body Sensor Location (0x2A38) read at connect, on heart-rate frames */
  bodySensorLocation?: BodySensorLocationName;
}

/** Where the adapter delivers. `t` is always from the injected clock, ms since the epoch. */
export interface BleSink {
  report(deviceId: string, t: number, report: DeviceReport, raw: BleRawFrame): void;
  state(deviceId: string, t: number, state: BleState, detail?: BleStateDetail): void;
  decodeError(deviceId: string, t: number, characteristic: string, error: DecodeError, bytes: Uint8Array): void;
}

export interface BackoffOptions {
  /** wait before the first reconnect attempt */
  initialMs: number;
  /** no wait is longer than this */
  maxMs: number;
  /** each failed attempt multiplies the wait by this */
  factor: number;
  /** 0..1: each wait is shortened by up to this fraction at random, so many sensors don't retry in step */
  jitter: number;
}

/** Which device to use. */
export type BleDeviceSelector =
  /** one this origin already has permission for (bluetooth.getDevices()) */
  | { deviceId: string }
  /** one the caller already obtained */
  | { device: BleDeviceLike }
  /** ask: requestDevice (in a browser this must run inside a user gesture, e.g. a click handler) */
  | { filters: BluetoothLEScanFilter[]; optionalServices?: BluetoothServiceUUID[] };

export interface BleSensorOptions {
  sink: BleSink;
  /** default: requestDevice for any device offering heart rate, blood pressure, thermometer or pulse oximeter */
  select?: BleDeviceSelector;
  /** the device id given to the sink; default: the Web Bluetooth device id */
  label?: string;
  /** ms since the epoch; default Date.now */
  clock?: () => number;
  /** default 500 ms → ×2 → 30 s, jitter 0.2 */
  backoff?: Partial<BackoffOptions>;
  /** 0 ≤ x < 1, for jitter; default Math.random */
  random?: () => number;
  /**
   * Re-read Battery Level this often when the characteristic cannot notify, so a battery that runs down
   * during an 8-hour session still raises low-battery; default 300 000 (5 min), 0 = read at connect only.
   */
  batteryPollMs?: number;
  /** characteristic UUID (128-bit string) → codec; default the GATT registry */
  findCodec?: (uuid: string) => GattCodec<unknown> | undefined;
}
