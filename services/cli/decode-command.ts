// `vigil decode <format> <hex-or-line>`: decodes one device frame and prints it as JSON.
import { parseArgs } from 'node:util';
import { findGattCodec, GATT_CODECS } from '../../devices/ble/gatt/registry.js';
import { findSerialProtocol, SERIAL_PROTOCOLS } from '../../devices/serial/protocols/registry.js';
import type { DecodeResult, DeviceReport } from '../../devices/types.js';
import { err, out, UsageError } from './io.js';

function help(): string {
  const gatt = GATT_CODECS.map((c) => `  ${c.name.padEnd(30)} 0x${c.uuid.toString(16).padStart(4, '0')}  (BLE, hex)`).join('\n');
  const serial = SERIAL_PROTOCOLS.map((p) => `  ${p.name.padEnd(30)} ${p.description}`).join('\n');
  return `usage: vigil decode <format> <hex-or-line> [--report]

Decodes one device frame and prints it as JSON; malformed input gives a clear message and exit code 1.

  --report     print what the frame means for vigil (samples, sensor conditions, battery) instead

BLE characteristics (by name or 16-bit UUID, e.g. 2a37):
${gatt}
serial protocols (binary frames as hex; line protocols as the line itself):
${serial}
`;
}

/** Hex with optional spaces, colons or a 0x prefix → bytes; undefined when it is not hex. */
export function parseHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) return undefined;
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16));
}

interface Decoded {
  result: DecodeResult<unknown>;
  report: (value: unknown) => DeviceReport;
}

function decode(format: string, input: string): Decoded | undefined {
  const codec = findGattCodec(format);
  if (codec !== undefined) {
    const bytes = parseHex(input);
    if (bytes === undefined) throw new UsageError(`"${input}" is not hex (BLE characteristics take the value's bytes as hex)`);
    return { result: codec.decode(new DataView(bytes.buffer)), report: (value) => codec.report(value) };
  }
  const protocol = findSerialProtocol(format);
  if (protocol !== undefined) return { result: protocol.decodeFrame(input), report: (value) => protocol.report(value) };
  return undefined;
}

export async function decodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { report: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    await out(help());
    return 0;
  }
  const [format, ...rest] = positionals;
  if (format === undefined || rest.length === 0) throw new UsageError('decode needs a format and a frame (hex, or the line for line protocols)');
  const decoded = decode(format, rest.join(' '));
  if (decoded === undefined) {
    const known = [...GATT_CODECS.map((c) => c.name), ...SERIAL_PROTOCOLS.map((p) => p.name)];
    throw new UsageError(`unknown format "${format}" (one of ${known.join(', ')})`);
  }
  if (!decoded.result.ok) {
    err(`vigil decode: ${format}: ${decoded.result.error.code}: ${decoded.result.error.message}`);
    return 1;
  }
  const value = decoded.result.value;
  await out(`${JSON.stringify(values.report ? decoded.report(value) : value)}\n`);
  return 0;
}
