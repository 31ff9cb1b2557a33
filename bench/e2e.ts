// End-to-end alarm latency: the last byte of a breaching frame written to a pseudo-terminal → the alarm
// message at a WebSocket client, with 100 sessions streaming at once, beside the bare pty round trip
// (write a byte on one end, see it arrive on the other through @serialport/stream) measured in the same run.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import WebSocket from 'ws';
import { ptyPair, type PtyPair } from '../devices/serial/pty-pair.js';
import { vigilLine } from '../devices/serial/protocols/vigil-line.js';
import { UserStore } from '../services/auth/user-store.js';
import { PACKAGE_ROOT } from '../services/paths.js';

export interface LatencyFigures {
  sessions: number;
  samplesPerSecond: number;
  alarms: number;
  p50: number;
  p99: number;
  max: number;
  ptyP50: number;
  ptyP99: number;
}

const SESSIONS = 100;
const ROUNDS = 300;
const PASSWORD = 'benchmark password 1';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The floor: a byte through a pty pair, read the same way SerialSource reads. */
async function bareRoundTrip(dir: string, rounds: number): Promise<number[]> {
  const pty = await ptyPair(join(dir, 'bare-device'), join(dir, 'bare-far'));
  const port = new SerialPortStream({ binding: autoDetect(), path: pty.device, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error === null ? resolve() : reject(error))));
  const fd = openSync(pty.far, 'w');
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const arrived = new Promise<number>((resolve) => port.once('data', () => resolve(performance.now())));
    const sent = performance.now();
    writeSync(fd, Uint8Array.of(0x41));
    times.push((await arrived) - sent);
    await sleep(2);
  }
  closeSync(fd);
  await new Promise<void>((resolve) => port.close(() => resolve()));
  await pty.kill();
  return times;
}

export async function measureAlarmLatency(): Promise<LatencyFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-e2e-'));
  const ptys: PtyPair[] = [];
  const fds: number[] = [];
  const sockets: WebSocket[] = [];
  const users = await UserStore.open(dir);
  await users.add('t.bench', PASSWORD, ['therapist']);
  // The service in its own process, as deployed: the devices and the clients are someone else's.
  const server = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'vigil.js'), 'serve', '--port', '0', '--data-dir', dir, '--simulate', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' },
  });
  const base = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}`)));
  });
  let streaming = true;
  try {
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 't.bench', password: PASSWORD }) });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { cookie, 'x-vigil-csrf': csrfToken, 'content-type': 'application/json' };
    const post = async (path: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };

    // 100 sessions, each with a DIY probe (vigil-line) on its own real pty and a WebSocket client.
    const alarmAt: Array<(t: number) => void> = [];
    const seq: number[] = [];
    const ids: string[] = [];
    for (let k = 0; k < SESSIONS; k++) {
      const session = (await post('/api/sessions', { patient: `B-${k}`, therapists: ['t.bench'] })) as { id: string };
      ids.push(session.id);
      await post(`/api/sessions/${session.id}/start`, {});
      const pty = await ptyPair(join(dir, `p${k}-device`), join(dir, `p${k}-far`));
      ptys.push(pty);
      await post(`/api/sessions/${session.id}/devices`, { kind: 'serial', device: `probe-${k}`, path: pty.device, protocol: 'vigil-line', vitals: ['hr', 'spo2', 'temp'] });
      fds.push(openSync(pty.far, 'w'));
      seq.push(0);
      alarmAt.push(() => {});
      const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?session=${session.id}&points=0`, { headers: { cookie, origin: base } });
      socket.on('message', (data) => {
        const now = performance.now();
        const message = JSON.parse(String(data)) as { type: string; seq?: number; line?: { state?: string } };
        if (message.type === 'alarm') {
          socket.send(JSON.stringify({ type: 'confirm', seq: message.seq }));
          if (message.line?.state === 'raised') (alarmAt[k] as (t: number) => void)(now);
        }
      });
      await new Promise((resolve) => socket.once('open', resolve));
      sockets.push(socket);
    }
    await sleep(1000); // every port open

    const line = (k: number, fields: Array<{ vital: 'hr' | 'spo2' | 'temp'; value: number }>): Uint8Array => {
      const encoded = vigilLine.encode({
        seq: seq[k] as number,
        readings: fields.map((f) => ({ ...f, unit: f.vital === 'hr' ? '/min' : f.vital === 'spo2' ? '%' : 'Cel' })),
        errors: [],
      });
      seq[k] = ((seq[k] as number) + 1) % 256;
      return encoded;
    };
    // The load: every session streams HR, SpO2 and temperature once a second, spread over the second as
    // independent devices would be (not all 100 in one burst).
    let samples = 0;
    const load = (async () => {
      for (let tick = 0; streaming; tick++) {
        const k = tick % SESSIONS;
        writeSync(fds[k] as number, line(k, [{ vital: 'hr', value: 72 }, { vital: 'spo2', value: 98 }, { vital: 'temp', value: 37 }]));
        samples += 3;
        await sleep(10);
      }
    })();
    await sleep(1500);

    // The measurement: a spot temperature of 40.5 °C raises temp-severe on the reading itself.
    const latencies: number[] = [];
    const loadStart = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const k = (round * 37) % SESSIONS;
      const frame = line(k, [{ vital: 'temp', value: 40.5 }]);
      const arrived = new Promise<number>((resolve) => (alarmAt[k] = resolve));
      writeSync(fds[k] as number, frame);
      const sent = performance.now();
      const at = await Promise.race([arrived, sleep(2000).then(() => Number.NaN)]);
      if (!Number.isNaN(at)) latencies.push(at - sent);
      writeSync(fds[k] as number, line(k, [{ vital: 'temp', value: 37 }])); // clears; the next breach raises again
      await sleep(15);
    }
    const seconds = (performance.now() - loadStart) / 1000;
    streaming = false;
    await load;
    const bare = await bareRoundTrip(dir, ROUNDS);
    return {
      sessions: SESSIONS,
      samplesPerSecond: Math.round(samples / (seconds + 1.5)),
      alarms: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      ptyP50: percentile(bare, 50),
      ptyP99: percentile(bare, 99),
    };
  } finally {
    streaming = false;
    for (const socket of sockets) socket.close();
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    for (const fd of fds) closeSync(fd);
    for (const pty of ptys) await pty.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
