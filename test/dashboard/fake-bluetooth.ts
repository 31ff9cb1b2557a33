// Bundles fake-bluetooth.page.ts (the project's fake Web Bluetooth peripheral and GATT codecs) into one script
// for page.addInitScript, so navigator.bluetooth exists before the dashboard's own code runs.
import { join } from 'node:path';
import { build } from 'esbuild';

/** The fake strap's name (the same string as in fake-bluetooth.page.ts, which must not run in Node). */
export const FAKE_STRAP_NAME = 'Fake HRM strap';

let bundled: Promise<string> | undefined;

export function fakeBluetoothScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(import.meta.dirname, 'fake-bluetooth.page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110'],
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundled;
}

/** What window.__fakeBle offers the test (see fake-bluetooth.page.ts). */
export interface FakeBle {
  heartRate(bpm: number): { hex: string; delivered: number };
  connected(): boolean;
  subscribed(): number[];
  requestedServices(): string[];
  connectCalls(): number;
}
