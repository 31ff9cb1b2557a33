// Who and where, and the time since the first dose — always visible.
import { h, setText } from '../dom.js';
import { fmtClock, fmtClockShort, fmtHoursMinutes } from '../format.js';
import type { SessionModel } from '../state.js';

export class SessionHeader {
  readonly el: HTMLElement;
  private readonly patient: HTMLElement;
  private readonly room: HTMLElement;
  private readonly sinceDose: HTMLElement;
  private readonly doseInfo: HTMLElement;
  private readonly clock: HTMLElement;
  private readonly phase: HTMLElement;

  constructor() {
    this.patient = h('span', { class: 'patient', 'data-testid': 'patient' }, '—');
    this.room = h('span', { class: 'room' });
    this.sinceDose = h('span', { class: 'since-dose', 'data-testid': 'since-dose' }, 'no dose yet');
    this.doseInfo = h('span', { class: 'dose-info' });
    this.clock = h('span', { class: 'session-clock' });
    this.phase = h('span', { class: 'phase', hidden: true });
    this.el = h(
      'div',
      { class: 'session-header' },
      h('div', { class: 'who' }, this.patient, this.room, this.phase),
      h('div', { class: 'dose' }, h('span', { class: 'label' }, 'Since dose'), this.sinceDose, this.doseInfo),
      this.clock,
    );
  }

  setLabel(patient: string, room: string | null): void {
    setText(this.patient, patient);
    setText(this.room, room === null || room === '' ? '' : `room ${room}`);
  }

  update(model: SessionModel, now: number): void {
    const state = model.state;
    setText(this.sinceDose, state.doseAt === null ? 'no dose yet' : fmtHoursMinutes(now - state.doseAt));
    const first = state.doses.find((d) => d.event === 'dose');
    const extra = state.doses.filter((d) => d.event === 'supplemental-dose');
    const info = first === undefined ? '' : `dose${first.mg === undefined ? '' : ` ${first.mg} mg`} at ${fmtClockShort(first.t)}${extra.map((d) => ` · suppl.${d.mg === undefined ? '' : ` ${d.mg} mg`} at ${fmtClockShort(d.t)}`).join('')}`;
    setText(this.doseInfo, info);
    setText(this.clock, fmtClock(now));
    this.phase.hidden = state.endedAt === null;
    setText(this.phase, state.endedAt === null ? '' : `SESSION ENDED ${fmtClockShort(state.endedAt)}`);
  }
}
