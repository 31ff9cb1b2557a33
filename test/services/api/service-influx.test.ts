// The service with InfluxDB switched on by configuration: samples of a live session end up in the real
// InfluxDB started by the test command, every one of them, and no patient label goes there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, inject, test } from 'vitest';
import { VIGIL } from '../cli/run-cli.js';
import '../store/influx-control.js'; // the typing of inject('influx')

const dir = mkdtempSync(join(tmpdir(), 'vigil-service-influx-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function influxQuery(url: string, db: string, q: string): Promise<unknown[][]> {
  const response = await fetch(`${url}/query?db=${db}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await response.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  return body.results[0]?.series?.[0]?.values ?? [];
}

test('samples streamed into a session appear in InfluxDB, all of them', async () => {
  const influx = inject('influx');
  if (!influx.ok) throw new Error(influx.error);
  const url = influx.instance.url;
  const db = 'vigil_service_test';
  const child = spawn(process.execPath, [VIGIL, 'serve', '--port', '0', '--data-dir', dir, '--simulate', 'tachycardia', '--speed', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_INFLUX_URL: url, VIGIL_INFLUX_DATABASE: db },
  });
  children.push(child);
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('InfluxDB:')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}`)));
  });
  const id = /simulated session (\S+)/.exec(stdout)?.[1] ?? '';
  await sleep(3000);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM'); // graceful: the writer flushes before the process ends
  await exited;

  const journal = readFileSync(join(dir, 'sessions', `${id}.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; vital?: string; t: number; value: number });
  const hr = journal.filter((l) => l.type === 'sample' && l.vital === 'hr');
  expect(hr.length).toBeGreaterThan(100);
  const rows = await influxQuery(url, db, `SELECT value FROM vitals WHERE "session" = '${id}' AND "vital" = 'hr'`);
  expect(rows.map(([t, value]) => `${String(t)}:${String(value)}`).sort()).toEqual(hr.map((s) => `${s.t}:${s.value}`).sort());
  // Pseudonymous labels stay in vigil: InfluxDB knows sessions by id only.
  const tagKeys = (await influxQuery(url, db, 'SHOW TAG KEYS FROM vitals')).flat();
  expect(tagKeys).not.toContain('patient');
  const everything = JSON.stringify(await influxQuery(url, db, `SELECT * FROM vitals WHERE "session" = '${id}' LIMIT 50`));
  expect(everything).not.toContain('SIM-001');
}, 60_000);
