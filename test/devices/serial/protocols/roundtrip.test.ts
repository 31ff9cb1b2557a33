// encode → push (cut anywhere) → the same value, for every protocol; and decodeFrame(encode(v)) = v.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { masimo, type MasimoReading } from '../../../../devices/serial/protocols/masimo.js';
import { nonin2 } from '../../../../devices/serial/protocols/nonin-2.js';
import { nonin7 } from '../../../../devices/serial/protocols/nonin-7.js';
import { nonin8, type Nonin8Reading } from '../../../../devices/serial/protocols/nonin-8.js';
import type { NoninPacket, NoninStatus } from '../../../../devices/serial/protocols/nonin-packet.js';
import type { SerialProtocol } from '../../../../devices/serial/protocols/protocol.js';
import { VIGIL_LINE_UNITS, vigilLine, type VigilLine } from '../../../../devices/serial/protocols/vigil-line.js';
import { VITALS } from '../../../../services/core/types.js';
import { SENSOR_CONDITIONS } from '../../../../devices/types.js';
import { concat, errorsOf, feed, framesOf } from './helpers.js';

const hr = fc.option(fc.integer({ min: 0, max: 510 }), { nil: null });
const spo2 = fc.option(fc.integer({ min: 0, max: 126 }), { nil: null });

const status: fc.Arbitrary<NoninStatus> = fc.record({
  sensorDisconnect: fc.boolean(),
  artifact: fc.boolean(),
  outOfTrack: fc.boolean(),
  sensorAlarm: fc.boolean(),
  perfusion: fc.constantFrom('none', 'green', 'yellow', 'red'),
});

const packet = (maxPleth: number): fc.Arbitrary<NoninPacket> =>
  fc.record({
    frames: fc.array(fc.record({ status, pleth: fc.integer({ min: 0, max: maxPleth }) }), { minLength: 25, maxLength: 25 }),
    hr,
    spo2,
    softwareRevision: fc.integer({ min: 0, max: 255 }),
    timer: fc.integer({ min: 0, max: 0x3fff }),
    smartPoint: fc.boolean(),
    lowBattery: fc.boolean(),
    spo2Display: spo2,
    spo2Fast: spo2,
    spo2BeatToBeat: spo2,
    hrExtended: hr,
    spo2Extended: spo2,
    spo2ExtendedDisplay: spo2,
    hrDisplay: hr,
    hrExtendedDisplay: hr,
  });

const nonin8Reading: fc.Arbitrary<Nonin8Reading> = fc.record({
  hr,
  spo2: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  outOfTrack: fc.boolean(),
  lowPerfusion: fc.boolean(),
  marginalPerfusion: fc.boolean(),
  artifact: fc.boolean(),
  smartPoint: fc.boolean(),
  sensorAlarm: fc.boolean(),
  lowBattery: fc.boolean(),
});

const fixed = (min: number, max: number, decimals: number): fc.Arbitrary<number | null> =>
  fc.option(
    fc.integer({ min, max }).map((n) => n / 10 ** decimals),
    { nil: null },
  );
const word = fc.stringMatching(/^[\x21-\x7e]{0,12}$/);
const unknownTag = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,7}$/).filter((t) => !['SN', 'SPO2', 'BPM', 'PI', 'SPCO', 'SPMET', 'DESAT', 'PIDELTA', 'PVI', 'ALARM', 'EXC'].includes(t));

const masimoReading: fc.Arbitrary<MasimoReading> = fc
  .record(
    {
      time: fc.record({
        year: fc.integer({ min: 2000, max: 2099 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
      }),
      serial: word,
      spo2: fixed(0, 100, 0),
      pulseRate: fixed(0, 350, 0),
      perfusionIndex: fixed(0, 2000, 2),
      spco: fixed(0, 999, 1),
      spmet: fixed(0, 999, 1),
      desat: fixed(0, 99, 0),
      piDelta: fixed(-99, 99, 0),
      pvi: fixed(0, 100, 0),
      alarm: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: null }),
      exceptions: fc.option(fc.integer({ min: 0, max: 0xffffff }), { nil: null }),
      other: fc.dictionary(unknownTag, word, { maxKeys: 3 }),
    },
    { requiredKeys: ['other'] },
  )
  .filter((r) => Object.keys(r).length > 1 + (r.time === undefined ? 0 : 1) || Object.keys(r.other).length > 0);

const decimal = fc.oneof(
  fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 4 })).map(([m, e]) => m / 10 ** e),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0) && /^-?\d+(\.\d+)?$/.test(String(v))),
);

const vigilValue: fc.Arbitrary<VigilLine> = fc
  .record(
    {
      seq: fc.integer({ min: 0, max: 255 }),
      readings: fc.uniqueArray(
        fc.constantFrom(...VITALS).chain((vital) => fc.record({ vital: fc.constant(vital), value: decimal, unit: fc.constantFrom(...VIGIL_LINE_UNITS[vital]) })),
        { selector: (r) => r.vital, maxLength: 6 },
      ),
      mode: fc.constantFrom('continuous' as const, 'spot' as const),
      battery: fc.integer({ min: 0, max: 100 }),
      errors: fc.uniqueArray(fc.constantFrom(...SENSOR_CONDITIONS), { maxLength: 3 }),
    },
    { requiredKeys: ['seq', 'readings', 'errors'] },
  )
  .filter((v) => {
    try {
      // drops the few that would exceed the 256-byte line (with a 3-digit seq, as the stream may renumber)
      return vigilLine.encode({ ...v, seq: 255 }).length <= 256;
    } catch {
      return false;
    }
  });

/** A stream of several encoded values, cut at arbitrary points, decodes back to the same values in order. */
function roundTrip<T>(protocol: SerialProtocol<T>, arb: fc.Arbitrary<T>, consecutive: (values: T[]) => T[] = (v) => v): void {
  fc.assert(
    fc.property(fc.array(arb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (raw, cutSeeds) => {
      const values = consecutive(raw);
      const encoded = values.map((v) => protocol.encode(v));
      for (const [i, bytes] of encoded.entries()) expect(protocol.decodeFrame(bytes)).toEqual({ ok: true, value: values[i] });
      const stream = concat(...encoded);
      const cuts = [...new Set(cutSeeds.map((s) => s % (stream.length + 1)))].sort((a, b) => a - b);
      const decoder = protocol.createDecoder();
      const events = feed(decoder, stream, cuts);
      expect(errorsOf(events)).toEqual([]);
      expect(framesOf(events).map((f) => f.value)).toEqual(values);
      expect(framesOf(events).map((f) => f.bytes)).toEqual(encoded);
      expect(framesOf(events).map((f) => f.report)).toEqual(values.map((v) => protocol.report(v)));
      expect(decoder.pendingBytes).toBe(0);
    }),
    { numRuns: 300 },
  );
}

describe('round trip: encode → push → same value', () => {
  it('nonin-2', () => roundTrip(nonin2, packet(0xff)));
  it('nonin-7', () => roundTrip(nonin7, packet(0xffff)));
  it('nonin-8', () => roundTrip(nonin8, nonin8Reading));
  it('masimo', () => roundTrip(masimo, masimoReading));
  // consecutive sequence numbers, so the stream has no gaps to report
  it('vigil-line', () =>
    roundTrip(vigilLine, vigilValue, (values) => values.map((v, i) => ({ ...v, seq: (values[0]!.seq + i) % 256 }))));
});
