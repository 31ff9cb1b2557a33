// Shared fixtures of the recording tests: real temp directories and a reader that collects everything.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingHeader, RecordingLine } from '../../../services/core/types.js';
import { readRecording } from '../../../services/store/recording-reader.js';
import type { ReadOptions, RecordingIssue, RecordingRecord } from '../../../services/store/recording-reader.js';

export const HEADER: RecordingHeader = {
  type: 'header',
  format: 'vigil-recording',
  version: 1,
  session: { id: 's-1', patient: 'P-017' },
};

export const T0 = 1767225600000;

/** A temp directory per test; `cleanup` removes every one made. */
export function tempDirs(): { make: () => Promise<string>; cleanup: () => Promise<void> } {
  const made: string[] = [];
  return {
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vigil-recording-'));
      made.push(dir);
      return dir;
    },
    cleanup: async () => {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

export interface Collected {
  records: RecordingRecord[];
  lines: RecordingLine[];
  issues: RecordingIssue[];
  batches: number;
}

export async function collect(path: string, options: Omit<ReadOptions, 'onIssue'> = {}): Promise<Collected> {
  const records: RecordingRecord[] = [];
  const issues: RecordingIssue[] = [];
  let batches = 0;
  for await (const batch of readRecording(path, { ...options, onIssue: (issue) => issues.push(issue) })) {
    batches++;
    records.push(...batch);
  }
  return { records, lines: records.map((r) => r.line), issues, batches };
}
