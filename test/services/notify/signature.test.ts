import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { sign, SIGNATURE_TOLERANCE_MS, verify } from '../../../services/notify/signature.js';

const SECRET = 'a-long-enough-shared-secret';
const BODY = '{"type":"vigil.notification","key":"s-1/n-1/pager"}';
const T = 1_767_230_000_000;

describe('webhook signatures', () => {
  test('the header is t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(sign(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  test('what was signed verifies; another secret, body or time does not', () => {
    const header = sign(SECRET, BODY, T);
    expect(verify(SECRET, header, BODY, T)).toEqual({ ok: true, t: T });
    expect(verify('another-secret-entirely', header, BODY, T)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify(SECRET, header, `${BODY} `, T)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, T)).toMatchObject({ ok: false, reason: 'signature does not match' });
  });

  test('a time more than 5 minutes off either way is refused; within it is fine', () => {
    const header = sign(SECRET, BODY, T);
    expect(verify(SECRET, header, BODY, T + SIGNATURE_TOLERANCE_MS).ok).toBe(true);
    expect(verify(SECRET, header, BODY, T - SIGNATURE_TOLERANCE_MS).ok).toBe(true);
    expect(verify(SECRET, header, BODY, T + SIGNATURE_TOLERANCE_MS + 1)).toMatchObject({ ok: false, reason: 'signature time too far from now' });
    expect(verify(SECRET, header, BODY, T - SIGNATURE_TOLERANCE_MS - 1)).toMatchObject({ ok: false, reason: 'signature time too far from now' });
  });

  test('one matching v1 among several is enough (a receiver rotating its secret signs with both)', () => {
    const good = sign(SECRET, BODY, T).split(',v1=')[1] as string;
    const old = sign('the-previous-secret-value', BODY, T).split(',v1=')[1] as string;
    expect(verify(SECRET, `t=${T},v1=${old},v1=${good}`, BODY, T).ok).toBe(true);
    expect(verify(SECRET, `t=${T},v1=${good.toUpperCase()}`, BODY, T).ok).toBe(true);
  });

  test('missing or malformed headers are refused with a reason, never thrown', () => {
    const hex = 'a'.repeat(64);
    for (const header of [undefined, '', 'nonsense', `v1=${hex}`, `t=${T}`, `t=abc,v1=${hex}`, `t=${T},v1=xyz`, `t=${T},v1=${'a'.repeat(63)}`, 't=,v1=']) {
      const result = verify(SECRET, header, BODY, T);
      expect(result.ok, String(header)).toBe(false);
    }
    expect(verify(SECRET, undefined, BODY, T)).toEqual({ ok: false, reason: 'no signature' });
  });
});
