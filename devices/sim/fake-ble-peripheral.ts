/// <reference types="web-bluetooth" />
// A fake BLE peripheral (virtual devices and tests) behind the Web Bluetooth interfaces the adapter uses, with the behaviours of real
// browsers that matter to it: 128-bit lowercase UUID strings; fresh service/characteristic objects on every
// connection (old ones fail); subscriptions lost with the link; readValue() also firing
// characteristicvaluechanged; script-initiated disconnect() firing gattserverdisconnected from a queued task.
// Test controls drop the link, refuse connections, send notifications and count calls.
import type {
  BleCharacteristicLike,
  BleDeviceLike,
  BleServerLike,
  BleServiceLike,
  BluetoothLike,
} from '../ble/adapter-types.js';
import { parseUuid16, uuid128 } from '../ble/gatt/uuids.js';

export type FakeProperty = 'read' | 'notify' | 'indicate';

export interface FakeCharacteristicSpec {
  uuid: number;
  properties: FakeProperty[];
  /** what readValue() returns */
  value?: ArrayLike<number>;
}

export interface FakeServiceSpec {
  uuid: number;
  characteristics: FakeCharacteristicSpec[];
}

export interface FakePeripheralSpec {
  id: string;
  name?: string;
  services: FakeServiceSpec[];
}

/** Errors shaped like the DOMExceptions browsers reject with. */
function domError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function toView(bytes: ArrayLike<number>): DataView {
  return new DataView(Uint8Array.from(bytes).buffer);
}

class Counter {
  readonly #counts = new Map<number, number>();
  total = 0;

  add(uuid: number): void {
    this.total++;
    this.#counts.set(uuid, (this.#counts.get(uuid) ?? 0) + 1);
  }

  of(uuid: number): number {
    return this.#counts.get(uuid) ?? 0;
  }
}

class FakeCharacteristic extends EventTarget implements BleCharacteristicLike {
  readonly uuid: string;
  readonly properties: { read: boolean; notify: boolean; indicate: boolean };
  value: DataView | undefined;
  notifying = false;

  constructor(
    readonly peripheral: FakePeripheral,
    public link: number,
    readonly uuid16: number,
    properties: readonly FakeProperty[],
  ) {
    super();
    this.uuid = uuid128(uuid16);
    this.properties = {
      read: properties.includes('read'),
      notify: properties.includes('notify'),
      indicate: properties.includes('indicate'),
    };
  }

  async readValue(): Promise<DataView> {
    this.peripheral.requireLink(this.link);
    if (!this.properties.read) throw domError('NotSupportedError', 'GATT operation not permitted');
    this.peripheral.reads.add(this.uuid16);
    if (this.peripheral.takeReadFailure()) throw domError('NetworkError', 'GATT operation failed for unknown reason.');
    const view = toView(this.peripheral.storedValue(this.uuid16));
    this.deliver(view); // the spec fires characteristicvaluechanged for reads too
    return view;
  }

  async startNotifications(): Promise<this> {
    this.peripheral.requireLink(this.link);
    if (!this.properties.notify && !this.properties.indicate) {
      throw domError('NotSupportedError', 'GATT characteristic does not support notifications or indications');
    }
    this.peripheral.starts.add(this.uuid16);
    this.notifying = true;
    return this;
  }

  async stopNotifications(): Promise<this> {
    this.peripheral.requireLink(this.link);
    if (this.peripheral.hangStops) await new Promise<never>(() => {});
    this.peripheral.stops.add(this.uuid16);
    this.notifying = false;
    return this;
  }

  deliver(view: DataView): void {
    this.value = view;
    this.dispatchEvent(new Event('characteristicvaluechanged'));
  }
}

class FakeService implements BleServiceLike {
  readonly uuid: string;

  constructor(
    readonly peripheral: FakePeripheral,
    public link: number,
    readonly spec: FakeServiceSpec,
    readonly characteristics: FakeCharacteristic[],
  ) {
    this.uuid = uuid128(spec.uuid);
  }

  async getCharacteristics(): Promise<FakeCharacteristic[]> {
    this.peripheral.requireLink(this.link);
    if (this.characteristics.length === 0) throw domError('NotFoundError', 'No Characteristics found in service.');
    return [...this.characteristics];
  }
}

class FakeServer implements BleServerLike {
  constructor(readonly peripheral: FakePeripheral) {}

  get connected(): boolean {
    return this.peripheral.connected;
  }

  connect(): Promise<this> {
    return this.peripheral.connectLink().then(() => this);
  }

  disconnect(): void {
    this.peripheral.dropLink('script');
  }

  async getPrimaryServices(): Promise<FakeService[]> {
    return this.peripheral.servicesForLink();
  }
}

class FakeDevice extends EventTarget implements BleDeviceLike {
  readonly gatt: FakeServer;

  constructor(
    readonly id: string,
    readonly name: string | undefined,
    peripheral: FakePeripheral,
  ) {
    super();
    this.gatt = new FakeServer(peripheral);
  }
}

export class FakePeripheral {
  readonly spec: FakePeripheralSpec;
  readonly device: FakeDevice;
  /** calls of gatt.connect(), refused or not */
  connectCalls = 0;
  readonly starts = new Counter();
  readonly stops = new Counter();
  readonly reads = new Counter();
  /** a connect() takes this long (setTimeout), so tests can act while one is in flight */
  connectDelayMs = 0;
  /**
   * Hand out the same service/characteristic objects again after a reconnect (some non-browser
   * implementations cache them), instead of fresh ones as Chrome does.
   */
  reuseGattObjects = false;
  /** stopNotifications() never answers (an unresponsive peripheral) */
  hangStops = false;
  /** called when a connect() succeeds, before it resolves: lets a test drop the link mid-setup */
  afterConnect: (() => void) | undefined;

  #connected = false;
  /** bumped on every successful connect and every drop; objects of another link are dead */
  #link = 0;
  #refusals = 0;
  #readFailures = 0;
  #services: FakeService[] | undefined;
  /** every object handed out, for reuseGattObjects */
  #cached: FakeService[] | undefined;
  readonly #values = new Map<number, Uint8Array>();
  /** the DataView of the last notification, so a test can scribble on it afterwards */
  lastSent: DataView | undefined;

  constructor(spec: FakePeripheralSpec) {
    this.spec = spec;
    this.device = new FakeDevice(spec.id, spec.name, this);
    for (const service of spec.services) {
      for (const c of service.characteristics) if (c.value !== undefined) this.#values.set(c.uuid, Uint8Array.from(c.value));
    }
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Service UUIDs as 128-bit strings, for filter matching. */
  get serviceUuids(): string[] {
    return this.spec.services.map((s) => uuid128(s.uuid));
  }

  // ---- test controls ----

  /** Sends a notification/indication; returns how many subscribed, live characteristics received it. */
  notify(uuid: number, bytes: ArrayLike<number>): number {
    if (!this.#connected || this.#services === undefined) return 0;
    let delivered = 0;
    for (const service of this.#services) {
      for (const c of service.characteristics) {
        if (c.uuid16 !== uuid || !c.notifying) continue;
        const view = toView(bytes);
        this.lastSent = view;
        c.deliver(view);
        delivered++;
      }
    }
    return delivered;
  }

  /** The link drops (out of range, power off): gattserverdisconnected fires now. */
  disconnect(): void {
    this.dropLink('remote');
  }

  /** The next `n` connect() calls fail. */
  refuseConnections(n: number): void {
    this.#refusals = n;
  }

  acceptConnections(): void {
    this.#refusals = 0;
  }

  /** The next `n` readValue() calls fail while the link stays up. */
  failReads(n: number): void {
    this.#readFailures = n;
  }

  /** New battery level: what readValue returns from now on, and a notification to subscribers. */
  setBattery(percent: number): number {
    this.#values.set(0x2a19, Uint8Array.of(percent));
    return this.notify(0x2a19, [percent]);
  }

  setValue(uuid: number, bytes: ArrayLike<number>): void {
    this.#values.set(uuid, Uint8Array.from(bytes));
  }

  /** UUIDs with notifications on in the current link. */
  subscribed(): number[] {
    if (!this.#connected || this.#services === undefined) return [];
    return this.#services.flatMap((s) => s.characteristics.filter((c) => c.notifying).map((c) => c.uuid16));
  }

  // ---- used by the fake's GATT objects ----

  takeReadFailure(): boolean {
    if (this.#readFailures === 0) return false;
    this.#readFailures--;
    return true;
  }

  storedValue(uuid: number): Uint8Array {
    return this.#values.get(uuid) ?? new Uint8Array(0);
  }

  requireLink(link: number): void {
    if (!this.#connected || link !== this.#link) {
      throw domError('NetworkError', 'GATT Server is disconnected. Cannot perform GATT operations.');
    }
  }

  async connectLink(): Promise<void> {
    this.connectCalls++;
    if (this.connectDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.connectDelayMs));
    if (this.#refusals > 0) {
      this.#refusals--;
      throw domError('NetworkError', 'Connection failed for unknown reason.');
    }
    if (this.#connected) return;
    this.#connected = true;
    this.#link++;
    this.#services = undefined;
    this.afterConnect?.();
  }

  servicesForLink(): Promise<FakeService[]> {
    if (!this.#connected) return Promise.reject(domError('NetworkError', 'GATT Server is disconnected.'));
    if (this.reuseGattObjects && this.#cached !== undefined && this.#services === undefined) {
      for (const service of this.#cached) {
        service.link = this.#link;
        for (const c of service.characteristics) c.link = this.#link;
      }
      this.#services = this.#cached;
    }
    // Fresh objects per connection, as Chrome hands out after a reconnect.
    this.#services ??= this.spec.services.map(
      (s) =>
        new FakeService(
          this,
          this.#link,
          s,
          s.characteristics.map((c) => new FakeCharacteristic(this, this.#link, c.uuid, c.properties)),
        ),
    );
    this.#cached = this.#services;
    return Promise.resolve([...this.#services]);
  }

  dropLink(by: 'remote' | 'script'): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#link++;
    for (const service of this.#services ?? []) for (const c of service.characteristics) c.notifying = false;
    this.#services = undefined;
    const fire = (): void => {
      this.device.dispatchEvent(new Event('gattserverdisconnected'));
    };
    // A remote drop is reported to the test at once; the spec queues the event for script's disconnect().
    if (by === 'remote') fire();
    else queueMicrotask(fire);
  }
}

/** navigator.bluetooth over a set of fake peripherals. */
export class FakeBluetooth implements BluetoothLike {
  readonly requests: RequestDeviceOptions[] = [];

  constructor(readonly peripherals: FakePeripheral[]) {}

  async requestDevice(options: RequestDeviceOptions): Promise<FakeDevice> {
    this.requests.push(options);
    const filters = 'filters' in options ? options.filters : [];
    const match = this.peripherals.find((p) =>
      filters.some((f) => (f.services ?? []).every((s) => p.serviceUuids.includes(canonical(s)))),
    );
    if (match === undefined) throw domError('NotFoundError', 'User cancelled the requestDevice() chooser.');
    return match.device;
  }

  async getDevices(): Promise<FakeDevice[]> {
    return this.peripherals.map((p) => p.device);
  }
}

function canonical(uuid: BluetoothServiceUUID): string {
  if (typeof uuid === 'number') return uuid128(uuid);
  const short = parseUuid16(uuid);
  return short === undefined ? uuid.toLowerCase() : uuid128(short);
}
