// simulateSession: one scenario of one patient as a `vigil-recording` line stream — the header, then every line
// in non-decreasing `t`. Deterministic: (scenario, seed, duration, start, ids) → the same lines, byte for byte.
import type { RecordingHeader, RecordingLine } from '../../services/core/types.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_SPEC } from '../../services/core/escalation-policy.js';
import { DEFAULT_PROFILE, loadProfile } from '../../services/core/profile.js';
import type { SimContext } from './context.js';
import { ATTENTIVE_MONITOR, withMedicalMonitor, type MonitorBehaviour } from './medical-monitor.js';
import { mergeByTime } from './merge.js';
import { drawPatient } from './physiology.js';
import { Random } from './random.js';
import { getScenario } from './scenarios.js';
import { deviceLines, sessionEvents, therapistActions } from './timeline.js';
import { bloodPressure, heartRate, oxygenSaturation, temperature } from './vital-streams.js';

// re-exported here because the command line takes the scenario list and the simulator from this module
export { SCENARIOS, SCENARIO_NAMES } from './scenarios.js';

export interface SimulateOptions {
  /** scenario name, see SCENARIOS */
  scenario: string;
  /** default 1 */
  seed?: number;
  /** default 8 h; shorter sessions simply stop (session-end at start + durationMs) */
  durationMs?: number;
  /** ms since the Unix epoch; default 2026-01-01T00:00:00Z */
  start?: number;
  /** default `sim-<scenario>-<seed>` */
  sessionId?: string;
  /** pseudonymous label, never a name; default P-<seed, 3 digits> */
  patient?: string;
  /**
   * The medical monitor answering notifications (default: attentive — confirms, reads and accepts within
   * 30 s); false for none, when real people and the real notifier answer (a live simulated session).
   */
  medicalMonitor?: MonitorBehaviour | false;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_DURATION_MS = 8 * 3_600_000;
export const DEFAULT_START = Date.UTC(2026, 0, 1); // 1767225600000

export function simulateSession(options: SimulateOptions): Generator<RecordingLine> {
  // validate eagerly: a generator body would only throw on the first next()
  const scenario = getScenario(options.scenario);
  const seed = options.seed ?? DEFAULT_SEED;
  const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
  const start = options.start ?? DEFAULT_START;
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw new Error(`duration must be positive, got ${durationMs}`);
  if (!Number.isSafeInteger(start)) throw new Error(`start must be an integer ms timestamp, got ${start}`);
  const header: RecordingHeader = {
    type: 'header',
    format: 'vigil-recording',
    version: 1,
    session: {
      id: options.sessionId ?? `sim-${scenario.name}-${seed}`,
      patient: options.patient ?? `P-${String(Math.abs(seed) % 1000).padStart(3, '0')}`,
      // the policy the simulated monitor answered under, so a replay reproduces the chain
      escalation: DEFAULT_POLICY_SPEC,
    },
  };
  const rng = new Random(seed);
  const patient = drawPatient(rng.fork('patient'));
  const ctx: SimContext = { start, end: start + Math.round(durationMs), patient, scenario, rng };
  return lines(header, ctx, options.medicalMonitor ?? ATTENTIVE_MONITOR);
}

function* lines(header: RecordingHeader, ctx: SimContext, monitor: MonitorBehaviour | false): Generator<RecordingLine> {
  yield header;
  const session = sessionLines(ctx);
  yield* monitor === false ? session : withMedicalMonitor(session, loadProfile(DEFAULT_PROFILE), DEFAULT_POLICY, monitor);
}

function sessionLines(ctx: SimContext): Generator<Exclude<RecordingLine, RecordingHeader>> {
  // source order breaks ties: events (session-start) and device bindings come before the first samples at
  // the same instant, and an acknowledgement comes after the samples of its second
  return mergeByTime<Exclude<RecordingLine, RecordingHeader>>([
    sessionEvents(ctx),
    deviceLines(ctx),
    heartRate(ctx),
    oxygenSaturation(ctx),
    bloodPressure(ctx),
    temperature(ctx),
    therapistActions(ctx),
  ]);
}
