// The shape of a scenario: a small set of modifiers over the physiological model, plus what it should do to
// the alarm core. Times are minutes after session start (the dose is at minute 15, see DOSE_AT_MIN).
import type { ActionKind, AlarmState, Vital } from '../../services/core/types.js';
import type { DeviceId } from './devices.js';
import type { Keyframe } from './excursion.js';

/** A cuff reading at a fixed time (e.g. a repeat measurement ordered by the clinician); omitted values = model. */
export interface ForcedReading {
  atMin: number;
  sbp?: number;
  dbp?: number;
}

/**
 * A device stops delivering. `silent`: samples just stop (no device line), as when a strap loses skin contact.
 * `disconnected`: the transport drops ("disconnected" device line) and comes back ("connected") after forS.
 */
export interface Outage {
  device: DeviceId;
  atMin: number;
  forS: number;
  kind: 'silent' | 'disconnected';
}

/** One physiologically impossible value replacing the next sample of a continuous vital at/after atMin. */
export interface Artifact {
  vital: 'hr' | 'spo2' | 'temp';
  atMin: number;
  value: number;
}

/** Something a therapist does at a fixed time (acknowledging an alarm they have been looking at). */
export interface ScheduledAction {
  atMin: number;
  action: ActionKind;
  rule?: string;
  by: string;
}

export interface ScheduledNote {
  atMin: number;
  text: string;
  by: string;
}

/** One intended alarm transition, in order; aboutMin is approximate (seed noise moves crossings by ≲ 2 min). */
export interface ExpectedTransition {
  rule: string;
  state: AlarmState;
  aboutMin: number;
}

export interface Scenario {
  name: string;
  /** one line, for the command line's help */
  description: string;
  /** HR mean steered along this path (absolute /min) */
  hr?: readonly Keyframe[];
  /** temperature mean steered along this path (absolute Cel) */
  temp?: readonly Keyframe[];
  cuff?: readonly ForcedReading[];
  outages?: readonly Outage[];
  artifacts?: readonly Artifact[];
  actions?: readonly ScheduledAction[];
  notes?: readonly ScheduledNote[];
  /** alarm transitions of the default profile over a full 8-hour session, in order */
  expectedAlarms: readonly ExpectedTransition[];
  /** artifacts per vital the core should count */
  expectedArtifacts: Partial<Record<Vital, number>>;
}
