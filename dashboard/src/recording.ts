// Reading a vigil-recording (NDJSON) in the browser for the replay: the lines the dashboard applies (the same
// ones the WebSocket forwards, escalation lines included), in time order. Raw frames, ticks, actions and artifacts
// are skipped: an action's effect is in the recording as the alarm/audio/rule lines the core wrote.
import type { SessionLine, RecordingHeaderLike } from './types.js';

const APPLIED = new Set(['sample', 'alarm', 'event', 'device', 'audio', 'baseline', 'rule', 'notify', 'notify-end', 'delivery']);
/** What the core says (a replay on the service recomputes these); `delivery` is an input, kept from the file. */
const OUTPUTS = new Set(['alarm', 'audio', 'baseline', 'rule', 'notify', 'notify-end']);

export interface Recording {
  header: RecordingHeaderLike | undefined;
  lines: SessionLine[];
  /** the recording holds the core's own alarm lines (a journal); a simulated file has none */
  hasAlarms: boolean;
  firstT: number | undefined;
  lastT: number | undefined;
  /** lines that are not JSON or lack a time */
  bad: number;
}

function byTime(lines: Array<{ line: SessionLine; order: number }>): SessionLine[] {
  return lines.sort((a, b) => a.line.t - b.line.t || a.order - b.order).map((x) => x.line);
}

export function parseRecording(text: string): Recording {
  let header: RecordingHeaderLike | undefined;
  const lines: Array<{ line: SessionLine; order: number }> = [];
  let hasAlarms = false;
  let bad = 0;
  let start = 0;
  let order = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      bad++;
      continue;
    }
    if (typeof value !== 'object' || value === null) {
      bad++;
      continue;
    }
    const line = value as { type?: unknown; t?: unknown };
    if (line.type === 'header') {
      header ??= value as RecordingHeaderLike;
      continue;
    }
    if (typeof line.type !== 'string' || !APPLIED.has(line.type)) continue;
    if (typeof line.t !== 'number' || !Number.isFinite(line.t)) {
      bad++;
      continue;
    }
    if (line.type === 'alarm') hasAlarms = true;
    lines.push({ line: value as SessionLine, order: order++ });
  }
  const sorted = byTime(lines);
  return { header, lines: sorted, hasAlarms, firstT: sorted[0]?.t, lastT: sorted[sorted.length - 1]?.t, bad };
}

/**
 * The recording's inputs with the outputs the service's core computed for them, in time order; at the same
 * instant the input comes first (the sample that raised an alarm before the alarm).
 */
export function withOutputs(recording: Recording, outputs: readonly SessionLine[]): Recording {
  const merged: Array<{ line: SessionLine; order: number }> = [];
  let order = 0;
  for (const line of recording.lines) if (!OUTPUTS.has(line.type)) merged.push({ line, order: order++ });
  for (const line of outputs) if (OUTPUTS.has(line.type) && Number.isFinite(line.t)) merged.push({ line, order: order++ });
  const lines = byTime(merged);
  return { ...recording, lines, hasAlarms: outputs.some((o) => o.type === 'alarm'), firstT: lines[0]?.t, lastT: lines[lines.length - 1]?.t };
}
