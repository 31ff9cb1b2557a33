// The alarms a person computes by hand from DESIGN §4 for test/fixtures/hand-written.ndjson (t in s from T0).
// Baseline at the dose (900 s): HR 70 (180 samples, all 70), so hr-rise raises at ≥ 100 and clears at < 95.
export const HAND_WRITTEN_ALARMS: ReadonlyArray<readonly [seconds: number, rule: string, state: string, value?: number]> = [
  [1260, 'hr-rise', 'raised', 101], // HR 101 from 1200 s, held 60 s
  [1305, 'hr-high', 'raised', 131], // HR 131 from 1295 s, held 10 s
  [1365, 'hr-high', 'escalated', 131], // high, unacknowledged 60 s
  [1410, 'hr-high', 'cleared', 110], // HR 110 (< 125) from 1400 s, held 10 s; latched: stays until acknowledged
  [1420, 'hr-high', 'acknowledged', 110], // therapist-a
  [1440, 'hr-rise', 'escalated', 110], // medium, unacknowledged 180 s
  [1530, 'hr-rise', 'cleared', 90], // HR 90 (< 95) from 1500 s, held 30 s
  [1800, 'sbp-high', 'raised', 170], // second consecutive reading ≥ 160 (165 at 1500 s, 170 at 1800 s)
  [1980, 'sbp-high', 'escalated', 170],
  [2100, 'bp-crisis', 'raised', 185], // 185/112
  [2100, 'temp-elevated', 'raised', 38.4], // second consecutive spot reading ≥ 38.0 (38.1, 38.4)
  [2130, 'bp-crisis', 'acknowledged', 185], // therapist-b acknowledges everything: highest priority first
  [2130, 'sbp-high', 'acknowledged', 185],
  [2130, 'temp-elevated', 'acknowledged', 38.4],
  [2400, 'sbp-high', 'cleared', 145], // first reading < 150
  [2400, 'bp-crisis', 'cleared', 145], // 145/88: SBP < 170 and DBP < 100, once the diastolic arrived
  [2400, 'temp-hyperthermia', 'raised', 39.2], // one spot reading ≥ 39.0
  [2460, 'temp-hyperthermia', 'escalated', 39.2],
  [2515, 'spo2-low', 'raised', 90], // SpO2 90 from 2500 s, held 15 s (ends the audio pause of 2405 s)
  [2550, 'spo2-low', 'cleared', 94], // ≥ 93 from 2535 s, held 15 s
  [2575, 'spo2-low', 'escalated', 94], // latched and unacknowledged 60 s after it was raised
  [2600, 'spo2-low', 'acknowledged', 94],
  [2700, 'temp-hyperthermia', 'cleared', 38.5], // < 38.7
  [3000, 'temp-elevated', 'cleared', 37.6], // one reading < 37.8
  [3200, 'device-disconnected', 'raised'],
  // hr-stale would be due at 3210 s (last HR sample 3195 s), but ox-1, the only HR source, is the disconnected
  // device: the raised device-disconnected alarm inhibits it; the sample at 3265 s comes before its next look
  // (3270 s) after the reconnection
  [3260, 'device-disconnected', 'cleared'],
  [3300, 'low-battery', 'raised', 14],
  [3400, 'low-battery', 'cleared', 22],
];
