// What the alarm audio is doing, and the audio pause: a visible 120 s countdown from the session's
// `audioPausedUntil` (pausing is not acknowledging; a new high-priority alarm ends the pause on the server).
// It also decides what sounds: the highest-priority alarm nobody has acknowledged yet, unless paused.
import { alarmAudio } from '../audio.js';
import { h, setAttr, setText } from '../dom.js';
import { PRIORITY_RANK } from '../format.js';
import type { SessionModel } from '../state.js';
import type { Priority } from '../types.js';

export interface AudioControlOptions {
  /** present only when the user may pause */
  pause?: () => Promise<void>;
  /** false in the replay: nothing sounds there */
  audible: boolean;
}

export function soundingPriority(model: SessionModel): Priority | 'none' {
  let best: Priority | 'none' = 'none';
  for (const alarm of model.state.alarms) {
    if (alarm.acknowledged) continue;
    if (best === 'none' || PRIORITY_RANK[alarm.priority] > PRIORITY_RANK[best]) best = alarm.priority;
  }
  return best;
}

export class AudioControls {
  readonly el: HTMLElement;
  private readonly state: HTMLElement;
  private readonly pauseInfo: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly unlock: HTMLButtonElement;
  private readonly pauseButton: HTMLButtonElement | undefined;

  constructor(private readonly options: AudioControlOptions) {
    this.state = h('span', { class: 'audio-state' }, 'Silent');
    this.countdown = h('span', { 'data-testid': 'pause-countdown' }, '');
    this.pauseInfo = h('span', { class: 'pause-info', hidden: true }, 'Audio paused — sound resumes in ', this.countdown, ' s');
    this.unlock = h('button', { type: 'button', class: 'btn btn-warn', 'data-testid': 'audio-unlock', hidden: true }, 'Alarm sound is OFF in this browser — tap to turn it on');
    this.unlock.addEventListener('click', () => alarmAudio.unlock());
    if (options.pause !== undefined) {
      const pause = options.pause;
      const button = h('button', { type: 'button', class: 'btn btn-pause', 'data-testid': 'pause' }, 'Pause audio 2 min');
      button.addEventListener('click', () => {
        button.disabled = true;
        void pause().finally(() => (button.disabled = false));
      });
      this.pauseButton = button;
    }
    this.el = h('div', { class: 'audio', 'data-testid': 'audio', 'data-sounding': 'none', 'data-paused': 'false' }, this.state, this.pauseInfo, this.pauseButton, this.unlock);
  }

  /** Updates the controls and, when audible, what the page sounds. */
  update(model: SessionModel, now: number): void {
    const until = model.state.audioPausedUntil;
    const paused = until !== null && until > now;
    const wanted = soundingPriority(model);
    const sounding: Priority | 'none' = paused ? 'none' : wanted;
    if (this.options.audible) alarmAudio.set(sounding);
    // what the tones are doing now: in the replay nothing sounds
    setAttr(this.el, 'data-sounding', this.options.audible ? sounding : 'none');
    setAttr(this.el, 'data-paused', String(paused));
    this.pauseInfo.hidden = !paused;
    setText(this.countdown, paused ? String(Math.max(0, Math.ceil((until - now) / 1000))) : '');
    let text: string;
    if (paused) text = wanted === 'none' ? 'Audio paused' : `Audio paused (${wanted.toUpperCase()} alarm waiting)`;
    else if (sounding === 'none') text = 'Silent: no unacknowledged alarm';
    else text = `Sounding: ${sounding.toUpperCase()} priority`;
    if (!this.options.audible && sounding !== 'none') text = `${sounding.toUpperCase()} alarm (replay: no sound)`;
    setText(this.state, text);
    this.el.classList.toggle('sounding', sounding !== 'none');
    this.unlock.hidden = !this.options.audible || alarmAudio.unlocked;
  }
}
