// Named scenarios: small modifiers over the physiological model, each with the alarm transitions it should cause
// under the default profile `mdma-session` (DESIGN §4) over a full 8-hour session. All times are minutes after
// session start; the dose is at minute 15 and the model's HR peak falls at minute 110–123.
//
// How the expectations are made seed-proof: excursions steer a vital to absolute targets (excursion.ts) with
// ramps steep enough that the hard-bounded noise (HR ±5.5 /min after rounding, temperature ±0.075 °C) moves a
// crossing by well under a minute; cuff readings that matter are forced at fixed times. Acknowledgements are
// placed ≥ ~1 min away from the earliest/latest moment the alarm they follow can be raised or escalate. Every
// alarm is acknowledged before it clears, so latching (DESIGN §3) never leaves a resolved-unacknowledged alarm.
// Escalation assumed: one `escalated` transition when a high (60 s) / medium (180 s) alarm is still open and
// unacknowledged; low never escalates.
import type { Scenario } from './scenario-types.js';

export type { Scenario } from './scenario-types.js';

/** Quiet, plausible session: no alarm at all, physiological or technical. */
const typical: Scenario = {
  name: 'typical',
  description: 'healthy response (HR +15–18, SBP +20–30, temp +0.3–0.5 °C); no alarm',
  // Why nothing fires (bounds in physiology.ts): HR ≤ baseline + 18 + 5.5 and the pre-dose median is ≥ baseline
  // − 5.5 even in the worst case, so HR − median ≤ 29 < 30 (hr-rise; 17–22 in practice); HR ≤ 104 < 130;
  // SBP ≤ 144 + 4 < 150 (< 160 sbp-high, < 180 bp-crisis), ≥ 106 (> 90 sbp-low); DBP ≤ 80 + 14 + 3 < 110;
  // temp ≤ 37.0 + 0.5 + 0.075 < 38.0; SpO2 ≥ 96 > 91. Technical: HR/SpO2 every 1 s, temperature every 60 s,
  // cuff every 5–15 min (< 20 min bp-overdue), batteries ≥ 70 − 4·8 = 38 % (> 15 %).
  expectedAlarms: [],
  expectedArtifacts: {},
};

/** Anxiety-driven tachycardia at the peak: hr-rise, then hr-high, both back down decisively. */
const tachycardia: Scenario = {
  name: 'tachycardia',
  description: 'HR ~120 from min 110, ~148 for 8 min from min 122: hr-rise, hr-high',
  hr: [
    { atMin: 110, value: 'model' }, // model ≈ baseline + 11…18 here
    // 1-min jump: baseline + 30 (≤ 110) is crossed at 110.2–110.9 → hr-rise raised (held 60 s) at ~111–112.1;
    // its escalation could not come before 114, so the acknowledgement at 113 always lands in between
    { atMin: 111, value: 120 },
    // plateau: 120 ± 5 stays ≥ baseline + 25 + 9 (hr-rise stays up) and ≤ 125 < 130 (no hr-high yet)
    { atMin: 119, value: 120 },
    // 9.3 /min climb: 130 crossed at 120.1 ± 0.6 → hr-high raised (held 10 s) at ~119.6–120.8, escalated 60 s
    // later (~120.6–121.8, nobody has acknowledged a high alarm within a minute); acknowledged at 123
    { atMin: 122, value: 148 },
    // ≥ 142 for ~9 min (≥ 140 "for several minutes")
    { atMin: 130, value: 148 },
    // 125 crossed at 132.5 ± 0.6 → hr-high cleared (< 125 held 10 s) at ~132–133.2; the 120 plateau (≤ 125)
    // cannot re-cross 130
    { atMin: 133, value: 120 },
    { atMin: 139, value: 120 },
    // back to the model (≤ baseline + 23.5) within 4 min: baseline + 25 crossed at ~141–142 → hr-rise cleared
    // (< baseline + 25 held 30 s) at ~141–144; afterwards HR never gets near baseline + 30 again
    { atMin: 143, value: 'model' },
  ],
  actions: [
    { atMin: 113, action: 'acknowledge', rule: 'hr-rise', by: 'therapist-a' },
    { atMin: 123, action: 'acknowledge', rule: 'hr-high', by: 'therapist-a' },
  ],
  notes: [{ atMin: 124, text: 'patient anxious, reassured; breathing exercise', by: 'therapist-b' }],
  expectedAlarms: [
    { rule: 'hr-rise', state: 'raised', aboutMin: 111.5 },
    { rule: 'hr-rise', state: 'acknowledged', aboutMin: 113 },
    { rule: 'hr-high', state: 'raised', aboutMin: 120.2 },
    { rule: 'hr-high', state: 'escalated', aboutMin: 121.2 },
    { rule: 'hr-high', state: 'acknowledged', aboutMin: 123 },
    { rule: 'hr-high', state: 'cleared', aboutMin: 132.6 },
    { rule: 'hr-rise', state: 'cleared', aboutMin: 142.5 },
  ],
  expectedArtifacts: {},
};

/** Hyperthermia: past 38.0 and 39.0 (never 40), cooled back below 37.8. HR stays the typical model's. */
const hyperthermia: Scenario = {
  name: 'hyperthermia',
  description: 'temperature up to 39.4 °C (min 150–165), cooled by min ~190: temp-elevated, temp-hyperthermia',
  temp: [
    { atMin: 105, value: 'model' }, // model ≤ 37.5 here
    { atMin: 115, value: 37.6 },
    // 0.04 °C/min: 38.0 crossed at 125 ± 1.9 → temp-elevated raised (held 5 min) at ~128–132, escalated
    // 3 min later (~131–135), acknowledged at 137
    { atMin: 135, value: 38.4 },
    { atMin: 140, value: 38.5 },
    // 0.09 °C/min: 39.0 crossed at 145.6 ± 0.9 → temp-hyperthermia raised (held 30 s) at ~145–147,
    // escalated 60 s later (~146–148), acknowledged at 149.5
    { atMin: 150, value: 39.4 },
    // plateau 39.4 ± 0.08: under 40 (no temp-severe), over 38.7 (no early clear)
    { atMin: 165, value: 39.4 },
    // cooling, 0.07 °C/min: first sample < 38.7 at ~174–176 → temp-hyperthermia cleared (no hold)
    { atMin: 185, value: 38.0 },
    // 0.04 °C/min: < 37.8 from ~188–192 on, held 5 min → temp-elevated cleared at ~193–198
    { atMin: 200, value: 37.4 },
    { atMin: 230, value: 'model' }, // model < 37.3 by then
  ],
  actions: [
    { atMin: 137, action: 'acknowledge', rule: 'temp-elevated', by: 'therapist-b' },
    { atMin: 149.5, action: 'acknowledge', rule: 'temp-hyperthermia', by: 'therapist-a' },
  ],
  notes: [{ atMin: 151, text: 'cooling started: fan, cold packs; physician informed', by: 'therapist-b' }],
  expectedAlarms: [
    { rule: 'temp-elevated', state: 'raised', aboutMin: 130 },
    { rule: 'temp-elevated', state: 'escalated', aboutMin: 133 },
    { rule: 'temp-elevated', state: 'acknowledged', aboutMin: 137 },
    { rule: 'temp-hyperthermia', state: 'raised', aboutMin: 146 },
    { rule: 'temp-hyperthermia', state: 'escalated', aboutMin: 147 },
    { rule: 'temp-hyperthermia', state: 'acknowledged', aboutMin: 149.5 },
    { rule: 'temp-hyperthermia', state: 'cleared', aboutMin: 175 },
    { rule: 'temp-elevated', state: 'cleared', aboutMin: 196 },
  ],
  expectedArtifacts: {},
};

/**
 * Hypertensive spike: after a high reading the clinician repeats the cuff every 5 min (forced readings at exact
 * times, so every transition time below is exact). The scheduler keeps the random readings before and after
 * within 5–15 min of these. The model's own SBP stays < 150, so nothing re-raises afterwards.
 */
const hypertensive: Scenario = {
  name: 'hypertensive',
  description: 'BP 164/96 → 186/112 → 144/88, cuff every 5 min from min 105: sbp-high, bp-crisis',
  cuff: [
    { atMin: 105, sbp: 164, dbp: 96 }, // SBP ≥ 160, 1st reading
    { atMin: 110, sbp: 171, dbp: 99 }, // 2nd consecutive → sbp-high raised at 110 (< 180 and < 110: no crisis)
    { atMin: 115, sbp: 186, dbp: 112 }, // bp-crisis raised at 115, escalates at 116 (high, unacknowledged)
    { atMin: 120, sbp: 176, dbp: 104 }, // SBP ≥ 170: crisis not cleared; SBP ≥ 150: sbp-high stays
    { atMin: 125, sbp: 162, dbp: 96 }, // < 170 and < 100 → bp-crisis cleared at 125; sbp-high stays
    { atMin: 130, sbp: 154, dbp: 92 }, // still ≥ 150
    { atMin: 135, sbp: 144, dbp: 88 }, // < 150 → sbp-high cleared at 135
  ],
  actions: [
    // sbp-high (medium) acknowledged 90 s after it was raised: before its 180 s escalation
    { atMin: 111.5, action: 'acknowledge', rule: 'sbp-high', by: 'therapist-a' },
    { atMin: 117, action: 'acknowledge', rule: 'bp-crisis', by: 'therapist-a' },
  ],
  notes: [{ atMin: 118, text: 'physician at bedside; BP repeated every 5 min', by: 'therapist-b' }],
  expectedAlarms: [
    { rule: 'sbp-high', state: 'raised', aboutMin: 110 },
    { rule: 'sbp-high', state: 'acknowledged', aboutMin: 111.5 },
    { rule: 'bp-crisis', state: 'raised', aboutMin: 115 },
    { rule: 'bp-crisis', state: 'escalated', aboutMin: 116 },
    { rule: 'bp-crisis', state: 'acknowledged', aboutMin: 117 },
    { rule: 'bp-crisis', state: 'cleared', aboutMin: 125 },
    { rule: 'sbp-high', state: 'cleared', aboutMin: 135 },
  ],
  expectedArtifacts: {},
};

/**
 * Sensor trouble, all on exact times (no noise involved):
 * - min 60: the HR strap goes silent for 120 s (no samples, no device line). Last sample 59:59 → hr-stale
 *   raised at 60:14, acknowledged 60:45, cleared by the sample at 62:00.
 * - min 200: the HR strap disconnects ("disconnected" line) for 60 s. device-disconnected raised at 200:00 and
 *   acknowledged at 200:30; it inhibits hr-stale (the strap is HR's only source), so the silence it causes is
 *   no second alarm. "connected" at 201:00 clears device-disconnected; HR is back at 201:01.
 * - min 300: the temperature probe stops for 8 min. Last sample 299:30 → temp-stale (low) raised 304:30,
 *   acknowledged 305:30, cleared by the sample at 308:30.
 */
const sensorDropout: Scenario = {
  name: 'sensor-dropout',
  description: 'HR strap silent 2 min, then disconnected 1 min; temperature probe silent 8 min',
  outages: [
    { device: 'hrm-1', atMin: 60, forS: 120, kind: 'silent' },
    { device: 'hrm-1', atMin: 200, forS: 60, kind: 'disconnected' },
    { device: 'temp-1', atMin: 300, forS: 480, kind: 'silent' },
  ],
  actions: [
    { atMin: 60.75, action: 'acknowledge', rule: 'hr-stale', by: 'therapist-b' },
    { atMin: 200.5, action: 'acknowledge', rule: 'device-disconnected', by: 'therapist-b' },
    { atMin: 305.5, action: 'acknowledge', rule: 'temp-stale', by: 'therapist-a' },
  ],
  expectedAlarms: [
    { rule: 'hr-stale', state: 'raised', aboutMin: 60 + 14 / 60 },
    { rule: 'hr-stale', state: 'acknowledged', aboutMin: 60.75 },
    { rule: 'hr-stale', state: 'cleared', aboutMin: 62 },
    { rule: 'device-disconnected', state: 'raised', aboutMin: 200 },
    { rule: 'device-disconnected', state: 'acknowledged', aboutMin: 200.5 },
    { rule: 'device-disconnected', state: 'cleared', aboutMin: 201 },
    { rule: 'temp-stale', state: 'raised', aboutMin: 304.5 },
    { rule: 'temp-stale', state: 'acknowledged', aboutMin: 305.5 },
    { rule: 'temp-stale', state: 'cleared', aboutMin: 308.5 },
  ],
  expectedArtifacts: {},
};

/**
 * The typical session with isolated impossible values: each replaces one sample (HR, SpO2, temperature) or is
 * one cuff reading followed by the cuff's automatic retry a minute later (SBP 400; its DBP and MAP are
 * plausible). One HR artifact falls in the pre-dose baseline window. Never two in a row, so no alarm, and no
 * gap: HR/SpO2 keep their 1 s cadence, and the valid cuff readings stay ≤ 16 min apart.
 */
const artifacts: Scenario = {
  name: 'artifacts',
  description: 'typical plus isolated impossible values (HR 0/350, SpO2 0/127, temp 20, SBP 400)',
  artifacts: [
    { vital: 'hr', atMin: 7.2, value: 350 },
    { vital: 'hr', atMin: 47.3, value: 0 },
    { vital: 'hr', atMin: 133.6, value: 350 },
    { vital: 'hr', atMin: 251.1, value: 0 },
    { vital: 'spo2', atMin: 22.4, value: 0 },
    { vital: 'spo2', atMin: 96.9, value: 127 },
    { vital: 'spo2', atMin: 188.2, value: 0 },
    { vital: 'spo2', atMin: 320.5, value: 127 },
    { vital: 'temp', atMin: 70, value: 20.0 },
    { vital: 'temp', atMin: 290, value: 20.0 },
  ],
  cuff: [
    { atMin: 160, sbp: 400 },
    { atMin: 161 },
    { atMin: 380, sbp: 400 },
    { atMin: 381 },
  ],
  expectedAlarms: [],
  expectedArtifacts: { hr: 4, spo2: 4, temp: 2, sbp: 2 },
};

const ALL: readonly Scenario[] = [typical, tachycardia, hyperthermia, hypertensive, sensorDropout, artifacts];

/** Names and one-line descriptions, for the command line's help. */
export const SCENARIOS: readonly { name: string; description: string }[] = ALL.map(({ name, description }) => ({
  name,
  description,
}));

export const SCENARIO_NAMES: readonly string[] = ALL.map((s) => s.name);

/** The scenario of that name; unknown names throw, listing the known ones. */
export function getScenario(name: string): Scenario {
  const scenario = ALL.find((s) => s.name === name);
  if (scenario === undefined) {
    throw new Error(`unknown scenario "${name}"; known scenarios: ${SCENARIO_NAMES.join(', ')}`);
  }
  return scenario;
}
