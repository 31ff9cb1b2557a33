// Alarm tones on Web Audio, one pattern per priority after IEC 60601-1-8: high = a burst of 10 pulses
// (3 + 2, pause, 3 + 2) repeated, medium = 3 pulses repeated, low = 2 pulses, rarely repeated. Browsers only let
// a page make sound after a user gesture, so the AudioContext is created/resumed on the first click or key
// (the sign-in counts); until then the page says plainly that sound is off. Every pattern started is also
// pushed to window.__vigilTones ({ priority, at }) so a test can see it. A failure of the alarm system itself
// sounds the high-priority pattern on every view, whatever the view's own alarms want (no pause silences it).
import type { Priority } from './types.js';

export interface ToneRecord {
  priority: Priority;
  at: number;
  /** false when the browser had not unlocked audio yet: the pattern was due but could not be heard */
  audible: boolean;
}

declare global {
  interface Window {
    __vigilTones?: ToneRecord[];
    webkitAudioContext?: typeof AudioContext;
  }
}

interface Pattern {
  /** fundamental frequency, Hz (IEC: 150–1000 Hz, with at least 4 harmonics) */
  frequency: number;
  /** pulse length, ms */
  pulseMs: number;
  /** start offsets of the pulses within one burst, ms */
  offsets: number[];
  /** from the start of one burst to the start of the next, ms */
  repeatMs: number;
}

export const PATTERNS: Readonly<Record<Priority, Pattern>> = {
  // 10 pulses, x x x – x x (pause) x x x – x x, a burst of about 3 s repeated every 6 s
  high: { frequency: 660, pulseMs: 150, offsets: [0, 225, 450, 825, 1050, 1800, 2025, 2250, 2625, 2850], repeatMs: 6000 },
  // 3 pulses, repeated every 7 s
  medium: { frequency: 523, pulseMs: 200, offsets: [0, 400, 800], repeatMs: 7000 },
  // 2 pulses, repeated every 20 s
  low: { frequency: 392, pulseMs: 250, offsets: [0, 450], repeatMs: 20_000 },
};

type Listener = (state: { sounding: Priority | 'none'; unlocked: boolean }) => void;

class AlarmAudio {
  private context: AudioContext | undefined;
  private wave: PeriodicWave | undefined;
  private sounding: Priority | 'none' = 'none';
  /** what the current view's alarms want */
  private wanted: Priority | 'none' = 'none';
  private systemFailing = false;
  private timer: number | undefined;
  private readonly listeners = new Set<Listener>();

  constructor() {
    window.__vigilTones ??= [];
  }

  get unlocked(): boolean {
    return this.context?.state === 'running';
  }

  get current(): Priority | 'none' {
    return this.sounding;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call from inside a user gesture (click, key): creates or resumes the AudioContext. */
  unlock(): void {
    const Ctor = window.AudioContext ?? window.webkitAudioContext;
    if (Ctor === undefined) return;
    if (this.context === undefined) {
      try {
        this.context = new Ctor();
      } catch {
        return;
      }
      this.context.addEventListener('statechange', () => this.notify());
    }
    if (this.context.state !== 'running') void this.context.resume().then(() => this.notify(), () => undefined);
    this.notify();
  }

  /** What the view's alarms want to sound now; a change starts the new pattern at once. */
  set(priority: Priority | 'none'): void {
    this.wanted = priority;
    this.apply();
  }

  /** The alarm system failed (or works again): the high-priority pattern while it is failing. */
  setSystemFailure(failing: boolean): void {
    this.systemFailing = failing;
    this.apply();
  }

  private apply(): void {
    const priority: Priority | 'none' = this.systemFailing ? 'high' : this.wanted;
    if (priority === this.sounding) return;
    this.sounding = priority;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (priority !== 'none') this.play(priority);
    this.notify();
  }

  private play(priority: Priority): void {
    const pattern = PATTERNS[priority];
    const audible = this.unlocked;
    window.__vigilTones?.push({ priority, at: Date.now(), audible });
    if (audible) this.schedule(pattern);
    this.timer = window.setTimeout(() => {
      if (this.sounding === priority) this.play(priority);
    }, pattern.repeatMs);
  }

  private schedule(pattern: Pattern): void {
    const context = this.context;
    if (context === undefined) return;
    // A tone rich in harmonics (IEC asks for at least four within 300–4000 Hz): easier to locate and to hear.
    this.wave ??= context.createPeriodicWave(new Float32Array([0, 1, 0.5, 0.35, 0.25, 0.18]), new Float32Array(6));
    const start = context.currentTime + 0.02;
    const length = pattern.pulseMs / 1000;
    const edge = Math.min(0.02, length * 0.15);
    for (const offset of pattern.offsets) {
      const at = start + offset / 1000;
      const oscillator = context.createOscillator();
      oscillator.setPeriodicWave(this.wave);
      oscillator.frequency.value = pattern.frequency;
      const gain = context.createGain();
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.25, at + edge);
      gain.gain.setValueAtTime(0.25, at + length - edge);
      gain.gain.linearRampToValueAtTime(0, at + length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + length + 0.01);
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener({ sounding: this.sounding, unlocked: this.unlocked });
  }
}

/** One audio output for the page: only one view sounds at a time. */
export const alarmAudio = new AlarmAudio();

/** Unlocks audio on the first user gesture anywhere on the page (and on later ones, if the browser suspended it). */
export function installAudioUnlock(): void {
  const unlock = (): void => {
    if (!alarmAudio.unlocked) alarmAudio.unlock();
  };
  document.addEventListener('pointerdown', unlock, { capture: true });
  document.addEventListener('keydown', unlock, { capture: true });
  document.addEventListener('click', unlock, { capture: true });
}
