// Signatures of webhook bodies and receipts: `X-Vigil-Signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// The timestamp is part of what is signed, so a captured request cannot be replayed after the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';

/** How far a signature's time may be from ours, either way (clocks drift; a replay must not live long). */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The header value for `body` signed at `t` (ms since the epoch). */
export function sign(secret: string, body: string, t: number = Date.now()): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export type Verification = { ok: true; t: number } | { ok: false; reason: string };

/**
 * Checks a header against the body. Several `v1=` values are allowed (a receiver rotating its secret signs
 * with both); one match is enough. The comparison is timing-safe.
 */
export function verify(secret: string, header: string | undefined, body: string, now: number = Date.now(), toleranceMs = SIGNATURE_TOLERANCE_MS): Verification {
  if (header === undefined || header === '') return { ok: false, reason: 'no signature' };
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed signature' };
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (!/^\d{1,16}$/.test(value)) return { ok: false, reason: 'malformed signature time' };
      t = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, reason: 'malformed signature' };
      candidates.push(value.toLowerCase());
    }
  }
  if (t === undefined || candidates.length === 0) return { ok: false, reason: 'malformed signature' };
  if (Math.abs(now - t) > toleranceMs) return { ok: false, reason: 'signature time too far from now' };
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  const match = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  return match ? { ok: true, t } : { ok: false, reason: 'signature does not match' };
}
