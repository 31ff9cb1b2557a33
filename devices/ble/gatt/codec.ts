// One GATT characteristic's codec: the decoder (pure DataView → typed measurement), the encoder (used by
// virtual devices and the fake peripheral to send spec-exact bytes) and the mapping to a DeviceReport.
import type { DecodeResult, DeviceReport } from '../../types.js';

export interface GattCodec<T> {
  /** kebab-case characteristic name, as `vigil decode` takes it: "heart-rate-measurement" */
  name: string;
  /** 16-bit characteristic UUID, e.g. 0x2a37 */
  uuid: number;
  /** 16-bit UUID of the service it belongs to, e.g. 0x180d */
  service: number;
  /** how values arrive: notify, indicate, or read (read-only characteristics) */
  property: 'notify' | 'indicate' | 'read';
  decode(view: DataView): DecodeResult<T>;
  encode(value: T): Uint8Array;
  /** the samples and technical state this measurement means for vigil */
  report(value: T): DeviceReport;
}
