import { describe, expect, it } from 'vitest';
import { masimo, type MasimoReading } from '../../../../devices/serial/protocols/masimo.js';
import { ascii, errorsOf, feed, framesOf } from './helpers.js';

const LINE = '02/14/24 10:21:07 SN=0000123456 SPO2=098% BPM=072 PI=02.44% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000800';

function decode(line: string): MasimoReading {
  const result = masimo.decodeFrame(line);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('masimo: lines (reference §6.2)', () => {
  it('decodes the Radical-7 line: values, dashes as null, the device clock and serial number', () => {
    expect(decode(LINE)).toEqual({
      time: { year: 2024, month: 2, day: 14, hour: 10, minute: 21, second: 7 },
      serial: '0000123456',
      spo2: 98,
      pulseRate: 72,
      perfusionIndex: 2.44,
      spco: null,
      spmet: null,
      desat: null,
      piDelta: null,
      pvi: null,
      alarm: 0,
      exceptions: 0x800,
      other: {},
    });
    expect(masimo.report(decode(LINE))).toEqual({
      samples: [
        { vital: 'spo2', value: 98, unit: '%', mode: 'continuous' },
        { vital: 'hr', value: 72, unit: '/min', mode: 'continuous' },
      ],
      conditions: [], // 0x800 "Masimo SET" is normal
      lowBattery: false,
    });
  });

  it('dashes for SpO2 and BPM → no samples', () => {
    const value = decode(LINE.replace('SPO2=098%', 'SPO2=---%').replace('BPM=072', 'BPM=---'));
    expect(value).toMatchObject({ spo2: null, pulseRate: null });
    expect(masimo.report(value).samples).toEqual([]);
  });

  it('finds tags by name: reordered, extra and unknown tags (newer firmware), Rad-8 ASCII 1 without PVI', () => {
    const reordered = decode('02/14/24 10:21:07 BPM=150 EXC=000800 SPO2=091% SN=77 SPHB=14.2 ALARM1=0001 ALARM=0000');
    expect(reordered).toMatchObject({ spo2: 91, pulseRate: 150, serial: '77', other: { SPHB: '14.2', ALARM1: '0001' } });
    expect(reordered.pvi).toBeUndefined();
    expect(masimo.report(reordered).samples.map((s) => [s.vital, s.value])).toEqual([
      ['spo2', 91],
      ['hr', 150],
    ]);
  });

  it('accepts a line without SPO2/BPM when it has other tags; a line with no TAG= is a syntax error', () => {
    const value = decode('02/14/24 10:21:07 SN=1 PI=01.10% EXC=000020');
    expect(masimo.report(value)).toEqual({ samples: [], conditions: ['sensor-off'] });
    expect(masimo.decodeFrame('02/14/24 10:21:07 hello world')).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(masimo.decodeFrame('=5 ==')).toMatchObject({ ok: false, error: { code: 'syntax' } });
  });

  it('a value that is neither a number nor dashes is a syntax error naming the tag', () => {
    const result = masimo.decodeFrame(LINE.replace('SPO2=098%', 'SPO2=9x8%'));
    expect(result).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(!result.ok && result.error.message).toMatch(/SPO2/);
    expect(masimo.decodeFrame(LINE.replace('EXC=000800', 'EXC=zz'))).toMatchObject({ ok: false, error: { code: 'syntax', message: expect.stringMatching(/EXC/) } });
    expect(masimo.decodeFrame(`${LINE} BPM=071`)).toMatchObject({ ok: false, error: { code: 'syntax', message: expect.stringMatching(/BPM/) } });
  });

  it('tags that look like Object.prototype members are plain unknown tags', () => {
    expect(decode('constructor=1 toString=2 SPO2=097%')).toMatchObject({ spo2: 97, other: { constructor: '1', toString: '2' } });
  });

  it('EXC bits → conditions', () => {
    const conditions = (exc: number): unknown => masimo.report(decode(`SPO2=098% EXC=${exc.toString(16).padStart(6, '0')}`)).conditions;
    expect(conditions(0x001)).toEqual(['no-sensor']);
    expect(conditions(0x002)).toEqual(['sensor-fault']);
    expect(conditions(0x004)).toEqual(['low-perfusion']);
    expect(conditions(0x008)).toEqual(['pulse-search']);
    expect(conditions(0x010)).toEqual(['poor-signal']);
    expect(conditions(0x020)).toEqual(['sensor-off']);
    expect(conditions(0x040)).toEqual(['poor-signal']);
    expect(conditions(0x080)).toEqual(['sensor-fault']);
    expect(conditions(0x100)).toEqual(['sensor-fault']);
    expect(conditions(0x200)).toEqual([]);
    expect(conditions(0x400)).toEqual(['poor-signal']);
    expect(conditions(0x800)).toEqual([]);
    expect(conditions(0x82c)).toEqual(['sensor-off', 'pulse-search', 'low-perfusion']);
    // no EXC field: the line says nothing about conditions
    expect(masimo.report(decode('SPO2=098%')).conditions).toBeUndefined();
  });

  it('ALARM bit 0x40 → low battery; other ALARM bits are informational', () => {
    expect(masimo.report(decode('SPO2=098% ALARM=0040')).lowBattery).toBe(true);
    expect(masimo.report(decode('SPO2=098% ALARM=0032')).lowBattery).toBe(false);
    expect(masimo.report(decode('SPO2=098%')).lowBattery).toBeUndefined();
  });

  it('numbers with signs and decimals; PIDELTA negative', () => {
    expect(decode('PI=12.50% PIDELTA=-05 DESAT=03 PVI=014')).toMatchObject({ perfusionIndex: 12.5, piDelta: -5, desat: 3, pvi: 14 });
  });
});

describe('masimo: streaming', () => {
  it('CR LF split across chunks, several lines per chunk, blank lines ignored', () => {
    const text = `${LINE}\r\n\r\n${LINE.replace('BPM=072', 'BPM=073')}\r\n`;
    const bytes = ascii(text);
    const events = feed(masimo.createDecoder(), bytes, [LINE.length + 1]);
    expect(errorsOf(events)).toEqual([]);
    expect(framesOf(events).map((f) => f.value.pulseRate)).toEqual([72, 73]);
    expect(new TextDecoder().decode(framesOf(events)[0]!.bytes)).toBe(`${LINE}\r\n`);
  });

  it('a bad line is reported, the next good line decodes', () => {
    const events = feed(masimo.createDecoder(), ascii(`garbage\r\n${LINE}\r\n`));
    expect(errorsOf(events).map((e) => e.code)).toEqual(['syntax']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('a line without a newline beyond 512 bytes: one length error, the excess dropped, memory bounded', () => {
    const decoder = masimo.createDecoder();
    const events = [];
    for (let i = 0; i < 100; i++) {
      events.push(...decoder.push(ascii('X'.repeat(100))));
      expect(decoder.pendingBytes).toBeLessThanOrEqual(513);
    }
    events.push(...decoder.push(ascii(`tail\r\n${LINE}\r\n`)));
    expect(errorsOf(events).map((e) => e.code)).toEqual(['length']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('control and non-ASCII bytes are a syntax error', () => {
    expect(masimo.decodeFrame(Uint8Array.of(0x53, 0x4e, 0x3d, 0x31, 0x00))).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(masimo.decodeFrame('SN=1 PI=01.00% \u00e9')).toMatchObject({ ok: false, error: { code: 'syntax' } });
  });

  it('encodes the line the way the device prints it', () => {
    expect(new TextDecoder().decode(masimo.encode(decode(LINE)))).toBe(`${LINE}\r\n`);
    expect(() => masimo.encode({ other: {} })).toThrow(RangeError);
    expect(() => masimo.encode({ spo2: 97.5, other: {} })).toThrow(RangeError);
  });
});
