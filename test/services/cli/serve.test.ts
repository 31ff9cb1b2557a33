// `vigil serve` over real processes and sockets: first admin printed once, sign-in, the simulated session
// running live through virtual devices, the API, and a graceful SIGTERM that flushes the journal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { SessionSnapshot } from '../../../services/core/session-core.js';
import { VIGIL } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  base: string;
  stdout: () => string;
}

async function start(args: string[], dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [VIGIL, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_CONFIG: '' },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, 200)); // the rest of the banner
  return { child, base, stdout: () => stdout };
}

async function signIn(base: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
}

interface SessionView {
  id: string;
  patient: string;
  state: SessionSnapshot;
}

describe('vigil serve', () => {
  test('first run: prints a generated admin password once; sign in; the simulated session runs through virtual devices', async () => {
    const dataDir = join(dir, 'first');
    const { child, base, stdout } = await start(['--speed', '120', '--simulate', 'tachycardia'], dataDir);
    const password = /first sign-in: user "admin", password (\S+)/.exec(stdout())?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    expect((await fetch(`${base}/api/sessions`)).status).toBe(401);
    const page = await fetch(`${base}/`);
    expect(await page.text()).toContain('not a certified medical device');
    const docs = await fetch(`${base}/docs/json`);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/api/sessions/{id}/alarms/acknowledge');

    const { cookie } = await signIn(base, 'admin', password ?? '');
    const headers = { cookie };
    const sessions = (await (await fetch(`${base}/api/sessions`, { headers })).json()) as Array<{ id: string; patient: string; simulated: boolean }>;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ simulated: true, patient: 'SIM-001' });
    const id = sessions[0]?.id ?? '';

    const first = (await (await fetch(`${base}/api/sessions/${id}`, { headers })).json()) as SessionView;
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await (await fetch(`${base}/api/sessions/${id}`, { headers })).json()) as SessionView;
    expect(later.state.vitals.hr.samples).toBeGreaterThan(first.state.vitals.hr.samples + 50);
    expect(later.state.vitals.hr.value).toBeGreaterThan(30);
    expect((await fetch(`${base}/api/sessions/nope`, { headers })).status).toBe(404);

    const recording = await fetch(`${base}/api/sessions/${id}/recording`, { headers });
    expect(recording.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await recording.text()).trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ type: 'header', format: 'vigil-recording', session: { id, simulated: true } });
    // The whole device path runs: every virtual device's frames were decoded from real byte formats.
    const formats = new Set(lines.map((l) => JSON.parse(l) as { type: string; format?: string }).filter((l) => l.type === 'raw').map((l) => l.format));
    expect([...formats].sort()).toEqual(['battery-level', 'blood-pressure-measurement', 'body-sensor-location', 'heart-rate-measurement', 'nonin-8', 'vigil-line']);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const journal = readFileSync(join(dataDir, 'sessions', `${id}.ndjson`), 'utf8').trim().split('\n');
    expect(journal.length).toBeGreaterThanOrEqual(lines.length);

    // A second start: no new admin password, the old simulated session is ended (its feed is gone).
    const again = await start(['--simulate', 'off'], dataDir);
    expect(again.stdout()).not.toContain('first sign-in');
    const signin = await signIn(again.base, 'admin', password ?? '');
    const list = (await (await fetch(`${again.base}/api/sessions`, { headers: { cookie: signin.cookie } })).json()) as Array<{ id: string; phase: string }>;
    expect(list.find((s) => s.id === id)?.phase).toBe('ended');
    again.child.kill('SIGTERM');
  });

  test('bad options and configuration are refused before anything starts, naming the key', async () => {
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [VIGIL, 'serve', '--data-dir', join(dir, 'bad'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, stderr };
    };
    expect(await run(['--simulate', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown scenario "nope"') });
    expect(await run([], { VIGIL_PORT: '99999' })).toMatchObject({ code: 2, stderr: expect.stringContaining('port: must be <= 65535 (set by VIGIL_PORT)') });
  });
});
