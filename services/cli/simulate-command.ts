// `vigil simulate --scenario <name> --out <file> [--seed n] [--duration 8h]`
import { parseArgs } from 'node:util';
import { SCENARIOS, simulateSession } from '../../devices/sim/session.js';
import { parseDuration } from '../core/duration.js';
import { writeRecording } from '../store/recording-writer.js';
import { out, UsageError } from './io.js';

function help(): string {
  const names = SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n');
  return `usage: vigil simulate --scenario <name> --out <file> [--seed n] [--duration 8h]

Writes a deterministic, physiologically plausible session as a vigil-recording (same seed, same file).

  --scenario <name>  one of:
${names}
  --out <file>       where to write the recording ("-" for standard output)
  --seed <n>         random seed (default 1)
  --duration <d>     session length, e.g. 8h, 90m (default 8h)
  --start <iso>      wall-clock start (default 2026-01-01T00:00:00Z)
`;
}

export async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      scenario: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      start: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    await out(help());
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.scenario === undefined) throw new UsageError(`--scenario is required (one of ${SCENARIOS.map((s) => s.name).join(', ')})`);
  if (values.out === undefined) throw new UsageError('--out is required (a file, or - for standard output)');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not "${values.seed}"`);
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    try {
      durationMs = parseDuration(values.duration);
    } catch (error) {
      throw new UsageError(`--duration: ${(error as Error).message}`);
    }
  }
  const start = values.start === undefined ? undefined : Date.parse(values.start);
  if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start must be an ISO date, not "${values.start}"`);
  if (!SCENARIOS.some((s) => s.name === values.scenario)) {
    throw new UsageError(`unknown scenario "${values.scenario}" (one of ${SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  const lines = simulateSession({ scenario: values.scenario, seed, ...(durationMs === undefined ? {} : { durationMs }), ...(start === undefined ? {} : { start }) });
  if (values.out === '-') {
    for (const line of lines) await out(`${JSON.stringify(line)}\n`);
  } else {
    await writeRecording(values.out, lines);
  }
  return 0;
}
