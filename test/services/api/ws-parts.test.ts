// The hub's small parts on their own: client message parsing, the upgrade query, the replay ring, limits.
import { describe, expect, test } from 'vitest';
import { resolveLimits } from '../../../services/api/ws-limits.js';
import { parseClientMessage } from '../../../services/api/ws-protocol.js';
import { parseHubQuery } from '../../../services/api/ws-query.js';
import { SeqRing } from '../../../services/api/ws-ring.js';

const POINTS = { default: 300, max: 5000 };

describe('client messages', () => {
  test.each([
    ['{"type":"confirm","seq":4}', { type: 'confirm', seq: 4 }],
    ['{"type":"confirm","seq":4,"session":"s-1","extra":true}', { type: 'confirm', seq: 4, session: 's-1' }],
    ['{"type":"ping"}', { type: 'ping' }],
    ['{"type":"ping","id":"abc"}', { type: 'ping', id: 'abc' }],
  ])('%s is accepted', (text, message) => {
    expect(parseClientMessage(text)).toEqual({ ok: true, message });
  });

  test.each([
    ['', 'bad-json'],
    ['null', 'bad-json'],
    ['"confirm"', 'bad-json'],
    ['[{"type":"confirm","seq":1}]', 'bad-json'],
    ['{"type":"confirm"}', 'bad-message'],
    ['{"type":"confirm","seq":0}', 'bad-message'],
    ['{"type":"confirm","seq":1.5}', 'bad-message'],
    ['{"type":"confirm","seq":1,"session":7}', 'bad-message'],
    ['{"type":"ping","id":{}}', 'bad-message'],
    ['{"type":"subscribe"}', 'unknown-type'],
    ['{"seq":1}', 'unknown-type'],
    ['{"type":"__proto__"}', 'unknown-type'],
  ])('%s is refused (%s)', (text, code) => {
    const parsed = parseClientMessage(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe(code);
  });
});

describe('upgrade query', () => {
  test('one session, with since, epoch and points', () => {
    const parsed = parseHubQuery({ session: 's-1', since: '42', epoch: 'e', points: '0' }, POINTS);
    expect(parsed).toEqual({ ok: true, query: { session: 's-1', since: new Map([['s-1', 42]]), epoch: 'e', points: 0 } });
  });

  test('session=* takes a since list with encoded ids', () => {
    const parsed = parseHubQuery({ session: '*', since: 's-1:3,odd%3Aid%2C:9' }, POINTS);
    expect(parsed.ok && [...parsed.query.since]).toEqual([
      ['s-1', 3],
      ['odd:id,', 9],
    ]);
    expect(parsed.ok && parsed.query.points).toBe(300);
  });

  test.each([
    [{}],
    [{ session: '' }],
    [{ session: ['s-1', 's-2'] }],
    [{ session: 's-1', since: 'x' }],
    [{ session: 's-1', since: '1e3' }],
    [{ session: 's-1', since: ['1', '2'] }],
    [{ session: '*', since: '5' }],
    [{ session: '*', since: ':5' }],
    [{ session: 's-1', points: '5001' }],
    [{ session: 's-1', epoch: '' }],
  ])('%j is a 400', (query) => {
    expect(parseHubQuery(query, POINTS).ok).toBe(false);
  });
});

describe('seq ring', () => {
  test('keeps the newest items, finds by seq across gaps', () => {
    const ring = new SeqRing<{ seq: number }>(3);
    for (const seq of [1, 2, 4, 7]) ring.push({ seq });
    expect(ring.size).toBe(3);
    expect(ring.oldest).toBe(2);
    expect(ring.after(0).map((i) => i.seq)).toEqual([2, 4, 7]);
    expect(ring.after(3).map((i) => i.seq)).toEqual([4, 7]);
    expect(ring.after(7)).toEqual([]);
    expect(ring.get(4)).toEqual({ seq: 4 });
    expect(ring.get(3)).toBeUndefined();
    expect(ring.push({ seq: 8 })).toEqual({ seq: 2 });
    expect(() => ring.push({ seq: 8 })).toThrow(RangeError);
  });
});

describe('limits', () => {
  test('defaults fill in; nonsense is refused at startup', () => {
    expect(resolveLimits({ ringSize: 16 }).ringSize).toBe(16);
    expect(resolveLimits().maxMessageBytes).toBe(16 * 1024);
    expect(() => resolveLimits({ ringSize: 0 })).toThrow(/ringSize/);
    expect(() => resolveLimits({ ringSize: 1.5 })).toThrow(/ringSize/);
    expect(() => resolveLimits({ heartbeatMs: Number.NaN })).toThrow(/heartbeatMs/);
    expect(() => resolveLimits({ maxMessageBytes: 2048, maxFrameBytes: 1024 })).toThrow(/maxFrameBytes/);
  });
});
