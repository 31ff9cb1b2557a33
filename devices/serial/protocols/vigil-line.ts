// vigil-line: a small NMEA-style line protocol for do-it-yourself sensors (a microcontroller temperature probe,
// a hobby oximeter board). Full description with Arduino examples: vigil-line.md next to this file.
//
//   $VGL,<seq>[,<field>]...*<cc>\r\n                        9600 baud, 8N1, ASCII
//
//   seq     decimal 0–255, +1 per line, wrapping 255 → 0. A sender starts at 0 after power-up; the receiver
//           reports a gap (error 'range', the line itself is still used) when a line is not the one expected,
//           except that 0 is always accepted as a (re)start.
//   field   <vital>=<value><unit>   vital: hr spo2 sbp dbp map temp; value: -?digits[.digits] (no exponent);
//                                   unit (UCUM, case-sensitive): hr /min | spo2 % | sbp, dbp, map mm[Hg] or kPa
//                                   | temp Cel or [degF]. Each vital at most once per line.
//           BAT=<pct>               battery level, integer 0–100
//           ERR=<condition>         a sensor condition (sensor-off, no-sensor, sensor-fault, pulse-search,
//                                   artifact, low-perfusion, poor-signal, measurement-unavailable, cuff-problem,
//                                   irregular-pulse); repeat the field for several. Every line states the full
//                                   set: a line without ERR means "no condition".
//           MODE=continuous|spot    how vigil evaluates this line's readings; without it vigil's default per
//                                   vital applies (hr, spo2 continuous; sbp, dbp, map, temp spot)
//   cc      two hex digits (either case): XOR of every byte between '$' and '*'
//
//   $VGL,0,temp=36.62Cel,MODE=continuous*26
//
// A line is at most 256 bytes including CR LF; a bare LF also ends a line. Text before the '$' (boot noise on
// the first line) is ignored. Errors: 'checksum' (cc disagrees), 'syntax' (malformed, unknown field, unit not
// allowed for the vital, field repeated), 'range' (seq > 255, BAT > 100, sequence gap), 'reserved' (unknown
// ERR condition), 'length' (line too long).
import { type InputUnit, type SampleMode, type Vital, VITALS } from '../../../services/core/types.js';
import {
  decoded,
  decodeError,
  type DecodeError,
  type DecodeResult,
  type DeviceReport,
  SENSOR_CONDITIONS,
  type SensorCondition,
} from '../../types.js';
import { bytesToText, hexByte, textToBytes } from './bytes.js';
import { orderedConditions } from './conditions.js';
import { type LineFormat, LineDecoder, lineInput, type LineObserver } from './line-decoder.js';
import { SERIAL_8N1, type SerialProtocol } from './protocol.js';

export interface VigilReading {
  vital: Vital;
  value: number;
  unit: InputUnit;
}

export interface VigilLine {
  seq: number;
  /** in the order the line lists them */
  readings: VigilReading[];
  mode?: SampleMode;
  /** % */
  battery?: number;
  /** ERR fields, in order */
  errors: SensorCondition[];
}

const NAME = 'vigil-line';
const TALKER = 'VGL';
/** bytes before CR LF, so that a whole line is at most 256 */
const MAX_LINE = 254;
const SEQ_MODULO = 256;
const DOLLAR = 0x24;
const STAR = 0x2a;

export const VIGIL_LINE_UNITS: Readonly<Record<Vital, readonly InputUnit[]>> = {
  hr: ['/min'],
  spo2: ['%'],
  sbp: ['mm[Hg]', 'kPa'],
  dbp: ['mm[Hg]', 'kPa'],
  map: ['mm[Hg]', 'kPa'],
  temp: ['Cel', '[degF]'],
};

const VITAL_NAMES: ReadonlySet<string> = new Set(VITALS);
const CONDITION_NAMES: ReadonlySet<string> = new Set(SENSOR_CONDITIONS);
const MODES: ReadonlySet<string> = new Set(['continuous', 'spot']);
const CHECKSUM = /^[0-9A-Fa-f]{2}$/;
const SEQ = /^\d{1,3}$/;
const BATTERY = /^\d{1,3}$/;
const VALUE = /^(-?\d+(?:\.\d+)?)(.*)$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** XOR of the bytes from `start` up to (not including) `end`. */
export function vigilChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let cs = 0;
  for (let i = start; i < end; i++) cs ^= bytes[i]!;
  return cs;
}

function syntax(message: string): DecodeResult<never> {
  return decodeError('syntax', `${NAME}: ${message}`);
}

function parseLine(line: Uint8Array): DecodeResult<VigilLine> {
  const dollar = line.lastIndexOf(DOLLAR);
  if (dollar === -1) return syntax("no '$' starting a sentence");
  const star = line.indexOf(STAR, dollar);
  if (star === -1) return syntax("no '*' and checksum");
  const sent = bytesToText(line.subarray(star + 1));
  if (!CHECKSUM.test(sent)) return syntax(`checksum "${sent}" is not two hex digits at the end of the line`);
  const computed = vigilChecksum(line, dollar + 1, star);
  if (parseInt(sent, 16) !== computed) {
    const expected = hexByte(computed).toUpperCase();
    return decodeError('checksum', `${NAME}: checksum ${sent.toUpperCase()}, the bytes between '$' and '*' give ${expected}`);
  }
  const body = bytesToText(line.subarray(dollar + 1, star));
  if (!PRINTABLE.test(body)) return syntax('control or non-ASCII bytes in the sentence');
  const [talker, seqText = '', ...fields] = body.split(',');
  if (talker !== TALKER) return syntax(`sentence "${talker ?? ''}" is not ${TALKER}`);
  if (!SEQ.test(seqText)) return syntax(`sequence number "${seqText}" is not a decimal number`);
  const seq = Number(seqText);
  if (seq >= SEQ_MODULO) return decodeError('range', `${NAME}: sequence number ${seq} is above 255`);
  const value: VigilLine = { seq, readings: [], errors: [] };
  for (const field of fields) {
    const bad = parseField(field, value);
    if (bad !== undefined) return { ok: false, error: bad };
  }
  return decoded(value);
}

/** Adds one field to `line`; the error if it is malformed. */
function parseField(field: string, line: VigilLine): DecodeError | undefined {
  const eq = field.indexOf('=');
  if (eq === -1) return { code: 'syntax', message: `${NAME}: field "${field}" is not key=value` };
  const key = field.slice(0, eq);
  const text = field.slice(eq + 1);
  if (VITAL_NAMES.has(key)) {
    const vital = key as Vital;
    const match = VALUE.exec(text);
    if (match === null) return { code: 'syntax', message: `${NAME}: ${key}=${text}: not a number followed by a unit` };
    const [, number = '', unit = ''] = match;
    const allowed = VIGIL_LINE_UNITS[vital];
    if (!(allowed as readonly string[]).includes(unit)) {
      return { code: 'syntax', message: `${NAME}: ${key}: unit "${unit}" is not one of ${allowed.join(', ')}` };
    }
    if (line.readings.some((r) => r.vital === vital)) return { code: 'syntax', message: `${NAME}: ${key} given twice` };
    // + 0 turns '-0.00' (dtostrf of a tiny negative) into 0
    line.readings.push({ vital, value: Number(number) + 0, unit: unit as InputUnit });
    return undefined;
  }
  switch (key) {
    case 'BAT': {
      if (line.battery !== undefined) return { code: 'syntax', message: `${NAME}: BAT given twice` };
      if (!BATTERY.test(text)) return { code: 'syntax', message: `${NAME}: BAT=${text} is not an integer percentage` };
      const battery = Number(text);
      if (battery > 100) return { code: 'range', message: `${NAME}: BAT=${battery} is above 100` };
      line.battery = battery;
      return undefined;
    }
    case 'ERR':
      if (!CONDITION_NAMES.has(text)) return { code: 'reserved', message: `${NAME}: ERR=${text} is not a known condition` };
      line.errors.push(text as SensorCondition);
      return undefined;
    case 'MODE':
      if (line.mode !== undefined) return { code: 'syntax', message: `${NAME}: MODE given twice` };
      if (!MODES.has(text)) return { code: 'syntax', message: `${NAME}: MODE=${text} is not continuous or spot` };
      line.mode = text as SampleMode;
      return undefined;
    default:
      return { code: 'syntax', message: `${NAME}: unknown field "${key}"` };
  }
}

function formatValue(reading: VigilReading): string {
  const text = String(reading.value);
  if (!NUMBER.test(text)) throw new RangeError(`${NAME}: ${reading.vital} ${text} cannot be written as a plain decimal`);
  return text;
}

/** The full line, `$` to CR LF. Throws RangeError for a value the protocol cannot carry. */
function encode(line: VigilLine): Uint8Array {
  if (!Number.isInteger(line.seq) || line.seq < 0 || line.seq >= SEQ_MODULO) {
    throw new RangeError(`${NAME}: seq ${line.seq} is not 0–255`);
  }
  const fields = [TALKER, String(line.seq)];
  for (const reading of line.readings) {
    if (!VIGIL_LINE_UNITS[reading.vital].includes(reading.unit)) {
      throw new RangeError(`${NAME}: ${reading.unit} is not a unit of ${reading.vital}`);
    }
    fields.push(`${reading.vital}=${formatValue(reading)}${reading.unit}`);
  }
  if (line.battery !== undefined) {
    if (!Number.isInteger(line.battery) || line.battery < 0 || line.battery > 100) {
      throw new RangeError(`${NAME}: battery ${line.battery} is not 0–100`);
    }
    fields.push(`BAT=${line.battery}`);
  }
  for (const condition of line.errors) fields.push(`ERR=${condition}`);
  if (line.mode !== undefined) fields.push(`MODE=${line.mode}`);
  const body = textToBytes(fields.join(','));
  const text = `$${fields.join(',')}*${hexByte(vigilChecksum(body)).toUpperCase()}\r\n`;
  if (text.length > MAX_LINE + 2) throw new RangeError(`${NAME}: line of ${text.length} bytes, the limit is ${MAX_LINE + 2}`);
  return textToBytes(text);
}

function report(line: VigilLine): DeviceReport {
  const mode = line.mode;
  const report: DeviceReport = {
    samples: line.readings.map(({ vital, value, unit }) => (mode === undefined ? { vital, value, unit } : { vital, value, unit, mode })),
    conditions: orderedConditions(new Set(line.errors)),
  };
  if (line.battery !== undefined) report.battery = line.battery;
  return report;
}

/** Notices lines that went missing between two good ones. */
class SequenceTracker implements LineObserver<VigilLine> {
  #expected: number | undefined;

  observe(line: VigilLine): DecodeError | undefined {
    const expected = this.#expected;
    this.#expected = (line.seq + 1) % SEQ_MODULO;
    if (expected === undefined || line.seq === expected || line.seq === 0) return undefined;
    const missing = (line.seq - expected + SEQ_MODULO) % SEQ_MODULO;
    const message = `${NAME}: sequence gap: expected ${expected}, got ${line.seq} (${missing} line(s) missing, or repeated)`;
    return { code: 'range', message };
  }

  reset(): void {
    this.#expected = undefined;
  }
}

const format: LineFormat<VigilLine> = { name: NAME, maxLength: MAX_LINE, parse: parseLine, report };

export const vigilLine: SerialProtocol<VigilLine> = {
  name: NAME,
  description: 'vigil-line: NMEA-style $VGL lines with XOR checksum for do-it-yourself sensors (any vital, battery, conditions)',
  baudRate: 9600,
  ...SERIAL_8N1,
  createDecoder: () => new LineDecoder(format, new SequenceTracker()),
  decodeFrame(input) {
    const line = lineInput(input, NAME, MAX_LINE);
    return line.ok ? parseLine(line.value) : line;
  },
  encode,
  report,
};
