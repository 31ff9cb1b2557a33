// `vigil user …` through the compiled command in a child process, as an admin would run it, against the
// same data directory a running service reads: the accounts it creates can sign in over HTTP at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, VIGIL, type CliResult } from '../cli/run-cli.js';
import { login, signIn, startServer, type TestServer } from './helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-user-cli-'));
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ dataDir, accounts: {} });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `vigil user …` with `stdin` piped in (the shared runCli has no standard input). */
function vigilUser(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, 'user', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

const DIR = ['--data-dir', dataDir];

describe('vigil user', () => {
  test('add --password-stdin creates a user who can sign in to the running service', async () => {
    const added = await vigilUser(['add', 't.weber', '--role', 'therapist,monitor', '--password-stdin', ...DIR], 'correct horse battery\n');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe('added user t.weber (therapist, monitor)\n');
    expect(statSync(join(dataDir, 'users.json')).mode & 0o777).toBe(0o600);

    const session = await signIn(server.base, 't.weber', 'correct horse battery');
    const me = (await (await fetch(`${server.base}/api/me`, { headers: { cookie: session.cookie } })).json()) as { roles: string[] };
    expect(me.roles).toEqual(['therapist', 'monitor']);
  });

  test('add without --password-stdin generates a password and prints it once', async () => {
    const added = await vigilUser(['add', 'e.lind', '--role', 'engineer', '--role', 'admin', ...DIR]);
    expect(added.code).toBe(0);
    const password = /password \(shown only now; hand it over privately\): (\S+)\n/.exec(added.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect((await signIn(server.base, 'e.lind', password)).csrfToken).toBeTruthy();
  });

  test('list shows users and roles, as text and as JSON', async () => {
    const listed = await vigilUser(['list', ...DIR]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^username\s+roles\n/);
    expect(listed.stdout).toMatch(/^e\.lind\s+engineer, admin$/m);
    expect(listed.stdout).toMatch(/^t\.weber\s+therapist, monitor$/m);
    const json = await vigilUser(['list', '--json'], '', { VIGIL_DATA_DIR: dataDir });
    expect(JSON.parse(json.stdout)).toEqual([
      { username: 'e.lind', roles: ['engineer', 'admin'] },
      { username: 't.weber', roles: ['therapist', 'monitor'] },
    ]);
  });

  test('passwd changes the password and ends the sign-ins the service holds', async () => {
    const before = await signIn(server.base, 't.weber', 'correct horse battery');
    const changed = await vigilUser(['passwd', 't.weber', '--password-stdin', ...DIR], 'a new and longer password');
    expect(changed.code).toBe(0);
    expect((await fetch(`${server.base}/api/me`, { headers: { cookie: before.cookie } })).status).toBe(401);
    expect((await login(server.base, 't.weber', 'correct horse battery')).status).toBe(401);
    expect((await signIn(server.base, 't.weber', 'a new and longer password')).csrfToken).toBeTruthy();
  });

  test('bad input is a usage error (exit 2); conflicts with what is stored exit 1', async () => {
    const cases: Array<[string[], string, number, RegExp]> = [
      [['add', 'Anna Schmidt', '--role', 'therapist'], '', 2, /not a valid username/],
      [['add', 'a.new', '--role', 'nurse'], '', 2, /unknown role "nurse"/],
      [['add', 'a.new'], '', 2, /--role is required/],
      [['add', 'a.new', '--role', 'therapist', '--password-stdin'], 'too short\n', 2, /at least 12 characters/],
      [['add', 't.weber', '--role', 'therapist'], '', 1, /user "t\.weber" already exists/],
      [['remove', 'nobody'], '', 1, /no user "nobody"/],
      [['passwd', 'nobody', '--password-stdin'], 'long enough password', 1, /no user "nobody"/],
      [['frobnicate'], '', 2, /unknown subcommand "frobnicate"/],
      [['remove'], '', 2, /needs a username/],
    ];
    for (const [args, stdin, code, message] of cases) {
      const result = await vigilUser([...args, ...DIR], stdin);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.stderr).toMatch(message);
    }
    expect((await vigilUser(['list', ...DIR])).stdout).not.toContain('a.new');
  });

  test('remove deletes the user, who can no longer sign in; the last admin stays', async () => {
    const removed = await vigilUser(['remove', 't.weber', ...DIR]);
    expect(removed).toMatchObject({ code: 0, stdout: 'removed user t.weber\n' });
    expect((await login(server.base, 't.weber', 'a new and longer password')).status).toBe(401);
    const last = await vigilUser(['remove', 'e.lind', ...DIR]);
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last admin/);
  });
});
