/// <reference types="web-bluetooth" />
// A BLE sensor on the Web Bluetooth API: connect, subscribe to every characteristic vigil has a codec for,
// turn each value into a report for the sink, and keep the link up (reconnect with backoff, resubscribe)
// until close(). Only standard APIs (setTimeout, DataView, EventTarget listeners) so the same module runs in
// the browser on navigator.bluetooth and in Node on the `webbluetooth` package (see node-bluetooth.ts).
//
// States the sink sees: 'connecting' when an attempt starts, then 'connected', or 'reconnecting' {attempt,
// delayMs, reason} when it failed and the next one is scheduled. A live link that drops gives 'disconnected'
// at once, then 'reconnecting'. close() gives 'closed', and nothing follows it. Only 'connected' means data
// can flow. Values read at connect (Body Sensor Location, Temperature Type, Battery Level) are reported right
// after 'connected'; Temperature Type and Body Sensor Location also annotate later raw frames (adapter-context).
import { backoffDelay, resolveBackoff } from './adapter-backoff.js';
import { SiteContext } from './adapter-context.js';
import { copyBytes, decodeFrame } from './adapter-frame.js';
import type {
  BackoffOptions,
  BleCharacteristicLike,
  BleDeviceLike,
  BleDeviceSelector,
  BleSensorOptions,
  BleServerLike,
  BleServiceLike,
  BleSink,
  BleState,
  BleStateDetail,
  BluetoothLike,
} from './adapter-types.js';
import type { GattCodec } from './gatt/codec.js';
import { findGattCodec } from './gatt/registry.js';
import {
  BATTERY_SERVICE,
  BLOOD_PRESSURE_SERVICE,
  HEALTH_THERMOMETER_SERVICE,
  HEART_RATE_SERVICE,
  PULSE_OXIMETER_SERVICE,
} from './gatt/uuids.js';

export type * from './adapter-types.js';

/** Any device offering one of the measurement services; battery is read when the device has it. */
export const DEFAULT_SELECTOR: BleDeviceSelector = {
  filters: [HEART_RATE_SERVICE, BLOOD_PRESSURE_SERVICE, HEALTH_THERMOMETER_SERVICE, PULSE_OXIMETER_SERVICE].map(
    (service) => ({ services: [service] }),
  ),
  // Web Bluetooth only exposes services named in the filters or here; list them all so a device matched by
  // one service still shows the others it has.
  optionalServices: [HEART_RATE_SERVICE, BLOOD_PRESSURE_SERVICE, HEALTH_THERMOMETER_SERVICE, PULSE_OXIMETER_SERVICE, BATTERY_SERVICE],
};

export const DEFAULT_BATTERY_POLL_MS = 300_000;

const BATTERY_LEVEL = 0x2a19;

/** close() waits this long at most for the peripheral to confirm stopNotifications (GATT timeouts are ~30 s). */
const STOP_NOTIFICATIONS_TIMEOUT_MS = 1000;

type Timer = ReturnType<typeof setTimeout>;

interface Found {
  characteristic: BleCharacteristicLike;
  codec: GattCodec<unknown>;
}

/** What one GATT connection holds, released as a whole when it ends. */
interface Link {
  server: BleServerLike;
  subscriptions: { characteristic: BleCharacteristicLike; listener: (event: Event) => void }[];
  batteryTimer?: Timer;
}

/** Thrown inside an attempt that close() or a disconnect has made stale; never leaves the class. */
class Superseded extends Error {}

export class BleSensor {
  readonly #bluetooth: BluetoothLike;
  readonly #sink: BleSink;
  readonly #select: BleDeviceSelector;
  readonly #label: string | undefined;
  readonly #clock: () => number;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #batteryPollMs: number;
  readonly #findCodec: (uuid: string) => GattCodec<unknown> | undefined;
  /** Temperature Type and Body Sensor Location read at connect; kept across reconnects. */
  readonly #context = new SiteContext();

  #state: BleState | 'idle' = 'idle';
  #opened = false;
  #device: BleDeviceLike | undefined;
  #link: Link | undefined;
  /** Bumped whenever the running attempt or live link becomes stale (disconnect, close). */
  #generation = 0;
  /** Attempts since the link was last up; sets the backoff. */
  #retries = 0;
  #retryTimer: Timer | undefined;

  constructor(bluetooth: BluetoothLike, options: BleSensorOptions) {
    this.#bluetooth = bluetooth;
    this.#sink = options.sink;
    this.#select = options.select ?? DEFAULT_SELECTOR;
    this.#label = options.label;
    this.#clock = options.clock ?? Date.now;
    this.#backoff = resolveBackoff(options.backoff);
    this.#random = options.random ?? Math.random;
    this.#batteryPollMs = options.batteryPollMs ?? DEFAULT_BATTERY_POLL_MS;
    this.#findCodec = options.findCodec ?? findGattCodec;
  }

  /** 'idle' before open(). */
  get state(): BleState | 'idle' {
    return this.#state;
  }

  /** The id the sink sees: the label, else the Web Bluetooth device id once a device is chosen. */
  get deviceId(): string | undefined {
    return this.#label ?? this.#device?.id;
  }

  /**
   * Chooses the device (rejects if that fails: chooser cancelled, unknown id) and makes the first connection
   * attempt. Resolves once that attempt has settled; if it failed, retries continue in the background.
   */
  async open(): Promise<void> {
    if (this.#opened || this.#state === 'closed') {
      throw new Error('BleSensor.open: already opened or closed (make a new BleSensor per device session)');
    }
    this.#opened = true;
    const device = await this.#chooseDevice();
    if (this.#closed()) return; // closed while the chooser was up
    this.#device = device;
    device.addEventListener('gattserverdisconnected', this.#onDisconnected);
    await this.#attempt();
  }

  /** Stops reconnecting, unsubscribes and disconnects. No report or state other than 'closed' follows. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#generation++;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const device = this.#device;
    device?.removeEventListener('gattserverdisconnected', this.#onDisconnected);
    const link = this.#releaseLink();
    if (link?.server.connected) {
      // Best effort: tell the peripheral to stop sending; the disconnect below ends it anyway.
      const stopped = Promise.allSettled(link.subscriptions.map((s) => s.characteristic.stopNotifications()));
      let timer: Timer | undefined;
      await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, STOP_NOTIFICATIONS_TIMEOUT_MS)))]);
      clearTimeout(timer);
    }
    device?.gatt?.disconnect(); // also aborts a connect() still in flight
    this.#emitState('closed');
  }

  async #chooseDevice(): Promise<BleDeviceLike> {
    try {
      return await this.#findDevice(this.#select);
    } catch (error) {
      // Some implementations reject with a bare string ("requestDevice error: no devices found").
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  async #findDevice(select: BleDeviceSelector): Promise<BleDeviceLike> {
    if ('device' in select) return select.device;
    if ('deviceId' in select) {
      if (this.#bluetooth.getDevices === undefined) {
        throw new Error('this Bluetooth implementation has no getDevices(): select the device by filters instead');
      }
      const device = (await this.#bluetooth.getDevices()).find((d) => d.id === select.deviceId);
      if (device === undefined) {
        throw new Error(`no permitted Bluetooth device with id ${select.deviceId}: pair it first (requestDevice)`);
      }
      return device;
    }
    const options: RequestDeviceOptions = { filters: select.filters };
    return this.#bluetooth.requestDevice(
      select.optionalServices === undefined ? options : { ...options, optionalServices: select.optionalServices },
    );
  }

  /** One connection attempt; never rejects (a failure schedules the next attempt). */
  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    const server = this.#device?.gatt;
    this.#setState('connecting', this.#nameDetail());
    try {
      if (server === undefined) throw new Error('the device has no GATT server');
      await server.connect();
      this.#check(generation);
      const link: Link = { server, subscriptions: [] };
      this.#link = link;
      const reads = await this.#setUp(link, generation);
      this.#check(generation); // close() may have run while the last step resolved
      if (!server.connected) throw new Error('the link dropped during setup');
      this.#retries = 0;
      this.#setState('connected', this.#nameDetail());
      for (const { codec, view } of reads) this.#deliver(codec, view);
    } catch (error) {
      if (generation !== this.#generation) {
        // close() or a disconnect event took over. A connect() that only resolved after close() leaves a
        // link nobody owns: drop it.
        if (this.#state === 'closed' && server?.connected === true) server.disconnect();
        return;
      }
      this.#releaseLink();
      this.#generation++;
      this.#scheduleRetry(errorMessage(error));
      // After the state left 'connecting', so the gattserverdisconnected this may fire is ignored.
      if (server?.connected === true) server.disconnect();
    }
  }

  /**
   * Discovers the characteristics vigil has codecs for, reads the read-once ones, subscribes to the rest.
   * Returns the values read, to deliver once the link is reported connected.
   */
  async #setUp(link: Link, generation: number): Promise<{ codec: GattCodec<unknown>; view: DataView }[]> {
    const services = await link.server.getPrimaryServices();
    this.#check(generation);
    const found: Found[] = [];
    for (const service of services) {
      for (const characteristic of await characteristicsOf(service)) {
        const codec = this.#findCodec(characteristic.uuid);
        if (codec !== undefined) found.push({ characteristic, codec });
      }
      this.#check(generation);
    }

    // Reads first: Temperature Type must be known before the first Temperature Measurement arrives. Also
    // before any listener is attached, since readValue() fires characteristicvaluechanged too.
    const reads: { codec: GattCodec<unknown>; view: DataView }[] = [];
    for (const { characteristic, codec } of found) {
      if (codec.property !== 'read' || !characteristic.properties.read) continue;
      const view = await characteristic.readValue();
      this.#check(generation);
      this.#context.remember(codec.uuid, copyBytes(view));
      reads.push({ codec, view });
    }

    for (const { characteristic, codec } of found) {
      // Web Bluetooth picks notify or indicate itself; a read codec (Battery Level) subscribes when it can.
      if (!characteristic.properties.notify && !characteristic.properties.indicate) continue;
      const listener = (event: Event): void => this.#onValue(generation, codec, characteristic, event);
      characteristic.addEventListener('characteristicvaluechanged', listener);
      link.subscriptions.push({ characteristic, listener });
      await characteristic.startNotifications();
      this.#check(generation);
    }

    const battery = found.find((f) => f.codec.uuid === BATTERY_LEVEL);
    const subscribed = link.subscriptions.some((s) => s.characteristic === battery?.characteristic);
    if (battery !== undefined && !subscribed && battery.characteristic.properties.read && this.#batteryPollMs > 0) {
      this.#pollBattery(link, generation, battery);
    }
    return reads;
  }

  /** Re-reads a battery that cannot notify, one read at a time. */
  #pollBattery(link: Link, generation: number, battery: Found): void {
    link.batteryTimer = setTimeout(() => {
      void battery.characteristic.readValue().then(
        (view) => {
          if (generation !== this.#generation) return;
          this.#deliver(battery.codec, view);
          this.#pollBattery(link, generation, battery);
        },
        () => {
          // A failed read means the link is going down; the disconnect event takes it from here.
          if (generation === this.#generation) this.#pollBattery(link, generation, battery);
        },
      );
    }, this.#batteryPollMs);
  }

  #onValue(generation: number, codec: GattCodec<unknown>, characteristic: BleCharacteristicLike, event: Event): void {
    if (generation !== this.#generation) return; // a late event from a link that is gone
    const view = eventValue(event, characteristic);
    if (view !== undefined) this.#deliver(codec, view);
  }

  #deliver(codec: GattCodec<unknown>, view: DataView): void {
    const deviceId = this.deviceId;
    if (deviceId === undefined || this.#state === 'closed') return;
    const t = this.#clock();
    const bytes = copyBytes(view);
    const result = decodeFrame(codec, bytes);
    if (!result.ok) {
      this.#guard(() => this.#sink.decodeError(deviceId, t, codec.name, result.error, bytes));
      return;
    }
    this.#context.remember(codec.uuid, bytes);
    const raw = { characteristic: codec.name, uuid: codec.uuid, bytes, ...this.#context.annotate(codec.uuid, bytes) };
    this.#guard(() => this.#sink.report(deviceId, t, result.value.report, raw));
  }

  // An arrow so the same function object can be removed again.
  readonly #onDisconnected = (): void => {
    // Only a link we consider up or coming up matters: after close(), and after the cleanup disconnect of a
    // failed attempt ('reconnecting'), the event is an echo.
    if (this.#state !== 'connected' && this.#state !== 'connecting') return;
    const wasConnected = this.#state === 'connected';
    this.#generation++;
    this.#releaseLink();
    if (wasConnected) this.#setState('disconnected', { reason: 'link lost' });
    this.#scheduleRetry(wasConnected ? 'link lost' : 'link lost during setup');
  };

  #scheduleRetry(reason: string): void {
    this.#retries++;
    const delayMs = backoffDelay(this.#retries, this.#backoff, this.#random);
    this.#setState('reconnecting', { attempt: this.#retries, delayMs, reason });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#attempt();
    }, delayMs);
  }

  /** Detaches the listeners of the current link (its characteristics die with it) and stops its timer. */
  #releaseLink(): Link | undefined {
    const link = this.#link;
    this.#link = undefined;
    if (link === undefined) return undefined;
    if (link.batteryTimer !== undefined) clearTimeout(link.batteryTimer);
    for (const { characteristic, listener } of link.subscriptions) {
      characteristic.removeEventListener('characteristicvaluechanged', listener);
    }
    return link;
  }

  // A method, not an inline comparison: TypeScript would keep an earlier narrowing of #state across awaits.
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #check(generation: number): void {
    if (generation !== this.#generation) throw new Superseded('superseded');
  }

  #nameDetail(): BleStateDetail | undefined {
    const name = this.#device?.name;
    return name === undefined ? undefined : { name };
  }

  #setState(state: BleState, detail?: BleStateDetail): void {
    this.#state = state;
    this.#emitState(state, detail);
  }

  #emitState(state: BleState, detail?: BleStateDetail): void {
    const deviceId = this.deviceId;
    if (deviceId === undefined) return;
    const t = this.#clock();
    this.#guard(() => this.#sink.state(deviceId, t, state, detail));
  }

  /**
   * A throwing sink must not break the connection logic; its error is rethrown on its own, as a throwing
   * event listener's would be, so it is still seen.
   */
  #guard(call: () => void): void {
    try {
      call();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** A service's characteristics; Chrome rejects with NotFoundError when there are none. */
async function characteristicsOf(service: BleServiceLike): Promise<BleCharacteristicLike[]> {
  try {
    return await service.getCharacteristics();
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFoundError') return [];
    throw error;
  }
}

/** The value an event carries: event.target.value in browsers; the characteristic's value as a fallback. */
function eventValue(event: Event, characteristic: BleCharacteristicLike): DataView | undefined {
  const target = event.target;
  if (target !== null && 'value' in target && target.value instanceof DataView) return target.value;
  return characteristic.value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
