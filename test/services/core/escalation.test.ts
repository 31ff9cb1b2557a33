// The escalation chain in the core (docs/notifications.md): contacts in order, accept timeouts and declines,
// grouping that never delays a high alarm, the repeat interval, delivery-failed, and inhibition of stale alarms
// by a raised device-disconnected alarm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compilePolicy, UNSTATED_POLICY } from '../../../services/core/escalation-policy.js';
import type { EscalationPolicySpec } from '../../../services/core/escalation-types.js';
import { SessionCore } from '../../../services/core/session-core.js';
import type { AlarmTransition, CoreOutput, DeliveryReport, Notification, NotificationEnd, RecordingHeader, RecordingLine } from '../../../services/core/types.js';
import { replayFile } from '../../../services/replay/replay.js';
import { formatSummary } from '../../../services/replay/summary.js';
import { writeRecording } from '../../../services/store/recording-writer.js';
import { defaultProfile, profileWith, sample, SEC, T0 } from './helpers.js';

const TWO_CONTACTS: EscalationPolicySpec = {
  contacts: [
    { id: 'medical-monitor', notify: [{ channel: 'monitor-view', to: 'monitors' }, { channel: 'pager', to: 'p-17' }], acceptWithin: '2m' },
    { id: 'backup', notify: [{ channel: 'phone', to: 'ext-4411' }], acceptWithin: '2m' },
  ],
  repeatEvery: '10m',
  groupWithin: '15s',
};

const s = (seconds: number): number => T0 + seconds * SEC;
const at = (t: number): number => (t - T0) / SEC;

// Silence after a test's last sample is not what these tests are about (inhibition tests use the full profile).
const NO_STALE = profileWith({ rules: { 'hr-stale': { enabled: false } } });

function chain(spec: EscalationPolicySpec = TWO_CONTACTS, profile = NO_STALE) {
  const outputs: CoreOutput[] = [];
  const inputs: Array<Exclude<RecordingLine, RecordingHeader>> = [];
  const core = new SessionCore(profile, (o) => outputs.push(o), compilePolicy(spec));
  const feed = (line: Parameters<SessionCore['input']>[0]): void => {
    inputs.push(line);
    const rejection = core.input(line);
    if (rejection !== undefined) throw new Error(`${line.type} refused: ${rejection.message}`);
  };
  return {
    core,
    outputs,
    inputs,
    feed,
    tick: (seconds: number) => feed({ type: 'tick', t: s(seconds) }),
    /** HR samples every second over [from, to) seconds */
    hr: (from: number, to: number, value: number) => {
      for (let t = from; t < to; t++) feed(sample(s(t), 'hr', value));
    },
    spo2: (from: number, to: number, value: number) => {
      for (let t = from; t < to; t++) feed(sample(s(t), 'spo2', value));
    },
    /** HR and SpO2 every second over [from, to) */
    both: (from: number, to: number, hr: number, spo2: number) => {
      for (let t = from; t < to; t++) {
        feed(sample(s(t), 'hr', hr));
        feed(sample(s(t), 'spo2', spo2));
      }
    },
    deliver: (seconds: number, notification: string, channel: string, state: DeliveryReport['state'], extra: Partial<DeliveryReport> = {}) =>
      feed({ type: 'delivery', t: s(seconds), notification, channel, state, ...extra }),
    notes: () =>
      outputs
        .filter((o): o is Notification | NotificationEnd => o.type === 'notify' || o.type === 'notify-end')
        .map((o) =>
          o.type === 'notify'
            ? `${at(o.t)} ${o.id} → ${o.contact} L${o.level} ${o.reason} [${o.alarms.join(',')}]${o.replaces === undefined ? '' : ` replaces ${o.replaces}`}`
            : `${at(o.t)} ${o.id} ended ${o.outcome}${o.by === undefined ? '' : ` by ${o.by}`}`,
        ),
    alarms: (rule?: string) =>
      outputs
        .filter((o): o is AlarmTransition => o.type === 'alarm' && (rule === undefined || o.rule === rule))
        .map((a) => `${at(a.t)} ${a.rule} ${a.state}${a.state === 'escalated' ? ` L${a.level} ${a.contact} ${a.notification}` : ''}`),
  };
}

/** hr-high raised at 10 s (HR 140 from 0 s, held 10 s): due for escalation at 70 s. */
function highAlarm(c: ReturnType<typeof chain>): void {
  c.hr(0, 20, 140);
}

describe('the chain: contacts in order', () => {
  test('an unacknowledged high alarm goes to the first contact after 60 s; a timeout moves on; nobody accepting raises delivery-failed', () => {
    const c = chain();
    highAlarm(c);
    c.tick(69);
    expect(c.notes()).toEqual([]);
    c.tick(70);
    expect(c.notes()).toEqual(['70 n-1 → medical-monitor L1 escalation [hr-high#1]']);
    expect(c.outputs.find((o) => o.type === 'notify')).toMatchObject({ priority: 'high', acceptBy: s(190) });
    expect(c.alarms('hr-high')).toEqual(['10 hr-high raised', '70 hr-high escalated L1 medical-monitor n-1']);
    c.tick(189);
    expect(c.notes()).toHaveLength(1);
    c.tick(190); // 2 min without an acceptance: the backup, at once
    expect(c.notes().slice(1)).toEqual(['190 n-1 ended timeout', '190 n-2 → backup L2 next-contact [hr-high#1]']);
    expect(c.alarms('hr-high').at(-1)).toBe('190 hr-high escalated L2 backup n-2');
    expect(c.alarms('delivery-failed')).toEqual([]);
    c.tick(310); // the backup did not accept either: the round is over, nobody took it
    expect(c.notes().slice(3)).toEqual(['310 n-2 ended timeout']);
    expect(c.alarms('delivery-failed')).toEqual(['310 delivery-failed raised']);
    expect(c.core.snapshot().escalation).toMatchObject({ state: 'exhausted', level: 2, repeatAt: s(910), acceptBy: null });
    const failed = c.core.snapshot().alarms.find((a) => a.rule === 'delivery-failed');
    expect(failed).toMatchObject({ kind: 'technical', priority: 'medium', escalateAt: Infinity });
    c.tick(909);
    expect(c.notes()).toHaveLength(4);
    c.tick(910); // the repeat interval: the chain starts over at the first contact
    expect(c.notes().slice(4)).toEqual(['910 n-3 → medical-monitor L1 repeat [hr-high#1]']);
    c.deliver(915, 'n-3', 'pager', 'delivered');
    expect(c.alarms('delivery-failed')).toEqual(['310 delivery-failed raised']); // delivered is not accepted
    c.deliver(940, 'n-3', 'pager', 'accepted', { by: 'dr-m' });
    expect(c.notes().slice(5)).toEqual(['940 n-3 ended accepted by dr-m']);
    expect(c.alarms('delivery-failed')).toEqual(['310 delivery-failed raised', '940 delivery-failed cleared']);
    expect(c.core.snapshot().escalation).toMatchObject({ state: 'accepted', acceptedBy: 'dr-m', contact: 'medical-monitor', repeatAt: s(1540) });
  });

  test('a decline moves to the backup at once; the backup accepting stops the chain', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.deliver(72, 'n-1', 'monitor-view', 'delivered', { by: 'dr-m' });
    c.deliver(80, 'n-1', 'monitor-view', 'declined', { by: 'dr-m' });
    expect(c.notes()).toEqual(['70 n-1 → medical-monitor L1 escalation [hr-high#1]', '80 n-1 ended declined', '80 n-2 → backup L2 next-contact [hr-high#1]']);
    expect(c.outputs.filter((o) => o.type === 'notify').at(-1)).toMatchObject({ acceptBy: s(200) });
    c.deliver(90, 'n-2', 'phone', 'accepted', { by: 'dr-b' });
    c.tick(599);
    expect(c.notes().slice(3)).toEqual(['90 n-2 ended accepted by dr-b']);
    expect(c.alarms('hr-high')).toEqual(['10 hr-high raised', '70 hr-high escalated L1 medical-monitor n-1', '80 hr-high escalated L2 backup n-2']);
    expect(c.alarms('delivery-failed')).toEqual([]);
  });

  test('acknowledging at the bedside ends the escalation: open notifications end resolved', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.feed({ type: 'action', t: s(100), action: 'acknowledge', rule: 'hr-high', by: 'therapist-a' });
    expect(c.notes()).toEqual(['70 n-1 → medical-monitor L1 escalation [hr-high#1]', '100 n-1 ended resolved']);
    expect(c.core.snapshot().escalation).toBeNull();
    c.tick(3600);
    expect(c.notes()).toHaveLength(2);
    // a late receipt for the ended notification is known, and changes nothing
    c.deliver(3601, 'n-1', 'pager', 'accepted', { by: 'dr-m' });
    expect(c.notes()).toHaveLength(2);
  });

  test('an accepted escalation is repeated to whoever accepted after the repeat interval, never before', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.deliver(75, 'n-1', 'pager', 'accepted', { by: 'dr-m' });
    c.tick(674);
    expect(c.notes()).toEqual(['70 n-1 → medical-monitor L1 escalation [hr-high#1]', '75 n-1 ended accepted by dr-m']);
    c.tick(675);
    expect(c.notes().slice(2)).toEqual(['675 n-2 → medical-monitor L1 repeat [hr-high#1]']);
    expect(c.outputs.filter((o) => o.type === 'notify').at(-1)).toMatchObject({ acceptBy: s(795) });
  });

  test('the session ending ends every open notification', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.feed({ type: 'event', t: s(80), event: 'session-end' });
    expect(c.notes().at(-1)).toBe('80 n-1 ended session-end');
    expect(c.core.snapshot().escalation).toBeNull();
  });

  test('without a policy in the header, the medical monitor is notified once and the chain waits (older recordings)', () => {
    const outputs: CoreOutput[] = [];
    const core = new SessionCore(NO_STALE, (o) => outputs.push(o), UNSTATED_POLICY);
    for (let t = 0; t < 20; t++) core.input(sample(s(t), 'hr', 140));
    core.input({ type: 'tick', t: s(4 * 3600) });
    const notes = outputs.filter((o) => o.type === 'notify' || o.type === 'notify-end');
    expect(notes).toEqual([{ type: 'notify', t: s(70), id: 'n-1', contact: 'medical-monitor', level: 1, priority: 'high', alarms: ['hr-high#1'], reason: 'escalation' }]);
    expect(outputs.some((o) => o.type === 'alarm' && o.rule === 'delivery-failed')).toBe(false);
  });
});

describe('delivery-failed', () => {
  test('raised when every channel of the contact failed, not when one of two did; cleared when a delivery gets through', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.deliver(71, 'n-1', 'pager', 'failed', { attempt: 1, reason: 'HTTP 503', retryAt: s(72) });
    expect(c.alarms('delivery-failed')).toEqual([]);
    c.deliver(71, 'n-1', 'monitor-view', 'failed', { attempt: 1, reason: 'no monitor connected' });
    expect(c.alarms('delivery-failed')).toEqual(['71 delivery-failed raised']);
    expect(c.core.snapshot().escalation?.notifications[0]).toMatchObject({ status: 'failed', channels: { pager: { state: 'failed', reason: 'HTTP 503', retryAt: s(72) } } });
    c.deliver(72, 'n-1', 'pager', 'failed', { attempt: 2, reason: 'HTTP 503', retryAt: s(74) });
    expect(c.alarms('delivery-failed')).toEqual(['71 delivery-failed raised']); // one alarm, not one per attempt
    c.deliver(74, 'n-1', 'pager', 'delivered', { attempt: 3 });
    expect(c.alarms('delivery-failed')).toEqual(['71 delivery-failed raised', '74 delivery-failed cleared']);
    expect(c.core.snapshot().escalation?.notifications[0]?.status).toBe('delivered');
  });

  test('an update that has not been tried yet does not make a raised delivery-failed flicker', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    for (const channel of ['pager', 'monitor-view']) c.deliver(71, 'n-1', channel, 'failed', { reason: 'down' });
    c.spo2(72, 92, 89); // spo2-low (high) raised at 87, due at 147: an update to the same contact
    c.tick(147);
    expect(c.notes().at(-1)).toBe('147 n-2 → medical-monitor L1 update [hr-high#1,spo2-low#1] replaces n-1');
    expect(c.alarms('delivery-failed')).toEqual(['71 delivery-failed raised']);
    c.deliver(148, 'n-2', 'monitor-view', 'delivered', { by: 'dr-m' });
    expect(c.alarms('delivery-failed')).toEqual(['71 delivery-failed raised', '148 delivery-failed cleared']);
  });

  test('switched off (with a reason), it stays silent while failing and returns when switched on', () => {
    const c = chain();
    c.feed({ type: 'action', t: s(0), action: 'alarm-off', rule: 'delivery-failed', by: 'dr-m', reason: 'paging test' });
    highAlarm(c);
    c.tick(310);
    expect(c.alarms('delivery-failed')).toEqual([]);
    c.feed({ type: 'action', t: s(320), action: 'alarm-on', rule: 'delivery-failed', by: 'dr-m' });
    expect(c.alarms('delivery-failed')).toEqual(['320 delivery-failed raised']);
  });

  test('a report for a notification a timer sent, with no tick in between (a journal read back), is known', () => {
    // Ticks are not journalled: after a restart the core learns of n-1 (due at 70 s) only from the next line.
    const c = chain();
    highAlarm(c);
    c.deliver(75, 'n-1', 'pager', 'delivered', { attempt: 1 });
    expect(c.notes()).toEqual(['70 n-1 → medical-monitor L1 escalation [hr-high#1]']);
    expect(c.core.snapshot().escalation?.notifications[0]?.channels['pager']).toMatchObject({ state: 'delivered', t: s(75) });
  });

  test('a report for an unknown notification or with a bad state is refused and changes nothing', () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    expect(c.core.input({ type: 'delivery', t: s(71), notification: 'n-9', channel: 'pager', state: 'accepted' })).toMatchObject({ reason: 'unknown-notification' });
    expect(c.core.input({ type: 'delivery', t: s(71), notification: 'n-1', channel: 'pager', state: 'lost' as DeliveryReport['state'] })).toMatchObject({ reason: 'bad-delivery' });
    expect(c.core.input({ type: 'delivery', t: s(71), notification: 'n-1', channel: '', state: 'delivered' })).toMatchObject({ reason: 'bad-delivery' });
    expect(c.core.snapshot().escalation?.notifications[0]?.channels).toEqual({});
  });
});

describe('grouping', () => {
  // sbp-high (medium): two readings ≥ 160 at 1 s and 2 s → raised at 2 s, due at 182 s.
  const bp = (c: ReturnType<typeof chain>, t: number): void => {
    c.feed(sample(s(t), 'sbp', 165));
    c.feed(sample(s(t), 'dbp', 90));
  };

  test('alarms of one session travel together: a medium alarm due soon after is held and sent as one update', () => {
    const c = chain();
    bp(c, 1);
    bp(c, 2);
    c.hr(107, 127, 140); // hr-high raised at 117, due at 177
    c.tick(176);
    c.tick(177);
    c.tick(186);
    expect(c.notes()).toEqual(['177 n-1 → medical-monitor L1 escalation [hr-high#1]']);
    c.tick(192); // sbp-high came due at 182, within 15 s of n-1: held to 192, then one update with both
    expect(c.notes().slice(1)).toEqual(['192 n-1 ended superseded', '192 n-2 → medical-monitor L1 update [hr-high#1,sbp-high#1] replaces n-1']);
    // an update keeps the contact's deadline: a stream of updates never holds off the backup
    expect(c.outputs.filter((o) => o.type === 'notify').map((o) => (o as Notification).acceptBy)).toEqual([s(297), s(297)]);
    expect(c.alarms('sbp-high')).toEqual(['2 sbp-high raised', '192 sbp-high escalated L1 medical-monitor n-2']);
  });

  test('a high alarm is never delayed by grouping: it goes at once, taking anything held with it', () => {
    const c = chain();
    bp(c, 1);
    bp(c, 2); // sbp-high due at 182
    c.both(107, 114, 140, 97); // hr-high raised at 117, due at 177 → n-1
    c.both(114, 134, 140, 89); // spo2-low raised at 129 (held 15 s), due at 189: inside the window of n-1, but high
    c.tick(189);
    expect(c.notes()).toEqual([
      '177 n-1 → medical-monitor L1 escalation [hr-high#1]',
      '189 n-1 ended superseded',
      '189 n-2 → medical-monitor L1 update [hr-high#1,spo2-low#1,sbp-high#1] replaces n-1',
    ]);
    expect(c.alarms('spo2-low')).toEqual(['129 spo2-low raised', '189 spo2-low escalated L1 medical-monitor n-2']);
  });

  test('the first notification of an escalation never waits, whatever its priority', () => {
    const c = chain();
    bp(c, 1);
    bp(c, 2);
    c.tick(182);
    expect(c.notes()).toEqual(['182 n-1 → medical-monitor L1 escalation [sbp-high#1]']);
  });
});

describe('inhibition', () => {
  const strap = (c: ReturnType<typeof chain>, t: number, state: 'connected' | 'disconnected'): void =>
    c.feed({ type: 'device', t: s(t), device: 'hrm-1', state, ...(state === 'connected' ? { vitals: ['hr' as const] } : {}) });
  const hrFrom = (c: ReturnType<typeof chain>, from: number, to: number): void => {
    for (let t = from; t < to; t++) c.feed(sample(s(t), 'hr', 70, { device: 'hrm-1' }));
  };

  test('a raised device-disconnected alarm inhibits the stale alarm its silence would cause', () => {
    const c = chain(TWO_CONTACTS, defaultProfile);
    strap(c, 0, 'connected');
    hrFrom(c, 0, 100);
    strap(c, 100, 'disconnected');
    c.tick(400);
    expect(c.alarms().filter((a) => !a.includes('escalated'))).toEqual(['100 device-disconnected raised']);
    strap(c, 400, 'connected');
    hrFrom(c, 401, 1000);
    expect(c.alarms().filter((a) => !a.includes('escalated'))).toEqual(['100 device-disconnected raised', '400 device-disconnected cleared']);
  });

  test('a source still silent after it reconnects is reported within the stale delay', () => {
    const c = chain(TWO_CONTACTS, defaultProfile);
    strap(c, 0, 'connected');
    hrFrom(c, 0, 100);
    strap(c, 100, 'disconnected');
    c.tick(400);
    strap(c, 400, 'connected');
    c.tick(500);
    const stale = c.alarms('hr-stale');
    expect(stale).toHaveLength(1);
    const raisedAt = Number(stale[0]?.split(' ')[0]);
    expect(raisedAt).toBeGreaterThan(400);
    expect(raisedAt).toBeLessThanOrEqual(415);
  });

  test('with device-disconnected switched off, nothing inhibits: the silence is reported', () => {
    const c = chain(TWO_CONTACTS, defaultProfile);
    c.feed({ type: 'action', t: s(0), action: 'alarm-off', rule: 'device-disconnected', by: 'dr-m', reason: 'strap known flaky' });
    strap(c, 0, 'connected');
    hrFrom(c, 0, 100);
    strap(c, 100, 'disconnected');
    c.tick(200);
    expect(c.alarms('hr-stale')).toEqual(['114 hr-stale raised']);
  });

  test('another source of the vital still connected: its silence is a stale alarm as before', () => {
    const c = chain(TWO_CONTACTS, defaultProfile);
    strap(c, 0, 'connected');
    c.feed({ type: 'device', t: s(0), device: 'ox-1', state: 'connected', vitals: ['hr'] });
    for (let t = 0; t < 100; t++) {
      c.feed(sample(s(t), 'hr', 70, { device: 'hrm-1' }));
      c.feed(sample(s(t), 'hr', 71, { device: 'ox-1' }));
    }
    strap(c, 100, 'disconnected');
    c.tick(200);
    expect(c.alarms('hr-stale')).toEqual(['114 hr-stale raised']);
  });
});

describe('replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-escalation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a recording with its policy in the header replays to exactly the same escalation chain, at any speed', async () => {
    const c = chain();
    highAlarm(c);
    c.tick(70);
    c.deliver(71, 'n-1', 'pager', 'failed', { attempt: 1, reason: 'connection refused', retryAt: s(72) });
    c.deliver(71, 'n-1', 'monitor-view', 'failed', { reason: 'no monitor connected' });
    c.deliver(73, 'n-1', 'pager', 'delivered', { attempt: 2 });
    c.deliver(100, 'n-1', 'pager', 'declined', { by: 'dr-m' });
    c.spo2(100, 130, 89);
    c.tick(400);
    c.tick(1100);
    c.deliver(1130, 'n-4', 'monitor-view', 'accepted', { by: 'dr-m' });
    c.tick(2000);
    const header: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session: { id: 'esc-1', patient: 'P-501', escalation: TWO_CONTACTS } };
    // the journal as a live session writes it: inputs and outputs interleaved in time order
    const lines: RecordingLine[] = [header, ...[...c.inputs, ...c.outputs].sort((a, b) => a.t - b.t)];
    const file = join(dir, 'escalation.ndjson');
    await writeRecording(file, lines);
    const live = c.outputs.filter((o) => o.type === 'notify' || o.type === 'notify-end' || (o.type === 'alarm' && o.state === 'escalated'));
    expect(live.filter((o) => o.type === 'notify').length).toBeGreaterThanOrEqual(4);

    for (const speed of [Infinity, 50_000]) {
      const outputs: CoreOutput[] = [];
      const result = await replayFile(file, { profile: NO_STALE, speed, onOutput: (o) => outputs.push(o) });
      expect(result.issues).toEqual([]);
      expect(outputs.filter((o) => o.type === 'notify' || o.type === 'notify-end' || (o.type === 'alarm' && o.state === 'escalated'))).toEqual(live);
      expect(formatSummary(result, 'escalation.ndjson')).toMatch(/the recording's \d+ notifications are reproduced exactly/);
    }
    // the same inputs under a different policy give a different chain, so the header's policy is what counted
    const other = await replayFile(file, { profile: NO_STALE, policy: UNSTATED_POLICY });
    expect(other.notifications).not.toEqual(live.filter((o) => o.type === 'notify' || o.type === 'notify-end'));
    expect(other.notifications.filter((n) => n.type === 'notify').every((n) => n.contact === 'medical-monitor')).toBe(true);
  });
});
