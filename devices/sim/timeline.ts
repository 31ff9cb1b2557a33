// The sparse lines of a session: timeline events, device (transport/battery) lines and therapist actions.
// There are only a few dozen of each, so each list is built whole and sorted; the 1 Hz streams are generators.
import type { Action, DeviceUpdate, SessionEvent } from '../../services/core/types.js';
import { MINUTE_MS, isOut, timeAt, type SimContext } from './context.js';
import { DEVICES, DEVICE_IDS, type DeviceId } from './devices.js';
import { DOSE_AT_MIN } from './physiology.js';

const byTime = <T extends { t: number }>(a: T, b: T): number => a.t - b.t;

/**
 * session-start, dose, the optional supplemental dose, scenario notes, fluids now and then (100–250 ml every
 * 50–100 min; fluid intake is restricted in these sessions), and session-end last, at `end`.
 */
export function sessionEvents(ctx: SimContext): SessionEvent[] {
  const rng = ctx.rng.fork('events');
  const events: SessionEvent[] = [
    { type: 'event', t: ctx.start, event: 'session-start' },
    { type: 'event', t: timeAt(ctx, DOSE_AT_MIN), event: 'dose', mg: ctx.patient.doseMg, by: 'therapist-a' },
  ];
  const sup = ctx.patient.supplemental;
  if (sup !== undefined) {
    const t = timeAt(ctx, DOSE_AT_MIN + sup.afterMin);
    events.push({ type: 'event', t, event: 'supplemental-dose', mg: sup.mg, by: 'therapist-a' });
  }
  for (const note of ctx.scenario.notes ?? []) {
    events.push({ type: 'event', t: timeAt(ctx, note.atMin), event: 'note', text: note.text, by: note.by });
  }
  for (let t = ctx.start + rng.int(25, 50) * MINUTE_MS; t < ctx.end; t += rng.int(50, 100) * MINUTE_MS) {
    events.push({ type: 'event', t, event: 'fluid', ml: rng.pick([100, 150, 200, 250]), by: 'therapist-b' });
  }
  const timed = events.filter((e) => e.t < ctx.end).sort(byTime);
  timed.push({ type: 'event', t: ctx.end, event: 'session-end' });
  return timed;
}

interface Battery {
  startPct: number;
  drainPctPerHour: number;
}

/** Battery level at `t`: a slow linear drain from a charged start (70–100 %, 2–4 %/h: > 38 % after 8 h). */
function batteryAt(ctx: SimContext, battery: Battery, t: number): number {
  return Math.floor(battery.startPct - (battery.drainPctPerHour * (t - ctx.start)) / 3_600_000);
}

const BATTERY_REPORT_MS = 30 * MINUTE_MS;

/**
 * Each device connects (binding its vitals) at session start, reports its battery every 30 min (battery-only
 * lines: no state, no vitals, so they never rebind or reset a stale timer) unless it is out, and drops/returns
 * as the scenario's `disconnected` outages say. Silent outages produce no line at all.
 */
export function deviceLines(ctx: SimContext): DeviceUpdate[] {
  const rng = ctx.rng.fork('battery');
  const lines: DeviceUpdate[] = [];
  DEVICE_IDS.forEach((device: DeviceId, index) => {
    const battery: Battery = { startPct: rng.int(70, 100), drainPctPerHour: rng.uniform(2, 4) };
    const vitals = [...DEVICES[device].vitals];
    const connected = (t: number): DeviceUpdate => ({
      type: 'device',
      t,
      device,
      state: 'connected',
      vitals,
      battery: batteryAt(ctx, battery, t),
    });
    lines.push(connected(ctx.start));
    // staggered by a few seconds per device, as independent radios would be
    for (let t = ctx.start + BATTERY_REPORT_MS + index * 7000; t < ctx.end; t += BATTERY_REPORT_MS) {
      if (!isOut(ctx, device, t)) lines.push({ type: 'device', t, device, battery: batteryAt(ctx, battery, t) });
    }
    for (const outage of ctx.scenario.outages ?? []) {
      if (outage.device !== device || outage.kind !== 'disconnected') continue;
      const from = timeAt(ctx, outage.atMin);
      lines.push({ type: 'device', t: from, device, state: 'disconnected' });
      lines.push(connected(from + outage.forS * 1000));
    }
  });
  return lines.filter((line) => line.t < ctx.end).sort(byTime);
}

/** The scenario's therapist actions (acknowledgements), in time order. */
export function therapistActions(ctx: SimContext): Action[] {
  return (ctx.scenario.actions ?? [])
    .map((a): Action => {
      const action: Action = { type: 'action', t: timeAt(ctx, a.atMin), action: a.action };
      if (a.rule !== undefined) action.rule = a.rule;
      action.by = a.by;
      return action;
    })
    .filter((a) => a.t < ctx.end)
    .sort(byTime);
}
