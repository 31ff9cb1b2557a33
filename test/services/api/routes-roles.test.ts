// Every route and the WebSocket against every role, assigned or not, and without sign-in — over real HTTP.
// The expected statuses are written out here, not derived from the permission table they check.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startService, type Client, type ServiceHarness } from './service-harness.js';

type Who = 'anonymous' | 'therapist (assigned)' | 'therapist (other)' | 'monitor (assigned)' | 'monitor (other)' | 'engineer' | 'admin';
const WHO: Who[] = ['anonymous', 'therapist (assigned)', 'therapist (other)', 'monitor (assigned)', 'monitor (other)', 'engineer', 'admin'];

let service: ServiceHarness;
let sessionId = '';
const clients = new Map<Who, Client | undefined>();

beforeAll(async () => {
  service = await startService([
    ['t.anna', ['therapist']],
    ['t.ben', ['therapist']],
    ['m.carla', ['monitor']],
    ['m.dev', ['monitor']],
    ['e.eli', ['engineer']],
    ['a.fay', ['admin']],
  ]);
  const session = await service.sessions.create({ patient: 'P-100', room: '3', therapists: ['t.anna'], monitors: ['m.carla'] });
  sessionId = session.id;
  await session.act({ type: 'event', t: session.clock(), event: 'session-start' });
  for (let i = 0; i < 30; i++) session.input({ type: 'sample', t: session.clock() + i, vital: 'hr', value: 70, unit: '/min' });
  clients.set('anonymous', undefined);
  const names: Array<[Who, string]> = [
    ['therapist (assigned)', 't.anna'],
    ['therapist (other)', 't.ben'],
    ['monitor (assigned)', 'm.carla'],
    ['monitor (other)', 'm.dev'],
    ['engineer', 'e.eli'],
    ['admin', 'a.fay'],
  ];
  for (const [who, username] of names) clients.set(who, await service.signIn(username));
});
afterAll(async () => service.close());

/** route → expected status per caller, in WHO order */
const TABLE: Array<[string, string, () => unknown, number[]]> = [
  ['GET', '/api/sessions', () => undefined, [401, 200, 200, 200, 200, 200, 200]],
  ['POST', '/api/sessions', () => ({ patient: 'P-200', therapists: ['t.anna'] }), [401, 201, 201, 201, 201, 403, 403]],
  ['GET', '/api/sessions/:id', () => undefined, [401, 200, 403, 200, 200, 200, 200]],
  ['POST', '/api/sessions/:id/start', () => undefined, [401, 200, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/events', () => ({ event: 'note', text: 'patient resting' }), [401, 200, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/baseline', () => ({ vital: 'hr', value: 68 }), [401, 200, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/alarms/acknowledge', () => ({}), [401, 200, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/alarms/pause', () => undefined, [401, 200, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/alarms/hr-low/off', () => ({ reason: 'bradycardic athlete, physician reviewed' }), [401, 403, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/alarms/hr-low/on', () => undefined, [401, 403, 403, 200, 403, 403, 403]],
  ['PUT', '/api/sessions/:id/limits/hr-high', () => ({ limits: { raise: { when: { value: 140 } } }, reason: 'known athlete' }), [401, 403, 403, 200, 403, 403, 403]],
  ['POST', '/api/sessions/:id/devices', () => ({ kind: 'gateway', device: 'strap-1', vitals: ['hr'] }), [401, 201, 403, 201, 403, 403, 201]],
  ['DELETE', '/api/sessions/:id/devices/never-bound', () => undefined, [401, 404, 403, 404, 403, 403, 404]],
  ['GET', '/api/sessions/:id/history?vital=hr&points=10', () => undefined, [401, 200, 403, 200, 200, 200, 200]],
  ['GET', '/api/sessions/:id/recording', () => undefined, [401, 200, 403, 200, 403, 200, 200]],
  ['GET', '/api/sessions/no-such-session', () => undefined, [401, 404, 404, 404, 404, 404, 404]],
  ['GET', '/api/me', () => undefined, [401, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/health', () => undefined, [200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/docs/json', () => undefined, [200, 200, 200, 200, 200, 200, 200]],
  ['POST', '/api/sessions/:id/devices/strap-1/frames', () => ({ format: 'heart-rate-measurement', hex: '0048' }), [401, 401, 401, 401, 401, 401, 401]],
];

describe.each(TABLE)('%s %s', (method, template, body, expected) => {
  test.each(WHO.map((who, i) => [who, expected[i] as number] as const))('%s → %i', async (who, status) => {
    const response = await service.request(clients.get(who), method, template.replace(':id', sessionId), body());
    expect(response.status).toBe(status);
  });
});

describe('session end', () => {
  test.each(WHO.map((who, i) => [who, [401, 200, 403, 200, 403, 403, 403][i] as number] as const))('%s → %i', async (who, status) => {
    const session = await service.sessions.create({ patient: 'P-300', therapists: ['t.anna'], monitors: ['m.carla'] });
    const response = await service.request(clients.get(who), 'POST', `/api/sessions/${session.id}/end`);
    expect(response.status).toBe(status);
  });
});

describe('WebSocket upgrade', () => {
  const upgrade = (client: Client | undefined): Promise<number> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(`${service.base.replace('http', 'ws')}/ws?session=${sessionId}`, { headers: client === undefined ? {} : { cookie: client.cookie, origin: service.base } });
      socket.on('upgrade', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', reject);
    });
  test.each(WHO.map((who, i) => [who, [401, 101, 403, 101, 101, 101, 101][i] as number] as const))('%s → %i', async (who, status) => {
    expect(await upgrade(clients.get(who))).toBe(status);
  });
});

test('state-changing requests without the CSRF header or from a foreign origin are refused', async () => {
  const client = clients.get('therapist (assigned)') as Client;
  const path = `${service.base}/api/sessions/${sessionId}/alarms/pause`;
  expect((await fetch(path, { method: 'POST', headers: { cookie: client.cookie } })).status).toBe(403);
  expect((await fetch(path, { method: 'POST', headers: { cookie: client.cookie, 'x-vigil-csrf': client.csrf, origin: 'https://evil.example' } })).status).toBe(403);
});
