import { describe, expect, it } from 'vitest';
import type { RecordingLine } from '../../../services/core/types.js';
import { parseRecordingLine } from '../../../services/store/recording-validate.js';

const T = 1767225600000;

/** One valid line of every known type, with the required fields only where the type allows. */
const VALID: RecordingLine[] = [
  { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's-1', patient: 'P-017', room: 'B' } },
  { type: 'sample', t: T, vital: 'hr', value: 71, unit: '/min', device: 'hrm-1' },
  { type: 'sample', t: T, vital: 'sbp', value: 16, unit: 'kPa', mode: 'spot' },
  { type: 'event', t: T, event: 'dose', mg: 120 },
  { type: 'event', t: T, event: 'note', text: '38.5 °C 🔥', by: 'u-1' },
  { type: 'device', t: T, device: 'ox-1', state: 'connected', vitals: ['spo2', 'hr'], battery: 80 },
  { type: 'action', t: T, action: 'set-baseline', vital: 'hr', value: 70, by: 'u-1' },
  { type: 'tick', t: T },
  {
    type: 'alarm', t: T, rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium',
    kind: 'physiological', state: 'raised', value: 103,
  },
  { type: 'alarm', t: T, rule: 'battery', id: 'battery#1', vital: 'device', priority: 'low', kind: 'technical', state: 'escalated', level: 1 },
  { type: 'audio', t: T, state: 'paused', until: T + 120_000, by: 'u-1' },
  { type: 'baseline', t: T, vital: 'hr', value: 70, source: 'auto', samples: 30 },
  { type: 'artifact', t: T, vital: 'hr', value: 400, device: 'hrm-1' },
  { type: 'rule', t: T, rule: 'hr-rise', enabled: false, by: 'u-1', reason: 'pacemaker' },
  { type: 'raw', t: T, device: 'hrm-1', hex: '0047' },
];

function errorOf(text: string): string {
  const result = parseRecordingLine(text);
  if (result.ok) throw new Error(`expected an error for ${text}`);
  return result.error;
}

describe('parseRecordingLine', () => {
  it.each(VALID.map((line) => [line.type, line] as const))('accepts a valid %s line', (_type, line) => {
    expect(parseRecordingLine(JSON.stringify(line))).toEqual({ ok: true, line });
  });

  it('keeps the parsed object as is, unknown fields included', () => {
    const result = parseRecordingLine('{"type":"tick","t":5,"future":{"x":1}}');
    expect(result).toEqual({ ok: true, line: { type: 'tick', t: 5, future: { x: 1 } } });
  });

  it('ignores unknown line types and blank lines', () => {
    expect(parseRecordingLine('{"type":"hologram","t":1}')).toEqual({ ok: true, line: null });
    expect(parseRecordingLine('')).toEqual({ ok: true, line: null });
    expect(parseRecordingLine('  \t\r')).toEqual({ ok: true, line: null });
  });

  it('names the field and the bad value', () => {
    expect(errorOf('{"type":"sample","t":1,"vital":"xyz","value":1,"unit":"/min"}')).toBe('sample: unknown vital "xyz"');
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":"NaN","unit":"/min"}')).toBe(
      'sample: "value" must be a finite number, got "NaN"',
    );
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","unit":"/min"}')).toBe('sample: missing "value"');
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":1,"unit":"mmHg"}')).toBe('sample: unknown unit "mmHg"');
    expect(errorOf('{"type":"event","t":1,"event":"foo"}')).toBe('event: unknown event "foo"');
    expect(errorOf('{"type":"action","t":1,"action":"snooze"}')).toBe('action: unknown action "snooze"');
    expect(errorOf('{"type":"device","t":1,"device":"d","vitals":["hr","bp"]}')).toBe('device: unknown vital "bp"');
    expect(errorOf('{"type":"rule","t":1,"rule":"r","enabled":"yes"}')).toBe('rule: "enabled" must be a boolean, got "yes"');
    expect(errorOf('{"type":"raw","t":1,"device":"d","hex":"0g"}')).toBe('raw: "hex" must be an even-length hex string, got "0g"');
  });

  it('rejects non-finite numbers, whichever way they are written', () => {
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":NaN,"unit":"/min"}')).toMatch(/^invalid JSON: /);
    // 1e999 is valid JSON but parses to Infinity.
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":1e999,"unit":"/min"}')).toBe(
      'sample: "value" must be a finite number, got Infinity',
    );
    expect(errorOf('{"type":"event","t":1,"event":"dose","mg":"120"}')).toBe('event: "mg" must be a finite number, got "120"');
  });

  it('requires a finite t on every line type but the header', () => {
    for (const line of VALID) {
      if (line.type === 'header') continue;
      const { t: _t, ...rest } = line;
      expect(errorOf(JSON.stringify(rest))).toBe(`${line.type}: missing "t"`);
      expect(errorOf(JSON.stringify({ ...rest, t: '1767225600000' }))).toBe(
        `${line.type}: "t" must be a finite number, got "1767225600000"`,
      );
    }
  });

  it('rejects optional fields of the wrong type, null included', () => {
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":1,"unit":"/min","device":null}')).toBe(
      'sample: "device" must be a string, got null',
    );
    expect(errorOf('{"type":"sample","t":1,"vital":"hr","value":1,"unit":"/min","mode":"burst"}')).toBe(
      'sample: unknown mode "burst"',
    );
  });

  it('accepts the alarm line of DESIGN §8, which has no id or kind, and checks them when present', () => {
    const line = '{"type":"alarm","t":1,"rule":"hr-rise","vital":"hr","priority":"medium","state":"raised","value":103}';
    expect(parseRecordingLine(line)).toEqual({ ok: true, line: JSON.parse(line) });
    expect(errorOf('{"type":"alarm","t":1,"rule":"r","id":7,"vital":"hr","priority":"medium","state":"raised"}')).toBe('alarm: "id" must be a string, got 7');
    expect(errorOf('{"type":"alarm","t":1,"rule":"r","kind":"social","vital":"hr","priority":"medium","state":"raised"}')).toBe('alarm: unknown kind "social"');
  });

  it('checks the header format, version and session', () => {
    expect(errorOf('{"type":"header","format":"csv","version":1,"session":{"id":"s","patient":"p"}}')).toBe(
      'header: "format" must be "vigil-recording", got "csv"',
    );
    expect(errorOf('{"type":"header","format":"vigil-recording","version":2,"session":{"id":"s","patient":"p"}}')).toBe(
      'header: unsupported version 2',
    );
    expect(errorOf('{"type":"header","format":"vigil-recording","version":1,"session":{"id":"s"}}')).toBe(
      'header: missing "session.patient"',
    );
  });

  it('reports bad JSON and non-objects in one line', () => {
    const bad = errorOf('{"type":"tick",');
    expect(bad).toMatch(/^invalid JSON: /);
    expect(bad).not.toContain('\n');
    for (const text of ['[1,2]', '42', '"tick"', 'null']) expect(errorOf(text)).toBe('line is not a JSON object');
    expect(errorOf('{"t":1}')).toBe('line has no "type"');
    expect(errorOf('{"type":7}')).toBe('"type" must be a string, got 7');
  });

  it('shortens long offending values', () => {
    const error = errorOf(JSON.stringify({ type: 'sample', t: 1, vital: 'x'.repeat(500), value: 1, unit: '/min' }));
    expect(error.length).toBeLessThan(80);
  });
});
