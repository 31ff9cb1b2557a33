// Password hashing with scrypt (memory-hard, in Node's crypto: no native add-on to build). The parameters
// travel with each hash, so they can be raised later and old hashes still verify (and get upgraded).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** A stored password: never the password, only what checks it. */
export interface PasswordHash extends ScryptParams {
  algorithm: 'scrypt';
  /** base64, 16 random bytes per hash: the same password never hashes the same twice */
  salt: string;
  /** base64 */
  hash: string;
}

/** ~90 ms and 32 MiB per hash on the reference machine: cheap for a sign-in, dear for a guesser. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1, keyLength: 64 };
export const MIN_PASSWORD_LENGTH = 12;
/** Bounds the work a single request can ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

export class PasswordError extends Error {
  override name = 'PasswordError';
}

/** The same characters typed on another keyboard or OS must give the same password. */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** Why a new password is refused, or undefined if it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...normalise(password)].length;
  if (length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `a password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/** A random password for accounts created without one: 18 bytes → 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { N, r, p, keyLength } = params;
  // Node refuses scrypt above 32 MiB by default; N=2^15, r=8 needs exactly that, so allow headroom.
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(normalise(password), salt, keyLength, { N, r, p, maxmem }, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

export async function hashPassword(password: string, params: Readonly<ScryptParams> = DEFAULT_SCRYPT): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return { algorithm: 'scrypt', ...params, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when a hash was made with weaker parameters than today's: rehash it at the next sign-in. */
export function needsRehash(stored: PasswordHash, params: Readonly<ScryptParams> = DEFAULT_SCRYPT): boolean {
  return stored.N < params.N || stored.r < params.r || stored.p < params.p || stored.keyLength < params.keyLength;
}

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Checks a hash read from disk; the bounds keep a tampered file from asking for gigabytes. */
export function isPasswordHash(value: unknown): value is PasswordHash {
  if (typeof value !== 'object' || value === null) return false;
  const { algorithm, N, r, p, keyLength, salt, hash } = value as Record<string, unknown>;
  return (
    algorithm === 'scrypt' &&
    isInt(N, 2 ** 10, 2 ** 20) &&
    (N & (N - 1)) === 0 &&
    isInt(r, 1, 32) &&
    isInt(p, 1, 16) &&
    isInt(keyLength, 16, 128) &&
    typeof salt === 'string' &&
    typeof hash === 'string' &&
    Buffer.from(hash, 'base64').length === keyLength
  );
}
