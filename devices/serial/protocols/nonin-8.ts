// Nonin Data Format #8 (reference §6.1): 4 bytes once per second, no checksum.
//   STATUS1 1 R OOT LPRF MPRF ARTF HR8 HR7 | HR-D 0 HR6..HR0 | SpO2-D 0 SP6..SP0 | STATUS2 0 R SPA R SNSA R R LOWBAT
// The only framing cue is bit 7, set in byte 1 alone. Without a checksum the validation is what framing allows:
// bit 7 clear in bytes 2–4 and SpO2 within 0–100 or 127 (HR fills its 9 bits, 511 = none). Reserved bits are
// ignored rather than rejected: the spec does not promise they stay 0.
import { decoded, decodeError, type DecodeResult, type DeviceReport, type SensorCondition } from '../../types.js';
import { binaryInput, hexByte } from './bytes.js';
import { orderedConditions } from './conditions.js';
import { EventQueue } from './event-queue.js';
import { heartRate, hrWire, NO_SPO2 } from './nonin-packet.js';
import { type FrameDecoder, type FrameEvent, SERIAL_8N1, type SerialProtocol } from './protocol.js';

export interface Nonin8Reading {
  /** HR-D, /min; null = no reading (511) */
  hr: number | null;
  /** SpO2-D, %; null = no reading (127) */
  spo2: number | null;
  /** OOT: out of track, sustained artifact */
  outOfTrack: boolean;
  /** LPRF: low perfusion */
  lowPerfusion: boolean;
  /** MPRF: marginal perfusion */
  marginalPerfusion: boolean;
  /** ARTF: artifact (a quality hint, not a failure) */
  artifact: boolean;
  /** SPA: high-quality SmartPoint measurement */
  smartPoint: boolean;
  /** SNSA: sensor alarm, finger out or unusable data */
  sensorAlarm: boolean;
  lowBattery: boolean;
}

const NAME = 'nonin-8';
const FRAME_BYTES = 4;
const START = 0x80;
const OOT = 0x20;
const LPRF = 0x10;
const MPRF = 0x08;
const ARTF = 0x04;
const SPA = 0x20;
const SNSA = 0x08;
const LOWBAT = 0x01;
const MAX_SPO2 = 100;

/** Exactly one 4-byte frame. */
function parse(frame: Uint8Array): DecodeResult<Nonin8Reading> {
  if (frame.length < FRAME_BYTES) return decodeError('truncated', `${NAME}: ${frame.length} bytes, a frame is ${FRAME_BYTES}`);
  if (frame.length > FRAME_BYTES) return decodeError('length', `${NAME}: ${frame.length} bytes, a frame is ${FRAME_BYTES}`);
  const [status1, hrLow, spo2Byte, status2] = [frame[0]!, frame[1]!, frame[2]!, frame[3]!];
  if ((status1 & START) === 0) return decodeError('syntax', `${NAME}: status byte 0x${hexByte(status1)} lacks bit 7`);
  for (let i = 1; i < FRAME_BYTES; i++) {
    if ((frame[i]! & START) !== 0) return decodeError('syntax', `${NAME}: byte ${i + 1} (0x${hexByte(frame[i]!)}) has bit 7 set`);
  }
  if (spo2Byte > MAX_SPO2 && spo2Byte !== NO_SPO2) return decodeError('range', `${NAME}: SpO2 ${spo2Byte} is not 0–100 or 127`);
  return decoded({
    hr: heartRate(status1, hrLow),
    spo2: spo2Byte === NO_SPO2 ? null : spo2Byte,
    outOfTrack: (status1 & OOT) !== 0,
    lowPerfusion: (status1 & LPRF) !== 0,
    marginalPerfusion: (status1 & MPRF) !== 0,
    artifact: (status1 & ARTF) !== 0,
    smartPoint: (status2 & SPA) !== 0,
    sensorAlarm: (status2 & SNSA) !== 0,
    lowBattery: (status2 & LOWBAT) !== 0,
  });
}

function encode(value: Nonin8Reading): Uint8Array {
  const hr = hrWire(value.hr, `${NAME}: hr`);
  if (value.spo2 !== null && (!Number.isInteger(value.spo2) || value.spo2 < 0 || value.spo2 > MAX_SPO2)) {
    throw new RangeError(`${NAME}: spo2 ${value.spo2} is not 0–100 or null`);
  }
  const spo2 = value.spo2 ?? NO_SPO2;
  const status1 =
    START |
    (value.outOfTrack ? OOT : 0) |
    (value.lowPerfusion ? LPRF : 0) |
    (value.marginalPerfusion ? MPRF : 0) |
    (value.artifact ? ARTF : 0) |
    (hr >> 7);
  const status2 = (value.smartPoint ? SPA : 0) | (value.sensorAlarm ? SNSA : 0) | (value.lowBattery ? LOWBAT : 0);
  return Uint8Array.of(status1, hr & 0x7f, spo2, status2);
}

/**
 * SNSA → sensor-off (and no samples: the display values are held, not measured), OOT → artifact, LPRF →
 * low-perfusion. ARTF and MPRF are quality hints and stay in the value only.
 */
function report(value: Nonin8Reading): DeviceReport {
  const conditions = new Set<SensorCondition>();
  if (value.sensorAlarm) conditions.add('sensor-off');
  if (value.outOfTrack) conditions.add('artifact');
  if (value.lowPerfusion) conditions.add('low-perfusion');
  const report: DeviceReport = { samples: [], conditions: orderedConditions(conditions), lowBattery: value.lowBattery };
  if (!value.sensorAlarm) {
    if (value.hr !== null) report.samples.push({ vital: 'hr', value: value.hr, unit: '/min', mode: 'continuous' });
    if (value.spo2 !== null) report.samples.push({ vital: 'spo2', value: value.spo2, unit: '%', mode: 'continuous' });
  }
  return report;
}

/** Frames start at the byte with bit 7 set; a start byte inside a frame cuts the frame before it short. */
class Nonin8Decoder implements FrameDecoder<Nonin8Reading> {
  readonly #frame = new Uint8Array(FRAME_BYTES);
  #length = 0;
  readonly #events = new EventQueue<Nonin8Reading>();

  get pendingBytes(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): FrameEvent<Nonin8Reading>[] {
    for (const byte of chunk) this.#byte(byte);
    return this.#events.take();
  }

  reset(): void {
    this.#length = 0;
    this.#events.reset();
  }

  #byte(byte: number): void {
    if ((byte & START) !== 0) {
      if (this.#length > 0) {
        const partial = this.#frame.subarray(0, this.#length);
        this.#events.error('truncated', `${NAME}: frame cut short after ${this.#length} of ${FRAME_BYTES} bytes`, partial);
      }
      this.#frame[0] = byte;
      this.#length = 1;
      return;
    }
    if (this.#length === 0) {
      if (!this.#events.quiet) {
        this.#events.error('syntax', `${NAME}: byte 0x${hexByte(byte)} outside a frame, waiting for a status byte`, Uint8Array.of(byte));
      }
      return;
    }
    this.#frame[this.#length++] = byte;
    if (this.#length < FRAME_BYTES) return;
    this.#length = 0;
    const result = parse(this.#frame);
    if (result.ok) this.#events.frame({ bytes: this.#frame.slice(), value: result.value, report: report(result.value) });
    else this.#events.error(result.error.code, result.error.message, this.#frame);
  }
}

export const nonin8: SerialProtocol<Nonin8Reading> = {
  name: NAME,
  description: 'Nonin Data Format #8: 4-byte frame once per second, no checksum (HR-D, SpO2-D, status)',
  baudRate: 9600,
  ...SERIAL_8N1,
  createDecoder: () => new Nonin8Decoder(),
  decodeFrame(input) {
    const bytes = binaryInput(input);
    return bytes.ok ? parse(bytes.value) : bytes;
  },
  encode,
  report,
};
