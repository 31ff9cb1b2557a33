// `vigil replay <file> [--speed x] [--profile p] [--json] [--compare p]`
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE, loadProfile, type Profile } from '../core/profile.js';
import { compareAlarms } from '../replay/compare.js';
import { replayFile } from '../replay/replay.js';
import { readHeader } from '../store/recording-reader.js';
import { formatComparison, formatSummary } from '../replay/summary.js';
import { err, out, UsageError } from './io.js';

export const REPLAY_HELP = `usage: vigil replay <file> [options]

Feeds a vigil-recording through the core on a virtual clock; timers fire at their virtual times.

  --speed <x>        paced playback: 1 = real time, 60 = a minute per second (default: as fast as possible)
  --profile <p>      alarm profile: a built-in name or a file (default: the one the header names, else ${DEFAULT_PROFILE})
  --json             print each alarm transition as one JSON line, as it happens
  --compare <p>      replay under --profile (A) and <p> (B); show alarms that appear, disappear or move
  --quiet-issues     do not print bad lines to stderr (they are still counted)
`;

export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      speed: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
      compare: { type: 'string' },
      'quiet-issues': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    await out(REPLAY_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('replay needs exactly one recording file');
  const speed = values.speed === undefined ? Infinity : Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed must be a positive number, not "${values.speed ?? ''}"`);
  const profile = values.profile === undefined ? await recordedProfile(file) : loadProfile(values.profile);
  const onIssue = values['quiet-issues'] ? undefined : (issue: { lineNo: number; message: string }) => err(`${file}:${issue.lineNo}: ${issue.message}`);

  if (values.compare !== undefined) {
    const other = loadProfile(values.compare);
    const a = await replayFile(file, { profile, onIssue });
    const b = await replayFile(file, { profile: other });
    const changes = compareAlarms(a.alarms, b.alarms);
    if (values.json) {
      for (const change of changes) if (change.change !== 'same') await out(`${JSON.stringify(change)}\n`);
    } else {
      await out(formatComparison(changes, profile.name, `${other.name} (${values.compare})`, a.firstT));
    }
    return 0;
  }

  let pending = Promise.resolve();
  const result = await replayFile(file, {
    profile,
    speed,
    onIssue,
    onOutput: values.json
      ? (output) => {
          if (output.type === 'alarm') pending = pending.then(() => out(`${JSON.stringify(output)}\n`));
        }
      : undefined,
  });
  await pending;
  if (!values.json) await out(formatSummary(result, file));
  return 0;
}

/** The profile the recording says it ran under, when vigil has it; otherwise the default. */
async function recordedProfile(file: string): Promise<Profile> {
  const named = await readHeader(file).then(
    (header) => header.session.profile,
    () => undefined,
  );
  if (named === undefined) return loadProfile(DEFAULT_PROFILE);
  try {
    return loadProfile(named);
  } catch {
    err(`${file}: recorded under profile "${named}", which is not available here; replaying under ${DEFAULT_PROFILE}`);
    return loadProfile(DEFAULT_PROFILE);
  }
}
