// Random and mutated frames into every GATT codec: nothing may throw, every failure must be a typed error
// with a code GATT decoders use, every success must re-encode to a frame that decodes to the same value,
// and the heap must not grow with the number of frames decoded.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../devices/sim/random.js';
import type { GattCodec } from '../../../devices/ble/gatt/codec.js';
import { type DecodeErrorCode, SENSOR_CONDITIONS } from '../../../devices/types.js';
import { CODEC_CASES } from './arbitraries.js';
import { viewOf } from './helpers.js';

const FRAMES_PER_CODEC = 100_000;
const SEED_FRAMES = 300;
const GATT_ERROR_CODES: ReadonlySet<DecodeErrorCode> = new Set(['truncated', 'length', 'reserved', 'range']);

function randomBytes(rng: Random, length: number): number[] {
  return Array.from({ length }, () => rng.int(0, 255));
}

/** One mutation of a valid frame, of the kinds a radio link or a buggy peripheral produces. */
function mutateOnce(rng: Random, bytes: number[]): number[] {
  const out = [...bytes];
  const at = (): number => rng.int(0, Math.max(0, out.length - 1));
  switch (rng.int(0, 6)) {
    case 0: // flip 1–3 bits
      for (let k = rng.int(1, 3); k > 0 && out.length > 0; k--) {
        const i = at();
        out[i] = (out[i] ?? 0) ^ (1 << rng.int(0, 7));
      }
      return out;
    case 1: // replace a byte
      if (out.length > 0) out[at()] = rng.int(0, 255);
      return out;
    case 2: // truncate
      return out.slice(0, rng.int(0, Math.max(0, out.length - 1)));
    case 3: // extend
      return [...out, ...randomBytes(rng, rng.int(1, 4))];
    case 4: // new flags: the layout changes under the same bytes
      if (out.length > 0) out[0] = rng.int(0, 255);
      return out;
    case 5: // insert a byte
      out.splice(rng.int(0, out.length), 0, rng.int(0, 255));
      return out;
    default: // delete a byte
      if (out.length > 0) out.splice(at(), 1);
      return out;
  }
}

function nextFrame(rng: Random, seeds: readonly number[][]): Uint8Array {
  if (rng.chance(0.15)) return Uint8Array.from(randomBytes(rng, rng.int(0, 28)));
  let bytes = rng.pick(seeds);
  for (let k = rng.int(1, 2); k > 0; k--) bytes = mutateOnce(rng, bytes);
  return Uint8Array.from(bytes);
}

interface FuzzStats {
  ok: number;
  errors: Partial<Record<string, number>>;
  problems: string[];
}

function fuzz(codec: GattCodec<unknown>, seeds: readonly number[][], rng: Random, count: number): FuzzStats {
  const stats: FuzzStats = { ok: 0, errors: {}, problems: [] };
  const problem = (what: string, bytes: Uint8Array): void => {
    if (stats.problems.length < 5) stats.problems.push(`${what} on ${Buffer.from(bytes).toString('hex')}`);
  };
  for (let i = 0; i < count; i++) {
    const bytes = nextFrame(rng, seeds);
    try {
      const result = codec.decode(viewOf(bytes));
      if (!result.ok) {
        const code = result.error.code;
        stats.errors[code] = (stats.errors[code] ?? 0) + 1;
        if (!GATT_ERROR_CODES.has(code) || result.error.message.length === 0) problem(`unexpected error ${code}`, bytes);
        continue;
      }
      stats.ok++;
      const again = codec.decode(viewOf(codec.encode(result.value)));
      if (!again.ok || !isDeepStrictEqual(again.value, result.value)) problem('re-encoding changed the value', bytes);
      const report = codec.report(result.value);
      if (report.samples.some((s) => !Number.isFinite(s.value))) problem('non-finite sample', bytes);
      if ((report.conditions ?? []).some((c) => !SENSOR_CONDITIONS.includes(c))) problem('unknown condition', bytes);
    } catch (error) {
      problem(`threw ${String(error)}`, bytes);
    }
  }
  return stats;
}

/** A forced collection, so heap numbers compare live objects rather than garbage not yet collected. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => void gc() : () => undefined;
}

describe('GATT decoders under random and mutated frames', () => {
  const gc = collectGarbage();

  it.each(CODEC_CASES.map((c) => [c.codec.name, c] as const))(
    `%s: ${FRAMES_PER_CODEC} frames, no throw, typed errors, stable round trip, flat heap`,
    (name, { codec, values }) => {
      const seeds = fc.sample(values, { numRuns: SEED_FRAMES, seed: 20260101 }).map((v) => [...codec.encode(v)]);
      const rng = new Random(`fuzz-${name}`);
      fuzz(codec, seeds, rng.fork('warm-up'), FRAMES_PER_CODEC / 10); // JIT and lazily built structures before measuring

      gc();
      const before = process.memoryUsage().heapUsed;
      const stats = fuzz(codec, seeds, rng, FRAMES_PER_CODEC);
      gc();
      const growth = process.memoryUsage().heapUsed - before;

      expect(stats.problems).toEqual([]);
      // both outcomes must actually be exercised, or the mutations are not reaching the decoder's paths
      expect(stats.ok).toBeGreaterThan(FRAMES_PER_CODEC / 100);
      expect(stats.errors.truncated ?? 0).toBeGreaterThan(FRAMES_PER_CODEC / 100);
      expect(stats.errors.length ?? 0).toBeGreaterThan(FRAMES_PER_CODEC / 100);
      expect(growth).toBeLessThan(16 * 1024 * 1024);
    },
  );
});
