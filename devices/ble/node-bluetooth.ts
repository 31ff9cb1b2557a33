// Web Bluetooth for Node: the optional `webbluetooth` package (thegecko/webbluetooth, on SimpleBLE). It is not
// a dependency of vigil; it is imported lazily through a variable specifier so TypeScript needs no types for
// it and nothing fails to load where it is not installed. Node-only: the browser uses navigator.bluetooth.
import type { BleDeviceLike, BluetoothLike } from './adapter-types.js';

const PACKAGE = 'webbluetooth';

const INSTALL_HINT =
  `BLE from Node needs the optional package ${PACKAGE}: npm install ${PACKAGE}; ` +
  'it also needs a Bluetooth adapter and stack (Linux: BlueZ running and permission to use it; ' +
  'macOS/Windows: Bluetooth on and allowed for this terminal).';

export interface NodeBluetoothOptions {
  /**
   * Picks a device during requestDevice (Node has no chooser UI): return true to take it. Without this the
   * package takes the first device that matches the filters.
   */
  deviceFound?: (device: BleDeviceLike, select: () => void) => boolean;
  /** how long requestDevice and getDevices scan, seconds (the package's default otherwise) */
  scanTime?: number;
  /**
   * Let getDevices() return every device in range. The package otherwise only returns devices this same
   * instance got from requestDevice, so BleSensor's `{ deviceId }` selector needs this in a fresh process.
   */
  allowAllDevices?: boolean;
}

/** The shape we rely on; the package's Bluetooth also has getAvailability. */
type NodeBluetooth = BluetoothLike & { getAvailability(): Promise<boolean> };
type NodeBluetoothClass = new (options: NodeBluetoothOptions) => NodeBluetooth;

/**
 * A Bluetooth for BleSensor, from the `webbluetooth` package. Rejects with an Error that says what to install
 * or enable when the package is missing or there is no usable Bluetooth adapter.
 */
export async function loadNodeBluetooth(options?: NodeBluetoothOptions): Promise<BluetoothLike> {
  let module: unknown;
  try {
    const specifier: string = PACKAGE;
    module = await import(specifier);
  } catch (error) {
    throw new Error(`${INSTALL_HINT} (loading it failed: ${message(error)})`, { cause: error });
  }
  const bluetooth = options === undefined ? defaultInstance(module) : construct(module, options);
  if (bluetooth === undefined) {
    throw new Error(`${INSTALL_HINT} (the installed ${PACKAGE} exports neither bluetooth nor Bluetooth)`);
  }
  let available: boolean;
  try {
    available = await bluetooth.getAvailability();
  } catch (error) {
    throw new Error(`${INSTALL_HINT} (checking for an adapter failed: ${message(error)})`, { cause: error });
  }
  if (!available) throw new Error(`${INSTALL_HINT} (no Bluetooth adapter is available)`);
  return bluetooth;
}

/** The package is CommonJS in some versions: its exports may sit on the namespace or on `default`. */
function exportOf(module: unknown, name: string): unknown {
  if (!isObject(module)) return undefined;
  if (name in module) return module[name];
  const fallback = 'default' in module ? module.default : undefined;
  return isObject(fallback) && name in fallback ? fallback[name] : undefined;
}

function defaultInstance(module: unknown): NodeBluetooth | undefined {
  const bluetooth = exportOf(module, 'bluetooth');
  return isNodeBluetooth(bluetooth) ? bluetooth : undefined;
}

function construct(module: unknown, options: NodeBluetoothOptions): NodeBluetooth | undefined {
  const Bluetooth = exportOf(module, 'Bluetooth');
  if (typeof Bluetooth !== 'function') return undefined;
  // Checked just below: the instance must have the methods we call.
  const instance: unknown = new (Bluetooth as NodeBluetoothClass)(options);
  return isNodeBluetooth(instance) ? instance : undefined;
}

function isNodeBluetooth(value: unknown): value is NodeBluetooth {
  return (
    isObject(value) &&
    typeof value.requestDevice === 'function' &&
    typeof value.getAvailability === 'function'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
