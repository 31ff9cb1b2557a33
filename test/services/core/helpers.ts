// Small builders for core tests: a core on the default profile that collects its outputs.
import { loadProfile, compileProfile, mergeProfiles, type Profile } from '../../../services/core/profile.js';
import { SessionCore } from '../../../services/core/session-core.js';
import type { AlarmTransition, CoreOutput, InputUnit, Sample, SampleMode, Vital } from '../../../services/core/types.js';

export const T0 = Date.UTC(2026, 0, 1);
export const SEC = 1000;
export const MIN = 60_000;

export const defaultProfile: Profile = loadProfile('mdma-session');

/** The default profile with some values overridden (deep merge, like a site profile file). */
export function profileWith(override: unknown): Profile {
  return compileProfile(mergeProfiles(defaultProfile.spec, override), 'test-override');
}

const UNITS: Record<Vital, InputUnit> = { hr: '/min', spo2: '%', sbp: 'mm[Hg]', dbp: 'mm[Hg]', map: 'mm[Hg]', temp: 'Cel' };

export function sample(t: number, vital: Vital, value: number, extra: { mode?: SampleMode; device?: string; unit?: InputUnit } = {}): Sample {
  const s: Sample = { type: 'sample', t, vital, value, unit: extra.unit ?? UNITS[vital] };
  if (extra.mode !== undefined) s.mode = extra.mode;
  if (extra.device !== undefined) s.device = extra.device;
  return s;
}

export interface Harness {
  core: SessionCore;
  outputs: CoreOutput[];
  alarms(): AlarmTransition[];
  /** "rule state@seconds since T0", compact for assertions */
  trail(): string[];
  /** 1 Hz samples of one vital from `from` (inclusive) to `to` (exclusive), values from f(t) */
  stream(vital: Vital, from: number, to: number, f: (t: number) => number, stepMs?: number): void;
}

export function harness(profile: Profile = defaultProfile): Harness {
  const outputs: CoreOutput[] = [];
  const core = new SessionCore(profile, (o) => outputs.push(o));
  const alarms = (): AlarmTransition[] => outputs.filter((o): o is AlarmTransition => o.type === 'alarm');
  return {
    core,
    outputs,
    alarms,
    trail: () => alarms().map((a) => `${a.rule} ${a.state}@${(a.t - T0) / SEC}`),
    stream(vital, from, to, f, stepMs = SEC) {
      for (let t = from; t < to; t += stepMs) {
        const rejection = core.sample(sample(t, vital, f(t)));
        if (rejection !== undefined) throw new Error(`sample rejected: ${rejection.message}`);
      }
    },
  };
}
