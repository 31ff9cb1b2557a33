// `vigil serve` over real processes and sockets: the simulated session runs live through the core, the API
// answers, and SIGTERM shuts down gracefully with the journal flushed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { SessionSnapshot } from '../../../services/core/session-core.js';
import { VIGIL } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [VIGIL, 'serve', '--port', '0', '--data-dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' },
  });
  children.push(child);
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${output}`)));
  });
  return { child, base, output: () => output };
}

interface SessionView {
  session: { id: string; patient: string };
  state: SessionSnapshot;
}

describe('vigil serve', () => {
  test('runs a simulated session live, serves state and dashboard, and shuts down cleanly', async () => {
    const { child, base } = await start(['--speed', '120', '--scenario', 'tachycardia']);
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('not a certified medical device');

    const sessions = (await (await fetch(`${base}/api/sessions`)).json()) as Array<{ id: string; patient: string }>;
    expect(sessions).toHaveLength(1);
    const id = sessions[0]?.id ?? '';
    expect(sessions[0]?.patient).toMatch(/^P-\d+$/);

    // At 120× a simulated second passes every ~8 ms: values must keep changing.
    const first = (await (await fetch(`${base}/api/sessions/${id}`)).json()) as SessionView;
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await (await fetch(`${base}/api/sessions/${id}`)).json()) as SessionView;
    expect(later.state.vitals.hr.samples).toBeGreaterThan(first.state.vitals.hr.samples + 50);
    expect(later.state.now).toBeGreaterThan(first.state.now ?? Infinity);
    expect(later.state.vitals.hr.value).toBeGreaterThan(30);

    expect((await fetch(`${base}/api/sessions/nope`)).status).toBe(404);

    const recording = await fetch(`${base}/api/sessions/${id}/recording`);
    expect(recording.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await recording.text()).trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ type: 'header', format: 'vigil-recording', session: { id } });
    expect(lines.length).toBeGreaterThan(100);
    // The whole device path runs: every virtual device's frames were decoded from real byte formats.
    const formats = new Set(lines.map((l) => JSON.parse(l) as { type: string; format?: string }).filter((l) => l.type === 'raw').map((l) => l.format));
    expect([...formats].sort()).toEqual(['battery-level', 'blood-pressure-measurement', 'body-sensor-location', 'heart-rate-measurement', 'nonin-8', 'vigil-line']);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Graceful shutdown flushed the journal: it holds at least what the API served before.
    const journal = readFileSync(join(dir, 'sessions', `${id}.ndjson`), 'utf8').trim().split('\n');
    expect(journal.length).toBeGreaterThanOrEqual(lines.length);
    expect(journal.every((line) => typeof (JSON.parse(line) as { type: unknown }).type === 'string')).toBe(true);
  });

  test('bad options are refused before anything starts', async () => {
    const child = spawn(process.execPath, [VIGIL, 'serve', '--scenario', 'nope', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('unknown scenario "nope"');
  });
});
