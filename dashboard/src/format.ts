// How numbers, durations and times read on screen. Values are in the core's canonical units.
import type { Priority, Vital } from './types.js';

export const DASH = '—';

export const VITAL_NAME: Readonly<Record<Vital, string>> = {
  hr: 'Heart rate',
  spo2: 'SpO₂',
  sbp: 'Systolic BP',
  dbp: 'Diastolic BP',
  map: 'Mean arterial pressure',
  temp: 'Temperature',
};

export const VITAL_UNIT: Readonly<Record<Vital, string>> = {
  hr: '/min',
  spo2: '%',
  sbp: 'mmHg',
  dbp: 'mmHg',
  map: 'mmHg',
  temp: '°C',
};

const DIGITS: Readonly<Record<Vital, number>> = { hr: 0, spo2: 0, sbp: 0, dbp: 0, map: 0, temp: 1 };

export function fmtValue(vital: Vital, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toFixed(DIGITS[vital]);
}

/** A signed difference: "+31", "-4", "+0.4", "±0". */
export function fmtDelta(vital: Vital, delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return DASH;
  const digits = DIGITS[vital];
  const rounded = Number(delta.toFixed(digits));
  if (rounded === 0) return `±${(0).toFixed(digits)}`;
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(digits)}`;
}

export function fmtWithUnit(vital: Vital | 'device', value: number | null | undefined): string {
  if (vital === 'device') return value === null || value === undefined ? '' : `${Math.round(value)} %`;
  return `${fmtValue(vital, value)} ${VITAL_UNIT[vital]}`;
}

/** "2 h 05 min" (always hours and minutes: the time since dose reads the same all session). */
export function fmtHoursMinutes(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A short duration: "45 s", "12 min", "3 h 10 min". */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

export function fmtAge(ms: number): string {
  return ms < 2000 ? 'just now' : `${fmtDuration(ms)} ago`;
}

export function fmtClock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function fmtClockShort(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 3, medium: 2, low: 1 };

export function priorityWord(priority: Priority | 'none'): string {
  return priority === 'none' ? 'no alarm' : `${priority.toUpperCase()} priority`;
}
