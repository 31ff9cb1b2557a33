// Every serial protocol vigil speaks, by the name device configs and `vigil decode` use.
import { masimo } from './masimo.js';
import { nonin2 } from './nonin-2.js';
import { nonin7 } from './nonin-7.js';
import { nonin8 } from './nonin-8.js';
import type { SerialProtocol } from './protocol.js';
import { vigilLine } from './vigil-line.js';

export const SERIAL_PROTOCOLS: readonly SerialProtocol<unknown>[] = [nonin2, nonin7, nonin8, masimo, vigilLine];

const BY_NAME: ReadonlyMap<string, SerialProtocol<unknown>> = new Map(SERIAL_PROTOCOLS.map((p) => [p.name, p]));

/** The protocol of that name (exact, lower case), or undefined. */
export function findSerialProtocol(name: string): SerialProtocol<unknown> | undefined {
  return BY_NAME.get(name);
}
