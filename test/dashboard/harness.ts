// The browser tests' harness: the real `vigil serve` in its own process (built by test/global-setup.ts), staff
// accounts made beforehand, an HTTP client for set-up (sign-in, sessions, gateway frames with spec-exact bytes
// from the GATT codecs), Debian's Chromium through playwright-core, and sign-in through the page's own form.
// Tests find things in the page only by the selectors of dashboard/CONTRACT.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { batteryLevel } from '../../devices/ble/gatt/battery-level.js';
import { bloodPressureMeasurement } from '../../devices/ble/gatt/blood-pressure-measurement.js';
import { heartRateMeasurement } from '../../devices/ble/gatt/heart-rate-measurement.js';
import { plxContinuous } from '../../devices/ble/gatt/plx-continuous.js';
import { temperatureMeasurement } from '../../devices/ble/gatt/temperature-measurement.js';
import { encodeFloat, encodeSfloat } from '../../devices/ble/ieee11073.js';
import { simulateSession } from '../../devices/sim/session.js';
import type { Role } from '../../services/auth/types.js';
import { UserStore } from '../../services/auth/user-store.js';
import type { SessionSnapshot } from '../../services/core/session-core.js';
import type { RecordingHeader, RecordingLine } from '../../services/core/types.js';
import type { ServiceSessionInfo } from '../../services/live/session-manager.js';
import { writeRecording } from '../../services/store/recording-writer.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const VIGIL = join(ROOT, 'bin', 'vigil.js');
export const PASSWORD = 'correct horse battery staple';
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

/** The contract's alarm colours (computed background-color). */
export const COLOURS = { high: 'rgb(215, 38, 61)', medium: 'rgb(244, 194, 13)', low: 'rgb(34, 184, 207)' } as const;

// ---------------------------------------------------------------------------------------------------------
// The service

export interface Vigil {
  base: string;
  port: number;
  dataDir: string;
  /** everything the process wrote to stderr (for failure messages) */
  stderr(): string;
  /** SIGKILL: the connection drops with no goodbye */
  kill(): Promise<void>;
  /** SIGSTOP for `ms`, then SIGCONT: the process (its event loop, every timer) stands still meanwhile */
  suspend(ms: number): Promise<void>;
  /** starts again on the same port and data directory (open sessions come back from their journals) */
  restart(): Promise<void>;
  /** SIGTERM, then removes the data directory */
  close(): Promise<void>;
}

export interface VigilOptions {
  users: Array<[string, Role[]]>;
  /** extra environment (VIGIL_PROFILE, …) */
  env?: Record<string, string>;
  /** extra `vigil serve` arguments (default --simulate off) */
  args?: string[];
  /** a site configuration (config/schemas/site.schema.json), written to a file the service reads (VIGIL_CONFIG) */
  site?: Record<string, unknown>;
  /** called with the data directory before the service starts (write journals to be restored, …) */
  prepare?: (dataDir: string) => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startVigil(options: VigilOptions): Promise<Vigil> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
  const users = await UserStore.open(dataDir);
  for (const [username, roles] of options.users) await users.add(username, PASSWORD, roles);
  await options.prepare?.(dataDir);
  const siteEnv: Record<string, string> = {};
  if (options.site !== undefined) {
    siteEnv['VIGIL_CONFIG'] = join(dataDir, 'site.json');
    writeFileSync(siteEnv['VIGIL_CONFIG'], JSON.stringify(options.site, null, 2));
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let stderr = '';
  const launch = async (): Promise<void> => {
    const started = spawn(
      process.execPath,
      [VIGIL, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, ...(options.args ?? ['--simulate', 'off'])],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_CONFIG: '', ...siteEnv, ...options.env } },
    );
    child = started;
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/listening on http:\/\/\S+/.test(stdout)) resolve();
      });
      started.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
    });
  };
  const exit = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    stderr: () => stderr,
    kill: () => exit('SIGKILL'),
    async suspend(ms) {
      const running = child;
      if (running === undefined) throw new Error('vigil is not running');
      running.kill('SIGSTOP');
      try {
        await sleep(ms);
      } finally {
        running.kill('SIGCONT');
      }
    },
    restart: launch,
    async close() {
      await exit('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP API, for set-up

export interface SessionState {
  id: string;
  patient: string;
  phase: string;
  state: SessionSnapshot;
}

export class Api {
  private constructor(
    readonly base: string,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async signIn(base: string, username: string): Promise<Api> {
    const response = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${username}: ${response.status} ${await response.text()}`);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new Api(base, (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrfToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { cookie: this.cookie, 'x-vigil-csrf': this.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Creates and starts a session; returns its id. */
  async session(spec: { patient: string; therapists: string[]; monitors?: string[]; room?: string }): Promise<string> {
    const { id } = await this.call<{ id: string }>('POST', '/api/sessions', spec);
    await this.call('POST', `/api/sessions/${id}/start`);
    return id;
  }

  state(id: string): Promise<SessionState> {
    return this.call<SessionState>('GET', `/api/sessions/${id}`);
  }

  /** The session's journal, line by line. */
  async journal(id: string): Promise<RecordingLine[]> {
    const response = await fetch(`${this.base}/api/sessions/${id}/recording`, { headers: { cookie: this.cookie } });
    if (!response.ok) throw new Error(`GET recording of ${id}: ${response.status}`);
    return (await response.text())
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as RecordingLine);
  }

  /** Binds a gateway device (a browser relaying BLE frames) and returns a sender for its frames. */
  async gateway(id: string, device: string, vitals: string[]): Promise<Gateway> {
    const { token } = await this.call<{ token: string }>('POST', `/api/sessions/${id}/devices`, { kind: 'gateway', device, vitals });
    return new Gateway(this.base, id, device, token);
  }
}

export interface Frame {
  format: string;
  hex: string;
}

export class Gateway {
  constructor(
    readonly base: string,
    readonly session: string,
    readonly device: string,
    readonly token: string,
  ) {}

  async send(frame: Frame): Promise<void> {
    const response = await fetch(`${this.base}/api/sessions/${this.session}/devices/${this.device}/frames`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(frame),
    });
    if (!response.ok) throw new Error(`frame ${frame.format} ${frame.hex}: ${response.status} ${await response.text()}`);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Spec-exact frames, encoded by the same GATT codecs the adapter decodes with. */
export const frames = {
  heartRate: (bpm: number): Frame => ({
    format: heartRateMeasurement.name,
    hex: hex(heartRateMeasurement.encode({ heartRate: bpm, heartRateFormat: 'uint8', sensorContact: 'detected' })),
  }),
  /** a spot reading (no Temperature Type: a thermometer's reading counts as spot) */
  temperature: (celsius: number): Frame => ({
    format: temperatureMeasurement.name,
    hex: hex(temperatureMeasurement.encode({ temperature: encodeFloat(celsius, -1), unit: 'Cel' })),
  }),
  bloodPressure: (systolic: number, diastolic: number): Frame => ({
    format: bloodPressureMeasurement.name,
    hex: hex(
      bloodPressureMeasurement.encode({
        systolic: encodeSfloat(systolic, 0),
        diastolic: encodeSfloat(diastolic, 0),
        meanArterialPressure: encodeSfloat(Math.round((systolic + 2 * diastolic) / 3), 0),
        unit: 'mm[Hg]',
      }),
    ),
  }),
  /** a continuous pulse oximeter's SpO2 (its pulse rate is dropped unless the device is bound to hr too) */
  spo2: (percent: number, pulse = 72): Frame => ({
    format: plxContinuous.name,
    hex: hex(plxContinuous.encode({ spo2: encodeSfloat(percent, 0), pulseRate: encodeSfloat(pulse, 0) })),
  }),
  battery: (percent: number): Frame => ({ format: batteryLevel.name, hex: hex(batteryLevel.encode({ level: percent })) }),
};

/** Sends frames from a set of gateways every `intervalMs` until stopped: a sensor streaming live. */
export class Feed {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sending = false;
  /** the last error a send met (the test fails on it at stop()) */
  error: unknown;

  constructor(
    private readonly sources: Array<{ gateway: Gateway; frame: () => Frame }>,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (const { gateway, frame } of this.sources) await gateway.send(frame());
    } catch (error) {
      this.error ??= error;
    } finally {
      this.sending = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Polls a Node-side condition (the API's view) until it holds; throws with the last value otherwise. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
}

// ---------------------------------------------------------------------------------------------------------
// An 8-hour session journal, restored by the service at start-up (trends for screenshots and the benchmark)

export interface JournalSpec {
  id: string;
  patient: string;
  therapists: string[];
  monitors?: string[];
  scenario: string;
  /** the simulated session covers [now - hours, now); its session-end is dropped so it is still open */
  hours: number;
  seed?: number;
}

export async function writeOpenJournal(dataDir: string, spec: JournalSpec): Promise<void> {
  const durationMs = spec.hours * 3_600_000;
  const start = Date.now() - durationMs - 5_000;
  const session: ServiceSessionInfo = { id: spec.id, patient: spec.patient, profile: 'mdma-session', therapists: spec.therapists, monitors: spec.monitors ?? [], createdAt: start };
  const header: RecordingHeader = {
    type: 'header',
    format: 'vigil-recording',
    version: 1,
    session,
  };
  function* lines(): Generator<RecordingLine> {
    yield header;
    for (const line of simulateSession({ scenario: spec.scenario, seed: spec.seed ?? 1, start, durationMs, sessionId: spec.id, patient: spec.patient })) {
      if (line.type === 'header') continue;
      if (line.type === 'event' && line.event === 'session-end') continue;
      yield line;
    }
  }
  mkdirSync(join(dataDir, 'sessions'), { recursive: true });
  await writeRecording(join(dataDir, 'sessions', `${spec.id}.ndjson`), lines());
}

// ---------------------------------------------------------------------------------------------------------
// The browser

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface SignedInPage {
  context: BrowserContext;
  page: Page;
}

/** A new context (one user), 1280×800 in the dark theme. */
export async function newUserContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Opens `hash` (e.g. `#/session/s-1`) and signs in through the page's form. */
export async function signInPage(browser: Browser, vigil: { base: string }, username: string, hash = '#/'): Promise<SignedInPage> {
  const context = await newUserContext(browser);
  const page = await context.newPage();
  await page.goto(`${vigil.base}/${hash}`);
  await signInThroughForm(page, username, PASSWORD);
  await page.locator('[data-testid=signed-in-as]').filter({ hasText: username }).waitFor();
  return { context, page };
}

export async function signInThroughForm(page: Page, username: string, password: string): Promise<void> {
  const form = page.locator('form[data-testid=signin]');
  await form.waitFor();
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
}

/** Waits until `read` (run in the page) returns something `ok` accepts; returns it. */
export async function pageUntil<T>(page: Page, what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return until(`${what} (in the page)`, read, ok, timeoutMs).catch(async (error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nURL: ${page.url()}`);
  });
}

/** The text of `[data-testid=value]` in one vital's panel. */
export function vitalValue(page: Page, vital: 'hr' | 'spo2' | 'bp' | 'temp', scope = ''): Promise<string> {
  return page.locator(`${scope} [data-testid=vital-${vital}] [data-testid=value]`.trim()).first().innerText().then((t) => t.trim());
}

/** The computed background colour of an element (run in the page, without DOM typings here). */
export function backgroundOf(element: unknown): string {
  const view = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } };
  return view.getComputedStyle(element).backgroundColor;
}

export interface Tone {
  priority: string;
  at: number;
}

/** `window.__vigilTones`: every tone pattern the page started. */
export function tonesOf(page: Page): Promise<Tone[]> {
  return page.evaluate(() => [...((globalThis as unknown as { __vigilTones?: Tone[] }).__vigilTones ?? [])]);
}

export async function screenshot(page: Page, name: 'bedside' | 'monitor' | 'replay' | 'escalation'): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Matches an element whose whole text is `text` (surrounding white space aside). */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
