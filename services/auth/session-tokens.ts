// Sign-ins: a random 32-byte token per sign-in, held only as its SHA-256 (a leaked store or signins.json
// gives nobody a usable token), ending after an idle timeout and at a maximum age. Optionally kept in
// <data-dir>/signins.json so restarting the service does not sign the bedside out mid-session.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';
import type { User } from './types.js';

export const SIGNINS_FILE = 'signins.json';

export interface SignIn {
  username: string;
  /** the account's password version at sign-in: a later password change ends this sign-in */
  passwordVersion: number;
  /** sent back in x-vigil-csrf with every state-changing cookie request */
  csrfToken: string;
  /** ms since the epoch */
  created: number;
  lastSeen: number;
}

export interface IssuedSignIn {
  /** the bearer secret: goes into the cookie (or an Authorization header); never stored */
  token: string;
  csrfToken: string;
  /** when the sign-in ends at the latest (the maximum age), ms since the epoch */
  expires: number;
}

export interface SessionTokensOptions {
  /** a sign-in unused this long ends (default 12 h: a dosing session is about 8 h) */
  idleTimeoutMs?: number;
  /** a sign-in ends this long after it began, used or not (default 24 h) */
  maxAgeMs?: number;
  /** wall clock (default Date.now); tests pass their own */
  now?: () => number;
  /** where to keep sign-ins across restarts; in memory only without it */
  file?: string;
  /** upper bound on live sign-ins; the least recently used go first (default 10,000) */
  maxSignIns?: number;
  /** how long lastSeen updates may wait before they are written (default 60 s) */
  touchWriteDelayMs?: number;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

function parseSignIns(text: string): Map<string, SignIn> {
  const data: unknown = JSON.parse(text);
  const signIns = new Map<string, SignIn>();
  if (typeof data !== 'object' || data === null) return signIns;
  const list = (data as Record<string, unknown>)['signIns'];
  if (!Array.isArray(list)) return signIns;
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { hash, username, passwordVersion, csrfToken, created, lastSeen } = entry as Record<string, unknown>;
    if (
      typeof hash === 'string' &&
      /^[0-9a-f]{64}$/.test(hash) &&
      typeof username === 'string' &&
      typeof passwordVersion === 'number' &&
      typeof csrfToken === 'string' &&
      typeof created === 'number' &&
      typeof lastSeen === 'number'
    ) {
      signIns.set(hash, { username, passwordVersion, csrfToken, created, lastSeen });
    }
  }
  return signIns;
}

export class SessionTokens {
  readonly idleTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly #now: () => number;
  readonly #file: string | undefined;
  readonly #maxSignIns: number;
  readonly #touchWriteDelayMs: number;
  /** sha256(token) → sign-in */
  #signIns = new Map<string, SignIn>();
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();
  #touchTimer: NodeJS.Timeout | undefined;

  constructor(options: SessionTokensOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 12 * 60 * 60 * 1000;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
    this.#file = options.file;
    this.#maxSignIns = options.maxSignIns ?? 10_000;
    this.#touchWriteDelayMs = options.touchWriteDelayMs ?? 60_000;
  }

  /** A token store that reads back the sign-ins kept in `options.file` (an unreadable file starts empty). */
  static async open(options: SessionTokensOptions & { file: string }): Promise<SessionTokens> {
    const tokens = new SessionTokens(options);
    try {
      tokens.#signIns = parseSignIns(await readFile(options.file, 'utf8'));
    } catch (error) {
      // Losing sign-ins only means signing in again; refusing to start would be worse.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    }
    tokens.#sweep();
    return tokens;
  }

  get size(): number {
    return this.#signIns.size;
  }

  issue(user: User, passwordVersion = 0): IssuedSignIn {
    this.#sweep();
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const signIn: SignIn = { username: user.username, passwordVersion, csrfToken: randomBytes(32).toString('base64url'), created: now, lastSeen: now };
    this.#signIns.set(digest(token), signIn);
    for (const hash of this.#signIns.keys()) {
      if (this.#signIns.size <= this.#maxSignIns) break;
      this.#signIns.delete(hash);
    }
    this.#changed();
    return { token, csrfToken: signIn.csrfToken, expires: signIn.created + this.maxAgeMs };
  }

  /** The live sign-in for a token (and it counts as use: the idle timeout starts again), or undefined. */
  resolve(token: string): SignIn | undefined {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const hash = digest(token);
    const signIn = this.#signIns.get(hash);
    if (signIn === undefined) return undefined;
    const now = this.#now();
    if (this.#expired(signIn, now)) {
      this.#signIns.delete(hash);
      this.#changed();
      return undefined;
    }
    signIn.lastSeen = now;
    // Keep least recently used first, so the size cap drops the stalest.
    this.#signIns.delete(hash);
    this.#signIns.set(hash, signIn);
    this.#touched();
    return { ...signIn };
  }

  revoke(token: string): boolean {
    if (!TOKEN_PATTERN.test(token)) return false;
    const removed = this.#signIns.delete(digest(token));
    if (removed) this.#changed();
    return removed;
  }

  /** Ends every sign-in of a user (removed, or password changed in this process). */
  revokeUser(username: string): number {
    let count = 0;
    for (const [hash, signIn] of this.#signIns) {
      if (signIn.username === username) {
        this.#signIns.delete(hash);
        count += 1;
      }
    }
    if (count > 0) this.#changed();
    return count;
  }

  /** When this sign-in ends if it is not used again. */
  expiresAt(signIn: SignIn): number {
    return Math.min(signIn.lastSeen + this.idleTimeoutMs, signIn.created + this.maxAgeMs);
  }

  /** Writes pending changes to the file, if there is one; await it where losing a change matters (sign-out). */
  flush(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    this.#writing = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      const signIns = [...this.#signIns].map(([hash, s]) => ({ hash, ...s }));
      try {
        await writeFileAtomic(file, `${JSON.stringify({ format: 'vigil-signins', version: 1, signIns })}\n`, 0o600);
      } catch (error) {
        this.#dirty = true;
        throw error;
      }
    });
    const written = this.#writing;
    this.#writing = written.catch(() => undefined);
    return written;
  }

  async close(): Promise<void> {
    clearTimeout(this.#touchTimer);
    this.#touchTimer = undefined;
    await this.flush();
  }

  #expired(signIn: SignIn, now: number): boolean {
    return now >= this.expiresAt(signIn);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [hash, signIn] of this.#signIns) {
      if (this.#expired(signIn, now)) {
        this.#signIns.delete(hash);
        this.#dirty = true;
      }
    }
  }

  /** New and ended sign-ins are written at once (in the background); callers may await flush(). */
  #changed(): void {
    this.#dirty = true;
    // A failed background write leaves #dirty set: the next change or flush() tries again.
    if (this.#file !== undefined) this.flush().catch(() => undefined);
  }

  /** Only lastSeen moved: write within touchWriteDelayMs rather than on every request. */
  #touched(): void {
    if (this.#file === undefined) return;
    this.#dirty = true;
    if (this.#touchTimer !== undefined) return;
    this.#touchTimer = setTimeout(() => {
      this.#touchTimer = undefined;
      this.flush().catch(() => undefined);
    }, this.#touchWriteDelayMs);
    this.#touchTimer.unref();
  }
}
