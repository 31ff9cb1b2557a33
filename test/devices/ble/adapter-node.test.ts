// loadNodeBluetooth: the optional `webbluetooth` package, loaded lazily. It is not installed in this
// project, so the missing-package path runs for real; the present-package paths use a mocked module.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNodeBluetooth } from '../../../devices/ble/node-bluetooth.js';

function fakeBluetooth(available: boolean, options?: unknown) {
  return {
    options,
    requestDevice: () => Promise.reject(new Error('not in this test')),
    getAvailability: () => Promise.resolve(available),
  };
}

afterEach(() => {
  vi.doUnmock('webbluetooth');
  vi.resetModules();
});

describe('loadNodeBluetooth', () => {
  it('says what to install when webbluetooth is missing', async () => {
    await expect(loadNodeBluetooth()).rejects.toThrow(/BLE from Node needs the optional package webbluetooth: npm install webbluetooth/);
  });

  it('returns the package’s default bluetooth instance', async () => {
    const instance = fakeBluetooth(true);
    vi.doMock('webbluetooth', () => ({ bluetooth: instance, Bluetooth: class {} }));
    await expect(loadNodeBluetooth()).resolves.toBe(instance);
  });

  it('finds the exports of a CommonJS build under default', async () => {
    const instance = fakeBluetooth(true);
    vi.doMock('webbluetooth', () => ({ default: { bluetooth: instance } }));
    await expect(loadNodeBluetooth()).resolves.toBe(instance);
  });

  it('constructs its own Bluetooth when given options (device chooser, scan time)', async () => {
    const deviceFound = (): boolean => true;
    vi.doMock('webbluetooth', () => ({
      bluetooth: fakeBluetooth(true),
      Bluetooth: class {
        readonly made: ReturnType<typeof fakeBluetooth>;
        requestDevice: () => Promise<never>;
        getAvailability: () => Promise<boolean>;
        constructor(options: unknown) {
          this.made = fakeBluetooth(true, options);
          this.requestDevice = () => Promise.reject(new Error('not in this test'));
          this.getAvailability = this.made.getAvailability;
        }
      },
    }));
    const bluetooth = await loadNodeBluetooth({ deviceFound, scanTime: 5 });
    expect(bluetooth).toHaveProperty('made.options', { deviceFound, scanTime: 5 });
  });

  it('rejects clearly when there is no Bluetooth adapter', async () => {
    vi.doMock('webbluetooth', () => ({ bluetooth: fakeBluetooth(false) }));
    await expect(loadNodeBluetooth()).rejects.toThrow(/npm install webbluetooth.*no Bluetooth adapter is available/s);
  });

  it('rejects clearly when the package exports something unexpected', async () => {
    vi.doMock('webbluetooth', () => ({ something: 1 }));
    await expect(loadNodeBluetooth()).rejects.toThrow(/exports neither bluetooth nor Bluetooth/);
  });
});
