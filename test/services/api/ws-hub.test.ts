// The WebSocket hub end to end: a real fastify server on port 0, real ws clients, an in-memory session.
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { HubCursor } from '../../../services/api/ws-client.js';
import type { WsHubLimits } from '../../../services/api/ws-limits.js';
import { CLOSE } from '../../../services/api/ws-protocol.js';
import type { RecordingLine } from '../../../services/core/types.js';
import { eventually, isAlarm, isLine, refusedUpgrade, sleep, startHub, T0, TestClient, type TestHub } from './ws-fakes.js';

let hubs: TestHub[] = [];
const clients: TestClient[] = [];

async function hub(ids: string[] = ['s-1', 's-2', 's-3'], limits: WsHubLimits = {}): Promise<TestHub> {
  const started = await startHub(ids, limits);
  hubs.push(started);
  return started;
}

async function open(h: TestHub, query: string, options: Parameters<typeof TestClient.open>[2] = {}): Promise<TestClient> {
  const client = await TestClient.open(h, query, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  for (const h of hubs) await h.close();
  hubs = [];
});

const EVERY_KIND: RecordingLine[] = [
  { type: 'sample', t: T0, vital: 'hr', value: 88, unit: '/min', device: 'hrm-1' },
  { type: 'raw', t: T0, device: 'hrm-1', hex: '0058' }, // not forwarded
  { type: 'alarm', t: T0 + 1, rule: 'hr-high', id: 'hr-high#1', vital: 'hr', priority: 'high', kind: 'physiological', state: 'raised', value: 131 },
  { type: 'event', t: T0 + 2, event: 'dose', mg: 120, by: 'alice' },
  { type: 'tick', t: T0 + 3 }, // not forwarded
  { type: 'device', t: T0 + 4, device: 'ox-1', state: 'disconnected' },
  { type: 'audio', t: T0 + 5, state: 'paused', until: T0 + 120_005, by: 'alice' },
  { type: 'baseline', t: T0 + 6, vital: 'hr', value: 72, source: 'auto', samples: 15 },
  { type: 'action', t: T0 + 7, action: 'alarm-off', rule: 'spo2-low', by: 'alice', reason: 'probe' }, // its effect is the rule line
  { type: 'rule', t: T0 + 7, rule: 'spo2-low', enabled: false, by: 'alice', reason: 'probe' },
];

describe('upgrade', () => {
  test('an unauthenticated upgrade is refused with 401 before a socket exists', async () => {
    const h = await hub();
    const refused = await refusedUpgrade(`${h.url}?session=s-1`);
    expect(refused).toEqual({ status: 401, opened: false });
    await sleep(50);
    expect(h.sessions.get('s-1')?.subscribers).toBe(0);
  });

  test('403 for a session the user may not read, 404 for an unknown one, 400 for a bad query', async () => {
    const h = await hub();
    expect(await refusedUpgrade(`${h.url}?session=s-1`, 'vigil=eve')).toEqual({ status: 403, opened: false });
    expect(await refusedUpgrade(`${h.url}?session=s-9`, 'vigil=alice')).toEqual({ status: 404, opened: false });
    expect(await refusedUpgrade(`${h.url}?session=s-1&since=-3`, 'vigil=alice')).toEqual({ status: 400, opened: false });
    expect(await refusedUpgrade(`${h.url}?session=s-1&points=999999`, 'vigil=alice')).toEqual({ status: 400, opened: false });
    expect(await refusedUpgrade(`${h.url}?session=*&since=12`, 'vigil=bob')).toEqual({ status: 400, opened: false });
    expect(await refusedUpgrade(`${h.url}`, 'vigil=alice')).toEqual({ status: 400, opened: false });
  });

  test('a plain GET is told to upgrade', async () => {
    const h = await hub();
    const response = await fetch(`${h.url.replace('ws:', 'http:')}?session=s-1`, { headers: { cookie: 'vigil=alice' } });
    expect(response.status).toBe(426);
    expect((await fetch(`${h.url.replace('ws:', 'http:')}?session=s-1`)).status).toBe(401);
  });
});

describe('messages', () => {
  test('hello, a snapshot with the trend at the asked resolution, then every journal line in seq order', async () => {
    const h = await hub();
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    for (let i = 0; i < 10; i++) session.sample('hr', 70 + i);
    const client = await open(h, 'session=s-1&points=4');
    const snapshot = await client.waitFor((m) => m.type === 'snapshot');
    for (const line of EVERY_KIND) session.emit(line);
    await client.waitForCount(isLine, 7);

    const [hello, first] = client.messages;
    expect(hello).toMatchObject({ type: 'hello', protocol: 1, user: 'alice', sessions: ['s-1'] });
    expect(first).toBe(snapshot);
    expect(snapshot).toMatchObject({ type: 'snapshot', session: 's-1', seq: 0, reason: 'connect', state: { id: 's-1', linesSoFar: 10 } });
    expect(snapshot.type === 'snapshot' && snapshot.trend.hr).toEqual([76, 77, 78, 79].map((v, i) => [T0 + (6 + i) * 1000, v]));
    const lines = client.lines();
    expect(lines.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.map((m) => m.type)).toEqual(['sample', 'alarm', 'event', 'device', 'audio', 'baseline', 'rule']);
    expect(lines.map((m) => m.line)).toEqual(EVERY_KIND.filter((l) => !['raw', 'tick', 'action'].includes(l.type)));
    expect(lines.every((m) => m.session === 's-1' && m.type === m.line.type)).toBe(true);
  });

  test('points=0 leaves the trend out', async () => {
    const h = await hub();
    h.sessions.get('s-1')?.sample('hr', 80);
    const client = await open(h, 'session=s-1&points=0');
    expect(await client.waitFor((m) => m.type === 'snapshot')).toMatchObject({ trend: {} });
  });

  test('session=* follows every readable session, picks up new ones and is told of removed ones', async () => {
    const h = await hub(['s-1', 's-2', 's-3'], { sessionPollMs: 30 });
    const monitor = await open(h, 'session=*&points=0', { user: 'bob' });
    const therapist = await open(h, 'session=*&points=0', { user: 'alice' });
    await monitor.waitForCount((m) => m.type === 'snapshot', 3);
    await therapist.waitForCount((m) => m.type === 'snapshot', 2);
    expect(monitor.messages[0]).toMatchObject({ type: 'hello', sessions: ['s-1', 's-2', 's-3'] });
    expect(therapist.messages[0]).toMatchObject({ type: 'hello', sessions: ['s-1', 's-2'] });

    h.sessions.get('s-3')?.sample('hr', 90);
    h.sessions.get('s-1')?.sample('hr', 91);
    await monitor.waitForCount(isLine, 2);
    await therapist.waitForCount(isLine, 1);
    expect(monitor.lines().map((m) => [m.session, m.seq])).toEqual([['s-3', 1], ['s-1', 1]]);
    expect(therapist.lines().map((m) => [m.session, m.seq])).toEqual([['s-1', 1]]);

    const { FakeSession } = await import('./ws-fakes.js');
    h.sessions.set('s-4', new FakeSession('s-4'));
    expect(await monitor.waitFor((m) => m.type === 'snapshot' && m.session === 's-4')).toMatchObject({ reason: 'added', seq: 0 });
    h.sessions.delete('s-2');
    await monitor.waitFor((m) => m.type === 'removed' && m.session === 's-2');
    await therapist.waitFor((m) => m.type === 'removed' && m.session === 's-2');
    expect(therapist.messages.some((m) => m.type === 'snapshot' && m.session === 's-4')).toBe(false);
    expect(monitor.ws.readyState).toBe(WebSocket.OPEN);
  });

  test('a single-session connection is closed when its session goes away', async () => {
    const h = await hub(['s-1'], { sessionPollMs: 30 });
    const client = await open(h, 'session=s-1');
    h.sessions.delete('s-1');
    await client.waitFor((m) => m.type === 'removed');
    expect((await client.closed).code).toBe(CLOSE.sessionRemoved);
  });
});

describe('reconnect', () => {
  test('with since, exactly the missed messages, no snapshot', async () => {
    const h = await hub();
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const first = await open(h, 'session=s-1');
    for (let i = 0; i < 5; i++) session.sample('hr', 80 + i);
    session.alarm();
    await first.waitForCount(isLine, 6);
    await eventually(() => h.confirmations.length === 1);
    first.close();
    await first.closed;

    const before = session.lines.length;
    session.sample('spo2', 97);
    session.alarm('spo2-low');
    session.note('patient asleep');
    session.sample('hr', 99);
    const missed = session.lines.slice(before);

    const second = await open(h, first.cursor.query('s-1'), { cursor: first.cursor });
    await second.waitForCount(isLine, 4);
    session.sample('hr', 100);
    await second.waitForCount(isLine, 5);
    expect(second.messages[0]?.type).toBe('hello');
    expect(second.messages.some((m) => m.type === 'snapshot')).toBe(false);
    expect(second.lines().map((m) => m.seq)).toEqual([7, 8, 9, 10, 11]);
    expect(second.lines().slice(0, 4).map((m) => m.line)).toEqual(missed);
  });

  test('a since older than the buffer gets a fresh snapshot (gap) and still every alarm it missed', async () => {
    const h = await hub(['s-1'], { ringSize: 8, alarmRingSize: 8 });
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const first = await open(h, 'session=s-1');
    session.sample('hr', 80);
    await first.waitForCount(isLine, 1);
    first.close();
    await first.closed;

    session.alarm('hr-high');
    for (let i = 0; i < 10; i++) session.sample('hr', 130 + i);
    session.alarm('hr-high', 'cleared');
    for (let i = 0; i < 10; i++) session.sample('hr', 90 + i);

    const second = await open(h, first.cursor.query('s-1'), { cursor: first.cursor });
    await second.waitForCount(isAlarm, 2);
    const snapshot = second.messages[1];
    expect(snapshot).toMatchObject({ type: 'snapshot', reason: 'gap', seq: 23 });
    expect(second.lines().map((m) => [m.seq, m.type])).toEqual([[2, 'alarm'], [13, 'alarm']]);
    session.sample('hr', 91);
    expect(await second.waitFor((m) => isLine(m) && m.seq === 24)).toMatchObject({ type: 'sample' });
  });

  test('a since from another hub run (epoch) or from the future gets a reset snapshot', async () => {
    const h = await hub();
    h.sessions.get('s-1')?.sample('hr', 80);
    const stale = await open(h, 'session=s-1&since=1&epoch=earlier');
    expect(await stale.waitFor((m) => m.type === 'snapshot')).toMatchObject({ reason: 'reset', seq: 0 });
    const ahead = await open(h, 'session=s-1&since=50');
    expect(await ahead.waitFor((m) => m.type === 'snapshot')).toMatchObject({ reason: 'reset' });
  });

  test('session=* resumes each session from its own since', async () => {
    const h = await hub();
    const monitor = await open(h, 'session=*&points=0', { user: 'bob' });
    h.sessions.get('s-1')?.sample('hr', 80);
    h.sessions.get('s-2')?.sample('hr', 81);
    await monitor.waitForCount(isLine, 2);
    monitor.close();
    await monitor.closed;
    h.sessions.get('s-2')?.sample('hr', 82);
    h.sessions.get('s-3')?.sample('hr', 83);
    const again = await open(h, monitor.cursor.query('*', 0), { user: 'bob', cursor: monitor.cursor });
    await again.waitForCount(isLine, 2);
    expect(again.messages.filter((m) => m.type === 'snapshot')).toEqual([]);
    expect(again.lines().map((m) => [m.session, m.seq])).toEqual([['s-2', 2], ['s-3', 1]]);
  });
});

describe('alarm delivery', () => {
  test('each alarm confirmation reaches onConfirm once', async () => {
    const h = await hub();
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const client = await open(h, 'session=s-1');
    const alarms = [session.alarm('hr-high'), session.alarm('temp-high'), session.alarm('hr-high', 'cleared')];
    await eventually(() => h.confirmations.length === 3);
    client.send({ type: 'confirm', seq: 2 }); // again: recorded already
    client.send({ type: 'ping', id: 'after' });
    await client.waitFor((m) => m.type === 'pong');
    expect(h.confirmations).toEqual(alarms.map((a, i) => ({ user: 'alice', session: 's-1', seq: i + 1, alarmId: a.id })));
  });

  test('an unconfirmed alarm is re-sent on the same connection until confirmed', async () => {
    const h = await hub(['s-1'], { confirmTimeoutMs: 80, sweepMs: 10 });
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const client = await open(h, 'session=s-1', { autoConfirm: false });
    session.alarm();
    session.sample('hr', 120);
    const copies = await client.waitForCount(isAlarm, 3, 2_000);
    expect(copies.map((m) => m.seq)).toEqual([1, 1, 1]);
    expect(h.confirmations).toEqual([]);
    client.send({ type: 'confirm', seq: 1 });
    await eventually(() => h.confirmations.length === 1);
    const count = client.messages.filter(isAlarm).length;
    await sleep(300);
    expect(client.messages.filter(isAlarm).length).toBeLessThanOrEqual(count + 1); // at most one already on its way
    expect(h.confirmations).toHaveLength(1);
    expect(client.lines().filter((m) => m.type === 'sample')).toHaveLength(1);
  });

  test('an alarm left unconfirmed when the connection dropped is re-sent on the next one', async () => {
    const h = await hub();
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const first = await open(h, 'session=s-1', { autoConfirm: false });
    const alarm = session.alarm();
    session.sample('hr', 120);
    await first.waitForCount(isLine, 2);
    first.close();
    await first.closed;
    await sleep(20);

    const second = await open(h, first.cursor.query('s-1'), { cursor: first.cursor });
    await eventually(() => h.confirmations.length === 1);
    expect(second.lines().map((m) => [m.seq, m.type])).toEqual([[1, 'alarm']]);
    expect(h.confirmations).toEqual([{ user: 'alice', session: 's-1', seq: 1, alarmId: alarm.id }]);
  });

  test('confirming something that is not an alarm is an error; the connection stays up', async () => {
    const h = await hub();
    const session = h.sessions.get('s-1');
    const client = await open(h, 'session=s-1');
    session?.sample('hr', 70);
    await client.waitForCount(isLine, 1);
    client.send({ type: 'confirm', seq: 1 });
    client.send({ type: 'confirm', seq: 99 });
    client.send({ type: 'confirm', seq: 1, session: 's-2' });
    await client.waitForCount((m) => m.type === 'error', 3);
    expect(client.messages.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.code)).toEqual(['unknown-seq', 'unknown-seq', 'unknown-seq']);
    const monitor = await open(h, 'session=*', { user: 'bob' });
    monitor.send({ type: 'confirm', seq: 1 });
    expect(await monitor.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'bad-message' });
  });

  test('too many overdue alarms: cut off with 4008, and the next connection gets every one again', async () => {
    const h = await hub(['s-1'], { maxUnconfirmed: 3, confirmTimeoutMs: 50, sweepMs: 10 });
    const session = h.sessions.get('s-1');
    if (session === undefined) throw new Error('no session');
    const first = await open(h, 'session=s-1', { autoConfirm: false });
    for (let i = 0; i < 4; i++) session.alarm(`rule-${i}`);
    expect((await first.closed).code).toBe(CLOSE.tooFarBehind);
    session.alarm('rule-4');
    const second = await open(h, first.cursor.query('s-1'), { cursor: first.cursor });
    await eventually(() => h.confirmations.length === 5);
    const seen = [...first.lines(), ...second.lines()].filter(isAlarm).map((m) => m.seq);
    expect([...new Set(seen)]).toEqual([1, 2, 3, 4, 5]);
    expect(h.confirmations.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('bad input', () => {
  test('malformed, unknown, binary and oversized messages get an error reply; the connection stays up', async () => {
    const h = await hub(['s-1'], { maxMessageBytes: 1024, maxFrameBytes: 64 * 1024 });
    const client = await open(h, 'session=s-1');
    client.send('{not json');
    client.send('[1,2]');
    client.send('{"type":"dance"}');
    client.send('{"type":"confirm","seq":"one"}');
    client.send(JSON.stringify({ type: 'ping', id: 'x'.repeat(2000) }));
    client.ws.send(Buffer.from([1, 2, 3]));
    const errors = await client.waitForCount((m) => m.type === 'error', 6);
    expect(errors.map((m) => m.type === 'error' && m.code)).toEqual(['bad-json', 'bad-json', 'unknown-type', 'bad-message', 'too-large', 'bad-message']);
    client.send({ type: 'ping', id: 7 });
    expect(await client.waitFor((m) => m.type === 'pong')).toMatchObject({ id: 7 });
    h.sessions.get('s-1')?.sample('hr', 70);
    await client.waitForCount(isLine, 1);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  test('a frame above the hard frame limit closes only that connection (1009)', async () => {
    const h = await hub(['s-1'], { maxMessageBytes: 1024, maxFrameBytes: 64 * 1024 });
    const other = await open(h, 'session=s-1');
    const client = await open(h, 'session=s-1');
    client.send('x'.repeat(100 * 1024));
    expect((await client.closed).code).toBe(CLOSE.tooBig);
    h.sessions.get('s-1')?.sample('hr', 70);
    await other.waitForCount(isLine, 1);
    const again = await open(h, 'session=s-1');
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('heartbeat', () => {
  test('a client that does not answer pings is terminated; one that does stays', async () => {
    const h = await hub(['s-1'], { heartbeatMs: 50 });
    const dead = await open(h, 'session=s-1', { ws: { autoPong: false } });
    const alive = await open(h, 'session=s-1');
    const started = performance.now();
    const { code } = await dead.closed;
    expect(code).toBe(1006);
    expect(performance.now() - started).toBeLessThan(1_000);
    await sleep(200);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('cursor', () => {
  test('re-sent alarms are recognised; samples below the highest seq are not duplicates', () => {
    const cursor = new HubCursor();
    const line = { type: 'alarm', t: T0, rule: 'r', vital: 'hr', priority: 'high', state: 'raised' } as const;
    expect(cursor.observe({ type: 'hello', protocol: 1, epoch: 'e1', user: 'a', sessions: ['s'], heartbeatMs: 1, confirmTimeoutMs: 1, maxMessageBytes: 1 })).toBe(true);
    expect(cursor.observe({ type: 'alarm', seq: 5, session: 's', line })).toBe(true);
    expect(cursor.observe({ type: 'alarm', seq: 5, session: 's', line })).toBe(false);
    expect(cursor.observe({ type: 'sample', seq: 3, session: 's', line: { type: 'sample', t: T0, vital: 'hr', value: 1, unit: '/min' } })).toBe(true);
    expect(cursor.since('s')).toBe(5);
    expect(cursor.query('s', 10)).toBe('session=s&since=5&epoch=e1&points=10');
    expect(cursor.query('*')).toBe('session=*&since=s%3A5&epoch=e1');
  });
});

describe('shutdown', () => {
  test('closing the service closes clients with 1001 and lets go of the sessions', async () => {
    const h = await startHub(['s-1']);
    const client = await TestClient.open(h, 'session=s-1');
    await client.waitFor((m) => m.type === 'snapshot');
    expect(h.sessions.get('s-1')?.subscribers).toBe(1);
    await h.close();
    expect((await client.closed).code).toBe(CLOSE.goingAway);
    expect(h.sessions.get('s-1')?.subscribers).toBe(0);
  });
});
