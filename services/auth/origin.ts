// Same-origin and secret comparisons for the CSRF defences.
import { timingSafeEqual } from 'node:crypto';

/**
 * True when an Origin header is present and names another site than the one the request was sent to
 * (the Host header), and is not explicitly allowed. An absent Origin is not foreign: non-browser clients
 * send none, and browsers always send one on cross-origin POSTs. "null" (sandboxed frames) is foreign.
 */
export function isForeignOrigin(origin: string | undefined, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return false;
  if (allowed.has(origin)) return false;
  if (host === undefined || host === '') return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return true;
  }
  return url.host.toLowerCase() !== host.toLowerCase();
}

/** Compares secrets without leaking through timing how much of a guess was right. */
export function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
