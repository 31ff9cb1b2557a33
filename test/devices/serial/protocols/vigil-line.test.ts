import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vigilLine } from '../../../../devices/serial/protocols/vigil-line.js';
import { ascii, errorsOf, feed, framesOf } from './helpers.js';

/** `$body*CS\r\n` with the checksum computed here, independently of the module. */
function sentence(body: string): string {
  let cs = 0;
  for (const ch of body) cs ^= ch.charCodeAt(0);
  return `$${body}*${cs.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

describe('vigil-line: lines', () => {
  it('decodes every example in vigil-line.md, in sequence, without a gap', () => {
    const doc = readFileSync(new URL('../../../../devices/serial/protocols/vigil-line.md', import.meta.url), 'utf8');
    const examples = doc.split('\n').filter((l) => /^\$VGL,\d+/.test(l));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const events = feed(vigilLine.createDecoder(), ascii(examples.map((l) => `${l}\r\n`).join('')));
    expect(errorsOf(events)).toEqual([]);
    expect(framesOf(events)).toHaveLength(examples.length);
  });

  it("reads '-0.00' as 0", () => {
    const result = vigilLine.decodeFrame(sentence('VGL,1,temp=-0.00Cel'));
    expect(result.ok && Object.is(result.value.readings[0]!.value, 0)).toBe(true);
  });

  it('decodes the documented example', () => {
    const result = vigilLine.decodeFrame('$VGL,0,temp=36.62Cel,MODE=continuous*26');
    expect(result).toEqual({ ok: true, value: { seq: 0, readings: [{ vital: 'temp', value: 36.62, unit: 'Cel' }], mode: 'continuous', errors: [] } });
    expect(result.ok && vigilLine.report(result.value)).toEqual({
      samples: [{ vital: 'temp', value: 36.62, unit: 'Cel', mode: 'continuous' }],
      conditions: [],
    });
  });

  it('several vitals, kPa and [degF], battery, conditions; no MODE leaves the mode to vigil', () => {
    const result = vigilLine.decodeFrame(sentence('VGL,17,sbp=16.1kPa,dbp=10.4kPa,temp=98.6[degF],hr=-0.5/min,BAT=42,ERR=cuff-problem,ERR=poor-signal'));
    if (!result.ok) throw new Error(result.error.message);
    expect(vigilLine.report(result.value)).toEqual({
      samples: [
        { vital: 'sbp', value: 16.1, unit: 'kPa' },
        { vital: 'dbp', value: 10.4, unit: 'kPa' },
        { vital: 'temp', value: 98.6, unit: '[degF]' },
        { vital: 'hr', value: -0.5, unit: '/min' },
      ],
      conditions: ['poor-signal', 'cuff-problem'],
      battery: 42,
    });
  });

  it('a line with only a sequence number is a valid heartbeat; lowercase checksum digits are accepted', () => {
    expect(vigilLine.decodeFrame(sentence('VGL,3'))).toMatchObject({ ok: true, value: { seq: 3, readings: [], errors: [] } });
    const upper = sentence('VGL,4,hr=60/min').trimEnd();
    expect(upper).toMatch(/\*[0-9]?[A-F][0-9A-F]?$/);
    expect(vigilLine.decodeFrame(upper.slice(0, -2) + upper.slice(-2).toLowerCase())).toMatchObject({ ok: true });
  });

  it('a wrong checksum is a checksum error', () => {
    expect(vigilLine.decodeFrame('$VGL,0,temp=36.62Cel,MODE=continuous*27')).toMatchObject({ ok: false, error: { code: 'checksum' } });
    expect(vigilLine.decodeFrame('$VGL,0,temp=36.63Cel,MODE=continuous*26')).toMatchObject({ ok: false, error: { code: 'checksum' } });
  });

  it('malformed sentences: syntax, range, reserved', () => {
    const code = (body: string): unknown => {
      const result = vigilLine.decodeFrame(sentence(body));
      return result.ok ? 'ok' : result.error.code;
    };
    expect(vigilLine.decodeFrame('VGL,0,hr=60/min*00')).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(vigilLine.decodeFrame('$VGL,0,hr=60/min')).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(vigilLine.decodeFrame('$VGL,0,hr=60/min*0')).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(code('GPS,1')).toBe('syntax');
    expect(code('VGL,x')).toBe('syntax');
    expect(code('VGL,256')).toBe('range');
    expect(code('VGL,1,hr=60')).toBe('syntax'); // no unit
    expect(code('VGL,1,hr=60Cel')).toBe('syntax'); // not a unit of hr
    expect(code('VGL,1,temp=36.6cel')).toBe('syntax'); // UCUM is case-sensitive
    expect(code('VGL,1,hr=6e1/min')).toBe('syntax');
    expect(code('VGL,1,hr=60/min,hr=61/min')).toBe('syntax');
    expect(code('VGL,1,HR=60/min')).toBe('syntax');
    expect(code('VGL,1,pulse=60/min')).toBe('syntax');
    expect(code('VGL,1,,hr=60/min')).toBe('syntax');
    expect(code('VGL,1,BAT=101')).toBe('range');
    expect(code('VGL,1,BAT=4.5')).toBe('syntax');
    expect(code('VGL,1,MODE=sometimes')).toBe('syntax');
    expect(code('VGL,1,ERR=on-fire')).toBe('reserved');
    expect(code('VGL,1,ERR=sensor-off')).toBe('ok');
  });

  it('ignores noise before the $ on the same line (boot garbage)', () => {
    expect(vigilLine.decodeFrame(`\u00ff\u0013x${sentence('VGL,0,hr=61/min')}`)).toMatchObject({ ok: true, value: { seq: 0 } });
  });

  it('bounds a line at 256 bytes including CR LF', () => {
    const body = (n: number): string => `VGL,1,hr=${'1'.repeat(n)}/min`;
    const fits = sentence(body(256 - 2 - 4 - 13));
    expect(fits.length).toBe(256);
    expect(vigilLine.decodeFrame(fits).ok).toBe(true);
    expect(vigilLine.decodeFrame(sentence(body(256 - 2 - 4 - 12)))).toMatchObject({ ok: false, error: { code: 'length' } });
    const events = feed(vigilLine.createDecoder(), ascii(fits + sentence(body(1000)) + sentence('VGL,3,hr=60/min')));
    // the dropped line also shows as a sequence gap
    expect(errorsOf(events).map((e) => e.code)).toEqual(['length', 'range']);
    expect(framesOf(events).map((f) => f.value.seq)).toEqual([1, 3]);
  });
});

describe('vigil-line: streaming', () => {
  it('split reads, CR LF across chunks, a bare LF, one error per bad run, good lines after', () => {
    const text = `${sentence('VGL,0,hr=60/min')}${sentence('VGL,1,hr=61/min').replace('\r\n', '\n')}$VGL,2,hr=62/min*00\r\nnoise\r\n${sentence('VGL,4,hr=64/min')}`;
    const bytes = ascii(text);
    const cut = text.indexOf('\n') ; // between CR and LF of the first line
    const events = feed(vigilLine.createDecoder(), bytes, [5, cut, cut + 3]);
    expect(errorsOf(events).map((e) => e.code)).toEqual(['checksum', 'range']);
    expect(framesOf(events).map((f) => f.value.seq)).toEqual([0, 1, 4]);
  });

  it('reports a sequence gap (range) next to the line, which is still used; 0 is a restart; 255 wraps to 0', () => {
    const lines = [0, 1, 5, 6, 0, 1, 254, 255, 0, 2].map((seq) => sentence(`VGL,${seq},spo2=97%`)).join('');
    const events = feed(vigilLine.createDecoder(), ascii(lines));
    expect(framesOf(events)).toHaveLength(10);
    const gaps = errorsOf(events);
    expect(gaps.map((e) => e.code)).toEqual(['range', 'range', 'range']);
    expect(gaps[0]!.message).toMatch(/expected 2, got 5 \(3 line/);
    // the gap notice comes right before its line
    const firstGap = events.findIndex((e) => !e.ok);
    expect(events[firstGap + 1]).toMatchObject({ ok: true, frame: { value: { seq: 5 } } });
  });

  it('encodes what it decodes, with CR LF and an uppercase checksum', () => {
    const text = sentence('VGL,9,spo2=97%,hr=72/min,BAT=80,ERR=low-perfusion,MODE=continuous');
    const result = vigilLine.decodeFrame(text);
    if (!result.ok) throw new Error(result.error.message);
    expect(new TextDecoder().decode(vigilLine.encode(result.value))).toBe(text);
    expect(() => vigilLine.encode({ seq: 1, readings: [{ vital: 'hr', value: 1e-7, unit: '/min' }], errors: [] })).toThrow(RangeError);
    expect(() => vigilLine.encode({ seq: 1, readings: [{ vital: 'hr', value: 60, unit: 'Cel' }], errors: [] })).toThrow(RangeError);
  });
});
