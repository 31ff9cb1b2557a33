// The alarm system's own health: problems as data with change notifications, fed by real parts — a journal
// writer on /dev/full (real ENOSPC), a live session whose core throws, a blocked event loop.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test, vi } from 'vitest';
import type { CoreInput, RecordingHeader, RecordingLine } from '../../../services/core/types.js';
import { SessionManager } from '../../../services/live/session-manager.js';
import { describeError, SystemHealth, type HealthChange, type WatchedSession } from '../../../services/live/system-health.js';
import { openRecordingWriter } from '../../../services/store/recording-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-health-'));
const healths: SystemHealth[] = [];
afterEach(() => {
  for (const health of healths.splice(0)) health.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function track(health: SystemHealth): HealthChange[] {
  healths.push(health);
  const changes: HealthChange[] = [];
  health.subscribe((change) => changes.push(change));
  return changes;
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A real errno error: what writing to /dev/full gives. */
async function enospc(): Promise<unknown> {
  return writeFile('/dev/full', 'x').then(
    () => new Error('/dev/full accepted a write'),
    (error: unknown) => error,
  );
}

test('a problem is raised once, a new message is a change that keeps `since`, recovery clears it', async () => {
  let now = 1_000;
  const health = new SystemHealth({ now: () => now });
  const changes = track(health);
  expect(health.state).toBe('ok');

  const full = await enospc();
  expect((full as NodeJS.ErrnoException).code).toBe('ENOSPC');
  health.journalFailed('s-1', full);
  now = 2_000;
  health.journalFailed('s-1', full); // the writer retries every interval: the same failure is no news
  expect(changes.map((c) => c.kind)).toEqual(['raised']);
  expect(health.state).toBe('failed');
  const [problem] = health.problems();
  expect(problem).toMatchObject({ component: 'journal', session: 's-1', since: 1_000 });
  expect(problem?.message).toContain('ENOSPC (no space left on device) on write');

  // Another error: a change, still failing since the first.
  const gone = await writeFile(join(dir, 'no-such-dir', 'x.ndjson'), 'x').catch((error: unknown) => error);
  health.journalFailed('s-1', gone);
  expect(changes.map((c) => c.kind)).toEqual(['raised', 'changed']);
  expect(health.problems()[0]).toMatchObject({ since: 1_000 });
  expect(health.problems()[0]?.message).toContain('ENOENT');
  expect(health.problems()[0]?.message).not.toContain(dir); // paths stay out of what every screen shows

  health.journalRecovered('s-1');
  expect(changes.map((c) => c.kind)).toEqual(['raised', 'changed', 'cleared']);
  expect(changes[2]?.problem).toMatchObject({ component: 'journal', session: 's-1' });
  expect(health.state).toBe('ok');
  expect(health.problems()).toEqual([]);
});

test('errors are described without paths', () => {
  expect(describeError(new Error(`/var/lib/vigil/sessions/s-1.ndjson: a new recording needs a header`))).toBe('…: a new recording needs a header');
  expect(describeError('plain and/or simple')).toBe('plain and/or simple');
});

test('a journal on /dev/full: the writer reports ENOSPC; once the path is a real file again it recovers and nothing buffered is lost', async () => {
  const health = new SystemHealth();
  const changes = track(health);
  const path = join(dir, 's-full.ndjson');
  symlinkSync('/dev/full', path);
  const header: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's-full', patient: 'P-1' } };
  const writer = await openRecordingWriter(path, header, {
    fsyncIntervalMs: 20,
    onCommitFailed: (error) => health.journalFailed('s-full', error),
    onCommitRecovered: () => health.journalRecovered('s-full'),
  });
  const lines: RecordingLine[] = [{ type: 'event', t: 1_000, event: 'session-start' }];
  writer.append(lines[0] as RecordingLine);
  await expect(writer.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
  expect(health.problems()).toEqual([expect.objectContaining({ component: 'journal', session: 's-full' })]);

  // Still failing: lines keep coming and are kept, retried in the background.
  for (let i = 1; i <= 5; i++) {
    const line: RecordingLine = { type: 'sample', t: 1_000 + i * 1000, vital: 'hr', value: 70 + i, unit: '/min' };
    lines.push(line);
    writer.append(line);
  }
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(health.state).toBe('failed');

  // Space again: the path is a regular file. The writer reopens it before its next retry.
  unlinkSync(path);
  writeFileSync(path, '');
  await until('the journal to recover', () => health.state === 'ok');
  expect(changes.map((c) => c.kind)).toEqual(['raised', 'cleared']);
  await writer.close();
  const written = readFileSync(path, 'utf8').trimEnd().split('\n').map((text) => JSON.parse(text) as unknown);
  expect(written).toEqual([header, ...lines]);
});

test('a real live session whose core throws on ticks: the fault and the overdue timers are shown, and clear once it works again', async () => {
  const health = new SystemHealth({ quietMs: 300 });
  const changes = track(health);
  health.start({ intervalMs: 20, stallMs: 5_000, overdueMs: 200 });
  const manager = new SessionManager({ dataDir: join(dir, 'data'), health });
  const session = await manager.create({ patient: 'P-2', therapists: ['t.anna'] });
  const original = session.core.input.bind(session.core);
  const spy = vi.spyOn(session.core, 'input').mockImplementation((input: CoreInput) => {
    if (input.type === 'tick') throw new TypeError('injected tick bug');
    return original(input);
  });
  // A heart-rate source bound a minute ago and silent since: hr-stale is due 45 s ago, and every tick throws.
  const t = Date.now() - 60_000;
  expect(session.input({ type: 'device', t, device: 'strap-1', state: 'connected', vitals: ['hr'] })).toBeUndefined();
  await until('the fault and the overdue timers', () => health.problems().length === 2);
  const problems = health.problems();
  expect(problems).toContainEqual(expect.objectContaining({ component: 'core', session: session.id, message: expect.stringContaining('injected tick bug') }));
  expect(problems).toContainEqual(expect.objectContaining({ component: 'core', session: session.id, since: t + 15_000, message: expect.stringContaining('stopped making progress') }));
  expect(session.input({ type: 'sample', t: t + 1, vital: 'hr', value: 150, unit: '/min' })).toBeUndefined(); // still takes input

  spy.mockRestore();
  await until('both to clear', () => health.state === 'ok');
  expect(changes.filter((c) => c.kind === 'cleared')).toHaveLength(2);
  expect(session.nextDeadline()).toBeGreaterThan(t + 15_000); // its timers moved on
  await manager.closeAll();
});

test('overdue timers of a watched session: shown while overdue, not for an ended session', async () => {
  const health = new SystemHealth();
  const changes = track(health);
  let deadline = Date.now() - 10_000;
  let phase: WatchedSession['phase'] = 'live';
  const watched: WatchedSession = { id: 's-3', get phase() { return phase; }, nextDeadline: () => deadline, clock: () => Date.now() };
  const unwatch = health.watch(watched);
  health.start({ intervalMs: 20, stallMs: 5_000, overdueMs: 5_000 });
  await until('overdue', () => health.state === 'failed');
  expect(health.problems()).toEqual([expect.objectContaining({ component: 'core', session: 's-3', since: deadline })]);
  deadline = Infinity;
  await until('cleared', () => health.state === 'ok');
  deadline = Date.now() - 10_000;
  phase = 'ended';
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(health.state).toBe('ok');
  phase = 'live';
  await until('overdue again', () => health.state === 'failed');
  unwatch();
  expect(health.state).toBe('ok');
  expect(changes.map((c) => c.kind)).toEqual(['raised', 'cleared', 'raised', 'cleared']);
});

test('an event-loop stall is reported once the loop runs again, and clears after a quiet period', async () => {
  const health = new SystemHealth({ quietMs: 300 });
  const changes = track(health);
  health.start({ intervalMs: 50, stallMs: 500 });
  await new Promise((resolve) => setTimeout(resolve, 120));
  expect(health.state).toBe('ok');
  const blockedFrom = Date.now();
  while (Date.now() - blockedFrom < 1_200) {
    // busy: nothing else runs, the watchdog included
  }
  await until('the stall', () => health.state === 'failed');
  const [stall] = health.problems();
  expect(stall).toMatchObject({ component: 'core', message: expect.stringContaining('unresponsive') });
  expect(stall?.session).toBeUndefined();
  expect(stall?.since).toBeLessThan(blockedFrom + 700); // it began with the block, not when it was noticed
  await until('quiet again', () => health.state === 'ok');
  expect(changes.map((c) => c.kind)).toEqual(['raised', 'cleared']);
});
