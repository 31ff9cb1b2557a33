// Real pseudo-terminal pairs from socat (tests, benchmarks, virtual devices): one end for a SerialSource,
// the other for whoever plays the device to write bytes into, as a device on a cable would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PtyPair {
  /** the device side: what vigil opens */
  device: string;
  /** the far side: where the test writes what the device sends */
  far: string;
  /** kill socat: both ends vanish, as when a USB adapter is pulled */
  kill(): Promise<void>;
  /** start socat again with the same link paths */
  revive(): Promise<void>;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export async function ptyPair(device: string, far: string): Promise<PtyPair> {
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${far}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(device) && existsSync(far), 5000, `socat links ${device} and ${far}`);
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(device), 2000, `${device} to disappear`);
  };
  await start();
  return { device, far, kill, revive: start };
}
