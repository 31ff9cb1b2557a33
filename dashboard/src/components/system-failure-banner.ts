// The alarm system itself failed (the journal cannot be written, a session's core stopped): nothing on screen can
// be trusted to alarm. One full-width banner above every view, with each problem's message, and the high-priority
// tone while it lasts; gone when the hub says the system is well again.
import { alarmAudio } from '../audio.js';
import { h, setText } from '../dom.js';
import { fmtClockShort } from '../format.js';
import type { SystemStatus, SystemStatusStore } from '../system-status.js';

export class SystemFailureBanner {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly unsubscribe: () => void;

  constructor(store: SystemStatusStore) {
    this.list = h('ul', { class: 'system-problems' });
    this.el = h(
      'div',
      { class: 'system-failure', 'data-testid': 'system-failure', role: 'alert', 'aria-live': 'assertive', hidden: true },
      h('p', { class: 'system-failure-head' }, 'ALARM SYSTEM FAILURE — alarms may not be raised or recorded. Watch the patients directly and call technical support.'),
      this.list,
    );
    this.unsubscribe = store.onChange((status) => this.show(status));
    this.show(store.current);
  }

  destroy(): void {
    this.unsubscribe();
    alarmAudio.setSystemFailure(false);
  }

  private show(status: SystemStatus): void {
    this.el.hidden = !status.failing;
    alarmAudio.setSystemFailure(status.failing);
    this.list.replaceChildren(
      ...status.problems.map((p) => {
        const li = h('li', { 'data-component': p.component, 'data-session': p.session ?? '' });
        const since = Number.isFinite(p.since) ? ` (since ${fmtClockShort(p.since)})` : '';
        setText(li, `${p.component}${p.session === undefined ? '' : ` · session ${p.session}`}: ${p.message}${since}`);
        return li;
      }),
    );
  }
}
