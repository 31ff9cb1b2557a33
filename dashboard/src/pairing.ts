// Web Bluetooth pairing: the shared BLE adapter (devices/ble/adapter.ts) reads a sensor in this browser; the
// page binds it to the session as a gateway device (POST /api/sessions/:id/devices {kind: 'gateway'}) and
// relays every raw frame, as hex with its characteristic's name, to /api/sessions/:id/devices/:device/frames
// with the gateway token. The service decodes them with the same codecs, so they are recorded and evaluated
// exactly like frames it reads itself. Pairings outlive the bedside view (the relay keeps running while the
// page is open); the adapter reconnects by itself when the link drops.
import { BleSensor, DEFAULT_SELECTOR, type BleSink, type BleState } from '../../devices/ble/adapter.js';
import { parseUuid16 } from '../../devices/ble/gatt/uuids.js';
import { api, ApiError, sessionPath } from './api.js';
import type { GatewayBinding, Vital } from './types.js';

const VITALS_OF_SERVICE: ReadonlyMap<number, Vital[]> = new Map([
  [0x180d, ['hr']],
  [0x1810, ['sbp', 'dbp', 'map']],
  [0x1809, ['temp']],
  [0x1822, ['spo2', 'hr']],
]);
/** frames waiting to be relayed; beyond this the oldest are dropped (and counted) */
const QUEUE_LIMIT = 2000;

export interface PairingStatus {
  device: string;
  name: string;
  state: BleState | 'choosing' | 'binding' | 'relaying' | 'failed';
  text: string;
  frames: number;
  dropped: number;
}

type StatusListener = (status: PairingStatus) => void;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function labelFor(name: string | undefined, id: string): string {
  const slug = (name ?? id).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+/, '').slice(0, 24);
  return `ble-${slug === '' ? Math.random().toString(36).slice(2, 8) : slug}`;
}

/** Relays frames in order, one request at a time, once the gateway token is known. */
class FrameRelay {
  private token: string | undefined;
  private readonly queue: Array<{ format: string; hex: string }> = [];
  private sending = false;
  sent = 0;
  dropped = 0;
  refused: string | undefined;

  constructor(
    private readonly sessionId: string,
    private readonly device: string,
    private readonly changed: () => void,
  ) {}

  setToken(token: string): void {
    this.token = token;
    void this.pump();
  }

  push(format: string, bytes: Uint8Array): void {
    if (this.refused !== undefined) return;
    this.queue.push({ format, hex: hex(bytes) });
    if (this.queue.length > QUEUE_LIMIT) {
      this.queue.shift();
      this.dropped++;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending || this.token === undefined) return;
    this.sending = true;
    try {
      for (let frame = this.queue[0]; frame !== undefined; frame = this.queue[0]) {
        try {
          await api('POST', sessionPath(this.sessionId, `/devices/${encodeURIComponent(this.device)}/frames`), { body: frame, bearer: this.token });
          this.queue.shift();
          this.sent++;
        } catch (error) {
          if (error instanceof ApiError && error.status === 422) {
            // A frame the codec refused: the service has recorded it with the reason; go on.
            this.queue.shift();
            this.sent++;
          } else if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
            this.refused = error.message;
            this.queue.length = 0;
            break;
          } else {
            await new Promise((resolve) => setTimeout(resolve, 1000)); // network: keep the order, try again
          }
        }
        this.changed();
      }
    } finally {
      this.sending = false;
      this.changed();
    }
  }
}

class Pairing {
  status: PairingStatus;
  private relay: FrameRelay | undefined;
  private sensor: BleSensor | undefined;
  private bound = false;

  constructor(
    private readonly sessionId: string,
    private readonly notify: (status: PairingStatus) => void,
  ) {
    this.status = { device: '', name: '', state: 'choosing', text: 'Choose the sensor in the browser’s Bluetooth list…', frames: 0, dropped: 0 };
  }

  /** Must be called straight from a click: the browser shows its device chooser only inside a user gesture. */
  async start(bluetooth: Bluetooth): Promise<void> {
    this.set({});
    const select = 'filters' in DEFAULT_SELECTOR ? DEFAULT_SELECTOR : { filters: [] };
    let device: BluetoothDevice;
    try {
      device = await bluetooth.requestDevice(select.optionalServices === undefined ? { filters: select.filters } : { filters: select.filters, optionalServices: select.optionalServices });
    } catch (error) {
      this.set({ state: 'failed', text: `No sensor paired: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const label = labelFor(device.name, device.id);
    const relay = new FrameRelay(this.sessionId, label, () => this.refresh());
    this.relay = relay;
    this.set({ device: label, name: device.name ?? label, state: 'connecting', text: `Connecting to ${device.name ?? label}…` });
    const sink: BleSink = {
      report: (_id, _t, _report, raw) => relay.push(raw.characteristic, raw.bytes),
      decodeError: (_id, _t, characteristic, _error, bytes) => relay.push(characteristic, bytes),
      state: (_id, _t, state, detail) => {
        const name = detail?.name ?? this.status.name;
        const texts: Record<BleState, string> = {
          connecting: `Connecting to ${name}…`,
          connected: `${name}: connected`,
          disconnected: `${name}: link lost`,
          reconnecting: `${name}: reconnecting${detail?.attempt === undefined ? '' : ` (attempt ${detail.attempt})`}${detail?.reason === undefined ? '' : ` — ${detail.reason}`}`,
          closed: `${name}: closed`,
        };
        this.set({ state, text: texts[state] });
        if (state === 'connected' && !this.bound) void this.bind(device, label);
      },
    };
    this.sensor = new BleSensor(bluetooth, { sink, label, select: { device } });
    try {
      await this.sensor.open();
    } catch (error) {
      this.set({ state: 'failed', text: `Could not open ${device.name ?? label}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  async close(): Promise<void> {
    await this.sensor?.close();
  }

  /** Binds the sensor as a gateway device with the vitals its services provide; frames flow once bound. */
  private async bind(device: BluetoothDevice, label: string): Promise<void> {
    this.bound = true;
    const vitals = new Set<Vital>();
    try {
      for (const service of (await device.gatt?.getPrimaryServices()) ?? []) {
        for (const vital of VITALS_OF_SERVICE.get(parseUuid16(service.uuid) ?? -1) ?? []) vitals.add(vital);
      }
    } catch {
      // listed below as "no measurement service"
    }
    if (vitals.size === 0) {
      this.set({ state: 'failed', text: `${this.status.name} offers no heart-rate, blood-pressure, thermometer or pulse-oximeter service` });
      await this.sensor?.close();
      return;
    }
    this.set({ state: 'binding', text: `${this.status.name}: binding to the session (${[...vitals].join(', ')})…` });
    try {
      const binding = await api<GatewayBinding>('POST', sessionPath(this.sessionId, '/devices'), { body: { kind: 'gateway', device: label, vitals: [...vitals] } });
      this.relay?.setToken(binding.token);
      this.set({ state: 'relaying', text: `${this.status.name} paired as ${label}: relaying ${[...vitals].join(', ')}` });
    } catch (error) {
      this.set({ state: 'failed', text: `${this.status.name}: binding refused — ${error instanceof Error ? error.message : String(error)}` });
      await this.sensor?.close();
    }
  }

  private refresh(): void {
    const relay = this.relay;
    if (relay === undefined) return;
    const patch: Partial<PairingStatus> = { frames: relay.sent, dropped: relay.dropped };
    if (relay.refused !== undefined) Object.assign(patch, { state: 'failed', text: `${this.status.name}: the service refused the frames (${relay.refused}); pair again` });
    this.set(patch);
  }

  private set(patch: Partial<PairingStatus>): void {
    this.status = { ...this.status, ...patch };
    this.notify(this.status);
  }
}

const pairings = new Map<string, Pairing[]>();
const listeners = new Map<string, Set<StatusListener>>();

export function bluetoothAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'bluetooth' in navigator && navigator.bluetooth !== undefined;
}

/** Starts a pairing for a session; call it directly in the click handler. */
export function pairSensor(sessionId: string): Promise<void> {
  const emit = (status: PairingStatus): void => {
    for (const listener of listeners.get(sessionId) ?? []) listener(status);
  };
  if (!bluetoothAvailable()) {
    emit({ device: '', name: '', state: 'failed', text: 'Web Bluetooth is not available here: use Chrome or Edge, over HTTPS or on localhost.', frames: 0, dropped: 0 });
    return Promise.resolve();
  }
  const pairing = new Pairing(sessionId, emit);
  const list = pairings.get(sessionId) ?? [];
  list.push(pairing);
  pairings.set(sessionId, list);
  return pairing.start(navigator.bluetooth);
}

/** The latest status of each pairing of a session, and every change from now on. */
export function watchPairings(sessionId: string, listener: StatusListener): () => void {
  let set = listeners.get(sessionId);
  if (set === undefined) listeners.set(sessionId, (set = new Set()));
  set.add(listener);
  for (const pairing of pairings.get(sessionId) ?? []) listener(pairing.status);
  return () => set.delete(listener);
}

/** Closes every pairing (sign-out). */
export async function closeAllPairings(): Promise<void> {
  const all = [...pairings.values()].flat();
  pairings.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}
