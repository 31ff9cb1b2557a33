import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_KINDS, EVENT_KINDS, VITALS } from '../../../services/core/types.js';
import type { RecordingHeader, RecordingLine } from '../../../services/core/types.js';
import { openRecordingWriter, writeRecording } from '../../../services/store/recording-writer.js';
import { collect, tempDirs } from './recording-helpers.js';

const dirs = tempDirs();
afterAll(dirs.cleanup);

// JSON has no -0: it reads back as 0, which toEqual would tell apart.
const num = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const t = fc.integer({ min: 0, max: 4_102_444_800_000 });
const text = fc.string({ unit: 'binary', maxLength: 40 });
const vital = fc.constantFrom(...VITALS);
const opts = { noNullPrototype: true } as const;

const header: fc.Arbitrary<RecordingHeader> = fc.record({
  type: fc.constant('header' as const),
  format: fc.constant('vigil-recording' as const),
  version: fc.constant(1 as const),
  session: fc.record({ id: text, patient: text, room: text, profile: text }, { ...opts, requiredKeys: ['id', 'patient'] }),
}, opts);

const line: fc.Arbitrary<RecordingLine> = fc.oneof(
  fc.record({
    type: fc.constant('sample' as const), t, vital, value: num,
    unit: fc.constantFrom('/min', '%', 'mm[Hg]', 'Cel', 'kPa', '[degF]'),
    device: text, mode: fc.constantFrom('continuous', 'spot'),
  }, { ...opts, requiredKeys: ['type', 't', 'vital', 'value', 'unit'] }),
  fc.record({
    type: fc.constant('event' as const), t, event: fc.constantFrom(...EVENT_KINDS), mg: num, ml: num, text, by: text,
  }, { ...opts, requiredKeys: ['type', 't', 'event'] }),
  fc.record({
    type: fc.constant('device' as const), t, device: text,
    state: fc.constantFrom('connected', 'disconnected', 'removed'), vitals: fc.array(vital, { maxLength: 3 }), battery: num,
  }, { ...opts, requiredKeys: ['type', 't', 'device'] }),
  fc.record({
    type: fc.constant('action' as const), t, action: fc.constantFrom(...ACTION_KINDS),
    by: text, rule: text, vital, value: num, reason: text,
  }, { ...opts, requiredKeys: ['type', 't', 'action'] }),
  fc.record({ type: fc.constant('tick' as const), t }, opts),
  fc.record({
    type: fc.constant('alarm' as const), t, rule: text, id: text, vital: fc.constantFrom(...VITALS, 'device' as const),
    priority: fc.constantFrom('high', 'medium', 'low'), kind: fc.constantFrom('physiological', 'technical'),
    state: fc.constantFrom('raised', 'cleared', 'acknowledged', 'escalated'),
    value: num, device: text, by: text, level: fc.integer({ min: 1, max: 5 }), reason: text,
  }, { ...opts, requiredKeys: ['type', 't', 'rule', 'id', 'vital', 'priority', 'kind', 'state'] }),
  fc.record({
    type: fc.constant('audio' as const), t, state: fc.constantFrom('paused', 'resumed'), until: t, by: text,
  }, { ...opts, requiredKeys: ['type', 't', 'state'] }),
  fc.record({
    type: fc.constant('baseline' as const), t, vital, value: num, source: fc.constantFrom('auto', 'manual'),
    samples: fc.nat(), by: text,
  }, { ...opts, requiredKeys: ['type', 't', 'vital', 'value', 'source'] }),
  fc.record({ type: fc.constant('artifact' as const), t, vital, value: num, device: text }, {
    ...opts, requiredKeys: ['type', 't', 'vital', 'value'],
  }),
  fc.record({ type: fc.constant('rule' as const), t, rule: text, enabled: fc.boolean(), by: text, reason: text }, {
    ...opts, requiredKeys: ['type', 't', 'rule', 'enabled'],
  }),
  fc.record({
    type: fc.constant('raw' as const), t, device: text,
    hex: fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes).toString('hex')),
  }, opts),
  header,
);

describe('recording round trip (property)', () => {
  it('reads back any valid lines exactly, whichever writer and chunk size', async () => {
    const dir = await dirs.make();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(line, { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        async (head, lines, highWaterMark, viaAppend) => {
          const path = join(dir, `r${run++}.ndjson`);
          if (viaAppend) {
            const writer = await openRecordingWriter(path, head);
            for (const l of lines) writer.append(l);
            await writer.close();
          } else {
            await writeRecording(path, [head, ...lines]);
          }
          const read = await collect(path, { highWaterMark });
          expect(read.issues).toEqual([]);
          expect(read.records).toEqual([head, ...lines].map((l, i) => ({ lineNo: i + 1, line: l })));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('splits any text into the same records and issues, whatever the chunk size', async () => {
    const dir = await dirs.make();
    let run = 0;
    // Valid lines, junk, blanks and CRs mixed, so every branch of the line splitter meets chunk edges.
    const piece = fc.oneof(
      line.map((l) => JSON.stringify(l)),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('', '\r', '\n', '\r\n', '{', '°C🔥'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), async (pieces, highWaterMark) => {
        const path = join(dir, `s${run++}.ndjson`);
        await writeFile(path, pieces.join('\n'));
        const whole = await collect(path);
        const chunked = await collect(path, { highWaterMark });
        expect(chunked.records).toEqual(whole.records);
        expect(chunked.issues).toEqual(whole.issues);
      }),
      { numRuns: 150 },
    );
  });
});
