// Masimo Rad-8 / Radical-5 / Radical-7 serial ASCII (reference §6.2): one line per second, CR LF, no checksum.
//   02/14/24 10:21:07 SN=0000123456 SPO2=098% BPM=072 PI=02.44% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000800
// Fields are found by `TAG=` lookup, not position: models and firmware versions add, drop and reorder them.
// Dashes (`---`, `--.-`, `+--`) mean unavailable. Unknown tags are kept as text; words that are not `TAG=value`
// (other than the leading date and time) are ignored. A line with no `TAG=` at all is a 'syntax' error, as is
// a known tag whose value is neither a number nor dashes, or a tag given twice.
import { decoded, decodeError, type DecodeResult, type DeviceReport, type SensorCondition } from '../../types.js';
import { bytesToText, textToBytes } from './bytes.js';
import { orderedConditions } from './conditions.js';
import { type LineFormat, LineDecoder, lineInput } from './line-decoder.js';
import { SERIAL_8N1, type SerialProtocol } from './protocol.js';

/** The device's clock as it printed it (local time, no zone; not validated — it is informational). */
export interface MasimoTime {
  /** 2000 + the two-digit year */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Absent property: the line had no such tag; null: the tag said unavailable (dashes). */
export interface MasimoReading {
  time?: MasimoTime;
  /** SN */
  serial?: string;
  /** SPO2, % */
  spo2?: number | null;
  /** BPM, /min */
  pulseRate?: number | null;
  /** PI, % */
  perfusionIndex?: number | null;
  /** SPCO, % */
  spco?: number | null;
  /** SPMET, % */
  spmet?: number | null;
  /** DESAT */
  desat?: number | null;
  /** PIDELTA */
  piDelta?: number | null;
  /** PVI */
  pvi?: number | null;
  /** ALARM bit field */
  alarm?: number | null;
  /** EXC exception bit field */
  exceptions?: number | null;
  /** tags this decoder does not interpret, value as sent */
  other: Record<string, string>;
}

type NumericKey = 'spo2' | 'pulseRate' | 'perfusionIndex' | 'spco' | 'spmet' | 'desat' | 'piDelta' | 'pvi';
type HexKey = 'alarm' | 'exceptions';

interface NumericTag {
  key: NumericKey;
  /** how the device prints it: digits before and after the point, '%' suffix, leading sign */
  width: number;
  decimals: number;
  percent: boolean;
  signed: boolean;
}

interface HexTag {
  key: HexKey;
  width: number;
}

/** Known tags in the device's order (so `encode` prints lines the way the device does). */
// Maps, not object literals: a tag such as `constructor` must not find Object.prototype members.
const NUMERIC_TAGS: ReadonlyMap<string, NumericTag> = new Map([
  ['SPO2', { key: 'spo2', width: 3, decimals: 0, percent: true, signed: false }],
  ['BPM', { key: 'pulseRate', width: 3, decimals: 0, percent: false, signed: false }],
  ['PI', { key: 'perfusionIndex', width: 2, decimals: 2, percent: true, signed: false }],
  ['SPCO', { key: 'spco', width: 2, decimals: 1, percent: true, signed: false }],
  ['SPMET', { key: 'spmet', width: 2, decimals: 1, percent: true, signed: false }],
  ['DESAT', { key: 'desat', width: 2, decimals: 0, percent: false, signed: false }],
  ['PIDELTA', { key: 'piDelta', width: 2, decimals: 0, percent: false, signed: true }],
  ['PVI', { key: 'pvi', width: 3, decimals: 0, percent: false, signed: false }],
]);
const HEX_TAGS: ReadonlyMap<string, HexTag> = new Map([
  ['ALARM', { key: 'alarm', width: 4 }],
  ['EXC', { key: 'exceptions', width: 6 }],
]);
const SERIAL_TAG = 'SN';

const NAME = 'masimo';
/** Real lines are ~150 bytes; newer firmware adds fields, so leave room. */
const MAX_LINE = 512;
const TAG = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/;
const DATE = /^(\d\d)\/(\d\d)\/(\d\d)$/;
const TIME = /^(\d\d):(\d\d):(\d\d)$/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
/** only dashes, points and a sign, with at least one dash (MD PnP: "second character is '-'") */
const DASHES = /^[+-]?[-.]*-[-.]*$/;
const HEX = /^[0-9A-Fa-f]{1,8}$/;
const PRINTABLE = /^[\x20-\x7e\t]*$/;

const ALARM_LOW_BATTERY = 0x40;
/** EXC bits → conditions; 0x800 ("Masimo SET", normal) and reserved bits map to nothing. */
const EXCEPTION_CONDITIONS: ReadonlyArray<readonly [number, SensorCondition]> = [
  [0x001, 'no-sensor'],
  [0x002, 'sensor-fault'],
  [0x004, 'low-perfusion'],
  [0x008, 'pulse-search'],
  [0x010, 'poor-signal'],
  [0x020, 'sensor-off'],
  [0x040, 'poor-signal'],
  [0x080, 'sensor-fault'],
  [0x100, 'sensor-fault'],
  [0x400, 'poor-signal'],
  [0x1000, 'no-sensor'], // Radical: no cable
];

function parseTime(date: string | undefined, time: string | undefined): MasimoTime | undefined {
  const d = date === undefined ? null : DATE.exec(date);
  const t = time === undefined ? null : TIME.exec(time);
  if (d === null || t === null) return undefined;
  const n = (s: string | undefined): number => Number(s);
  return { year: 2000 + n(d[3]), month: n(d[1]), day: n(d[2]), hour: n(t[1]), minute: n(t[2]), second: n(t[3]) };
}

function parseLine(line: Uint8Array): DecodeResult<MasimoReading> {
  const text = bytesToText(line);
  if (!PRINTABLE.test(text)) return decodeError('syntax', `${NAME}: control or non-ASCII bytes in the line`);
  const words = text.trim().split(/\s+/);
  const reading: MasimoReading = { other: {} };
  const time = parseTime(words[0], words[1]);
  if (time !== undefined) reading.time = time;
  const seen = new Set<string>();
  for (const word of time === undefined ? words : words.slice(2)) {
    const match = TAG.exec(word);
    if (match === null) continue;
    const [, tag = '', value = ''] = match;
    if (seen.has(tag)) return decodeError('syntax', `${NAME}: ${tag} given twice`);
    seen.add(tag);
    const numeric = NUMERIC_TAGS.get(tag);
    const hex = HEX_TAGS.get(tag);
    if (numeric !== undefined) {
      const v = value.endsWith('%') ? value.slice(0, -1) : value;
      if (DASHES.test(v)) reading[numeric.key] = null;
      else if (NUMBER.test(v)) reading[numeric.key] = Number(v) + 0; // + 0: "-00" is 0, not -0
      else return decodeError('syntax', `${NAME}: ${tag}=${value} is neither a number nor dashes`);
    } else if (hex !== undefined) {
      if (DASHES.test(value)) reading[hex.key] = null;
      else if (HEX.test(value)) reading[hex.key] = parseInt(value, 16);
      else return decodeError('syntax', `${NAME}: ${tag}=${value} is not a hex bit field`);
    } else if (tag === SERIAL_TAG) {
      reading.serial = value;
    } else {
      reading.other[tag] = value;
    }
  }
  if (seen.size === 0) return decodeError('syntax', `${NAME}: no TAG=value field in the line`);
  return decoded(reading);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatNumber(tag: string, spec: NumericTag, value: number | null): string {
  const suffix = spec.percent ? '%' : '';
  if (value === null) {
    const digits = '-'.repeat(spec.width) + (spec.decimals > 0 ? `.${'-'.repeat(spec.decimals)}` : '');
    return `${spec.signed ? '+' : ''}${digits}${suffix}`;
  }
  const fixed = Math.abs(value).toFixed(spec.decimals);
  // beyond 1e15 toFixed may print an exponent or lose digits
  if (!(Math.abs(value) < 1e15) || Number(fixed) !== Math.abs(value)) {
    throw new RangeError(`${NAME}: ${tag} ${value} does not fit ${spec.decimals} decimals`);
  }
  const width = spec.width + (spec.decimals > 0 ? spec.decimals + 1 : 0);
  const sign = value < 0 ? '-' : spec.signed ? '+' : '';
  return `${sign}${fixed.padStart(width, '0')}${suffix}`;
}

const WORD = /^[\x21-\x7e]*$/;

/** The line as the device prints it: date and time, SN, known tags in device order, then unknown tags. */
function encode(value: MasimoReading): Uint8Array {
  const words: string[] = [];
  const t = value.time;
  if (t !== undefined) {
    const fields = [t.month, t.day, t.year - 2000, t.hour, t.minute, t.second];
    if (!fields.every((f) => Number.isInteger(f) && f >= 0 && f <= 99)) {
      throw new RangeError(`${NAME}: time does not fit MM/dd/yy HH:mm:ss`);
    }
    words.push(`${pad(t.month, 2)}/${pad(t.day, 2)}/${pad(t.year - 2000, 2)}`, `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`);
  }
  const tagged: string[] = [];
  const put = (tag: string, text: string): void => {
    if (!TAG.test(`${tag}=`) || !WORD.test(text)) throw new RangeError(`${NAME}: ${tag}=${text} cannot be sent as one word`);
    tagged.push(`${tag}=${text}`);
  };
  if (value.serial !== undefined) put(SERIAL_TAG, value.serial);
  for (const [tag, spec] of NUMERIC_TAGS) {
    const v = value[spec.key];
    if (v !== undefined) put(tag, formatNumber(tag, spec, v));
  }
  for (const [tag, spec] of HEX_TAGS) {
    const v = value[spec.key];
    if (v === undefined) continue;
    if (v !== null && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw new RangeError(`${NAME}: ${tag} ${v} is not a 32-bit field`);
    put(tag, v === null ? '-'.repeat(spec.width) : v.toString(16).toUpperCase().padStart(spec.width, '0'));
  }
  for (const [tag, text] of Object.entries(value.other)) {
    if (tag === SERIAL_TAG || NUMERIC_TAGS.has(tag) || HEX_TAGS.has(tag)) throw new RangeError(`${NAME}: ${tag} is not an unknown tag`);
    put(tag, text);
  }
  if (tagged.length === 0) throw new RangeError(`${NAME}: a line needs at least one tag`);
  return textToBytes(`${[...words, ...tagged].join(' ')}\r\n`);
}

/**
 * SPO2 and BPM become samples when they carry numbers. EXC, when sent, states the conditions (bits 0x001–0x400,
 * and the Radical's 0x1000 "no cable"); ALARM, when sent, the low-battery flag (0x40).
 */
function report(value: MasimoReading): DeviceReport {
  const report: DeviceReport = { samples: [] };
  if (typeof value.spo2 === 'number') report.samples.push({ vital: 'spo2', value: value.spo2, unit: '%', mode: 'continuous' });
  if (typeof value.pulseRate === 'number') report.samples.push({ vital: 'hr', value: value.pulseRate, unit: '/min', mode: 'continuous' });
  if (typeof value.exceptions === 'number') {
    const exc = value.exceptions;
    report.conditions = orderedConditions(new Set(EXCEPTION_CONDITIONS.filter(([bit]) => (exc & bit) !== 0).map(([, c]) => c)));
  }
  if (typeof value.alarm === 'number') report.lowBattery = (value.alarm & ALARM_LOW_BATTERY) !== 0;
  return report;
}

const format: LineFormat<MasimoReading> = { name: NAME, maxLength: MAX_LINE, parse: parseLine, report };

export const masimo: SerialProtocol<MasimoReading> = {
  name: NAME,
  description: 'Masimo Rad-8 / Radical serial ASCII: one TAG=value line per second, CR LF (SpO2, pulse rate, exceptions)',
  baudRate: 9600,
  ...SERIAL_8N1,
  createDecoder: () => new LineDecoder(format),
  decodeFrame(input) {
    const line = lineInput(input, NAME, MAX_LINE);
    return line.ok ? parseLine(line.value) : line;
  },
  encode,
  report,
};
