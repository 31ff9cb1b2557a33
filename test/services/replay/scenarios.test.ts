// Every simulator scenario, written to a file and replayed through the real core: the exact alarm sequence
// the scenario documents (DESIGN §4 applied to its data), and — time by time — the same transitions an
// independent reading of DESIGN §3–5 (test/devices/sim/reference-alarms.ts) computes from the same lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { getScenario, SCENARIO_NAMES } from '../../../devices/sim/scenarios.js';
import { simulateSession } from '../../../devices/sim/session.js';
import { loadProfile } from '../../../services/core/profile.js';
import { VITALS } from '../../../services/core/types.js';
import { replayFile } from '../../../services/replay/replay.js';
import { writeRecording } from '../../../services/store/recording-writer.js';
import { referenceAlarms } from '../../devices/sim/reference-alarms.js';

const profile = loadProfile();
const dir = mkdtempSync(join(tmpdir(), 'vigil-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(SCENARIO_NAMES.flatMap((name) => [1, 2, 3].map((seed) => [name, seed] as const)))('scenario %s, seed %i', (name, seed) => {
  test('replays to exactly the alarm sequence DESIGN §4 implies', async () => {
    const file = join(dir, `${name}-${seed}.ndjson`);
    await writeRecording(file, simulateSession({ scenario: name, seed }));
    const result = await replayFile(file, { profile });
    const scenario = getScenario(name);

    expect(result.issues).toEqual([]);
    expect(result.alarms.map(({ rule, state }) => `${rule} ${state}`)).toEqual(scenario.expectedAlarms.map(({ rule, state }) => `${rule} ${state}`));
    result.alarms.forEach((alarm, i) => {
      const about = scenario.expectedAlarms[i]?.aboutMin ?? Number.NaN;
      expect(Math.abs((alarm.t - (result.firstT ?? 0)) / 60_000 - about), `${alarm.rule} ${alarm.state}`).toBeLessThanOrEqual(2.5);
    });

    const reference = referenceAlarms(simulateSession({ scenario: name, seed }));
    expect(result.alarms.map(({ t, rule, state }) => ({ t, rule, state }))).toEqual(reference.transitions.map(({ t, rule, state }) => ({ t, rule, state })));

    // the simulated medical monitor accepts every notification within 30 s: one hop per escalated alarm, and
    // the chain ends accepted or, once the bedside acknowledged, resolved — never failed
    const notified = result.notifications.filter((n) => n.type === 'notify');
    expect(notified.length > 0).toBe(result.alarms.some((a) => a.state === 'escalated'));
    expect(result.alarms.some((a) => a.rule === 'delivery-failed')).toBe(false);
    for (const n of notified) {
      const ends = result.notifications.filter((e) => e.type === 'notify-end' && e.id === n.id).map((e) => (e.type === 'notify-end' ? e.outcome : ''));
      expect(['accepted', 'superseded'], `${n.id} ended ${ends.join()}`).toContain(ends[0]);
    }

    const artifacts = Object.fromEntries(VITALS.flatMap((vital, i) => ((result.core.artifacts[i] ?? 0) > 0 ? [[vital, result.core.artifacts[i]]] : [])));
    expect(artifacts).toEqual(scenario.expectedArtifacts);
  });
});
