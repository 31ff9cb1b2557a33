// Replay: feeds a recording's inputs through the same core on a virtual clock. Timers fire at their own
// virtual times, even across gaps with no input. Paced playback maps virtual time to wall time at `speed`.
import { policyOfHeader } from '../core/escalation-policy.js';
import type { EscalationPolicy } from '../core/escalation-types.js';
import type { Profile } from '../core/profile.js';
import { SessionCore } from '../core/session-core.js';
import {
  isCoreInput,
  type AlarmTransition,
  type BaselineSet,
  type CoreOutput,
  type Notification,
  type NotificationEnd,
  type RecordingHeader,
} from '../core/types.js';
import { Pacer } from './pacer.js';
import { readRecording, type RecordingIssue, type RecordingRecord } from '../store/recording-reader.js';

export interface ReplayOptions {
  profile: Profile;
  /** the escalation policy; default: the one the recording's header names (docs/notifications.md) */
  policy?: EscalationPolicy;
  /** virtual ms per wall ms; undefined or Infinity = as fast as possible */
  speed?: number;
  /** every output of the core, as it happens (virtual time order) */
  onOutput?: (output: CoreOutput) => void;
  /** a line the reader or the core refused */
  onIssue?: (issue: RecordingIssue) => void;
  /** stop early (paced playback) */
  signal?: AbortSignal;
}

export interface ReplayResult {
  header: RecordingHeader | undefined;
  profile: string;
  firstT: number | undefined;
  lastT: number | undefined;
  /** lines fed to the core and accepted */
  inputs: number;
  issues: RecordingIssue[];
  /** issues beyond this many are counted, not kept */
  issueCount: number;
  alarms: AlarmTransition[];
  baselines: BaselineSet[];
  /** alarm transitions found in the recording itself (what the live core decided back then) */
  recordedAlarms: AlarmTransition[];
  /** the notifications the core sent and ended (`notify`, `notify-end`) */
  notifications: Array<Notification | NotificationEnd>;
  /** the same, as found in the recording itself */
  recordedNotifications: Array<Notification | NotificationEnd>;
  core: SessionCore;
}

const KEEP_ISSUES = 1000;

/**
 * Collects refused lines from the reader and the core: the first KEEP_ISSUES kept, all counted, and passed
 * on in line order (the reader finds a chunk's bad lines before the core sees its good ones).
 */
class IssueLog {
  readonly items: RecordingIssue[] = [];
  count = 0;
  private pending: RecordingIssue[] = [];
  private next = 0;

  constructor(private readonly forward: ((issue: RecordingIssue) => void) | undefined) {}

  /** an issue found by the reader, ahead of the core */
  early = (issue: RecordingIssue): void => {
    this.pending.push(issue);
  };

  /** passes on the reader's issues for lines before `lineNo` */
  upTo(lineNo: number): void {
    for (let issue = this.pending[this.next]; issue !== undefined && issue.lineNo < lineNo; issue = this.pending[this.next]) {
      this.next++;
      this.add(issue);
    }
    if (this.next === this.pending.length && this.next > 0) {
      this.pending = [];
      this.next = 0;
    }
  }

  add(issue: RecordingIssue): void {
    this.count++;
    if (this.items.length < KEEP_ISSUES) this.items.push(issue);
    this.forward?.(issue);
  }
}

/** Replays a recording file. */
export async function replayFile(path: string, options: ReplayOptions): Promise<ReplayResult> {
  const log = new IssueLog(options.onIssue);
  return replayBatches(readRecording(path, { onIssue: log.early }), options, log);
}

/** Replays batches of records (the reader's shape); the core is fed in line order. */
export async function replayBatches(
  batches: AsyncIterable<RecordingRecord[]> | Iterable<RecordingRecord[]>,
  options: ReplayOptions,
  log = new IssueLog(options.onIssue),
): Promise<ReplayResult> {
  const alarms: AlarmTransition[] = [];
  const baselines: BaselineSet[] = [];
  const recordedAlarms: AlarmTransition[] = [];
  const notifications: Array<Notification | NotificationEnd> = [];
  const recordedNotifications: Array<Notification | NotificationEnd> = [];
  const sink = (output: CoreOutput): void => {
    if (output.type === 'alarm') alarms.push(output);
    else if (output.type === 'baseline') baselines.push(output);
    else if (output.type === 'notify' || output.type === 'notify-end') notifications.push(output);
    options.onOutput?.(output);
  };
  // The escalation policy comes from the header, so the core is made once the header has been seen (or not).
  let core: SessionCore | undefined;
  const coreFor = (header: RecordingHeader | undefined): SessionCore =>
    (core ??= new SessionCore(options.profile, sink, options.policy ?? policyOfHeader(header)));
  const result: ReplayResult = {
    header: undefined,
    profile: options.profile.name,
    firstT: undefined,
    lastT: undefined,
    inputs: 0,
    issues: log.items,
    issueCount: 0,
    alarms,
    baselines,
    recordedAlarms,
    notifications,
    recordedNotifications,
    get core(): SessionCore {
      return coreFor(this.header);
    },
  };
  const speed = options.speed ?? Infinity;
  const pacer = Number.isFinite(speed) ? new Pacer(speed, options.signal) : undefined;

  for await (const batch of batches) {
    for (const { lineNo, line } of batch) {
      if (options.signal?.aborted === true) return finish(result, log);
      log.upTo(lineNo);
      if (line.type === 'header') {
        result.header ??= line;
        continue;
      }
      if (line.type === 'alarm') {
        recordedAlarms.push(line);
        continue;
      }
      if (line.type === 'notify' || line.type === 'notify-end') {
        recordedNotifications.push(line);
        continue;
      }
      if (!isCoreInput(line)) continue; // other outputs and raw frames are what the core *said*, not inputs
      const t = line.t;
      const session = coreFor(result.header);
      if (pacer !== undefined && Number.isFinite(t)) await pacer.advanceTo(session, t);
      const rejection = session.input(line);
      if (rejection !== undefined) {
        log.add({ lineNo, message: `${rejection.reason}: ${rejection.message}`, text: JSON.stringify(line).slice(0, 200) });
        continue;
      }
      result.inputs++;
      result.firstT ??= t;
      result.lastT = t;
    }
  }
  return finish(result, log);
}

function finish(result: ReplayResult, log: IssueLog): ReplayResult {
  log.upTo(Infinity);
  result.issueCount = log.count;
  return result;
}
