// The session's running escalation: who was notified, how far the message got, who accepted, the time left to
// accept. Compact at the bedside (one line: therapists need to know whether someone was told); in detail on the
// overview tile (the level, each channel's latest report with its failure reason, the alarms it carries).
import { h, setAttr, setText } from '../dom.js';
import { currentNotification, ruleOfAlarmId } from '../escalation.js';
import { channelText, contactLabel, escalationLine, type ContactLabels } from '../escalation-text.js';
import { fmtWithUnit } from '../format.js';
import type { SessionModel } from '../state.js';
import type { NotificationAlarm, Priority } from '../types.js';

export interface EscalationPanelOptions {
  /** the overview's tile: level, channels and alarms too */
  detail: boolean;
}

/** What the panel says about one alarm of the escalation. */
export interface EscalatedAlarmText {
  priority: Priority;
  text: string;
  /** open and unacknowledged / acknowledged / closed */
  state: string;
}

/** Describes an escalated alarm from the session's state, else from what a notification said about it. */
export function describeEscalatedAlarm(model: SessionModel, id: string, told: ReadonlyMap<string, NotificationAlarm> = new Map()): EscalatedAlarmText {
  const open = model.state.alarms.find((a) => a.id === id);
  const notified = told.get(id);
  const rule = open?.rule ?? notified?.rule ?? ruleOfAlarmId(id);
  const ruleText = model.rule(rule)?.text ?? notified?.text ?? rule;
  const vital = open?.vital ?? notified?.vital;
  const value = open?.value ?? notified?.value;
  const valueText = vital === undefined || value === undefined || vital === 'device' ? '' : ` · ${fmtWithUnit(vital, value)}`;
  const state = open === undefined ? 'closed' : open.acknowledged ? 'acknowledged' : open.active ? 'not acknowledged' : 'resolved, not acknowledged';
  return { priority: open?.priority ?? notified?.priority ?? model.rule(rule)?.priority ?? 'high', text: `${ruleText}${valueText}`, state };
}

export class EscalationPanel {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;
  private readonly timing: HTMLElement;
  private readonly countdownBox: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly level: HTMLElement | undefined;
  private readonly channels: HTMLElement | undefined;
  private readonly alarms: HTMLElement | undefined;
  private detailKey = '';

  constructor(private readonly options: EscalationPanelOptions) {
    this.text = h('span', { class: 'escalation-text' });
    // running times change every second: shown, kept out of what screen readers announce
    this.timing = h('span', { class: 'escalation-timing', 'aria-hidden': 'true' });
    this.countdown = h('span', { 'data-testid': 'escalation-countdown' });
    this.countdownBox = h('span', { class: 'escalation-countdown', 'aria-hidden': 'true', hidden: true }, ' · ', this.countdown, ' left to accept');
    const line = h('p', { class: 'escalation-line', 'data-testid': 'escalation-status', role: 'status', 'aria-live': 'polite' }, this.text, this.timing, this.countdownBox);
    if (options.detail) {
      this.level = h('span', { class: 'escalation-level' });
      this.channels = h('ul', { class: 'escalation-channels', 'aria-label': 'Delivery per channel' });
      this.alarms = h('ul', { class: 'escalation-alarms', 'aria-label': 'Alarms in this escalation' });
    }
    this.el = h(
      'section',
      { class: `escalation ${options.detail ? 'escalation-detail' : 'escalation-compact'}`, 'data-testid': 'escalation', 'aria-label': 'Escalation', hidden: true },
      options.detail ? h('div', { class: 'escalation-head' }, h('strong', {}, 'ESCALATION'), this.level) : h('strong', { class: 'escalation-tag' }, 'Escalation'),
      line,
      this.channels,
      this.alarms,
    );
  }

  update(model: SessionModel, now: number, labels: ContactLabels, told: ReadonlyMap<string, NotificationAlarm> = new Map()): void {
    const escalation = model.state.escalation;
    this.el.hidden = escalation === null;
    if (escalation === null) {
      setAttr(this.el, 'data-state', 'none');
      return;
    }
    const current = currentNotification(escalation);
    const line = escalationLine(escalation, now, labels);
    setAttr(this.el, 'data-state', escalation.state);
    setAttr(this.el, 'data-status', current?.status ?? 'pending');
    setAttr(this.el, 'data-level', String(escalation.level));
    setAttr(this.el, 'data-contact', escalation.contact);
    setAttr(this.el, 'data-tone', line.tone);
    setText(this.text, line.text);
    setText(this.timing, line.timing === '' ? '' : ` · ${line.timing}`);
    this.countdownBox.hidden = line.acceptLeft === null;
    setText(this.countdown, line.acceptLeft ?? '');
    if (!this.options.detail) return;
    setText(this.level as HTMLElement, `level ${escalation.level}: ${contactLabel(escalation.contact, labels)}`);
    const channels = Object.entries(current?.channels ?? {});
    const alarms = escalation.alarms.map((id) => ({ id, ...describeEscalatedAlarm(model, id, told) }));
    const key = JSON.stringify([channels.map(([c, r]) => channelText(c, r, now)), alarms]);
    if (key === this.detailKey) return;
    this.detailKey = key;
    (this.channels as HTMLElement).replaceChildren(
      ...channels.map(([channel, report]) => h('li', { class: `escalation-channel ${report.state}`, 'data-testid': 'escalation-channel', 'data-channel': channel, 'data-state': report.state }, channelText(channel, report, now))),
    );
    (this.alarms as HTMLElement).replaceChildren(
      ...alarms.map((a) => h('li', { class: `escalation-alarm ${a.priority}`, 'data-testid': 'escalation-alarm', 'data-alarm': a.id, 'data-priority': a.priority }, `${a.priority.toUpperCase()} · ${a.text} (${a.state})`)),
    );
  }
}
