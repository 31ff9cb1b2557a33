// The user store on real files: scrypt hashes (salted, parameters kept), sign-in checks, the first admin,
// the file written atomically with mode 0600, and changes made by another process picked up.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../../services/auth/password.js';
import { UserStore, UserStoreError } from '../../../services/auth/user-store.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-users-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(root, `d${++dirs}`);

interface FileUser {
  username: string;
  roles: string[];
  password: { algorithm: string; N: number; r: number; p: number; keyLength: number; salt: string; hash: string };
}
const readUsersFile = (dir: string): FileUser[] => (JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8')) as { users: FileUser[] }).users;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserStoreError);
  expect((error as UserStoreError).code).toBe(code);
}

describe('password hashing', () => {
  test('two users with the same password get different salts and hashes; parameters are stored', async () => {
    const dir = freshDir();
    const store = await UserStore.open(dir);
    await store.add('t.weber', 'correct horse battery', ['therapist']);
    await store.add('m.okafor', 'correct horse battery', ['monitor']);
    const [a, b] = readUsersFile(dir);
    expect(a?.password.salt).not.toBe(b?.password.salt);
    expect(a?.password.hash).not.toBe(b?.password.hash);
    expect(a?.password).toMatchObject({ algorithm: 'scrypt', N: 2 ** 15, r: 8, p: 1, keyLength: 64 });
    expect(Buffer.from(a?.password.hash ?? '', 'base64')).toHaveLength(64);
    expect(readFileSync(join(dir, 'users.json'), 'utf8')).not.toContain('correct horse battery');
  });

  test('the right password signs in, a wrong one and an unknown user do not', async () => {
    const store = await UserStore.open(freshDir());
    await store.add('t.weber', 'correct horse battery', ['therapist', 'monitor']);
    expect(await store.verify('t.weber', 'correct horse battery')).toEqual({ username: 't.weber', roles: ['therapist', 'monitor'], passwordVersion: 1 });
    // Tablets capitalise the first letter: usernames compare case-insensitively.
    expect((await store.verify('T.Weber', 'correct horse battery'))?.username).toBe('t.weber');
    expect(await store.verify('t.weber', 'correct horse batterY')).toBeUndefined();
    expect(await store.verify('t.weber', '')).toBeUndefined();
    expect(await store.verify('nobody', 'correct horse battery')).toBeUndefined();
  });

  test('an unknown user costs about as much as a known one (no timing tell)', async () => {
    const store = await UserStore.open(freshDir());
    await store.add('t.weber', 'correct horse battery', ['therapist']);
    const time = async (name: string): Promise<number> => {
      const start = performance.now();
      await store.verify(name, 'wrong password here');
      return performance.now() - start;
    };
    await time('t.weber');
    const known = await time('t.weber');
    const unknown = await time('nobody-at-all');
    // Without the dummy hash an unknown user answers in microseconds, not tens of milliseconds.
    expect(unknown).toBeGreaterThan(known * 0.3);
  });

  test('hashes made with weaker parameters still verify and are upgraded at the next sign-in', async () => {
    const weak = await hashPassword('correct horse battery', { N: 2 ** 12, r: 8, p: 1, keyLength: 64 });
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword('correct horse battery', weak)).toBe(true);
    const dir = freshDir();
    const data = {
      format: 'vigil-users',
      version: 1,
      users: [{ username: 'old.admin', roles: ['admin'], password: weak, passwordVersion: 3, created: '', updated: '' }],
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'users.json'), JSON.stringify(data));
    const store = await UserStore.open(dir);
    expect(await store.verify('old.admin', 'correct horse battery')).toEqual({ username: 'old.admin', roles: ['admin'], passwordVersion: 3 });
    expect(readUsersFile(dir)[0]?.password.N).toBe(2 ** 15);
    expect(await store.verify('old.admin', 'correct horse battery')).toBeDefined();
  });
});

describe('accounts', () => {
  test('usernames, roles and passwords are checked', async () => {
    const store = await UserStore.open(freshDir());
    await rejectsWith(store.add('Anna Schmidt', 'correct horse battery', ['therapist']), 'invalid-username');
    await rejectsWith(store.add('x', 'correct horse battery', ['therapist']), 'invalid-username');
    await rejectsWith(store.add('.weber', 'correct horse battery', ['therapist']), 'invalid-username');
    await rejectsWith(store.add('t.weber', 'correct horse battery', []), 'invalid-roles');
    await rejectsWith(store.add('t.weber', 'correct horse battery', ['nurse']), 'invalid-roles');
    await rejectsWith(store.add('t.weber', 'short pass1', ['therapist']), 'invalid-password');
    await store.add('t.weber', 'twelve chars', ['monitor', 'therapist', 'monitor']);
    expect(await store.list()).toEqual([{ username: 't.weber', roles: ['therapist', 'monitor'] }]);
    await rejectsWith(store.add('t.weber', 'correct horse battery', ['therapist']), 'exists');
  });

  test('setPassword replaces the password and bumps the version; remove deletes; unknown users are errors', async () => {
    const store = await UserStore.open(freshDir());
    await store.add('admin', 'first admin password', ['admin']);
    await store.add('t.weber', 'correct horse battery', ['therapist']);
    await store.setPassword('t.weber', 'a brand new password');
    expect(await store.verify('t.weber', 'correct horse battery')).toBeUndefined();
    expect((await store.verify('t.weber', 'a brand new password'))?.passwordVersion).toBe(2);
    await store.remove('t.weber');
    expect(store.get('t.weber')).toBeUndefined();
    expect(await store.verify('t.weber', 'a brand new password')).toBeUndefined();
    await rejectsWith(store.remove('t.weber'), 'not-found');
    await rejectsWith(store.setPassword('nobody', 'a brand new password'), 'not-found');
  });

  test('the last admin cannot be removed', async () => {
    const store = await UserStore.open(freshDir());
    await store.add('admin', 'first admin password', ['admin']);
    await rejectsWith(store.remove('admin'), 'last-admin');
    await store.add('it.lead', 'second admin password', ['admin', 'engineer']);
    await store.remove('admin');
    expect((await store.list()).map((u) => u.username)).toEqual(['it.lead']);
  });
});

describe('the users file', () => {
  test('is written atomically with mode 0600 and no temp files left behind', async () => {
    const dir = freshDir();
    const store = await UserStore.open(dir);
    await Promise.all([
      store.add('a.one', 'correct horse battery', ['therapist']),
      store.add('b.two', 'correct horse battery', ['monitor']),
      store.add('c.three', 'correct horse battery', ['engineer']),
    ]);
    expect(statSync(join(dir, 'users.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['users.json']);
    // Concurrent changes are serialised: none is lost.
    expect(readUsersFile(dir).map((u) => u.username)).toEqual(['a.one', 'b.two', 'c.three']);
  });

  test('changes made by another process (another store on the same file) are seen', async () => {
    const dir = freshDir();
    const service = await UserStore.open(dir, { refreshIntervalMs: 0 });
    const cli = await UserStore.open(dir);
    await cli.add('t.weber', 'correct horse battery', ['therapist']);
    expect((await service.verify('t.weber', 'correct horse battery'))?.roles).toEqual(['therapist']);
    await cli.remove('t.weber');
    await service.refresh();
    expect(service.get('t.weber')).toBeUndefined();
  });

  test('a damaged file is an error, never an empty store', async () => {
    const dir = freshDir();
    const store = await UserStore.open(dir);
    await store.add('admin', 'first admin password', ['admin']);
    writeFileSync(join(dir, 'users.json'), '{"format":"vigil-users","version":1,"users":[{"username":"admin"');
    await rejectsWith(UserStore.open(dir), 'corrupt');
    writeFileSync(join(dir, 'users.json'), JSON.stringify({ format: 'vigil-users', version: 1, users: [{ username: 'admin', roles: ['root'] }] }));
    await rejectsWith(UserStore.open(dir), 'corrupt');
  });
});

describe('the first admin', () => {
  test('is created once, on an empty store, with a random password of at least 20 characters', async () => {
    const dir = freshDir();
    const store = await UserStore.open(dir);
    const first = await store.ensureFirstAdmin();
    expect(first?.username).toBe('admin');
    expect(first?.password.length).toBeGreaterThanOrEqual(20);
    expect(first?.password).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await store.verify('admin', first?.password ?? '')).toEqual({ username: 'admin', roles: ['admin'], passwordVersion: 1 });
    expect(await store.ensureFirstAdmin()).toBeUndefined();
    expect(await (await UserStore.open(dir)).ensureFirstAdmin()).toBeUndefined();
    expect(await store.list()).toHaveLength(1);

    const other = await (await UserStore.open(freshDir())).ensureFirstAdmin();
    expect(other?.password).not.toBe(first?.password);
  });

  test('is not created when any user exists', async () => {
    const store = await UserStore.open(freshDir());
    await store.add('t.weber', 'correct horse battery', ['therapist']);
    expect(await store.ensureFirstAdmin()).toBeUndefined();
    expect(store.get('admin')).toBeUndefined();
  });
});
