// The addressee's side of a notification (dashboard/src/notification-inbox.ts) and the page-wide alarm-system
// status (dashboard/src/system-status.ts): receipts, de-duplication of re-sent messages, read only when shown
// on a visible page, answers, and when a failure banner goes away.
import { describe, expect, test } from 'vitest';
import { NotificationInbox } from '../../dashboard/src/notification-inbox.js';
import { parseSystemMessage, SystemStatusStore } from '../../dashboard/src/system-status.js';
import type { NotificationMessage, ReceiptState } from '../../dashboard/src/types.js';

const T0 = Date.UTC(2026, 0, 1, 10);

function message(id: string, session = 's-1', t = T0): NotificationMessage {
  return {
    type: 'notification',
    session,
    notification: {
      id,
      contact: 'medical-monitor',
      level: 1,
      priority: 'high',
      reason: 'escalation',
      t,
      alarms: [{ id: 'hr-high#1', rule: 'hr-high', text: 'Heart rate high', priority: 'high', kind: 'physiological', vital: 'hr', value: 142, raisedAt: T0 - 60_000 }],
    },
  };
}

function inboxWithLog(linkUp = true): { inbox: NotificationInbox; sent: string[]; link: { up: boolean } } {
  const sent: string[] = [];
  const link = { up: linkUp };
  const inbox = new NotificationInbox((session: string, notification: string, state: ReceiptState) => {
    if (!link.up) return false;
    sent.push(`${session}/${notification}:${state}`);
    return true;
  });
  return { inbox, sent, link };
}

describe('notification inbox', () => {
  test('every copy is answered delivered; the person sees it once', () => {
    const { inbox, sent } = inboxWithLog();
    expect(inbox.receive(message('n-1'))).toBe(true);
    expect(inbox.receive(message('n-1'))).toBe(false);
    expect(inbox.receive(message('n-1', 's-2'))).toBe(true); // same id, another session: another notification
    expect(inbox.loudest()).toBe('high');
    expect(inbox.sessions().sort()).toEqual(['s-1', 's-2']);
    expect(sent).toEqual(['s-1/n-1:delivered', 's-1/n-1:delivered', 's-2/n-1:delivered']);
    expect(inbox.open('s-1').map((i) => i.notification.id)).toEqual(['n-1']);
  });

  test('read once shown on a visible page, never while hidden', () => {
    const { inbox, sent } = inboxWithLog();
    inbox.receive(message('n-1'));
    inbox.shown('s-1', false);
    expect(sent).toEqual(['s-1/n-1:delivered']);
    inbox.shown('s-1', true);
    inbox.shown('s-1', true);
    expect(sent).toEqual(['s-1/n-1:delivered', 's-1/n-1:read']);
    // a re-sent copy: the hub may have missed what we said, so it hears it again
    inbox.receive(message('n-1'));
    expect(sent.slice(2)).toEqual(['s-1/n-1:delivered', 's-1/n-1:read']);
  });

  test('an answer goes out once; with the link down it is not taken as given', () => {
    const { inbox, sent, link } = inboxWithLog();
    inbox.receive(message('n-1'));
    link.up = false;
    expect(inbox.answer('s-1', 'n-1', 'accepted')).toBe(false);
    expect(inbox.unanswered('s-1')).toHaveLength(1);
    link.up = true;
    expect(inbox.answer('s-1', 'n-1', 'accepted')).toBe(true);
    expect(inbox.answer('s-1', 'n-1', 'declined')).toBe(false);
    expect(sent).toEqual(['s-1/n-1:delivered', 's-1/n-1:accepted']);
    expect(inbox.unanswered('s-1')).toHaveLength(0);
    expect(inbox.loudest()).toBe('none');
    expect(inbox.open('s-1')).toHaveLength(1);
  });

  test('a notification that ended needs no answer: by its notify-end line, or by a snapshot that no longer has it open', () => {
    const { inbox } = inboxWithLog();
    inbox.receive(message('n-1'));
    inbox.receive(message('n-2'));
    inbox.line('s-1', { type: 'notify-end', t: T0 + 1000, id: 'n-1', outcome: 'superseded' });
    expect(inbox.open('s-1').map((i) => i.notification.id)).toEqual(['n-2']);
    expect(inbox.answer('s-1', 'n-1', 'accepted')).toBe(false);
    // a snapshot from before the notification went out knows nothing of it yet: still open
    inbox.snapshot('s-1', null, T0 - 1);
    expect(inbox.open('s-1')).toHaveLength(1);
    // one taken after it, with no escalation any more: it ended
    inbox.snapshot('s-1', null, T0 + 5000);
    expect(inbox.open('s-1')).toHaveLength(0);
  });

  test('an end that overtook its notification message: the message arrives closed', () => {
    const { inbox, sent } = inboxWithLog();
    inbox.line('s-1', { type: 'notify-end', t: T0 + 1000, id: 'n-3', outcome: 'superseded' });
    expect(inbox.receive(message('n-3'))).toBe(true);
    expect(sent).toEqual(['s-1/n-3:delivered']);
    expect(inbox.open('s-1')).toHaveLength(0);
  });
});

describe('alarm-system status', () => {
  const failed = { type: 'system', state: 'failed', problems: [{ component: 'journal', session: 's-1', message: 'cannot write the journal: ENOSPC', since: T0 }] };

  test('failed and ok messages', () => {
    const store = new SystemStatusStore();
    const seen: boolean[] = [];
    store.onChange((s) => seen.push(s.failing));
    store.apply(parseSystemMessage(failed) ?? fail());
    expect(store.current.problems[0]?.message).toBe('cannot write the journal: ENOSPC');
    store.apply(parseSystemMessage({ type: 'system', state: 'ok', problems: [] }) ?? fail());
    expect(seen).toEqual([true, false]);
    expect(parseSystemMessage({ type: 'system', state: 'maybe' })).toBeUndefined();
  });

  test('after a reconnect, a hub that says nothing of a failure before its first session message is well again', () => {
    const store = new SystemStatusStore();
    store.apply(parseSystemMessage(failed) ?? fail());
    store.hello();
    store.apply(parseSystemMessage(failed) ?? fail());
    store.sessionMessage();
    expect(store.current.failing).toBe(true);
    store.hello();
    store.sessionMessage();
    expect(store.current.failing).toBe(false);
  });
});

function fail(): never {
  throw new Error('expected a system message');
}
