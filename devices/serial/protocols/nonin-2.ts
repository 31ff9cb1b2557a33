// Nonin Data Format #2 (reference §6.1): 5-byte frames `01 STATUS PLETH FLOAT CHK`, CHK = sum of the first
// four bytes mod 256, 75 frames/s, 25 frames per packet. One SerialFrame per packet (its 125 bytes).
import { decoded, decodeError, type DecodeResult } from '../../types.js';
import { hexByte } from './bytes.js';
import { noninPacketProtocol } from './nonin-framer.js';
import { checksum, type FrameLayout, type NoninPacket, type RawFrame } from './nonin-packet.js';
import type { SerialProtocol } from './protocol.js';

const NAME = 'nonin-2';
const START = 0x01;
const STATUS_BIT = 0x80;

const layout: FrameLayout = {
  maxPleth: 0xff,
  canStart: (byte) => byte === START,
  read(frame: Uint8Array): DecodeResult<RawFrame> {
    const [start, status, pleth, float, chk] = [frame[0]!, frame[1]!, frame[2]!, frame[3]!, frame[4]!];
    if (start !== START) return decodeError('syntax', `start byte 0x${hexByte(start)}, expected 0x01`);
    if ((status & STATUS_BIT) === 0) return decodeError('syntax', `status byte 0x${hexByte(status)} lacks bit 7`);
    const sum = checksum(frame);
    if (chk !== sum) return decodeError('checksum', `CHK 0x${hexByte(chk)}, the bytes sum to 0x${hexByte(sum)}`);
    return decoded({ status, pleth, float });
  },
  write(status: number, pleth: number, float: number): Uint8Array {
    const frame = Uint8Array.of(START, status, pleth, float, 0);
    frame[4] = checksum(frame);
    return frame;
  },
};

export const nonin2: SerialProtocol<NoninPacket> = noninPacketProtocol(NAME, 'Nonin Data Format #2: 5-byte frames with start byte and checksum, 25-frame packets (HR, SpO2, status)', layout);
