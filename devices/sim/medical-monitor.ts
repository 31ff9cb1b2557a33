// The simulated medical monitor: answers the session's notifications as a physician at a monitor view would
// (the client confirms delivery, the person reads it, then accepts), so a simulated recording carries a whole
// escalation chain. It runs the real core over the lines as they are generated, because which notifications
// go out, and when, is the core's decision: a replay of the recording then reproduces the chain exactly.
import { MONITOR_VIEW_CHANNEL } from '../../services/core/escalation-policy.js';
import type { EscalationPolicy } from '../../services/core/escalation-types.js';
import type { Profile } from '../../services/core/profile.js';
import { SessionCore } from '../../services/core/session-core.js';
import { isCoreInput, type DeliveryReport, type RecordingLine } from '../../services/core/types.js';

/** How long after a notification the monitor's client confirms it, the physician reads it and accepts it. */
export interface MonitorBehaviour {
  /** the user id the receipts come from (pseudonymous staff id) */
  by: string;
  deliveredAfterMs: number;
  readAfterMs: number;
  acceptedAfterMs: number;
}

export const ATTENTIVE_MONITOR: MonitorBehaviour = { by: 'monitor-1', deliveredAfterMs: 1_000, readAfterMs: 5_000, acceptedAfterMs: 30_000 };

type Line = Exclude<RecordingLine, { type: 'header' }>;

/** Interleaves the monitor's receipts (`delivery` lines) into a time-ordered stream of session lines. */
export function* withMedicalMonitor(lines: Iterable<Line>, profile: Profile, policy: EscalationPolicy, monitor: MonitorBehaviour): Generator<Line> {
  const pending: DeliveryReport[] = [];
  const core = new SessionCore(
    profile,
    (output) => {
      if (output.type !== 'notify') return;
      const receipt = (state: DeliveryReport['state'], afterMs: number): DeliveryReport => ({
        type: 'delivery',
        t: output.t + afterMs,
        notification: output.id,
        channel: MONITOR_VIEW_CHANNEL,
        state,
        by: monitor.by,
      });
      pending.push(receipt('delivered', monitor.deliveredAfterMs), receipt('read', monitor.readAfterMs), receipt('accepted', monitor.acceptedAfterMs));
      pending.sort((a, b) => a.t - b.t);
    },
    policy,
  );
  for (const line of lines) {
    // Everything due before this line happens first, in time order: the core's timers (which may send a
    // notification) and the receipts already scheduled.
    for (;;) {
      const receipt = pending[0];
      const due = Math.min(core.nextDeadline(), receipt?.t ?? Infinity);
      if (due > line.t) break;
      if (receipt !== undefined && receipt.t <= core.nextDeadline()) {
        pending.shift();
        if (core.input(receipt) === undefined) yield receipt;
      } else {
        core.tick(due);
      }
    }
    if (isCoreInput(line)) core.input(line);
    yield line;
  }
}
