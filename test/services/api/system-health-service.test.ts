// Alarm-system failure on every screen, on the real service with real WebSocket clients: a journal on /dev/full
// (real ENOSPC) and its recovery, a core that throws on an input, and a blocked event loop — each reaches the
// bedside and the monitor's overview as a `system` message, a newly connecting client right after `hello`, and
// /api/health answers 503 while it lasts. The alarms themselves keep coming.
import { mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import WebSocket from 'ws';
import type { CoreInput } from '../../../services/core/types.js';
import type { LiveSession } from '../../../services/live/live-session.js';
import { SystemHealth, type SystemProblem } from '../../../services/live/system-health.js';
import { startService, type Client, type ServiceHarness } from './service-harness.js';

interface Message {
  type: string;
  seq?: number;
  session?: string;
  state?: string;
  problems?: SystemProblem[];
  line?: { type: string; rule?: string; state?: string };
}

interface Screen {
  messages: Message[];
  socket: WebSocket;
  /** the first message after index `from` that fits */
  waitFor(what: string, predicate: (m: Message) => boolean, from?: number): Promise<Message>;
}

const health = new SystemHealth({ quietMs: 1_000 });
let service: ServiceHarness;
let therapist: Client;
let monitor: Client;
let overview: Screen;

async function connect(client: Client, query: string): Promise<Screen> {
  const socket = new WebSocket(`${service.base.replace('http', 'ws')}/ws?${query}`, { headers: { cookie: client.cookie, origin: service.base } });
  const messages: Message[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Message;
    messages.push(message);
    // Confirm every alarm, as a dashboard does: nothing here is about re-sending.
    if (message.type === 'alarm') socket.send(JSON.stringify({ type: 'confirm', seq: message.seq, session: message.session }));
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waitFor = async (what: string, predicate: (m: Message) => boolean, from = 0): Promise<Message> => {
    for (let i = 0; i < 1_000; i++) {
      const found = messages.slice(from).find(predicate);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no ${what} among ${messages.map((m) => m.type).join(',')}`);
  };
  return { messages, socket, waitFor };
}

const failed = (component: string, session?: string) => (m: Message): boolean =>
  m.type === 'system' && m.state === 'failed' && (m.problems ?? []).some((p) => p.component === component && p.session === session);
const ok = (m: Message): boolean => m.type === 'system' && m.state === 'ok';

async function healthNow(): Promise<{ status: number; body: { ok: boolean; state: string; problems: SystemProblem[] } }> {
  const response = await fetch(`${service.base}/api/health`);
  return { status: response.status, body: (await response.json()) as { ok: boolean; state: string; problems: SystemProblem[] } };
}

/** Thirteen seconds of a heart rate of 150, a second apart, from the session's clock on: raises hr-high. */
function tachycardia(session: LiveSession): void {
  const t0 = session.clock();
  for (let i = 0; i <= 12; i++) session.input({ type: 'sample', t: t0 + i * 1000, vital: 'hr', value: 150, unit: '/min', device: 'strap-1' });
}

beforeAll(async () => {
  health.start({ intervalMs: 100, stallMs: 1_000, overdueMs: 5_000 });
  service = await startService([['t.anna', ['therapist']], ['m.mia', ['monitor']]], { health });
  therapist = await service.signIn('t.anna');
  monitor = await service.signIn('m.mia');
  // The medical monitor's overview is open before anything fails: it must hear of every change.
  overview = await connect(monitor, 'session=*&points=0');
  await overview.waitFor('hello', (m) => m.type === 'hello');
});
afterAll(async () => {
  health.stop();
  overview.socket.close();
  await service.close();
});

test('a journal that cannot be written (/dev/full): every screen is told, the alarms still come, and recovery is told too', async () => {
  expect((await healthNow()).status).toBe(200);
  // The session's journal path leads to /dev/full: every write fails with ENOSPC, for real.
  const id = 's-full-1';
  const path = join(service.dataDir, 'sessions', `${id}.ndjson`);
  mkdirSync(join(service.dataDir, 'sessions'), { recursive: true });
  symlinkSync('/dev/full', path);
  const session = await service.sessions.create({ id, patient: 'P-700', therapists: ['t.anna'], monitors: ['m.mia'] });

  const told = await overview.waitFor('system failed naming the journal', failed('journal', id));
  const problem = told.problems?.find((p) => p.session === id);
  expect(problem?.message).toContain('ENOSPC');
  expect(problem?.since).toBeGreaterThan(0);

  // A bedside screen connecting now hears it straight after hello, before the session's snapshot.
  const bedside = await connect(therapist, `session=${id}`);
  await bedside.waitFor('snapshot', (m) => m.type === 'snapshot');
  expect(bedside.messages[0]?.type).toBe('hello');
  expect(bedside.messages[1]).toMatchObject({ type: 'system', state: 'failed', problems: [expect.objectContaining({ component: 'journal', session: id })] });
  expect(bedside.messages[2]?.type).toBe('snapshot');

  const down = await healthNow();
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ ok: false, state: 'failed', problems: [expect.objectContaining({ component: 'journal', session: id })] });

  // The core keeps evaluating and the hub keeps broadcasting: the alarm reaches both screens.
  await overview.waitFor('the overview to follow the session', (m) => m.type === 'snapshot' && m.session === id);
  const before = bedside.messages.length;
  session.input({ type: 'event', t: session.clock(), event: 'session-start' });
  tachycardia(session);
  await bedside.waitFor('the alarm at the bedside', (m) => m.type === 'alarm' && m.line?.rule === 'hr-high' && m.line.state === 'raised', before);
  await overview.waitFor('the alarm on the overview', (m) => m.type === 'alarm' && m.session === id && m.line?.rule === 'hr-high');
  expect(session.core.snapshot().alarms.map((a) => a.rule)).toContain('hr-high');

  // Space again: the path is a regular file. The writer reopens it at its next retry, and everyone is told.
  const beforeRecovery = { bedside: bedside.messages.length, overview: overview.messages.length };
  unlinkSync(path);
  writeFileSync(path, '');
  await bedside.waitFor('system ok at the bedside', ok, beforeRecovery.bedside);
  await overview.waitFor('system ok on the overview', ok, beforeRecovery.overview);
  expect(bedside.messages.slice(beforeRecovery.bedside).find(ok)?.problems).toEqual([]);
  const up = await healthNow();
  expect(up.status).toBe(200);
  expect(up.body).toMatchObject({ ok: true, state: 'ok', problems: [] });

  // Nothing was lost while the disk was full: the journal has its header, the start and the alarm.
  await session.flush();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((text) => JSON.parse(text) as { type: string; session?: { id: string }; event?: string; rule?: string; state?: string });
  expect(lines[0]).toMatchObject({ type: 'header', session: { id } });
  expect(lines.some((l) => l.type === 'event' && l.event === 'session-start')).toBe(true);
  expect(lines.filter((l) => l.type === 'sample')).toHaveLength(13);
  expect(lines.some((l) => l.type === 'alarm' && l.rule === 'hr-high' && l.state === 'raised')).toBe(true);
  bedside.socket.close();
});

test('a core that throws on an input: shown on every screen, the service stays up and keeps evaluating', async () => {
  const session = await service.sessions.create({ patient: 'P-701', therapists: ['t.anna'], monitors: ['m.mia'] });
  await service.request(therapist, 'POST', `/api/sessions/${session.id}/start`).then((r) => expect(r.status).toBe(200));
  const bedside = await connect(therapist, `session=${session.id}`);
  await bedside.waitFor('snapshot', (m) => m.type === 'snapshot');
  await overview.waitFor('the overview to follow the session', (m) => m.type === 'snapshot' && m.session === session.id);
  const from = { bedside: bedside.messages.length, overview: overview.messages.length };

  // A bug in the core: it throws on one kind of input (a note), and works for everything else.
  const original = session.core.input.bind(session.core);
  vi.spyOn(session.core, 'input').mockImplementation((input: CoreInput) => {
    if (input.type === 'event' && input.event === 'note') throw new RangeError('injected core bug');
    return original(input);
  });
  const answer = await service.request(therapist, 'POST', `/api/sessions/${session.id}/events`, { event: 'note', text: 'patient resting' });
  expect(answer.status).toBe(500);
  expect(await answer.json()).toMatchObject({ error: 'core-fault' });

  for (const [screen, start] of [[bedside, from.bedside], [overview, from.overview]] as const) {
    const told = await screen.waitFor('system failed naming the core', failed('core', session.id), start);
    expect(told.problems?.find((p) => p.session === session.id)?.message).toContain('injected core bug');
  }
  const down = await healthNow();
  expect(down.status).toBe(503);
  expect(down.body.problems).toContainEqual(expect.objectContaining({ component: 'core', session: session.id }));

  // Still up and still evaluating: the next inputs raise an alarm that reaches the bedside.
  tachycardia(session);
  await bedside.waitFor('the alarm', (m) => m.type === 'alarm' && m.line?.rule === 'hr-high' && m.line.state === 'raised', from.bedside);

  // One fault, then quiet: after the quiet period everyone is told it is over.
  await bedside.waitFor('system ok at the bedside', ok, from.bedside);
  await overview.waitFor('system ok on the overview', ok, from.overview);
  expect((await healthNow()).status).toBe(200);
  vi.restoreAllMocks();
  bedside.socket.close();
});

test('an event-loop stall: once the loop runs again every screen learns that alarms may have been late', async () => {
  const session = await service.sessions.create({ patient: 'P-702', therapists: ['t.anna'] });
  const bedside = await connect(therapist, `session=${session.id}`);
  await bedside.waitFor('snapshot', (m) => m.type === 'snapshot');
  const from = { bedside: bedside.messages.length, overview: overview.messages.length };
  expect((await healthNow()).status).toBe(200);

  // The service runs in this process: block its event loop for 1.5 s.
  const blockedFrom = Date.now();
  while (Date.now() - blockedFrom < 1_500) {
    // busy
  }

  const stall = (m: Message): boolean =>
    m.type === 'system' && m.state === 'failed' && (m.problems ?? []).some((p) => p.component === 'core' && p.session === undefined && p.message.includes('unresponsive'));
  await bedside.waitFor('the stall at the bedside', stall, from.bedside);
  await overview.waitFor('the stall on the overview', stall, from.overview);
  expect((await healthNow()).status).toBe(503);

  await bedside.waitFor('system ok at the bedside', ok, from.bedside);
  await overview.waitFor('system ok on the overview', ok, from.overview);
  expect((await healthNow()).status).toBe(200);
  bedside.socket.close();
});
