// A session's own escalation policy: POST /api/sessions takes an override, merged over the site's policy,
// validated (400 naming the field), written into the journal header and shown by GET; the notifier follows
// the policy the header names, and a route to a channel nobody defined is a reported failure, never silence.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordingHeader } from '../../../services/core/types.js';
import type { LiveSession } from '../../../services/live/live-session.js';
import { SessionManager } from '../../../services/live/session-manager.js';
import { createNotifier } from '../../../services/notify/setup.js';
import { linesOf, raiseHrHigh, Receiver, SECRET, startNotifyService, T0, waitFor, type Client, type NotifyService } from './harness.js';

const SITE_POLICY = {
  contacts: [{ id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: 'monitor-view', to: 'monitors' }, { channel: 'pager', to: 'pager-17' }], acceptWithin: '2m' }],
  groupWithin: '20s',
};

let receiver: Receiver;
let service: NotifyService;
let therapist: Client;

beforeAll(async () => {
  receiver = await Receiver.start();
  service = await startNotifyService({
    users: [['t.anna', ['therapist']]],
    escalation: SITE_POLICY,
    channels: { pager: { type: 'webhook', url: receiver.url, secret: SECRET } },
  });
  therapist = await service.signIn('t.anna');
});
afterAll(async () => {
  await service.close();
  await receiver.stop();
});

async function create(body: Record<string, unknown>): Promise<Response> {
  return service.request(therapist, 'POST', '/api/sessions', { patient: 'P-050', therapists: ['t.anna'], ...body });
}

async function headerOf(session: LiveSession): Promise<RecordingHeader> {
  return (await service.journal(session))[0] as RecordingHeader;
}

describe('a session escalation policy', () => {
  test('without an override the session runs the site policy, written in full into its header and shown by GET', async () => {
    const response = await create({});
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const session = service.sessions.get(id) as LiveSession;
    const expected = { ...SITE_POLICY, repeatEvery: '10m' }; // the site's, over the built-in defaults
    expect((await headerOf(session)).session.escalation).toEqual(expected);
    const shown = (await (await service.request(therapist, 'GET', `/api/sessions/${id}`)).json()) as { escalation: unknown };
    expect(shown.escalation).toEqual(expected);
  });

  test('an override is merged over the site policy (keys replace) and the notifier follows it', async () => {
    const override = { contacts: [{ id: 'on-call', label: 'On-call physician', notify: [{ channel: 'pager', to: 'pager-55' }], acceptWithin: '1m' }], repeatEvery: null };
    const response = await create({ escalation: override });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const session = service.sessions.get(id) as LiveSession;
    expect((await headerOf(session)).session.escalation).toEqual({ ...override, groupWithin: '20s' });

    raiseHrHigh(service, session);
    service.advance(60_000);
    const posted = await waitFor('the override contact paged', () => receiver.notifications(`${id}/n-1/pager`)[0]);
    expect(posted.body).toMatchObject({ contact: 'on-call', to: 'pager-55' });
    const deliveries = linesOf(await service.journal(session), 'delivery');
    expect(deliveries.every((d) => d.channel === 'pager')).toBe(true); // the site's monitor-view route was replaced
  });

  test('a bad override is 400 naming each field; nothing is created', async () => {
    const before = service.sessions.list().length;
    const cases: Array<[unknown, string[]]> = [
      [{ contacts: [{ id: 'dr', notify: [{ channel: 'fax', to: '+1' }] }] }, ['escalation.contacts.0.notify.0.channel: no channel "fax" is defined (known: monitor-view, pager)']],
      [
        { contacts: [{ id: 'Dr M', notify: [] }], groupWithin: 'soon' },
        ['escalation.contacts.0.id: must match pattern "^[a-z0-9][a-z0-9-]{0,62}$"', 'escalation.contacts.0.notify: must NOT have fewer than 1 items', 'escalation.groupWithin: must be a duration such as 250ms, 10s, 5m or 1h'],
      ],
      [{ colour: 'red' }, ['escalation.colour: is not a known field']],
    ];
    for (const [escalation, problems] of cases) {
      const response = await create({ escalation });
      expect(response.status, JSON.stringify(escalation)).toBe(400);
      const body = (await response.json()) as { error: string; problems: string[]; message: string };
      expect(body.error).toBe('bad-escalation');
      expect(body.problems).toEqual(problems);
      expect(body.message).toContain(problems[0]);
    }
    const notAnObject = await create({ escalation: ['medical-monitor'] });
    expect(notAnObject.status).toBe(400);
    expect(service.sessions.list()).toHaveLength(before);
  });
});

describe('the notifier and routes it cannot serve', () => {
  test('a route to an undefined channel is reported failed ("unknown channel fax") and raises delivery-failed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-notify-unknown-'));
    let now = T0;
    const notifier = createNotifier({ log: pino({ level: 'silent' }), publicUrl: () => 'http://localhost', env: {} });
    // No channel check here: as if the journal header came from a site whose channels have since changed.
    const sessions = new SessionManager({
      dataDir,
      clock: () => now,
      escalation: { contacts: [{ id: 'medical-monitor', notify: [{ channel: 'fax', to: '+1 555' }] }] },
      onSession: (session) => notifier.attach(session),
    });
    notifier.start();
    try {
      const session = await sessions.create({ patient: 'P-051', therapists: ['t.anna'] });
      for (let i = 0; i <= 12; i++) session.input({ type: 'sample', t: (now += i === 0 ? 0 : 1000), vital: 'hr', value: 150, unit: '/min' });
      now += 60_000;
      session.tick(now);
      const failed = await waitFor('the failure', async () => {
        await session.flush();
        return readFileSync(session.journalPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; state?: string; reason?: string; channel?: string }).find((l) => l.type === 'delivery');
      });
      expect(failed).toMatchObject({ channel: 'fax', state: 'failed', attempt: 1, reason: 'unknown channel fax' });
      expect(session.snapshot().alarms.find((a) => a.rule === 'delivery-failed')).toMatchObject({ active: true });
    } finally {
      notifier.close();
      await sessions.closeAll();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
