// "Pair sensor": Web Bluetooth through the shared adapter; progress and the paired device names.
import { h, setText } from '../dom.js';
import { pairSensor, watchPairings, type PairingStatus } from '../pairing.js';

export class PairPanel {
  readonly el: HTMLElement;
  private readonly status: HTMLElement;
  private readonly seen = new Map<string, PairingStatus>();
  private readonly unwatch: () => void;

  constructor(sessionId: string) {
    this.status = h('div', { class: 'pair-status', 'data-testid': 'pair-status', role: 'status' }, 'No sensor paired from this browser.');
    const button = h('button', { type: 'button', class: 'btn', 'data-testid': 'pair-sensor' }, 'Pair sensor (Bluetooth)');
    button.addEventListener('click', () => {
      button.disabled = true;
      setText(this.status, 'Choose the sensor in the browser’s Bluetooth list…');
      void pairSensor(sessionId).finally(() => (button.disabled = false));
    });
    this.el = h('section', { class: 'pair panel', 'aria-label': 'Pair a sensor' }, h('h2', {}, 'Sensors from this browser'), button, this.status);
    this.unwatch = watchPairings(sessionId, (status) => this.show(status));
  }

  destroy(): void {
    this.unwatch();
  }

  private show(status: PairingStatus): void {
    if (status.device === '') {
      setText(this.status, status.text);
      return;
    }
    this.seen.set(status.device, status);
    setText(
      this.status,
      [...this.seen.values()].map((s) => `${s.text}${s.frames > 0 ? ` · ${s.frames} frames relayed` : ''}${s.dropped > 0 ? ` · ${s.dropped} dropped` : ''}`).join('\n'),
    );
  }
}
