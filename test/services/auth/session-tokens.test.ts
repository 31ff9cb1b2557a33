// Sign-in tokens: random, stored only hashed, ending after the idle timeout and at the maximum age,
// revocable one by one or per user, and kept across a restart when a file is given.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SessionTokens } from '../../../services/auth/session-tokens.js';
import type { User } from '../../../services/auth/types.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 60 * 60 * 1000;
const weber: User = { username: 't.weber', roles: ['therapist'] };
const okafor: User = { username: 'm.okafor', roles: ['monitor'] };

function clock(start = 1_767_225_600_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('session tokens', () => {
  test('issue gives a random 32-byte base64url token and a separate CSRF token; resolve finds the sign-in', () => {
    const tokens = new SessionTokens();
    const a = tokens.issue(weber, 3);
    const b = tokens.issue(weber, 3);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.csrfToken).not.toBe(a.token);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(tokens.resolve(a.token)).toMatchObject({ username: 't.weber', passwordVersion: 3, csrfToken: a.csrfToken });
    expect(tokens.resolve(`${a.token.slice(0, -1)}${a.token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(tokens.resolve('')).toBeUndefined();
  });

  test('revoke ends one sign-in; revokeUser ends all of a user', () => {
    const tokens = new SessionTokens();
    const a = tokens.issue(weber);
    const b = tokens.issue(weber);
    const c = tokens.issue(okafor);
    expect(tokens.revoke(a.token)).toBe(true);
    expect(tokens.revoke(a.token)).toBe(false);
    expect(tokens.resolve(a.token)).toBeUndefined();
    expect(tokens.resolve(b.token)).toBeDefined();
    expect(tokens.revokeUser('t.weber')).toBe(1);
    expect(tokens.resolve(b.token)).toBeUndefined();
    expect(tokens.resolve(c.token)?.username).toBe('m.okafor');
  });

  test('a sign-in ends after the idle timeout; using it starts the timeout again', () => {
    const time = clock();
    const tokens = new SessionTokens({ now: time.now, idleTimeoutMs: 12 * HOUR, maxAgeMs: 24 * HOUR });
    const used = tokens.issue(weber);
    const idle = tokens.issue(okafor);
    time.advance(11 * HOUR);
    expect(tokens.resolve(used.token)).toBeDefined();
    time.advance(2 * HOUR); // 13 h after sign-in, 2 h after last use
    expect(tokens.resolve(used.token)).toBeDefined();
    expect(tokens.resolve(idle.token)).toBeUndefined();
    time.advance(12 * HOUR);
    expect(tokens.resolve(used.token)).toBeUndefined();
  });

  test('a sign-in ends at the maximum age however often it is used', () => {
    const time = clock();
    const tokens = new SessionTokens({ now: time.now, idleTimeoutMs: 2 * HOUR, maxAgeMs: 8 * HOUR });
    const issued = tokens.issue(weber);
    expect(issued.expires).toBe(time.now() + 8 * HOUR);
    for (let h = 1; h < 8; h++) {
      time.advance(HOUR);
      expect(tokens.resolve(issued.token)).toBeDefined();
    }
    time.advance(HOUR);
    expect(tokens.resolve(issued.token)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  test('the number of sign-ins is bounded; the least recently used go first', () => {
    const tokens = new SessionTokens({ maxSignIns: 3 });
    const first = tokens.issue(weber);
    const second = tokens.issue(weber);
    tokens.issue(weber);
    tokens.resolve(first.token); // now the most recently used
    tokens.issue(weber);
    expect(tokens.size).toBe(3);
    expect(tokens.resolve(first.token)).toBeDefined();
    expect(tokens.resolve(second.token)).toBeUndefined();
  });

  test('with a file: sign-ins survive a restart, stored only as hashes, mode 0600; revocations too', async () => {
    const file = join(dir, 'signins.json');
    const time = clock();
    const before = await SessionTokens.open({ file, now: time.now });
    const kept = before.issue(weber, 2);
    const revoked = before.issue(okafor, 1);
    before.revoke(revoked.token);
    await before.close();

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(kept.token);
    expect(text).toContain(createHash('sha256').update(kept.token).digest('hex'));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const after = await SessionTokens.open({ file, now: time.now });
    expect(after.resolve(kept.token)).toMatchObject({ username: 't.weber', passwordVersion: 2, csrfToken: kept.csrfToken });
    expect(after.resolve(revoked.token)).toBeUndefined();

    // Expired sign-ins are not brought back.
    time.advance(25 * HOUR);
    await after.close();
    const later = await SessionTokens.open({ file, now: time.now });
    expect(later.resolve(kept.token)).toBeUndefined();
    expect(later.size).toBe(0);
  });
});
