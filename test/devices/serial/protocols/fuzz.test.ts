// Fuzz: every protocol's decoder gets ≥ 100,000 random and mutated pieces (pushed with random chunking) and the
// same pieces through decodeFrame. Nothing may throw, every error must be a typed DecodeError, the pending
// buffer must stay within its bound, heap use must stay flat, and good frames amid the noise must still decode.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../../devices/sim/random.js';
import { masimo } from '../../../../devices/serial/protocols/masimo.js';
import { nonin2 } from '../../../../devices/serial/protocols/nonin-2.js';
import { nonin7 } from '../../../../devices/serial/protocols/nonin-7.js';
import { nonin8 } from '../../../../devices/serial/protocols/nonin-8.js';
import type { FrameEvent, SerialProtocol } from '../../../../devices/serial/protocols/protocol.js';
import { vigilLine } from '../../../../devices/serial/protocols/vigil-line.js';
import { VITALS } from '../../../../services/core/types.js';
import { type DecodeResult, type DeviceReport, SENSOR_CONDITIONS } from '../../../../devices/types.js';
import { ascii, concat, packetValue } from './helpers.js';

const PIECES = 100_000;
const CODES = new Set(['truncated', 'length', 'checksum', 'reserved', 'range', 'syntax', 'unknown-format']);
const VITAL_SET = new Set<string>(VITALS);
const CONDITION_SET = new Set<string>(SENSOR_CONDITIONS);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Target {
  protocol: SerialProtocol<unknown>;
  /** most bytes a decoder may hold */
  bound: number;
  /** valid frames to mutate */
  samples: Uint8Array[];
  text: boolean;
}

function vigilSentence(body: string): Uint8Array {
  let cs = 0;
  for (const ch of body) cs ^= ch.charCodeAt(0);
  return ascii(`$${body}*${cs.toString(16).toUpperCase().padStart(2, '0')}\r\n`);
}

const MASIMO_LINE = '02/14/24 10:21:07 SN=0000123456 SPO2=098% BPM=072 PI=02.44% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000800\r\n';

const TARGETS: Target[] = [
  { protocol: nonin2 as SerialProtocol<unknown>, bound: 124, text: false, samples: [nonin2.encode(packetValue()), nonin2.encode(packetValue({ hrDisplay: 150, spo2Display: null }))] },
  { protocol: nonin7 as SerialProtocol<unknown>, bound: 124, text: false, samples: [nonin7.encode(packetValue()), nonin7.encode(packetValue({ hrDisplay: 150, lowBattery: true }))] },
  { protocol: nonin8 as SerialProtocol<unknown>, bound: 3, text: false, samples: [Uint8Array.of(0x81, 0x16, 98, 0), Uint8Array.of(0x83, 0x7f, 0x7f, 0x09)] },
  {
    protocol: masimo as SerialProtocol<unknown>,
    bound: 513,
    text: true,
    samples: [ascii(MASIMO_LINE), ascii(MASIMO_LINE.replace('SPO2=098%', 'SPO2=---%').replace('EXC=000800', 'EXC=000828'))],
  },
  {
    protocol: vigilLine as SerialProtocol<unknown>,
    bound: 255,
    text: true,
    samples: [vigilSentence('VGL,7,temp=36.62Cel,MODE=continuous'), vigilSentence('VGL,8,sbp=120mm[Hg],dbp=80mm[Hg],BAT=50,ERR=cuff-problem')],
  },
];

const LINE_ALPHABET = ascii('0123456789ABCDEFVGLSPOBMXC$*,=.%-+/[]: \r\n\t');

function randomBytes(rng: Random, n: number, text: boolean): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = text && rng.chance(0.8) ? LINE_ALPHABET[rng.int(0, LINE_ALPHABET.length - 1)]! : rng.int(0, 255);
  return bytes;
}

function mutate(rng: Random, frame: Uint8Array): Uint8Array {
  let bytes: Uint8Array = frame.slice();
  for (let m = rng.int(1, 3); m > 0; m--) {
    const at = rng.int(0, Math.max(0, bytes.length - 1));
    switch (rng.int(0, 5)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << rng.int(0, 7));
        break;
      case 1: // replace a byte
        if (bytes.length > 0) bytes[at] = rng.int(0, 255);
        break;
      case 2: // drop a byte
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1));
        break;
      case 3: // insert a byte
        bytes = concat(bytes.subarray(0, at), [rng.int(0, 255)], bytes.subarray(at));
        break;
      case 4: // truncate
        bytes = bytes.slice(0, at);
        break;
      default: // repeat a slice
        bytes = concat(bytes, bytes.subarray(at, at + rng.int(1, 10)));
    }
  }
  return bytes;
}

function piece(rng: Random, target: Target): Uint8Array {
  const sample = (): Uint8Array => target.samples[rng.int(0, target.samples.length - 1)]!;
  const roll = rng.next();
  if (roll < 0.3) return sample();
  if (roll < 0.6) return mutate(rng, sample());
  if (roll < 0.8) return randomBytes(rng, rng.int(1, 64), target.text);
  if (roll < 0.9) return new Uint8Array(rng.int(1, 700)).fill(rng.chance(0.5) ? rng.int(0, 255) : sample()[0]!); // long runs, no line end
  const a = sample();
  return concat(a.subarray(0, rng.int(0, a.length)), sample().subarray(rng.int(0, 10)));
}

function checkReport(report: DeviceReport): void {
  for (const s of report.samples) {
    if (!VITAL_SET.has(s.vital) || !Number.isFinite(s.value)) throw new Error(`bad sample ${JSON.stringify(s)}`);
  }
  for (const c of report.conditions ?? []) if (!CONDITION_SET.has(c)) throw new Error(`bad condition ${c}`);
}

function checkError(error: { code: string; message: string }): void {
  if (!CODES.has(error.code) || typeof error.message !== 'string' || error.message.length === 0) {
    throw new Error(`untyped error ${JSON.stringify(error)}`);
  }
}

function checkEvents(events: FrameEvent<unknown>[]): number {
  let frames = 0;
  for (const event of events) {
    if (event.ok) {
      if (!(event.frame.bytes instanceof Uint8Array)) throw new Error('frame without bytes');
      checkReport(event.frame.report);
      frames++;
    } else {
      checkError(event.error);
      if (!(event.bytes instanceof Uint8Array)) throw new Error('error without bytes');
    }
  }
  return frames;
}

function checkResult(protocol: SerialProtocol<unknown>, result: DecodeResult<unknown>): void {
  if (result.ok) checkReport(protocol.report(result.value));
  else checkError(result.error);
}

function fuzz(target: Target, seed: string): { frames: number; errors: number; maxPending: number; heapGrowth: number } {
  const rng = new Random(seed);
  const { protocol } = target;
  const decoder = protocol.createDecoder();
  let frames = 0;
  let events = 0;
  let maxPending = 0;
  const run = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const bytes = piece(rng, target);
      // random chunking: 0–3 cuts inside the piece
      let start = 0;
      for (let c = rng.int(0, 3); c >= 0; c--) {
        const end = c === 0 ? bytes.length : rng.int(start, bytes.length);
        const out = decoder.push(bytes.subarray(start, end));
        events += out.length;
        frames += checkEvents(out);
        maxPending = Math.max(maxPending, decoder.pendingBytes);
        start = end;
      }
      checkResult(protocol, protocol.decodeFrame(bytes));
      if (i % 16 === 0) {
        const text = target.text ? Buffer.from(bytes).toString('latin1') : Buffer.from(bytes).toString('hex');
        checkResult(protocol, protocol.decodeFrame(rng.chance(0.9) ? text : `${text}zz`));
      }
    }
  };
  run(PIECES / 10); // warm-up: JIT, lazily built structures
  gc();
  const before = process.memoryUsage().heapUsed;
  run(PIECES - PIECES / 10);
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - before;
  return { frames, errors: events - frames, maxPending, heapGrowth };
}

describe('fuzz: random and mutated input to every protocol', () => {
  for (const target of TARGETS) {
    it(`${target.protocol.name}: ${PIECES} pieces, no throw, typed errors, bounded memory`, () => {
      const result = fuzz(target, target.protocol.name);
      expect(result.maxPending).toBeLessThanOrEqual(target.bound);
      // good frames amid the noise still come through, and errors are reported (rate-limited, not silenced)
      expect(result.frames).toBeGreaterThan(PIECES / 20);
      expect(result.errors).toBeGreaterThan(PIECES / 100);
      expect(result.heapGrowth).toBeLessThan(8 * 1024 * 1024);
    });
  }
});
