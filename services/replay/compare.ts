// "What if we had used these limits": pairs the alarm episodes of two replays of one recording, rule by rule.
// Two episodes of the same rule that overlap in time are the same alarm (perhaps moved); the rest appear or
// disappear.
import type { AlarmTransition, Priority } from '../core/types.js';

export interface AlarmEpisode {
  rule: string;
  id: string | undefined;
  priority: Priority;
  raisedAt: number;
  /** undefined = still active when the recording ended */
  clearedAt: number | undefined;
  value: number | undefined;
}

export type AlarmChange =
  | { change: 'appears'; rule: string; b: AlarmEpisode }
  | { change: 'disappears'; rule: string; a: AlarmEpisode }
  | { change: 'moves'; rule: string; a: AlarmEpisode; b: AlarmEpisode; raisedShiftMs: number; clearedShiftMs: number | null }
  | { change: 'same'; rule: string; a: AlarmEpisode; b: AlarmEpisode };

/** Raised→cleared intervals from a transition stream (a re-raised latched alarm starts a new episode). */
export function alarmEpisodes(transitions: readonly AlarmTransition[]): AlarmEpisode[] {
  const episodes: AlarmEpisode[] = [];
  const active = new Map<string, AlarmEpisode>();
  for (const transition of transitions) {
    if (transition.state === 'raised') {
      const episode: AlarmEpisode = {
        rule: transition.rule,
        id: transition.id,
        priority: transition.priority,
        raisedAt: transition.t,
        clearedAt: undefined,
        value: transition.value,
      };
      episodes.push(episode);
      active.set(transition.rule, episode);
    } else if (transition.state === 'cleared') {
      const episode = active.get(transition.rule);
      if (episode !== undefined) episode.clearedAt = transition.t;
      active.delete(transition.rule);
    }
  }
  return episodes;
}

function overlaps(a: AlarmEpisode, b: AlarmEpisode): boolean {
  return a.raisedAt <= (b.clearedAt ?? Infinity) && b.raisedAt <= (a.clearedAt ?? Infinity);
}

export function compareAlarms(a: readonly AlarmTransition[], b: readonly AlarmTransition[]): AlarmChange[] {
  const byRule = (episodes: AlarmEpisode[]): Map<string, AlarmEpisode[]> => {
    const map = new Map<string, AlarmEpisode[]>();
    for (const episode of episodes) map.set(episode.rule, [...(map.get(episode.rule) ?? []), episode]);
    return map;
  };
  const left = byRule(alarmEpisodes(a));
  const right = byRule(alarmEpisodes(b));
  const changes: AlarmChange[] = [];
  for (const rule of new Set([...left.keys(), ...right.keys()])) {
    const as = left.get(rule) ?? [];
    const bs = right.get(rule) ?? [];
    let i = 0;
    let j = 0;
    while (i < as.length || j < bs.length) {
      const ea = as[i];
      const eb = bs[j];
      if (ea !== undefined && eb !== undefined && overlaps(ea, eb)) {
        const raisedShiftMs = eb.raisedAt - ea.raisedAt;
        const clearedShiftMs = ea.clearedAt === undefined || eb.clearedAt === undefined ? null : eb.clearedAt - ea.clearedAt;
        const same = raisedShiftMs === 0 && (clearedShiftMs === 0 || (ea.clearedAt === undefined && eb.clearedAt === undefined));
        changes.push(same ? { change: 'same', rule, a: ea, b: eb } : { change: 'moves', rule, a: ea, b: eb, raisedShiftMs, clearedShiftMs });
        i++;
        j++;
      } else if (eb === undefined || (ea !== undefined && ea.raisedAt <= eb.raisedAt)) {
        changes.push({ change: 'disappears', rule, a: ea as AlarmEpisode });
        i++;
      } else {
        changes.push({ change: 'appears', rule, b: eb });
        j++;
      }
    }
  }
  const at = (c: AlarmChange): number => ('a' in c ? c.a.raisedAt : c.b.raisedAt);
  return changes.sort((x, y) => at(x) - at(y) || x.rule.localeCompare(y.rule));
}
