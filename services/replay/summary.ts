// The readable report of a replay: what the recording held and what the core decided.
import { formatDuration } from '../core/duration.js';
import { CANONICAL_UNIT } from '../core/units.js';
import { VITALS, type AlarmTransition, type Notification, type NotificationEnd, type Vital } from '../core/types.js';
import type { AlarmChange, AlarmEpisode } from './compare.js';
import type { ReplayResult } from './replay.js';

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** "+1h05m" relative to the start of the recording. */
export function offset(t: number, start: number | undefined): string {
  return start === undefined ? new Date(t).toISOString() : `+${formatDuration(t - start)}`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(12)}${value}`;
}

function perVital(counts: ArrayLike<number>): string {
  const parts = VITALS.flatMap((vital, i) => ((counts[i] ?? 0) > 0 ? [`${vital} ${counts[i]}`] : []));
  return parts.length === 0 ? 'none' : parts.join(' · ');
}

/** Do the alarms and notifications decided now equal the ones the recording holds (what the live core decided)? */
function reproduction(result: ReplayResult): string | undefined {
  if (result.recordedAlarms.length === 0 && result.recordedNotifications.length === 0) return undefined;
  const alarmKey = (a: AlarmTransition): string =>
    `${a.t} ${a.rule} ${a.state}${a.state === 'escalated' ? ` level ${a.level ?? '?'} ${a.contact ?? ''} ${a.notification ?? ''}` : ''}`;
  const notifyKey = (n: Notification | NotificationEnd): string =>
    n.type === 'notify' ? `${n.t} notify ${n.id} ${n.contact} level ${n.level} ${n.reason} [${n.alarms.join(' ')}]` : `${n.t} notify-end ${n.id} ${n.outcome}`;
  const alarms = differs('alarm transitions', result.alarms.map(alarmKey), result.recordedAlarms.map(alarmKey));
  const chain = differs('notifications', result.notifications.map(notifyKey), result.recordedNotifications.map(notifyKey));
  return [alarms, chain].filter((x) => x !== undefined).join('; ');
}

function differs(what: string, now: readonly string[], then: readonly string[]): string | undefined {
  if (then.length === 0) return undefined;
  const first = then.findIndex((k, i) => now[i] !== k);
  if (first === -1 && now.length === then.length) return `the recording's ${then.length} ${what} are reproduced exactly`;
  const index = first === -1 ? then.length : first;
  return `differs from the recording's ${what} at #${index + 1}: recorded ${then[index] ?? '(none)'}, replayed ${now[index] ?? '(none)'}`;
}

/** Who was told, when, and how it ended. */
function formatNotifications(result: ReplayResult, start: number | undefined): string[] {
  const sent = result.notifications.filter((n): n is Notification => n.type === 'notify');
  if (sent.length === 0) return [];
  const ends = new Map(result.notifications.filter((n): n is NotificationEnd => n.type === 'notify-end').map((n) => [n.id, n]));
  const lines = [row('notified', `${sent.length} notification${sent.length === 1 ? '' : 's'}`)];
  for (const n of sent.slice(0, 20)) {
    const end = ends.get(n.id);
    const outcome = end === undefined ? 'open' : `${end.outcome}${end.by === undefined ? '' : ` by ${end.by}`} ${offset(end.t, start)}`;
    lines.push(`  ${n.id.padEnd(6)}${offset(n.t, start).padEnd(10)}${`${n.contact} (level ${n.level})`.padEnd(30)}${n.reason.padEnd(14)}${n.alarms.join(', ')} → ${outcome}`);
  }
  if (sent.length > 20) lines.push(`  … and ${sent.length - 20} more`);
  return lines;
}

export function formatSummary(result: ReplayResult, source: string): string {
  const snapshot = result.core.snapshot();
  const start = result.firstT;
  const lines: string[] = [row('recording', source)];
  if (result.header !== undefined) {
    const { id, patient, room } = result.header.session;
    lines.push(row('session', `${id} · patient ${patient}${room === undefined ? '' : ` · room ${room}`}`));
  }
  lines.push(row('profile', result.profile));
  if (start !== undefined && result.lastT !== undefined) {
    lines.push(row('duration', `${formatDuration(result.lastT - start)} (${new Date(start).toISOString()} → ${new Date(result.lastT).toISOString()})`));
  }
  const doses = snapshot.doses.map((d) => `${d.event} ${offset(d.t, start)}${d.mg === undefined ? '' : ` ${d.mg} mg`}`);
  lines.push(row('doses', doses.length === 0 ? 'none' : doses.join(' · ')));
  if (snapshot.fluidMl > 0) lines.push(row('fluids', `${snapshot.fluidMl} ml`));
  lines.push(row('samples', perVital(result.core.samples)));
  lines.push(row('artifacts', perVital(result.core.artifacts)));
  const baseline = VITALS.flatMap((vital: Vital) => {
    const v = snapshot.vitals[vital];
    return v.baseline === null ? [] : [`${vital} ${round(v.baseline)} ${CANONICAL_UNIT[vital]}${v.baselineSource === 'manual' ? ' (manual)' : ''}`];
  });
  lines.push(row('baseline', baseline.length === 0 ? 'none (no dose, or too few pre-dose samples)' : baseline.join(' · ')));
  if (result.issueCount > 0) {
    lines.push(row('bad lines', `${result.issueCount}, skipped`));
    for (const issue of result.issues.slice(0, 10)) lines.push(`  line ${issue.lineNo}: ${issue.message}`);
    if (result.issueCount > 10) lines.push(`  … and ${result.issueCount - 10} more`);
  }
  lines.push(...formatAlarmTable(result.alarms, start));
  lines.push(...formatNotifications(result, start));
  const reproduced = reproduction(result);
  if (reproduced !== undefined) lines.push(row('recorded', reproduced));
  return `${lines.join('\n')}\n`;
}

function formatAlarmTable(alarms: readonly AlarmTransition[], start: number | undefined): string[] {
  const raised = alarms.filter((a) => a.state === 'raised').length;
  if (raised === 0) return [row('alarms', 'none')];
  const rules = new Map<string, { priority: string; counts: Record<AlarmTransition['state'], number>; first: AlarmTransition | undefined }>();
  for (const alarm of alarms) {
    const entry = rules.get(alarm.rule) ?? { priority: alarm.priority, counts: { raised: 0, cleared: 0, acknowledged: 0, escalated: 0 }, first: undefined };
    entry.counts[alarm.state]++;
    if (alarm.state === 'raised') entry.first ??= alarm;
    rules.set(alarm.rule, entry);
  }
  const lines = [row('alarms', `${raised} raised`), `  ${'rule'.padEnd(20)}${'priority'.padEnd(10)}raised  cleared  ack  escalated  first raised`];
  for (const [rule, { priority, counts, first }] of rules) {
    const when = first === undefined ? '' : `${offset(first.t, start)}${first.value === undefined ? '' : ` (${round(first.value)})`}`;
    lines.push(
      `  ${rule.padEnd(20)}${priority.padEnd(10)}${String(counts.raised).padEnd(8)}${String(counts.cleared).padEnd(9)}${String(counts.acknowledged).padEnd(5)}${String(counts.escalated).padEnd(11)}${when}`,
    );
  }
  return lines;
}

function episode(e: AlarmEpisode, start: number | undefined): string {
  return `${offset(e.raisedAt, start)} – ${e.clearedAt === undefined ? 'end' : offset(e.clearedAt, start)}`;
}

function shift(ms: number | null): string {
  if (ms === null) return 'n/a';
  return ms === 0 ? '±0' : `${ms > 0 ? '+' : '-'}${formatDuration(Math.abs(ms))}`;
}

export function formatComparison(changes: readonly AlarmChange[], nameA: string, nameB: string, start: number | undefined): string {
  const lines = [`compare     A = ${nameA}   B = ${nameB}`];
  const count = { appears: 0, disappears: 0, moves: 0, same: 0 };
  for (const c of changes) {
    count[c.change]++;
    if (c.change === 'appears') lines.push(`  appears     ${c.rule.padEnd(20)}${episode(c.b, start)}`);
    else if (c.change === 'disappears') lines.push(`  disappears  ${c.rule.padEnd(20)}${episode(c.a, start)}`);
    else if (c.change === 'moves') {
      lines.push(`  moves       ${c.rule.padEnd(20)}${episode(c.a, start)}  →  ${episode(c.b, start)}  (raised ${shift(c.raisedShiftMs)}, cleared ${shift(c.clearedShiftMs)})`);
    }
  }
  lines.push(`summary     ${count.appears} appear, ${count.disappears} disappear, ${count.moves} move, ${count.same} unchanged`);
  return `${lines.join('\n')}\n`;
}
