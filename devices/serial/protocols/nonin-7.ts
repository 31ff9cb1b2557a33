// Nonin Data Format #7 (reference §6.1): the #2 packet with 16-bit pleth and no start byte —
// `STATUS(≥0x80) PLETH-MSB PLETH-LSB FLOAT CHK`, CHK = sum of the first four bytes mod 256. Resync needs a
// status byte with bit 7 set and a valid checksum.
import { decoded, decodeError, type DecodeResult } from '../../types.js';
import { hexByte } from './bytes.js';
import { noninPacketProtocol } from './nonin-framer.js';
import { checksum, type FrameLayout, type NoninPacket, type RawFrame } from './nonin-packet.js';
import type { SerialProtocol } from './protocol.js';

const NAME = 'nonin-7';
const STATUS_BIT = 0x80;

const layout: FrameLayout = {
  maxPleth: 0xffff,
  canStart: (byte) => (byte & STATUS_BIT) !== 0,
  read(frame: Uint8Array): DecodeResult<RawFrame> {
    const [status, msb, lsb, float, chk] = [frame[0]!, frame[1]!, frame[2]!, frame[3]!, frame[4]!];
    if ((status & STATUS_BIT) === 0) return decodeError('syntax', `status byte 0x${hexByte(status)} lacks bit 7`);
    const sum = checksum(frame);
    if (chk !== sum) return decodeError('checksum', `CHK 0x${hexByte(chk)}, the bytes sum to 0x${hexByte(sum)}`);
    return decoded({ status, pleth: (msb << 8) | lsb, float });
  },
  write(status: number, pleth: number, float: number): Uint8Array {
    const frame = Uint8Array.of(status, pleth >> 8, pleth & 0xff, float, 0);
    frame[4] = checksum(frame);
    return frame;
  },
};

export const nonin7: SerialProtocol<NoninPacket> = noninPacketProtocol(NAME, 'Nonin Data Format #7: 5-byte frames with 16-bit pleth and checksum, 25-frame packets (HR, SpO2, status)', layout);
