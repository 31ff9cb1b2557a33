import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli.js';

const json = (text: string): unknown => JSON.parse(text);

describe('vigil decode', () => {
  test('a heart rate measurement by name and by UUID', async () => {
    const byName = await runCli(['decode', 'heart-rate-measurement', '164801040204']);
    expect(byName.code).toBe(0);
    expect(json(byName.stdout)).toEqual({ heartRate: 72, heartRateFormat: 'uint8', sensorContact: 'detected', rrIntervals: [1025 / 1024, 1026 / 1024] });
    const byUuid = await runCli(['decode', '2a37', '16 48 01 04 02 04']);
    expect(byUuid.stdout).toBe(byName.stdout);
  });

  test('a blood pressure measurement in kPa with a time stamp, and what it means for vigil', async () => {
    // flags 0x03: kPa + time stamp; 16.0 / 10.7 / 12.5 kPa as SFLOAT exponent −1; 2026-01-01 08:30:00
    const hex = '03a0f06bf07df0ea07010108 1e00'.replace(/ /g, '');
    const decoded = await runCli(['decode', 'blood-pressure-measurement', hex]);
    expect(decoded.code).toBe(0);
    expect(json(decoded.stdout)).toMatchObject({ unit: 'kPa', systolic: { kind: 'number', value: 16 }, diastolic: { value: 10.7 }, timestamp: { year: 2026, month: 1, day: 1, hours: 8, minutes: 30 } });
    const report = await runCli(['decode', 'blood-pressure-measurement', hex, '--report']);
    expect(json(report.stdout)).toMatchObject({ samples: [{ vital: 'sbp', value: 16, unit: 'kPa', mode: 'spot' }, { vital: 'dbp', value: 10.7, unit: 'kPa' }, { vital: 'map', value: 12.5, unit: 'kPa' }] });
  });

  test('serial protocols: Nonin #8 as hex, a Masimo line as text', async () => {
    const nonin = await runCli(['decode', 'nonin-8', '81163e00']);
    expect(json(nonin.stdout)).toMatchObject({ hr: 150, spo2: 62 });
    const masimo = await runCli(['decode', 'masimo', '02/14/24 10:21:07 SN=0000123456 SPO2=098% BPM=072 PI=02.44% ALARM=0000 EXC=000808', '--report']);
    expect(json(masimo.stdout)).toEqual({
      samples: [
        { vital: 'spo2', value: 98, unit: '%', mode: 'continuous' },
        { vital: 'hr', value: 72, unit: '/min', mode: 'continuous' },
      ],
      conditions: ['pulse-search'],
      lowBattery: false,
    });
  });

  test('malformed input: a clear message and a non-zero exit', async () => {
    const truncated = await runCli(['decode', 'heart-rate-measurement', '1701']);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain('heart-rate-measurement: truncated');
    const notHex = await runCli(['decode', 'heart-rate-measurement', 'zz']);
    expect(notHex.code).toBe(2);
    expect(notHex.stderr).toContain('"zz" is not hex');
    const unknown = await runCli(['decode', 'smoke-signal', '00']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown format "smoke-signal" \(one of heart-rate-measurement, .*nonin-2, .*masimo/);
    const checksum = await runCli(['decode', 'vigil-line', '$VGL,0,temp=36.62Cel,MODE=continuous*00']);
    expect(checksum.code).toBe(1);
    expect(checksum.stderr).toContain('checksum');
  });
});
