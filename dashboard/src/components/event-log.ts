// One-tap event logging — dose, supplemental dose, fluids (with the running total), note — and the session's
// recent events. The buttons exist only for users who may log events.
import { h, setText } from '../dom.js';
import { fmtClockShort } from '../format.js';
import type { SessionModel } from '../state.js';

export type LoggedEvent = { event: 'dose' | 'supplemental-dose'; mg?: number } | { event: 'fluid'; ml: number } | { event: 'note'; text: string };

export interface EventLogOptions {
  /** present only when the user may log events; rejects with a message to show */
  log?: (event: LoggedEvent) => Promise<void>;
}

type Kind = 'dose' | 'supplemental-dose' | 'fluid' | 'note';

const BUTTONS: ReadonlyArray<[Kind, string, string]> = [
  ['dose', 'event-dose', 'Dose'],
  ['supplemental-dose', 'event-supplemental', 'Supplemental dose'],
  ['fluid', 'event-fluid', 'Fluids'],
  ['note', 'event-note', 'Note'],
];

export class EventLog {
  readonly el: HTMLElement;
  private readonly total: HTMLElement;
  private readonly recent: HTMLElement;
  private readonly formHost: HTMLElement;
  private recentKey = '';
  private firstDoseMg: number | undefined;

  constructor(private readonly options: EventLogOptions) {
    this.total = h('span', { 'data-testid': 'fluid-total' }, '0 ml');
    this.recent = h('ul', { class: 'event-recent' });
    this.formHost = h('div', { class: 'event-form-host' });
    const buttons = options.log === undefined
      ? null
      : h('div', { class: 'event-buttons' }, ...BUTTONS.map(([kind, testid, label]) => {
          const button = h('button', { type: 'button', class: 'btn btn-event', 'data-testid': testid }, label);
          button.addEventListener('click', () => this.open(kind));
          return button;
        }));
    this.el = h(
      'section',
      { class: 'events panel', 'aria-label': 'Events' },
      h('h2', {}, 'Events'),
      buttons,
      this.formHost,
      h('p', { class: 'fluid' }, 'Fluids so far: ', this.total),
      this.recent,
    );
  }

  update(model: SessionModel): void {
    setText(this.total, `${Math.round(model.state.fluidMl)} ml`);
    this.firstDoseMg = model.state.doses.find((d) => d.event === 'dose')?.mg;
    const doses = model.state.doses.map((d) => ({ t: d.t, text: `${d.event === 'dose' ? 'Dose' : 'Supplemental dose'}${d.mg === undefined ? '' : ` ${d.mg} mg`}` }));
    const others = model.events
      .filter((e) => e.event === 'fluid' || e.event === 'note' || e.event === 'session-start' || e.event === 'session-end')
      .map((e) => ({
        t: e.t,
        text: e.event === 'fluid' ? `Fluids ${e.ml ?? 0} ml` : e.event === 'note' ? `Note: ${e.text ?? ''}` : e.event === 'session-start' ? 'Session started' : 'Session ended',
        by: e.by,
      }));
    const items = [...doses, ...others].sort((a, b) => b.t - a.t).slice(0, 8);
    const key = JSON.stringify(items);
    if (key === this.recentKey) return;
    this.recentKey = key;
    this.recent.replaceChildren(...items.map((item) => h('li', {}, h('time', {}, fmtClockShort(item.t)), ' ', item.text)));
  }

  private open(kind: Kind): void {
    const log = this.options.log;
    if (log === undefined) return;
    const error = h('p', { class: 'form-error', role: 'alert' });
    let field: HTMLInputElement | HTMLTextAreaElement;
    let label: string;
    const presets: HTMLElement[] = [];
    if (kind === 'note') {
      field = h('textarea', { name: 'text', rows: 3, maxlength: 2000, required: true });
      label = 'Note';
    } else if (kind === 'fluid') {
      field = h('input', { name: 'ml', type: 'number', inputmode: 'numeric', min: 0, max: 5000, step: 10, required: true, value: 250 });
      label = 'Fluids (ml)';
      for (const ml of [100, 150, 250, 500]) {
        const preset = h('button', { type: 'button', class: 'btn btn-chip' }, `${ml} ml`);
        preset.addEventListener('click', () => (field.value = String(ml)));
        presets.push(preset);
      }
    } else {
      field = h('input', { name: 'mg', type: 'number', inputmode: 'decimal', min: 1, max: 500, step: 1 });
      if (kind === 'supplemental-dose' && this.firstDoseMg !== undefined) field.placeholder = `e.g. ${this.firstDoseMg / 2}`;
      label = kind === 'dose' ? 'Dose (mg, optional)' : 'Supplemental dose (mg, optional)';
    }
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'event-save' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'btn' }, 'Cancel');
    const form = h('form', { class: 'event-form', 'data-kind': kind }, h('label', {}, h('span', {}, label), field), presets.length > 0 ? h('div', { class: 'chips' }, ...presets) : null, h('div', { class: 'form-actions' }, save, cancel), error);
    const close = (): void => {
      form.remove();
    };
    cancel.addEventListener('click', close);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let payload: LoggedEvent;
      const raw = field.value.trim();
      if (kind === 'note') {
        if (raw === '') return void setText(error, 'Write the note first.');
        payload = { event: 'note', text: raw };
      } else if (kind === 'fluid') {
        const ml = Number(raw);
        if (raw === '' || !Number.isFinite(ml) || ml < 0 || ml > 5000) return void setText(error, 'Fluids: a number of ml, 0–5000.');
        payload = { event: 'fluid', ml };
      } else {
        const mg = Number(raw);
        if (raw !== '' && (!Number.isFinite(mg) || mg <= 0 || mg > 500)) return void setText(error, 'Dose: a number of mg, 1–500, or leave it empty.');
        payload = raw === '' ? { event: kind } : { event: kind, mg };
      }
      save.disabled = true;
      setText(error, '');
      log(payload).then(close, (failure: unknown) => {
        save.disabled = false;
        setText(error, `Not saved: ${failure instanceof Error ? failure.message : String(failure)}`);
      });
    });
    this.formHost.replaceChildren(form);
    field.focus();
  }
}
