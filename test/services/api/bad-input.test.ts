// Bad input never crashes the service and never loses good data: malformed bodies get 400 and a message.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LiveSession } from '../../../services/live/live-session.js';
import { SessionManager } from '../../../services/live/session-manager.js';
import { startService, type Client, type ServiceHarness } from './service-harness.js';

let service: ServiceHarness;
let therapist: Client;
let monitor: Client;
let sessionId = '';

beforeAll(async () => {
  service = await startService([
    ['t.anna', ['therapist']],
    ['m.carla', ['monitor']],
  ]);
  therapist = await service.signIn('t.anna');
  monitor = await service.signIn('m.carla');
  const session = await service.sessions.create({ patient: 'P-400', therapists: ['t.anna'], monitors: ['m.carla'] });
  sessionId = session.id;
});
afterAll(async () => service.close());

describe('every route rejects malformed bodies with 400 and a message', () => {
  const cases: Array<[string, string, () => Client, unknown]> = [
    ['POST', '/api/sessions', () => therapist, { patient: 'Jane Doe', therapists: ['t.anna'] }],
    ['POST', '/api/sessions', () => therapist, { patient: 'P-1' }],
    ['POST', '/api/sessions', () => therapist, { patient: 'P-1', therapists: ['t.anna'], age: 34 }],
    ['POST', '/api/sessions', () => therapist, '{"patient": "P-1", '],
    ['POST', '/api/sessions/:id/events', () => therapist, { event: 'party' }],
    ['POST', '/api/sessions/:id/events', () => therapist, { event: 'dose', mg: -20 }],
    ['POST', '/api/sessions/:id/events', () => therapist, { event: 'fluid', ml: 'lots' }],
    ['POST', '/api/sessions/:id/events', () => therapist, { event: 'fluid' }],
    ['POST', '/api/sessions/:id/baseline', () => therapist, { vital: 'pulse', value: 60 }],
    ['POST', '/api/sessions/:id/baseline', () => therapist, { vital: 'hr' }],
    ['POST', '/api/sessions/:id/alarms/acknowledge', () => therapist, { rule: 'no-such-rule' }],
    ['POST', '/api/sessions/:id/alarms/hr-high/off', () => monitor, {}],
    ['PUT', '/api/sessions/:id/limits/hr-high', () => monitor, { limits: { raise: { heldFor: 'soon' } } }],
    ['PUT', '/api/sessions/:id/limits/hr-high', () => monitor, { limits: 'higher' }],
    ['POST', '/api/sessions/:id/devices', () => therapist, { kind: 'serial', device: 'ox-1', vitals: ['spo2'] }],
    ['POST', '/api/sessions/:id/devices', () => therapist, { kind: 'serial', device: 'ox-1', vitals: ['spo2'], path: '/dev/ttyUSB9', protocol: 'smoke' }],
    ['POST', '/api/sessions/:id/devices', () => therapist, { kind: 'bluetooth', device: 'x', vitals: ['hr'] }],
    ['GET', '/api/sessions/:id/history?vital=hr&points=0', () => therapist, undefined],
    ['GET', '/api/sessions/:id/history', () => therapist, undefined],
  ];
  test.each(cases)('%s %s %j', async (method, path, who, body) => {
    const response = await service.request(who(), method, path.replace(':id', sessionId), body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { message?: string };
    expect(answer.message).toEqual(expect.any(String));
    expect(answer.message?.length).toBeGreaterThan(5);
  });

  test('an oversized body is refused and the service carries on', async () => {
    const response = await service.request(therapist, 'POST', `/api/sessions/${sessionId}/events`, { event: 'note', text: 'x'.repeat(300_000) });
    expect(response.status).toBe(413);
    expect((await service.request(therapist, 'GET', `/api/sessions/${sessionId}`)).status).toBe(200);
  });

  test('actions are audited: who, what, when, why, in the journal', async () => {
    await service.request(therapist, 'POST', `/api/sessions/${sessionId}/events`, { event: 'fluid', ml: 250 });
    const answer = (await (await service.request(therapist, 'POST', `/api/sessions/${sessionId}/events`, { event: 'fluid', ml: 200 })).json()) as { state: { fluidMl: number } };
    expect(answer.state.fluidMl).toBe(450);
    await service.request(monitor, 'POST', `/api/sessions/${sessionId}/alarms/hr-high/off`, { reason: 'athlete, ECG reviewed' });
    const journal = readFileSync(join(service.dataDir, 'sessions', `${sessionId}.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // (the refused fluid event without ml above is in the journal too: attempts are audited as well)
    expect(journal.filter((l) => l['type'] === 'event' && l['event'] === 'fluid' && l['ml'] !== undefined).map((l) => [l['ml'], l['by']])).toEqual([
      [250, 't.anna'],
      [200, 't.anna'],
    ]);
    expect(journal.find((l) => l['action'] === 'alarm-off')).toMatchObject({ rule: 'hr-high', by: 'm.carla', reason: 'athlete, ECG reviewed', t: expect.any(Number) });
  });
});

test('a corrupt journal line at start-up is reported and skipped; the rest is restored', async () => {
  const session = await service.sessions.create({ patient: 'P-401', therapists: ['t.anna'] });
  for (let i = 0; i < 20; i++) session.input({ type: 'sample', t: 1767225600000 + i * 1000, vital: 'hr', value: 140, unit: '/min' });
  await session.flush();
  appendFileSync(session.journalPath, '{"type":"sample","t":broken\n');
  for (let i = 20; i < 25; i++) session.input({ type: 'sample', t: 1767225600000 + i * 1000, vital: 'hr', value: 140, unit: '/min' });
  await session.close();

  const issues: Array<[string, number, string]> = [];
  const manager = new SessionManager({ dataDir: service.dataDir, onIssue: (id, issue) => issues.push([id, issue.lineNo, issue.message]) });
  const { restored } = await manager.restoreAll();
  expect(restored).toContain(session.id);
  expect(issues).toEqual([[session.id, expect.any(Number), expect.stringMatching(/^invalid JSON/)]]);
  const back = manager.get(session.id) as LiveSession;
  expect(back.snapshot().vitals.hr.samples).toBe(25);
  expect(back.snapshot().alarms.map((a) => a.rule)).toContain('hr-high');
  await manager.closeAll();
});

test('binding a BLE sensor where the service has no Bluetooth stack is refused with the reason', async () => {
  const response = await service.request(therapist, 'POST', `/api/sessions/${sessionId}/devices`, { kind: 'ble', device: 'strap-9', vitals: ['hr'] });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { message: string }).message).toContain('webbluetooth');
});
