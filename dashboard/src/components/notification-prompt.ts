// For the person a notification is addressed to: what they are asked to take on, and Accept / Decline (one click
// each). Shown only to addressees (the hub sends `notification` to them alone; engineers never get the prompt).
// Rendering it on a visible page is what `read` means.
import { h, setText } from '../dom.js';
import { contactLabel, type ContactLabels } from '../escalation-text.js';
import type { Answer, InboxItem, NotificationInbox } from '../notification-inbox.js';

const REASON: Readonly<Record<string, string>> = {
  escalation: 'Alarm not acknowledged at the bedside',
  'next-contact': 'Passed on to you: the previous contact did not take it',
  update: 'More alarms not acknowledged at the bedside',
  repeat: 'Reminder: alarms still open',
};

interface Row {
  el: HTMLElement;
  note: HTMLElement;
  accept: HTMLButtonElement;
  decline: HTMLButtonElement;
}

export class NotificationPrompt {
  readonly el: HTMLElement;
  private readonly rows = new Map<string, Row>();

  constructor(
    private readonly session: string,
    private readonly inbox: NotificationInbox,
  ) {
    this.el = h('div', { class: 'notification-prompts', hidden: true });
  }

  /** `visible`: the page is visible (document.visibilityState), so what is shown now is read. */
  update(labels: ContactLabels, visible: boolean): void {
    const items = this.inbox.open(this.session);
    this.el.hidden = items.length === 0;
    const keep = new Set(items.map((item) => item.notification.id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    items.forEach((item, index) => {
      let row = this.rows.get(item.notification.id);
      if (row === undefined) {
        row = this.create(item, labels);
        this.rows.set(item.notification.id, row);
      }
      this.fill(row, item);
      if (this.el.children[index] !== row.el) this.el.insertBefore(row.el, this.el.children[index] ?? null);
    });
    if (items.length > 0) this.inbox.shown(this.session, visible);
  }

  private create(item: InboxItem, labels: ContactLabels): Row {
    const n = item.notification;
    const alarms = n.alarms.map((a) => `${a.priority.toUpperCase()}: ${a.text}`).join(' · ');
    const accept = h('button', { type: 'button', class: 'btn btn-accept', 'data-testid': 'accept-notification' }, 'Accept');
    const decline = h('button', { type: 'button', class: 'btn btn-decline', 'data-testid': 'decline-notification' }, 'Decline');
    const note = h('span', { class: 'notification-note', role: 'status' });
    const el = h(
      'div',
      { class: `notification prio-${n.priority}`, 'data-testid': 'notification', 'data-notification': n.id, role: 'alertdialog', 'aria-label': `Notification to you as ${contactLabel(n.contact, labels)}` },
      h('p', { class: 'notification-head' }, h('strong', {}, `${n.priority.toUpperCase()} — you are notified as ${contactLabel(n.contact, labels)} (level ${n.level})`), ` ${REASON[n.reason] ?? n.reason}.`),
      alarms === '' ? null : h('p', { class: 'notification-alarms' }, alarms),
      h('div', { class: 'notification-actions' }, accept, decline, note),
    );
    accept.addEventListener('click', (event) => this.answer(event, item, 'accepted', note));
    decline.addEventListener('click', (event) => this.answer(event, item, 'declined', note));
    return { el, note, accept, decline };
  }

  private fill(row: Row, item: InboxItem): void {
    const answered = item.answer !== undefined;
    row.accept.hidden = answered;
    row.decline.hidden = answered;
    if (answered) setText(row.note, item.answer === 'accepted' ? 'You accepted — vigil is recording it…' : 'You declined — passing it on…');
  }

  private answer(event: Event, item: InboxItem, answer: Answer, note: HTMLElement): void {
    // the tile around it opens the bedside view on a click
    event.stopPropagation();
    if (!this.inbox.answer(item.session, item.notification.id, answer)) {
      setText(note, 'Not sent: the connection to vigil is down. Try again when it is back.');
      return;
    }
    const row = this.rows.get(item.notification.id);
    if (row !== undefined) this.fill(row, item);
  }
}
