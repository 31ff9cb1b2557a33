// One deliberately slow client — it stops reading its socket, so the server's send buffer fills — must not
// delay alarms to a fast client, and must not lose an alarm itself: either it catches up (samples conflated,
// every alarm in order) or it is cut off by the documented rule and gets every missed alarm on reconnect.
import { afterEach, describe, expect, test } from 'vitest';
import type { WsHubLimits } from '../../../services/api/ws-limits.js';
import { CLOSE, type LineMessage } from '../../../services/api/ws-protocol.js';
import type { Vital } from '../../../services/core/types.js';
import { eventually, FakeSession, isAlarm, sleep, startHub, TestClient, type TestHub } from './ws-fakes.js';

/** Enough to fill the kernel's socket buffers on loopback (a few MiB) and then some in the server's own queue. */
const FILLER_NOTES = 200;
const NOTE = 'x'.repeat(64 * 1024);
const VITALS: Vital[] = ['hr', 'spo2', 'temp'];

let hub: TestHub | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await hub?.close();
  hub = undefined;
});

async function setUp(limits: WsHubLimits): Promise<{ h: TestHub; session: FakeSession; fast: TestClient; slow: TestClient }> {
  const h = (hub = await startHub(['s-1'], limits));
  const session = h.sessions.get('s-1');
  if (session === undefined) throw new Error('no session');
  const fast = await TestClient.open(h, 'session=s-1&points=0');
  const slow = await TestClient.open(h, 'session=s-1&points=0', { user: 'bob' });
  clients.push(fast, slow);
  await slow.waitFor((m) => m.type === 'snapshot');
  slow.ws.pause(); // stops reading the TCP socket: from here the server's writes pile up

  // In batches the fast client keeps up with, so only the slow one falls behind.
  for (let sent = 0; sent < FILLER_NOTES; sent += 8) {
    for (let i = 0; i < 8; i++) session.note(NOTE);
    await fast.waitForCount((m) => m.type === 'event', sent + 8, 20_000);
  }
  return { h, session, fast, slow };
}

/** Raises alarms between bursts of samples; returns how long each took to reach the fast client. */
async function alarmsWithSamples(session: FakeSession, fast: TestClient, rounds: number, first = 0): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = first; round < first + rounds; round++) {
    for (let i = 0; i < 20; i++) for (const vital of VITALS) session.sample(vital, round * 100 + i);
    const before = fast.messages.length;
    const sent = performance.now();
    session.alarm(`rule-${round}`);
    await fast.waitFor((m) => isAlarm(m) && m.line.rule === `rule-${round}`);
    const index = fast.messages.findIndex((m, i) => i >= before && isAlarm(m));
    latencies.push((fast.arrivals[index] as number) - sent);
  }
  return latencies;
}

function uniqueAlarmRules(messages: LineMessage[]): string[] {
  const seen = new Set<number>();
  const rules: string[] = [];
  for (const message of messages) {
    if (message.type !== 'alarm' || seen.has(message.seq)) continue;
    seen.add(message.seq);
    rules.push(message.line.rule);
  }
  return rules;
}

describe('a slow client', () => {
  test('does not delay alarms to a fast one, and catches up with every alarm in order, samples conflated', async () => {
    const { h, session, fast, slow } = await setUp({ hardBufferedBytes: 512 * 1024 * 1024, confirmTimeoutMs: 60_000 });
    const rounds = 5;
    const latencies = await alarmsWithSamples(session, fast, rounds);
    // The fast client sits in the same process as the server: each alarm arrives within a few event-loop turns
    // (under 1 ms here). The bound is loose for loaded machines; waiting on the stuck client would never end.
    expect(Math.max(...latencies)).toBeLessThan(100);
    expect(slow.messages.filter(isAlarm)).toHaveLength(0); // still stuck

    slow.ws.resume();
    await slow.waitForCount(isAlarm, rounds, 20_000);
    const expected = Array.from({ length: rounds }, (_, i) => `rule-${i}`);
    expect(uniqueAlarmRules(slow.lines())).toEqual(expected);
    expect(uniqueAlarmRules(fast.lines())).toEqual(expected);
    await eventually(() => h.confirmations.filter((c) => c.user === 'bob').length === rounds);

    // Fast: every sample. Slow: the samples raised while its socket was backed up were conflated; the ones it has
    // are each the latest of its vital at the time, and the very last value of each vital is among them (held
    // samples go out once the socket has drained).
    const samples = (client: TestClient) => client.lines().filter((m) => m.type === 'sample');
    await slow.waitFor(() => new Set(samples(slow).map((m) => m.line.type === 'sample' && m.line.vital)).size === VITALS.length);
    expect(samples(fast)).toHaveLength(rounds * 20 * VITALS.length);
    const slowSamples = samples(slow);
    expect(slowSamples.length).toBeLessThanOrEqual(rounds * VITALS.length);
    for (const vital of VITALS) {
      const last = session.lines.filter((l) => l.type === 'sample' && l.vital === vital).at(-1);
      expect(slowSamples.map((m) => m.line)).toContainEqual(last);
    }
    // everything that is not a sample arrived in seq order
    const others = slow.lines().filter((m) => m.type !== 'sample').map((m) => m.seq);
    expect(others).toEqual([...others].sort((a, b) => a - b));
    expect(slow.lines().filter((m) => m.type === 'event')).toHaveLength(FILLER_NOTES);
  });

  test('that stays too far behind is cut off (4008), and on reconnect with since gets every alarm it missed', async () => {
    const { h, session, fast, slow } = await setUp({ hardBufferedBytes: 1024 * 1024, behindGraceMs: 300, closeGraceMs: 100, sweepMs: 20 });
    const latencies = await alarmsWithSamples(session, fast, 2);
    expect(Math.max(...latencies)).toBeLessThan(100);
    await sleep(600); // past the grace: cut off
    const afterCut = await alarmsWithSamples(session, fast, 3, 2);
    expect(Math.max(...afterCut)).toBeLessThan(100);

    slow.ws.resume();
    const { code } = await slow.closed;
    // The close frame queues behind what the client never read; if the socket is terminated first, 1006.
    expect([CLOSE.tooFarBehind, 1006]).toContain(code);
    expect(slow.lines().filter(isAlarm).length).toBeLessThan(5);

    // Reconnect with since as a client does after any close: the replay here is megabytes of filler notes, so a
    // loaded machine may cut the replay off too; each attempt resumes where the last one stopped.
    const received: LineMessage[] = [...slow.lines()];
    const all = ['rule-0', 'rule-1', 'rule-2', 'rule-3', 'rule-4'];
    let again: TestClient | undefined;
    for (let attempt = 0; attempt < 5 && uniqueAlarmRules(received).length < all.length; attempt++) {
      again = await TestClient.open(h, slow.cursor.query('s-1', 0), { user: 'bob', cursor: slow.cursor });
      clients.push(again);
      const client = again;
      await Promise.race([client.waitFor(() => uniqueAlarmRules([...received, ...client.lines()]).length === all.length, 20_000), client.closed]);
      received.push(...client.lines());
      expect(client.messages.some((m) => m.type === 'snapshot')).toBe(false); // the buffer still reached back
    }
    expect(uniqueAlarmRules(received)).toEqual(all);
    await eventually(() => h.confirmations.filter((c) => c.user === 'bob').length === all.length);
    expect(new Set(h.confirmations.filter((c) => c.user === 'bob').map((c) => c.seq)).size).toBe(all.length);
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
    expect(again?.ws.readyState).toBe(fast.ws.OPEN);
  });
});
