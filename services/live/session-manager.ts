// Every session of this vigil: created, started, fed by devices, ended — and, at start-up, read back from
// the journals in the data directory (the embedded store), so a restart resumes where it stopped.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BleSensor } from '../../devices/ble/adapter.js';
import { loadNodeBluetooth } from '../../devices/ble/node-bluetooth.js';
import { findSerialProtocol } from '../../devices/serial/protocols/registry.js';
import { SerialSource } from '../../devices/serial/serial-source.js';
import type { EscalationPolicySpec } from '../core/escalation-types.js';
import { DEFAULT_PROFILE, loadProfile, type Profile } from '../core/profile.js';
import { resolvePolicy } from '../notify/policy-routes.js';
import type { RecordingHeader, Vital } from '../core/types.js';
import { readHeader, type RecordingIssue } from '../store/recording-reader.js';
import { DeviceIngest } from './device-ingest.js';
import { LiveSession, type SessionInfo } from './live-session.js';
import { SystemHealth } from './system-health.js';

export interface NewSession {
  /** pseudonymous label, never a name */
  patient: string;
  room?: string;
  therapists: string[];
  monitors?: string[];
  profile?: string;
  /** fed by the simulator, not by a patient */
  simulated?: boolean;
  /** this session's escalation policy, merged over the site's (as the request gave it: validated here) */
  escalation?: unknown;
  /** a chosen id (a file-name-safe word, e.g. for an import or a test); by default one is generated. Not offered by the API. */
  id?: string;
}

/** A header's session with the fields vigil's service adds. */
export interface ServiceSessionInfo extends SessionInfo {
  therapists?: string[];
  monitors?: string[];
  simulated?: boolean;
  createdAt?: number;
}

export interface SerialBinding {
  kind: 'serial';
  device: string;
  path: string;
  protocol: string;
  vitals: Vital[];
}

export interface GatewayBinding {
  kind: 'gateway';
  device: string;
  vitals: Vital[];
  /** what the relaying browser presents; returned once at binding */
  token: string;
}

/** A BLE sensor the service reads itself (Node, through the optional webbluetooth package). */
export interface BleBinding {
  kind: 'ble';
  device: string;
  vitals: Vital[];
  /** a known Web Bluetooth device id; without it the first device offering a supported service */
  deviceId?: string;
}

export type DeviceBinding = SerialBinding | GatewayBinding | BleBinding;

export interface SessionManagerOptions {
  dataDir: string;
  /** the profile of new sessions that name none: a built-in name or a file (default mdma-session) */
  defaultProfile?: string;
  /** told about every session that becomes available (to attach InfluxDB, the hub, …) */
  onSession?: (session: LiveSession) => void;
  onIssue?: (sessionId: string, issue: RecordingIssue) => void;
  clock?: () => number;
  /** where sessions report journal failures and core faults, and whose watchdog checks their progress (default: a new one) */
  health?: SystemHealth;
  /** the site's escalation policy (default: the medical monitor on the monitor view) */
  escalation?: EscalationPolicySpec;
  /** the channel ids a policy may name (the site's channels and monitor-view); undefined: not checked here */
  channels?: ReadonlySet<string>;
}

interface Attached {
  session: LiveSession;
  ingest: DeviceIngest;
  bindings: Map<string, DeviceBinding>;
  sources: Map<string, { close(): Promise<void> }>;
}

export function sessionInfo(session: LiveSession): ServiceSessionInfo {
  return session.info as ServiceSessionInfo;
}

/** Usernames allowed to act on the session (its therapists and medical monitors). */
export function assignedTo(session: LiveSession): string[] {
  const info = sessionInfo(session);
  return [...(info.therapists ?? []), ...(info.monitors ?? [])];
}

export class SessionManager {
  private readonly sessions = new Map<string, Attached>();
  private readonly profiles = new Map<string, Profile>();
  /** the alarm system's own health: every session reports to it (system-health.ts) */
  readonly health: SystemHealth;

  constructor(private readonly options: SessionManagerOptions) {
    this.health = options.health ?? new SystemHealth();
  }

  get sessionsDir(): string {
    return join(this.options.dataDir, 'sessions');
  }

  list(): LiveSession[] {
    return [...this.sessions.values()].map((a) => a.session);
  }

  get(id: string): LiveSession | undefined {
    return this.sessions.get(id)?.session;
  }

  bindings(id: string): DeviceBinding[] {
    return [...(this.sessions.get(id)?.bindings.values() ?? [])];
  }

  /** Reads every journal back. Returns how many sessions came back and which could not. */
  async restoreAll(): Promise<{ restored: string[]; failed: Array<{ file: string; error: string }> }> {
    await mkdir(this.sessionsDir, { recursive: true });
    const restored: string[] = [];
    const failed: Array<{ file: string; error: string }> = [];
    for (const file of (await readdir(this.sessionsDir)).filter((f) => f.endsWith('.ndjson')).sort()) {
      const path = join(this.sessionsDir, file);
      try {
        const header = await readHeader(path);
        const onIssue = this.options.onIssue;
        const simulated = (header.session as ServiceSessionInfo).simulated === true;
        const session = await LiveSession.restore(path, header, this.profileFor(header), {
          ...(simulated ? {} : { clock: this.options.clock ?? Date.now }),
          ...(onIssue === undefined ? {} : { onIssue: (issue: RecordingIssue) => onIssue(header.session.id, issue) }),
        });
        this.attach(session);
        restored.push(session.id);
      } catch (error) {
        failed.push({ file, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { restored, failed };
  }

  async create(spec: NewSession): Promise<LiveSession> {
    const named = spec.profile ?? this.options.defaultProfile ?? DEFAULT_PROFILE;
    // A profile file is recorded by its absolute path, so the journal can be read back from anywhere.
    const profileName = /^[a-z0-9-]+$/.test(named) ? named : resolve(named);
    const profile = this.profileByName(profileName);
    // Throws PolicyError naming each bad field. The merged policy goes into the header: a restart and a replay
    // run exactly the policy the session started under, whatever the site configures later.
    const escalation = resolvePolicy(this.options.escalation, spec.escalation, this.options.channels).spec;
    const now = this.options.clock?.() ?? Date.now();
    if (spec.id !== undefined && (!SESSION_ID.test(spec.id) || this.sessions.has(spec.id))) {
      throw new BindingError(`session id "${spec.id}" is not a file-name-safe word or is taken`);
    }
    const id = spec.id ?? `s-${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
    const session: ServiceSessionInfo = {
      id,
      patient: spec.patient,
      ...(spec.room === undefined ? {} : { room: spec.room }),
      profile: profileName,
      therapists: spec.therapists,
      monitors: spec.monitors ?? [],
      createdAt: now,
      ...(spec.simulated === true ? { simulated: true } : {}),
      escalation,
    };
    const header: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session };
    await mkdir(this.sessionsDir, { recursive: true });
    const live = await LiveSession.open({
      header,
      profile,
      journalPath: join(this.sessionsDir, `${id}.ndjson`),
      // A simulated session's time is driven by its feed; a real one ticks on the wall clock.
      ...(spec.simulated === true ? {} : { clock: this.options.clock ?? Date.now }),
    });
    this.attach(live);
    return live;
  }

  /** Binds a serial device to a session: the port is opened (and reopened) until unbound. */
  bindSerial(id: string, binding: Omit<SerialBinding, 'kind'>): SerialBinding {
    const attached = this.require(id);
    const protocol = findSerialProtocol(binding.protocol);
    if (protocol === undefined) throw new BindingError(`unknown serial protocol "${binding.protocol}"`);
    this.unbind(id, binding.device);
    const bound: SerialBinding = { kind: 'serial', ...binding };
    attached.bindings.set(binding.device, bound);
    const source = new SerialSource({ device: binding.device, path: binding.path, protocol, sink: attached.ingest, clock: () => attached.session.clock() });
    attached.sources.set(binding.device, source);
    source.start();
    return bound;
  }

  /**
   * Binds a BLE sensor read by the service itself. Needs a Bluetooth stack and the optional webbluetooth
   * package; without them the binding is refused with the reason (browsers relay instead: bindGateway).
   */
  async bindBle(id: string, binding: Omit<BleBinding, 'kind'>): Promise<BleBinding> {
    const attached = this.require(id);
    let bluetooth;
    try {
      bluetooth = await loadNodeBluetooth(binding.deviceId === undefined ? {} : { allowAllDevices: true });
    } catch (error) {
      throw new BindingError(error instanceof Error ? error.message : String(error));
    }
    this.unbind(id, binding.device);
    const bound: BleBinding = { kind: 'ble', ...binding };
    attached.bindings.set(binding.device, bound);
    const sensor = new BleSensor(bluetooth, {
      sink: attached.ingest,
      label: binding.device,
      clock: () => attached.session.clock(),
      ...(binding.deviceId === undefined ? {} : { select: { deviceId: binding.deviceId } }),
    });
    attached.sources.set(binding.device, sensor);
    // A sensor that cannot be chosen or reached is a lost link: the core raises device-disconnected.
    void sensor.open().catch(() => attached.ingest.state(binding.device, attached.session.clock(), 'disconnected'));
    return bound;
  }

  /** Binds a device whose frames a browser relays (Web Bluetooth): returns the token it must present. */
  bindGateway(id: string, device: string, vitals: Vital[]): GatewayBinding {
    const attached = this.require(id);
    this.unbind(id, device);
    const bound: GatewayBinding = { kind: 'gateway', device, vitals, token: randomBytes(24).toString('base64url') };
    attached.bindings.set(device, bound);
    attached.ingest.state(device, attached.session.clock(), 'connected');
    return bound;
  }

  /** The ingest of a session, for frames relayed by a gateway. */
  ingestOf(id: string): DeviceIngest | undefined {
    return this.sessions.get(id)?.ingest;
  }

  unbind(id: string, device: string): boolean {
    const attached = this.require(id);
    const had = attached.bindings.delete(device);
    const source = attached.sources.get(device);
    attached.sources.delete(device);
    if (source !== undefined) void source.close().catch(() => {});
    else if (had) attached.ingest.state(device, attached.session.clock(), 'closed');
    return had;
  }

  /** Closes every session, even when one fails (a journal that cannot be written): the others still get flushed. */
  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const attached of this.sessions.values()) {
      try {
        for (const source of attached.sources.values()) await source.close();
        await attached.session.close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} sessions could not be closed cleanly`);
  }

  private attach(session: LiveSession): void {
    const bindings = new Map<string, DeviceBinding>();
    const ingest = new DeviceIngest(session, (device) => bindings.get(device)?.vitals);
    this.sessions.set(session.id, { session, ingest, bindings, sources: new Map() });
    session.health = this.health.hooks(session.id);
    // Only sessions on the wall clock have timers that must fire on time; a simulated one is driven by its feed.
    if (sessionInfo(session).simulated !== true) this.health.watch(session);
    this.options.onSession?.(session);
  }

  private require(id: string): Attached {
    const attached = this.sessions.get(id);
    if (attached === undefined) throw new BindingError(`no session "${id}"`);
    return attached;
  }

  private profileFor(header: RecordingHeader): Profile {
    try {
      return this.profileByName(header.session.profile ?? DEFAULT_PROFILE);
    } catch {
      return this.profileByName(DEFAULT_PROFILE);
    }
  }

  private profileByName(name: string): Profile {
    let profile = this.profiles.get(name);
    if (profile === undefined) {
      profile = loadProfile(name);
      this.profiles.set(name, profile);
    }
    return profile;
  }
}

/** What a chosen session id may be: it names the journal file. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class BindingError extends Error {
  override name = 'BindingError';
}
