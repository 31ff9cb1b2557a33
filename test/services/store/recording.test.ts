import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordingLine, Sample } from '../../../services/core/types.js';
import { MAX_LINE_LENGTH, parseOnly, readHeader, readRecording } from '../../../services/store/recording-reader.js';
import { openRecordingWriter, writeRecording } from '../../../services/store/recording-writer.js';
import { collect, HEADER, T0, tempDirs } from './recording-helpers.js';

const dirs = tempDirs();
afterEach(dirs.cleanup);

async function tempFile(name = 'session.ndjson'): Promise<string> {
  return join(await dirs.make(), name);
}

function hr(i: number, value = 60 + (i % 40)): Sample {
  return { type: 'sample', t: T0 + i * 1000, vital: 'hr', value, unit: '/min', device: 'hrm-1' };
}

const NOTE: RecordingLine = { type: 'event', t: T0 + 5, event: 'note', text: 'Temperatur 38,5 °C 🔥😀 naïve — ok' };

describe('writer → reader round trip', () => {
  it('reads back exactly what the writer appended, with line numbers', async () => {
    const path = await tempFile();
    const lines: RecordingLine[] = [
      { type: 'event', t: T0, event: 'session-start' },
      hr(1),
      NOTE,
      { type: 'raw', t: T0 + 6, device: 'hrm-1', hex: '0047' },
      { type: 'alarm', t: T0 + 7, rule: 'hr-rise', id: 'hr-rise#1', vital: 'hr', priority: 'medium', kind: 'physiological', state: 'raised', value: 103 },
    ];
    const writer = await openRecordingWriter(path, HEADER);
    for (const line of lines) writer.append(line);
    await writer.close();

    const { records, issues } = await collect(path);
    expect(issues).toEqual([]);
    expect(records).toEqual([HEADER, ...lines].map((line, i) => ({ lineNo: i + 1, line })));
  });

  it('writeRecording writes a whole file that reads back the same, in batches', async () => {
    const path = await tempFile();
    const lines: RecordingLine[] = [HEADER, ...Array.from({ length: 20_000 }, (_, i) => hr(i))];
    await writeRecording(path, lines);
    const { lines: read, issues, batches } = await collect(path);
    expect(issues).toEqual([]);
    expect(read).toEqual(lines);
    // ~1.4 MB in 64 KiB reads: one batch per read, not one per line or one per file.
    expect(batches).toBeGreaterThan(10);
    expect(batches).toBeLessThan(40);
    expect(await parseOnly(path)).toEqual({ lines: lines.length });
  });

  it('writeRecording refuses input without a header and leaves an existing file alone', async () => {
    const path = await tempFile();
    await writeFile(path, 'keep me\n');
    await expect(writeRecording(path, [hr(1)])).rejects.toThrow(/must start with its header/);
    await expect(writeRecording(path, [])).rejects.toThrow(/must start with its header/);
    expect(await readFile(path, 'utf8')).toBe('keep me\n');
  });
});

describe('readRecording with malformed input', () => {
  it('yields the good lines in order and reports each bad one with its line number', async () => {
    const path = await tempFile();
    const text = [
      JSON.stringify(HEADER), // 1
      JSON.stringify(hr(1)), // 2
      '{"type":"sample","t":1767225602000,"vital":"hr","value":', // 3 bad JSON (torn)
      '{"type":"sample","t":1767225603000,"vital":"xyz","value":70,"unit":"/min"}', // 4 unknown vital
      '{"type":"sample","t":1767225604000,"vital":"hr","value":NaN,"unit":"/min"}', // 5 NaN literal
      '{"type":"sample","t":1767225605000,"vital":"hr","value":"NaN","unit":"/min"}', // 6 NaN as string
      '{"type":"sample","t":1767225606000,"vital":"hr","unit":"/min"}', // 7 missing value
      '{"type":"event","event":"dose","mg":120}', // 8 missing t
      '[1,2,3]', // 9 not an object
      '"just a string"', // 10 not an object
      '', // 11 blank: silently skipped
      JSON.stringify(hr(12)), // 12
      '{"type":"hologram","t":1767225613000,"beams":3}', // 13 unknown type: silently skipped
      '{"type":"tick","t":1767225614000,"extra":"ignored","nested":{"a":[1]}}', // 14 unknown fields kept, unread
      JSON.stringify(hr(15)), // 15
    ].join('\n');
    await writeFile(path, `${text}\n`);

    const { records, issues } = await collect(path);
    expect(records.map((r) => r.lineNo)).toEqual([1, 2, 12, 14, 15]);
    expect(records.map((r) => r.line)).toEqual([
      HEADER,
      hr(1),
      hr(12),
      { type: 'tick', t: 1767225614000, extra: 'ignored', nested: { a: [1] } },
      hr(15),
    ]);
    expect(issues.map((i) => i.lineNo)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(issues.map((i) => i.message.replace(/^invalid JSON: .*/, 'invalid JSON'))).toEqual([
      'invalid JSON',
      'sample: unknown vital "xyz"',
      'invalid JSON',
      'sample: "value" must be a finite number, got "NaN"',
      'sample: missing "value"',
      'event: missing "t"',
      'line is not a JSON object',
      'line is not a JSON object',
    ]);
    expect(issues[1]?.text).toBe('{"type":"sample","t":1767225603000,"vital":"xyz","value":70,"unit":"/min"}');
  });

  it('reports a missing header on line 1 and still reads the rest', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify(hr(1))}\n${JSON.stringify(hr(2))}\n`);
    const { lines, issues } = await collect(path);
    expect(lines).toEqual([hr(1), hr(2)]);
    expect(issues).toEqual([{ lineNo: 1, message: 'missing header: first line is a "sample" line', text: JSON.stringify(hr(1)) }]);
  });

  it('reports an unsupported header version on line 1 and still reads the rest', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify({ ...HEADER, version: 2 })}\n${JSON.stringify(hr(2))}\n`);
    const { lines, issues } = await collect(path);
    expect(lines).toEqual([hr(2)]);
    expect(issues.map((i) => [i.lineNo, i.message])).toEqual([[1, 'header: unsupported version 2']]);
  });

  it('reports an empty file as missing its header', async () => {
    const path = await tempFile();
    await writeFile(path, '\n\n');
    const { lines, issues } = await collect(path);
    expect(lines).toEqual([]);
    expect(issues.map((i) => [i.lineNo, i.message])).toEqual([[1, 'empty recording: no header']]);
  });

  it('truncates the issue text to 200 characters', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify(HEADER)}\n{"type":"event","t":1,"event":"${'z'.repeat(1000)}"}\n`);
    const { issues } = await collect(path);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.text).toHaveLength(200);
    expect(issues[0]?.message).toMatch(/^event: unknown event "z{39}…$/);
  });
});

describe('line splitting', () => {
  it('handles CRLF line ends and a final line without a newline', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify(HEADER)}\r\n${JSON.stringify(hr(1))}\r\n\r\n{bad}\r\n${JSON.stringify(hr(2))}`);
    const { records, issues } = await collect(path);
    expect(records).toEqual([
      { lineNo: 1, line: HEADER },
      { lineNo: 2, line: hr(1) },
      { lineNo: 5, line: hr(2) },
    ]);
    expect(issues.map((i) => [i.lineNo, i.text])).toEqual([[4, '{bad}']]);
  });

  it('gives the same result for every chunk size, multi-byte characters split across chunks included', async () => {
    const path = await tempFile();
    const lines: RecordingLine[] = [HEADER, NOTE, hr(1), { ...NOTE, t: T0 + 9, text: '°'.repeat(7) + '🫀'.repeat(5) }, hr(2)];
    const text = `${lines.map((l) => JSON.stringify(l)).join('\r\n')}\n{"type":"event","t":1,"event":"not-a-kind 🔥"}\n`;
    await writeFile(path, text);
    const bytes = Buffer.byteLength(text);
    const expected = lines.map((line, i) => ({ lineNo: i + 1, line }));
    for (const highWaterMark of [1, 2, 3, 5, 7, 16, 17, 64, bytes]) {
      const { records, issues, batches } = await collect(path, { highWaterMark });
      expect(records, `highWaterMark ${highWaterMark}`).toEqual(expected);
      expect(issues.map((i) => [i.lineNo, i.message, i.text])).toEqual([
        [6, 'event: unknown event "not-a-kind 🔥"', '{"type":"event","t":1,"event":"not-a-kind 🔥"}'],
      ]);
      if (highWaterMark === 16) expect(batches).toBe(lines.length); // each line completes in its own chunk
    }
  });

  it('reports a line over 1 MiB as too long, skips it, and reads on', async () => {
    const path = await tempFile();
    const junk = `{"type":"event","t":1,"text":"${'x'.repeat(MAX_LINE_LENGTH + 10)}"}`;
    await writeFile(path, `${JSON.stringify(HEADER)}\n${junk}\n${JSON.stringify(hr(3))}\n${'y'.repeat(MAX_LINE_LENGTH * 2)}`);
    // Default chunks (line spans many reads), and one read bigger than the line (line inside one chunk).
    for (const highWaterMark of [undefined, 4096, 4 * MAX_LINE_LENGTH]) {
      const { records, issues } = await collect(path, highWaterMark === undefined ? {} : { highWaterMark });
      expect(records.map((r) => [r.lineNo, r.line])).toEqual([[1, HEADER], [3, hr(3)]]);
      expect(issues.map((i) => [i.lineNo, i.message])).toEqual([
        [2, `line too long (over ${MAX_LINE_LENGTH} characters), skipped`],
        [4, `line too long (over ${MAX_LINE_LENGTH} characters), skipped`],
      ]);
      expect(issues[0]?.text).toBe(junk.slice(0, 200));
      expect(issues[1]?.text).toBe('y'.repeat(200));
    }
  });

  it('keeps a line of exactly 1 MiB', async () => {
    const path = await tempFile();
    const note = { type: 'event', t: 1, event: 'note', text: '' };
    const line = { ...note, text: 'n'.repeat(MAX_LINE_LENGTH - JSON.stringify(note).length) };
    expect(JSON.stringify(line)).toHaveLength(MAX_LINE_LENGTH);
    await writeFile(path, `${JSON.stringify(HEADER)}\n${JSON.stringify(line)}\n`);
    const { lines, issues } = await collect(path, { highWaterMark: 1000 });
    expect(issues).toEqual([]);
    expect(lines).toEqual([HEADER, line]);
  });

  it('skips a huge junk line without buffering it', async () => {
    const path = await tempFile();
    const junkBytes = 96 * 1024 * 1024;
    await writeFile(path, `${JSON.stringify(HEADER)}\n`);
    const block = Buffer.alloc(8 * 1024 * 1024, 'q');
    for (let written = 0; written < junkBytes; written += block.length) await appendFile(path, block);
    await appendFile(path, `\n${JSON.stringify(hr(3))}\n`);

    // Sampled between reads: buffering the line would hold all 96 MiB of it at once.
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 1);
    try {
      const { lines, issues } = await collect(path);
      expect(lines).toEqual([HEADER, hr(3)]);
      expect(issues.map((i) => i.lineNo)).toEqual([2]);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });

  it('lets a consumer stop early and closes the file', async () => {
    const path = await tempFile();
    await writeRecording(path, [HEADER, ...Array.from({ length: 5000 }, (_, i) => hr(i))]);
    let seen = 0;
    for await (const batch of readRecording(path, { highWaterMark: 1024 })) {
      seen += batch.length;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(100);
  });

  it('rejects a nonsensical highWaterMark', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify(HEADER)}\n`);
    await expect(collect(path, { highWaterMark: 0 })).rejects.toThrow(RangeError);
  });
});

describe('readHeader', () => {
  it('returns the header, skipping leading blank lines', async () => {
    const path = await tempFile();
    await writeFile(path, `\n \r\n${JSON.stringify(HEADER)}\n${JSON.stringify(hr(1))}\n`);
    expect(await readHeader(path)).toEqual(HEADER);
  });

  it('throws a clear error when there is no valid header', async () => {
    const path = await tempFile();
    await writeFile(path, '');
    await expect(readHeader(path)).rejects.toThrow(`${path}: not a vigil-recording: the file is empty`);
    await writeFile(path, `${JSON.stringify(hr(1))}\n`);
    await expect(readHeader(path)).rejects.toThrow('line 1: expected a "header" line, found "sample"');
    await writeFile(path, `\n${JSON.stringify({ ...HEADER, version: 2 })}\n`);
    await expect(readHeader(path)).rejects.toThrow('line 2: header: unsupported version 2');
    await writeFile(path, 'not json');
    await expect(readHeader(path)).rejects.toThrow(/line 1: invalid JSON: /);
    await expect(readHeader(join(path, 'missing'))).rejects.toThrow(/ENOTDIR|ENOENT/);
  });
});

describe('openRecordingWriter', () => {
  it('writes the header to a new file, and appends to an existing one without a second header', async () => {
    const path = await tempFile();
    const first = await openRecordingWriter(path, HEADER);
    first.append(hr(1));
    await first.close();
    const second = await openRecordingWriter(path, HEADER);
    second.append(hr(2));
    await second.close();
    const third = await openRecordingWriter(path); // no header needed for an existing file
    third.append(hr(3));
    await third.close();

    const text = await readFile(path, 'utf8');
    expect(text.match(/"type":"header"/g)).toHaveLength(1);
    expect((await collect(path)).lines).toEqual([HEADER, hr(1), hr(2), hr(3)]);
  });

  it('gives an existing empty file its header', async () => {
    const path = await tempFile();
    await writeFile(path, '');
    const writer = await openRecordingWriter(path, HEADER);
    writer.append(hr(1));
    await writer.close();
    expect((await collect(path)).lines).toEqual([HEADER, hr(1)]);
  });

  it('refuses a new file without a header and creates nothing', async () => {
    const path = await tempFile();
    await expect(openRecordingWriter(path)).rejects.toThrow(/needs a header/);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it('starts on a fresh line after a torn last line', async () => {
    const path = await tempFile();
    await writeFile(path, `${JSON.stringify(HEADER)}\n${JSON.stringify(hr(1))}\n{"type":"sample","t":17`);
    const writer = await openRecordingWriter(path);
    writer.append(hr(4));
    await writer.close();
    const { records, issues } = await collect(path);
    expect(records.map((r) => [r.lineNo, r.line])).toEqual([[1, HEADER], [2, hr(1)], [4, hr(4)]]);
    expect(issues.map((i) => i.lineNo)).toEqual([3]);
  });

  it('buffers appends and commits them by itself within the interval', async () => {
    const path = await tempFile();
    const writer = await openRecordingWriter(path, HEADER, { fsyncIntervalMs: 30 });
    writer.append(hr(1));
    writer.append(hr(2));
    // append() only buffers: nothing has touched the file yet.
    expect((await stat(path)).size).toBe(0);
    await vi.waitFor(async () => {
      expect((await collect(path)).lines).toEqual([HEADER, hr(1), hr(2)]);
    }, { timeout: 2000, interval: 10 });
    await writer.close();
  });

  it('has every appended line on disk once flush() resolves', async () => {
    const path = await tempFile();
    // An interval far beyond the test: only flush() can have written the lines.
    const writer = await openRecordingWriter(path, HEADER, { fsyncIntervalMs: 60_000 });
    writer.append(hr(1));
    await writer.flush();
    expect((await collect(path)).lines).toEqual([HEADER, hr(1)]);
    writer.append(hr(2));
    await writer.flush();
    expect((await collect(path)).lines).toEqual([HEADER, hr(1), hr(2)]);
    await writer.close();
  });

  it('loses and reorders nothing when appends and flushes interleave, and close writes the rest', async () => {
    const path = await tempFile();
    const writer = await openRecordingWriter(path, HEADER, { fsyncIntervalMs: 1 });
    const expected: RecordingLine[] = [HEADER];
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = hr(i);
      writer.append(line);
      expected.push(line);
      if (i % 97 === 0) flushes.push(writer.flush()); // not awaited: appends continue while it runs
      // Yield to I/O, so later appends land while a write or fsync of an earlier commit is in flight.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(flushes);
    await writer.close();
    expect((await collect(path)).lines).toEqual(expected);
  });

  it('commits early when a burst exceeds the buffer limit', async () => {
    const path = await tempFile();
    const writer = await openRecordingWriter(path, HEADER, { fsyncIntervalMs: 60_000 });
    for (let i = 0; i < 20_000; i++) writer.append(hr(i)); // ~1.4 MB, over the 1 MiB eager-commit mark
    await vi.waitFor(async () => {
      expect((await stat(path)).size).toBeGreaterThan(1024 * 1024);
    }, { timeout: 2000, interval: 10 });
    await writer.close();
    expect((await collect(path)).lines).toHaveLength(20_001);
  });

  it('counts an unserialisable line instead of throwing, and refuses appends after close', async () => {
    const path = await tempFile();
    const writer = await openRecordingWriter(path, HEADER);
    const cyclic: Record<string, unknown> = { type: 'tick', t: 1 };
    cyclic.self = cyclic;
    expect(() => writer.append(cyclic as unknown as RecordingLine)).not.toThrow();
    expect(() => writer.append({ type: 'tick', t: 2, big: 1n } as unknown as RecordingLine)).not.toThrow();
    writer.append(hr(1));
    expect(writer.dropped).toBe(2);
    const closing = writer.close();
    expect(writer.close()).toBe(closing);
    await closing;
    expect(() => writer.append(hr(2))).toThrow(/closed/);
    expect((await collect(path)).lines).toEqual([HEADER, hr(1)]);
  });
});
