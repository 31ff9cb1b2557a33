// TLS from configuration (Web Bluetooth in a browser needs a secure context), a Secure cookie over HTTPS,
// and logs that never carry a password, a token or a patient label.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { UserStore } from '../../../services/auth/user-store.js';
import { VIGIL } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function https(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, rejectUnauthorized: false, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('HTTPS with the configured certificate; Secure cookie; no secret or patient label in the logs', async () => {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const users = await UserStore.open(dir);
  const password = 'a long therapist password';
  await users.add('t.tls', password, ['therapist']);

  const child = spawn(process.execPath, [VIGIL, 'serve', '--port', '0', '--data-dir', dir, '--simulate', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'trace', VIGIL_TLS_CERT: cert, VIGIL_TLS_KEY: key },
  });
  children.push(child);
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${output}`)));
  });
  expect(base).toMatch(/^https:/);

  const login = await https(`${base}/api/login`, 'POST', { username: 't.tls', password });
  expect(login.status).toBe(200);
  const setCookie = String(login.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/Secure/i);
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrfToken } = JSON.parse(login.body) as { csrfToken: string };
  const created = await https(`${base}/api/sessions`, 'POST', { patient: 'P-777', therapists: ['t.tls'] }, { cookie, 'x-vigil-csrf': csrfToken });
  expect(created.status).toBe(201);
  await https(`${base}/api/sessions`, 'POST', { patient: 'Jane Doe', therapists: ['t.tls'] }, { cookie, 'x-vigil-csrf': csrfToken });
  await https(`${base}/api/login`, 'POST', { username: 't.tls', password: 'a wrong password, logged?' });

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  expect(output.length).toBeGreaterThan(100); // trace level: there is a log to inspect
  for (const secret of [password, 'a wrong password', csrfToken, cookie.split('=')[1] ?? '', 'P-777', 'Jane Doe']) expect(output).not.toContain(secret);
}, 60_000);
