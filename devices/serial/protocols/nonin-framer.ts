// Streaming decoder for the Nonin packet formats (#2, #7): finds 5-byte frames in the byte stream, then
// assembles 25 of them, starting at a SYNC frame, into a packet.
//
// Resync (reference §6.1): a frame is accepted only where the layout's start conditions and the checksum hold;
// after a failure the window slides one byte at a time. A packet starts only at a frame with SYNC set; frames
// before it are dropped. Memory: one 5-byte window plus at most 24 frames of the packet being assembled.
import type { DecodeErrorCode } from '../../types.js';
import { binaryInput, hexByte } from './bytes.js';
import { EventQueue } from './event-queue.js';
import {
  decodePacket,
  encodePacket,
  FRAME_BYTES,
  FRAMES_PER_PACKET,
  type FrameLayout,
  type NoninPacket,
  PACKET_BYTES,
  packetFromFrames,
  packetReport,
  type RawFrame,
  SYNC,
} from './nonin-packet.js';
import { SERIAL_8N1, type FrameDecoder, type FrameEvent, type SerialProtocol } from './protocol.js';

/** A Nonin packet format: #2 and #7 differ only in how one 5-byte frame is laid out. */
export function noninPacketProtocol(name: string, description: string, layout: FrameLayout): SerialProtocol<NoninPacket> {
  return {
    name,
    description,
    baudRate: 9600,
    ...SERIAL_8N1,
    createDecoder: () => new NoninPacketDecoder(layout, name),
    decodeFrame(input) {
      const bytes = binaryInput(input);
      return bytes.ok ? decodePacket(bytes.value, layout, name) : bytes;
    },
    encode: (value) => encodePacket(value, layout),
    report: packetReport,
  };
}

export class NoninPacketDecoder implements FrameDecoder<NoninPacket> {
  readonly #layout: FrameLayout;
  readonly #name: string;
  readonly #window = new Uint8Array(FRAME_BYTES);
  #windowLength = 0;
  /** bytes of the frames of the packet being assembled, in order */
  readonly #packet = new Uint8Array(PACKET_BYTES);
  #frames: RawFrame[] = [];
  /** the last bytes formed a valid frame, so a failure now means sync was lost (not still being sought) */
  #inSync = false;
  readonly #events = new EventQueue<NoninPacket>();

  constructor(layout: FrameLayout, name: string) {
    this.#layout = layout;
    this.#name = name;
  }

  get pendingBytes(): number {
    return this.#windowLength + this.#frames.length * FRAME_BYTES;
  }

  push(chunk: Uint8Array): FrameEvent<NoninPacket>[] {
    for (const byte of chunk) this.#byte(byte);
    return this.#events.take();
  }

  reset(): void {
    this.#windowLength = 0;
    this.#frames = [];
    this.#inSync = false;
    this.#events.reset();
  }

  #byte(byte: number): void {
    if (this.#windowLength === 0 && !this.#layout.canStart(byte)) {
      this.#lost('syntax', `byte 0x${hexByte(byte)} cannot start a frame`, Uint8Array.of(byte));
      return;
    }
    this.#window[this.#windowLength++] = byte;
    if (this.#windowLength < FRAME_BYTES) return;
    const read = this.#layout.read(this.#window);
    if (read.ok) {
      this.#windowLength = 0;
      this.#inSync = true;
      this.#frame(read.value);
      return;
    }
    this.#lost(read.error.code, read.error.message, this.#window);
    // Slide by one byte: the 4 bytes left are rescanned (they cannot fill a window, so this recurses once).
    const rest = this.#window.slice(1);
    this.#windowLength = 0;
    for (const b of rest) this.#byte(b);
  }

  /** Frame sync is lost (or still being sought): the partial packet is worthless now. */
  #lost(code: DecodeErrorCode, reason: string, bytes: Uint8Array): void {
    if (!this.#events.quiet) {
      const what = this.#inSync ? 'lost frame sync' : 'no frame sync';
      this.#events.error(code, `${this.#name}: ${what}: ${reason}; skipping to the next valid frame`, bytes);
    }
    this.#inSync = false;
    this.#frames = [];
  }

  #frame(frame: RawFrame): void {
    const count = this.#frames.length;
    if ((frame.status & SYNC) !== 0) {
      if (count > 0) {
        const bytes = this.#packet.subarray(0, count * FRAME_BYTES);
        this.#events.error('truncated', `${this.#name}: packet cut short after ${count} of ${FRAMES_PER_PACKET} frames`, bytes);
      }
      this.#frames = [];
    } else if (count === 0) {
      if (!this.#events.quiet) {
        this.#events.error('truncated', `${this.#name}: frame without a packet start (SYNC), waiting for the next packet`, this.#window);
      }
      return;
    }
    this.#packet.set(this.#window, this.#frames.length * FRAME_BYTES);
    this.#frames.push(frame);
    if (this.#frames.length < FRAMES_PER_PACKET) return;
    const value = packetFromFrames(this.#frames);
    this.#frames = [];
    this.#events.frame({ bytes: this.#packet.slice(), value, report: packetReport(value) });
  }
}
