// Staff accounts in <data-dir>/users.json: username, roles and a scrypt hash. Small enough to hold in
// memory; rewritten whole and atomically on every change. `vigil user …` edits the same file from another
// process, so the store notices a changed file (inode, size, mtime) and reads it again.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import {
  DEFAULT_SCRYPT,
  generatePassword,
  hashPassword,
  isPasswordHash,
  needsRehash,
  passwordProblem,
  type PasswordHash,
  type ScryptParams,
  verifyPassword,
} from './password.js';
import { ROLES, type Role, type User } from './types.js';

/** Staff sign-in names: lower case, no spaces — short handles such as "t.weber", never a patient's name. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const FIRST_ADMIN = 'admin';
export const USERS_FILE = 'users.json';

/** A user plus what sign-ins are checked against: a password change bumps the version and ends old sign-ins. */
export interface Account extends User {
  passwordVersion: number;
}

interface StoredUser {
  username: string;
  roles: Role[];
  password: PasswordHash;
  passwordVersion: number;
  created: string;
  updated: string;
}

interface UsersFile {
  format: 'vigil-users';
  version: 1;
  users: StoredUser[];
}

export type UserStoreErrorCode = 'invalid-username' | 'invalid-roles' | 'invalid-password' | 'exists' | 'not-found' | 'last-admin' | 'corrupt';

export class UserStoreError extends Error {
  override name = 'UserStoreError';
  constructor(
    readonly code: UserStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface UserStoreOptions {
  /** scrypt parameters for new hashes (default DEFAULT_SCRYPT); older, weaker hashes are upgraded at sign-in */
  hashParams?: ScryptParams;
  /** how often get() callers may trigger a look at the file (default 1000 ms); sign-ins and changes always look */
  refreshIntervalMs?: number;
}

/** Sign-in names are case-insensitive and tablets capitalise the first letter: compare in lower case. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

function checkUsername(username: string): string {
  if (!USERNAME_PATTERN.test(username)) {
    throw new UserStoreError(
      'invalid-username',
      `"${username}" is not a valid username: 2–64 characters, lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return username;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

function checkRoles(roles: readonly string[]): Role[] {
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new UserStoreError('invalid-roles', `unknown role "${unknown[0]}" (roles: ${ROLES.join(', ')})`);
  if (roles.length === 0) throw new UserStoreError('invalid-roles', `a user needs at least one role (${ROLES.join(', ')})`);
  // One canonical order, no duplicates: the file and `user list` read the same way every time.
  return ROLES.filter((role) => roles.includes(role));
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new UserStoreError('invalid-password', problem);
}

function parseStoredUser(value: unknown, index: number): StoredUser {
  const bad = (why: string): never => {
    throw new UserStoreError('corrupt', `users file: entry ${index + 1}: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return bad('not an object');
  const v = value as Record<string, unknown>;
  const { username, roles, password, passwordVersion, created, updated } = v;
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) return bad('bad username');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) return bad(`bad roles for "${username}"`);
  if (!isPasswordHash(password)) return bad(`bad password hash for "${username}"`);
  if (typeof passwordVersion !== 'number' || !Number.isSafeInteger(passwordVersion)) return bad(`bad passwordVersion for "${username}"`);
  return {
    username,
    roles: checkRoles(roles),
    password,
    passwordVersion,
    created: typeof created === 'string' ? created : '',
    updated: typeof updated === 'string' ? updated : '',
  };
}

/** A damaged file is an error, never "no users": that would hand out a fresh admin account. */
function parseUsersFile(text: string): Map<string, StoredUser> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserStoreError('corrupt', `users file is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null) throw new UserStoreError('corrupt', 'users file: not an object');
  const file = data as Record<string, unknown>;
  if (file['format'] !== 'vigil-users' || file['version'] !== 1) throw new UserStoreError('corrupt', 'users file: not a vigil-users version 1 file');
  const list = file['users'];
  if (!Array.isArray(list)) throw new UserStoreError('corrupt', 'users file: "users" is not a list');
  const users = new Map<string, StoredUser>();
  list.forEach((entry: unknown, index) => {
    const user = parseStoredUser(entry, index);
    if (users.has(user.username)) throw new UserStoreError('corrupt', `users file: "${user.username}" appears twice`);
    users.set(user.username, user);
  });
  return users;
}

const toAccount = (user: StoredUser): Account => ({ username: user.username, roles: [...user.roles], passwordVersion: user.passwordVersion });

export class UserStore {
  readonly file: string;
  readonly #dataDir: string;
  readonly #params: ScryptParams;
  readonly #refreshIntervalMs: number;
  #users = new Map<string, StoredUser>();
  /** identity of the file content we hold: inode, size and mtime (a rename always brings a new inode) */
  #stamp = '';
  #checkedAt = -Infinity;
  #refreshing: Promise<void> | undefined;
  /** changes run one after another: each reads the newest file, changes it, writes it */
  #queue: Promise<unknown> = Promise.resolve();
  /** bumped by every write, so a reread that raced with a write cannot put older content back */
  #writes = 0;
  /** what an unknown user's password is checked against: random, so it never matches, at the same cost */
  readonly #dummy: PasswordHash;

  private constructor(dataDir: string, options: UserStoreOptions) {
    this.#dataDir = dataDir;
    this.file = join(dataDir, USERS_FILE);
    this.#params = { ...(options.hashParams ?? DEFAULT_SCRYPT) };
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 1000;
    this.#dummy = {
      algorithm: 'scrypt',
      ...this.#params,
      salt: randomBytes(16).toString('base64'),
      hash: randomBytes(this.#params.keyLength).toString('base64'),
    };
  }

  static async open(dataDir: string, options: UserStoreOptions = {}): Promise<UserStore> {
    const store = new UserStore(dataDir, options);
    await store.refresh(true);
    return store;
  }

  /** The account as last read from the file (synchronous, for the hot path; see refresh()). */
  get(username: string): Account | undefined {
    const user = this.#users.get(normaliseUsername(username));
    return user === undefined ? undefined : toAccount(user);
  }

  /** Rereads the file if another process changed it; without `force`, at most once per refresh interval. */
  async refresh(force = false): Promise<void> {
    if (!force && performance.now() - this.#checkedAt < this.#refreshIntervalMs) return;
    this.#refreshing ??= this.#reload().finally(() => (this.#refreshing = undefined));
    await this.#refreshing;
  }

  async #reload(): Promise<void> {
    this.#checkedAt = performance.now();
    const writes = this.#writes;
    let stamp: string;
    try {
      const info = await stat(this.file);
      stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (writes !== this.#writes) return;
      this.#users = new Map();
      this.#stamp = '';
      return;
    }
    if (stamp === this.#stamp) return;
    const users = parseUsersFile(await readFile(this.file, 'utf8'));
    if (writes !== this.#writes) return;
    this.#users = users;
    this.#stamp = stamp;
  }

  async #write(users: Map<string, StoredUser>): Promise<void> {
    await mkdir(this.#dataDir, { recursive: true, mode: 0o700 });
    const data: UsersFile = { format: 'vigil-users', version: 1, users: [...users.values()].sort((a, b) => a.username.localeCompare(b.username)) };
    await writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`, 0o600);
    this.#writes += 1;
    this.#users = users;
    const info = await stat(this.file);
    this.#stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
  }

  /** Runs a change on the newest file content, one change at a time. */
  #change<T>(change: (users: Map<string, StoredUser>) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      await this.refresh(true);
      return change(new Map(this.#users));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The user if the password is right; unknown users cost the same hashing work, so timing does not tell who exists. */
  async verify(username: string, password: string): Promise<Account | undefined> {
    await this.refresh(true);
    const name = normaliseUsername(username);
    const user = this.#users.get(name);
    if (user === undefined) {
      await verifyPassword(password, this.#dummy);
      return undefined;
    }
    if (!(await verifyPassword(password, user.password))) return undefined;
    if (needsRehash(user.password, this.#params)) await this.#upgradeHash(name, password).catch(() => undefined);
    return toAccount(user);
  }

  /** Stronger parameters apply at the next sign-in; the password itself is unchanged, so sign-ins stay valid. */
  #upgradeHash(username: string, password: string): Promise<void> {
    return this.#change(async (users) => {
      const user = users.get(username);
      if (user === undefined || !needsRehash(user.password, this.#params)) return;
      users.set(username, { ...user, password: await hashPassword(password, this.#params), updated: new Date().toISOString() });
      await this.#write(users);
    });
  }

  async list(): Promise<User[]> {
    await this.refresh(true);
    return [...this.#users.values()].sort((a, b) => a.username.localeCompare(b.username)).map((u) => ({ username: u.username, roles: [...u.roles] }));
  }

  async add(username: string, password: string, roles: readonly string[]): Promise<User> {
    const name = checkUsername(username);
    const checkedRoles = checkRoles(roles);
    checkPassword(password);
    const hash = await hashPassword(password, this.#params);
    return this.#change(async (users) => {
      if (users.has(name)) throw new UserStoreError('exists', `user "${name}" already exists`);
      const now = new Date().toISOString();
      users.set(name, { username: name, roles: checkedRoles, password: hash, passwordVersion: 1, created: now, updated: now });
      await this.#write(users);
      return { username: name, roles: [...checkedRoles] };
    });
  }

  /** Refuses to remove the last admin: nobody could manage users any more without editing the file. */
  async remove(username: string): Promise<void> {
    const name = normaliseUsername(username);
    await this.#change(async (users) => {
      const user = users.get(name);
      if (user === undefined) throw new UserStoreError('not-found', `no user "${name}"`);
      if (user.roles.includes('admin') && ![...users.values()].some((u) => u.username !== name && u.roles.includes('admin'))) {
        throw new UserStoreError('last-admin', `"${name}" is the last admin; add another admin first`);
      }
      users.delete(name);
      await this.#write(users);
    });
  }

  /** A new password ends every sign-in made with the old one (passwordVersion). */
  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username);
    checkPassword(password);
    const hash = await hashPassword(password, this.#params);
    await this.#change(async (users) => {
      const user = users.get(name);
      if (user === undefined) throw new UserStoreError('not-found', `no user "${name}"`);
      users.set(name, { ...user, password: hash, passwordVersion: user.passwordVersion + 1, updated: new Date().toISOString() });
      await this.#write(users);
    });
  }

  /**
   * On a fresh install (no users at all) creates `admin` with a random password and returns it, once, for the
   * service to print; there is never a default password. Returns undefined when any user exists.
   */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | undefined> {
    const password = generatePassword();
    return this.#change(async (users) => {
      if (users.size > 0) return undefined;
      const now = new Date().toISOString();
      const hash = await hashPassword(password, this.#params);
      users.set(FIRST_ADMIN, { username: FIRST_ADMIN, roles: ['admin'], password: hash, passwordVersion: 1, created: now, updated: now });
      await this.#write(users);
      return { username: FIRST_ADMIN, password };
    });
  }
}
