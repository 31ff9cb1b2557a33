import { describe, expect, it } from 'vitest';
import { findSerialProtocol, SERIAL_PROTOCOLS } from '../../../../devices/serial/protocols/registry.js';

describe('serial protocol registry', () => {
  it('lists the five protocols by name, all 9600 8N1', () => {
    expect(SERIAL_PROTOCOLS.map((p) => p.name)).toEqual(['nonin-2', 'nonin-7', 'nonin-8', 'masimo', 'vigil-line']);
    for (const p of SERIAL_PROTOCOLS) {
      expect(findSerialProtocol(p.name)).toBe(p);
      expect({ baudRate: p.baudRate, dataBits: p.dataBits, parity: p.parity, stopBits: p.stopBits }).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
      expect(p.description.length).toBeGreaterThan(10);
    }
  });

  it('finds nothing for an unknown name', () => {
    expect(findSerialProtocol('nonin-13')).toBeUndefined();
    expect(findSerialProtocol('Masimo')).toBeUndefined();
    expect(findSerialProtocol('constructor')).toBeUndefined();
  });

  it('decodes through the registry with unknown value types (as `vigil decode` does)', () => {
    const protocol = findSerialProtocol('nonin-8');
    const result = protocol?.decodeFrame('81 16 62 00');
    expect(result?.ok && protocol?.report(result.value).samples).toHaveLength(2);
  });
});
