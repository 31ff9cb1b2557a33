// Drives a live session from the simulator through virtual devices: device data goes out as real frames
// (BLE through the Web Bluetooth adapter, serial through the protocol decoders) and comes back in through
// ingest; events and therapist actions go to the session directly. Paced on the wall clock at `speed`.
import { isCoreInput, type RecordingLine } from '../core/types.js';
import { Pacer } from '../replay/pacer.js';
import { VIRTUAL_DEVICES, VirtualDevices } from '../../devices/sim/virtual-devices.js';
import { DeviceIngest } from './device-ingest.js';
import type { LiveSession } from './live-session.js';

export async function runSimulatedFeed(session: LiveSession, lines: Iterable<RecordingLine>, speed: number, signal: AbortSignal): Promise<void> {
  // Frames are stamped with the simulated time of the line that produced them, so the journal replays exactly.
  let now = session.now;
  const ingest = new DeviceIngest(session, (device) => VIRTUAL_DEVICES[device]?.vitals);
  const devices = new VirtualDevices({ sink: ingest, clock: () => now });
  const pacer = new Pacer(speed, signal);
  let started = false;
  try {
    for (const line of lines) {
      if (signal.aborted) break;
      if (!isCoreInput(line)) continue;
      await pacer.advanceTo(session, line.t);
      now = line.t;
      if (!started) {
        started = true;
        await devices.start();
      }
      if (!devices.send(line)) session.input(line);
    }
  } finally {
    await devices.close();
  }
}
