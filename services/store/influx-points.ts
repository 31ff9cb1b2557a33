// Maps journal lines to InfluxDB 1.x points. This is the whole schema vigil writes (docs/influxdb.md):
//
//   vitals  tags: session, vital, unit, device?   fields: value (float)            one per sample
//   alarms  tags: session, rule, priority, state, vital, kind?, device?
//           fields: id (string), value? (float), level? (float)                   one per alarm transition
//   events  tags: session, event                  fields: kind (string), mg?, ml? (float)
//
// Timestamps are the line's `t` in ms. Every point is a pure function of its line, so writing a line twice
// yields the same measurement, tags and timestamp: InfluxDB overwrites, which makes backfill safe to repeat.
// Privacy: only the session id identifies a session. The header (patient label) is never mapped, nor are free
// text (note text) or who acted (`by`).
import type { AlarmTransition, RecordingLine, Sample, SessionEvent } from '../core/types.js';
import { CANONICAL_UNIT, toCanonical } from '../core/units.js';

export type Measurement = 'vitals' | 'alarms' | 'events';

export interface InfluxPoint {
  measurement: Measurement;
  /** tag values are never empty: InfluxDB refuses an empty tag value */
  tags: Record<string, string>;
  /** numbers are written as floats; at least one field per point, as line protocol requires */
  fields: Record<string, number | string>;
  /** ms since the Unix epoch (the line's `t`) */
  timestamp: number;
}

/** The point for one journal line, or null for lines InfluxDB does not hold (or that it would refuse). */
export function toPoint(sessionId: string, line: RecordingLine): InfluxPoint | null {
  if (sessionId.length === 0) return null;
  switch (line.type) {
    case 'sample':
      return samplePoint(sessionId, line);
    case 'alarm':
      return alarmPoint(sessionId, line);
    case 'event':
      return eventPoint(sessionId, line);
    default:
      return null;
  }
}

function samplePoint(session: string, line: Sample): InfluxPoint | null {
  const timestamp = timeOf(line.t);
  // Stored in the vital's canonical unit, so one series never mixes kPa and mmHg; a unit that does not
  // belong to the vital (NaN) or a non-finite value would make InfluxDB refuse the whole batch.
  const value = toCanonical(line.vital, line.value, line.unit);
  if (timestamp === null || !Number.isFinite(value)) return null;
  const tags: Record<string, string> = { session, vital: line.vital, unit: CANONICAL_UNIT[line.vital] };
  if (nonEmpty(line.device)) tags['device'] = line.device;
  return { measurement: 'vitals', tags, fields: { value }, timestamp };
}

function alarmPoint(session: string, line: AlarmTransition): InfluxPoint | null {
  const timestamp = timeOf(line.t);
  if (timestamp === null || !nonEmpty(line.rule)) return null;
  const tags: Record<string, string> = {
    session,
    rule: line.rule,
    priority: line.priority,
    state: line.state,
    vital: line.vital,
  };
  if (nonEmpty(line.kind)) tags['kind'] = line.kind;
  if (nonEmpty(line.device)) tags['device'] = line.device;
  // `id` is always present so the point has a field even when the transition carries no value.
  const fields: Record<string, number | string> = { id: line.id ?? '' };
  if (line.value !== undefined && Number.isFinite(line.value)) fields['value'] = line.value;
  if (line.level !== undefined && Number.isFinite(line.level)) fields['level'] = line.level;
  return { measurement: 'alarms', tags, fields, timestamp };
}

function eventPoint(session: string, line: SessionEvent): InfluxPoint | null {
  const timestamp = timeOf(line.t);
  if (timestamp === null) return null;
  // `kind` repeats the tag as a field: a point needs one, and Grafana annotations can show it as text.
  const fields: Record<string, number | string> = { kind: line.event };
  if (line.mg !== undefined && Number.isFinite(line.mg)) fields['mg'] = line.mg;
  if (line.ml !== undefined && Number.isFinite(line.ml)) fields['ml'] = line.ml;
  return { measurement: 'events', tags: { session, event: line.event }, fields, timestamp };
}

/** Whole milliseconds: line protocol timestamps are integers. */
function timeOf(t: number): number | null {
  return Number.isFinite(t) ? Math.round(t) : null;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}
