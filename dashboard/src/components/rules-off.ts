// Rules switched off for this session: always visible while any is (DESIGN §3), with who and why.
import { h, setText } from '../dom.js';
import { fmtClockShort } from '../format.js';
import type { SessionModel } from '../state.js';

export class RulesOff {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private key = '';

  constructor() {
    this.list = h('ul', {});
    this.el = h('section', { class: 'rule-off', 'data-testid': 'rule-off', hidden: true, role: 'status' }, h('h2', {}, 'Alarm rules switched OFF'), this.list);
  }

  update(model: SessionModel): void {
    const rules = model.state.disabledRules;
    this.el.hidden = rules.length === 0;
    const key = JSON.stringify(rules);
    if (key === this.key) return;
    this.key = key;
    this.list.replaceChildren(
      ...rules.map((r) => {
        const text = model.rule(r.rule)?.text ?? r.rule;
        const li = h('li', { 'data-rule': r.rule });
        setText(li, `OFF: ${text} (${r.rule})${r.by === undefined ? '' : ` — by ${r.by}`}${r.t === null || !Number.isFinite(r.t) ? '' : ` at ${fmtClockShort(r.t)}`}${r.reason === '' ? '' : `: ${r.reason}`}`);
        return li;
      }),
    );
  }
}
