// The alarm banner: one entry per open alarm, highest priority first, in the IEC 60601-1-8 colours AND words
// (priority, state, acknowledged), with the rule's text, the value and the limit. Resolved alarms that were
// never acknowledged stay until someone acknowledges them. Acknowledge buttons exist only for users who may.
import { h, setAttr, setText } from '../dom.js';
import { fmtClockShort, fmtDuration, fmtWithUnit } from '../format.js';
import { limitText } from '../limits.js';
import type { SessionModel } from '../state.js';
import type { OpenAlarm } from '../types.js';

export interface AlarmBannerOptions {
  /** present only when the user may acknowledge */
  acknowledge?: (rule: string | undefined) => Promise<void>;
}

interface Entry {
  li: HTMLElement;
  status: HTMLElement;
  value: HTMLElement;
  limit: HTMLElement;
  since: HTMLElement;
  ack: HTMLButtonElement | undefined;
}

export class AlarmBanner {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly ackAll: HTMLButtonElement | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly stale: HTMLElement;

  constructor(private readonly options: AlarmBannerOptions = {}) {
    this.list = h('ul', { class: 'alarm-list' });
    this.empty = h('p', { class: 'no-alarms' }, 'No alarms');
    this.stale = h('p', { class: 'alarms-stale', hidden: true }, 'Connection lost: these are the last alarms known, not live.');
    if (options.acknowledge !== undefined) {
      const acknowledge = options.acknowledge;
      this.ackAll = h('button', { type: 'button', class: 'btn btn-ack-all', 'data-testid': 'ack-all' }, 'Acknowledge all');
      this.ackAll.addEventListener('click', () => this.run(this.ackAll as HTMLButtonElement, () => acknowledge(undefined)));
    }
    this.el = h(
      'section',
      { class: 'alarm-banner', 'data-testid': 'alarm-banner', 'aria-label': 'Alarms', 'aria-live': 'assertive' },
      h('div', { class: 'alarm-banner-head' }, h('h2', {}, 'Alarms'), this.ackAll),
      this.stale,
      this.empty,
      this.list,
    );
  }

  update(model: SessionModel, now: number, online: boolean): void {
    const alarms = model.state.alarms;
    this.empty.hidden = alarms.length > 0;
    this.stale.hidden = online || alarms.length === 0;
    if (this.ackAll !== undefined) this.ackAll.disabled = !alarms.some((a) => !a.acknowledged);
    const keep = new Set<string>();
    alarms.forEach((alarm, index) => {
      keep.add(alarm.rule);
      let entry = this.entries.get(alarm.rule);
      if (entry === undefined || entry.li.dataset['id'] !== alarm.id) {
        entry?.li.remove();
        entry = this.create(alarm, model);
        this.entries.set(alarm.rule, entry);
      }
      this.fill(entry, alarm, model, now);
      if (this.list.children[index] !== entry.li) this.list.insertBefore(entry.li, this.list.children[index] ?? null);
    });
    for (const [rule, entry] of this.entries) {
      if (!keep.has(rule)) {
        entry.li.remove();
        this.entries.delete(rule);
      }
    }
  }

  private create(alarm: OpenAlarm, model: SessionModel): Entry {
    const text = model.rule(alarm.rule)?.text ?? alarm.rule;
    const entry: Entry = {
      li: h('li', { class: `alarm ${alarm.priority}`, 'data-testid': 'alarm', 'data-rule': alarm.rule, 'data-priority': alarm.priority, 'data-id': alarm.id }),
      status: h('span', { class: 'alarm-status' }),
      value: h('span', { class: 'alarm-value' }),
      limit: h('span', { class: 'alarm-limit' }),
      // the running duration changes every second: kept out of what screen readers announce
      since: h('span', { class: 'alarm-since', 'aria-hidden': 'true' }),
      ack: undefined,
    };
    entry.li.append(
      h('span', { class: 'alarm-priority' }, alarm.priority.toUpperCase()),
      h('span', { class: 'alarm-main' }, h('span', { class: 'alarm-text' }, text), entry.value, entry.limit),
      h('span', { class: 'alarm-side' }, entry.status, entry.since),
    );
    const acknowledge = this.options.acknowledge;
    if (acknowledge !== undefined) {
      const button = h('button', { type: 'button', class: 'btn btn-ack', 'data-testid': 'ack', 'aria-label': `Acknowledge: ${text}` }, 'Acknowledge');
      button.addEventListener('click', () => this.run(button, () => acknowledge(alarm.rule)));
      entry.ack = button;
      entry.li.append(button);
    }
    return entry;
  }

  private fill(entry: Entry, alarm: OpenAlarm, model: SessionModel, now: number): void {
    setAttr(entry.li, 'data-state', alarm.active ? 'active' : 'resolved');
    setAttr(entry.li, 'data-acknowledged', String(alarm.acknowledged));
    entry.li.classList.toggle('resolved', !alarm.active);
    entry.li.classList.toggle('acknowledged', alarm.acknowledged);
    const escalated = alarm.escalations > 0 && !alarm.acknowledged;
    entry.li.classList.toggle('escalated', escalated);
    let status = alarm.active ? 'ACTIVE' : 'RESOLVED — not acknowledged';
    if (alarm.acknowledged) status = `ACTIVE · acknowledged${alarm.acknowledgedBy === undefined ? '' : ` by ${alarm.acknowledgedBy}`}`;
    // who was told, and how far it got, is the escalation line's to say
    if (escalated) status += ' · ESCALATED';
    setText(entry.status, status);
    // a technical alarm about no device in particular (delivery-failed) has no value to show
    const valueText = alarm.vital === 'device'
      ? [alarm.device, alarm.value === undefined ? undefined : fmtWithUnit('device', alarm.value)].filter((part) => part !== undefined).join(' · ')
      : alarm.value === undefined ? (alarm.device === undefined ? '' : alarm.device) : fmtWithUnit(alarm.vital, alarm.value);
    setText(entry.value, valueText === '' ? '' : `value ${valueText}`);
    setText(entry.limit, limitText(model.rule(alarm.rule), (v) => model.state.vitals[v].baseline));
    setText(entry.since, `since ${fmtClockShort(alarm.raisedAt)} (${fmtDuration(now - alarm.raisedAt)})`);
    if (entry.ack !== undefined) entry.ack.hidden = alarm.acknowledged;
  }

  private run(button: HTMLButtonElement, action: () => Promise<void>): void {
    button.disabled = true;
    void action().finally(() => {
      button.disabled = false;
    });
  }
}
