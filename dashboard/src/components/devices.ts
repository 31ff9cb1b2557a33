// Device status: every device bound to or seen in the session — link state, battery, age of its last sample,
// and the sensor conditions it reports now.
import { h, setAttr, setText } from '../dom.js';
import { fmtAge } from '../format.js';
import type { SessionModel } from '../state.js';
import type { DeviceBinding, DeviceStatus } from '../types.js';

const CONDITION_TEXT: Readonly<Record<string, string>> = {
  'sensor-off': 'sensor off',
  'no-sensor': 'no sensor',
  'sensor-fault': 'sensor fault',
  'pulse-search': 'searching for pulse',
  artifact: 'artifact',
  'low-perfusion': 'low perfusion',
  'poor-signal': 'poor signal',
  'measurement-unavailable': 'measurement unavailable',
  'cuff-problem': 'cuff problem',
  'irregular-pulse': 'irregular pulse',
};

export class DeviceList {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rows = new Map<string, HTMLElement>();

  constructor() {
    this.list = h('ul', { class: 'device-list' });
    this.el = h('section', { class: 'devices panel', 'aria-label': 'Devices' }, h('h2', {}, 'Devices'), this.list);
  }

  update(model: SessionModel, bindings: readonly DeviceBinding[], now: number): void {
    const devices = new Map<string, DeviceStatus>();
    for (const binding of bindings) devices.set(binding.device, { device: binding.device, state: 'unknown', conditions: [] });
    for (const status of model.state.devices) devices.set(status.device, status);
    for (const [id, status] of devices) {
      let row = this.rows.get(id);
      if (row === undefined) {
        row = h('li', { class: 'device', 'data-testid': 'device', 'data-device': id });
        this.rows.set(id, row);
        this.list.append(row);
      }
      const binding = bindings.find((b) => b.device === id);
      setAttr(row, 'data-state', status.state);
      row.classList.toggle('bad', status.state === 'disconnected' || status.conditions.length > 0);
      const parts = [
        id + (binding === undefined ? '' : ` (${binding.kind}: ${binding.vitals.join(', ')})`),
        status.state === 'unknown' ? 'state unknown' : status.state,
        status.battery === undefined ? 'battery —' : `battery ${Math.round(status.battery)} %`,
        status.lastSampleAt === undefined ? 'no sample yet' : `last sample ${fmtAge(now - status.lastSampleAt)}`,
      ];
      if (status.conditions.length > 0) parts.push(status.conditions.map((c) => CONDITION_TEXT[c] ?? c).join(', ').toUpperCase());
      setText(row, parts.join(' · '));
    }
    for (const [id, row] of this.rows) {
      if (!devices.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
  }
}
