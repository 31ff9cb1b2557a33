// The WebSocket hub on the real service: a live session's journal lines reach a signed-in client in order,
// alarms among them, and the client's confirmation is accepted.
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { LiveSession } from '../../../services/live/live-session.js';
import { startService, type Client, type ServiceHarness } from './service-harness.js';

let service: ServiceHarness;
let therapist: Client;
let session: LiveSession;

beforeAll(async () => {
  service = await startService([['t.anna', ['therapist']]]);
  therapist = await service.signIn('t.anna');
  session = await service.sessions.create({ patient: 'P-600', therapists: ['t.anna'] });
});
afterAll(async () => service.close());

interface Message {
  type: string;
  seq?: number;
  line?: { type: string; rule?: string; state?: string; value?: number };
  reason?: string;
}

test('snapshot first, then samples and the alarm they raise, each with a rising seq; confirming the alarm works', async () => {
  const socket = new WebSocket(`${service.base.replace('http', 'ws')}/ws?session=${session.id}&points=100`, { headers: { cookie: therapist.cookie, origin: service.base } });
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await new Promise((resolve) => socket.once('open', resolve));
  const waitFor = async (predicate: (m: Message) => boolean): Promise<Message> => {
    for (let i = 0; i < 400; i++) {
      const found = messages.find(predicate);
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no such message among ${messages.map((m) => m.type).join(',')}`);
  };
  expect((await waitFor((m) => m.type === 'snapshot')).reason).toBe('connect');

  const t0 = session.clock();
  for (let i = 0; i <= 12; i++) session.input({ type: 'sample', t: t0 + i * 1000, vital: 'hr', value: 150, unit: '/min', device: 'strap-1' });
  const alarm = await waitFor((m) => m.type === 'alarm' && m.line?.state === 'raised');
  expect(alarm.line).toMatchObject({ rule: 'hr-high', state: 'raised', value: 150 });
  const samples = messages.filter((m) => m.type === 'sample');
  expect(samples.length).toBeGreaterThanOrEqual(1);
  const seqs = messages.filter((m) => m.seq !== undefined).map((m) => m.seq as number);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(messages.findIndex((m) => m.type === 'snapshot')).toBeLessThan(messages.indexOf(alarm));

  socket.send(JSON.stringify({ type: 'confirm', seq: alarm.seq }));
  socket.send('{ not json');
  const error = await waitFor((m) => m.type === 'error');
  expect(error).toBeDefined();
  expect(socket.readyState).toBe(WebSocket.OPEN);
  socket.close();
});
