// Starts one private InfluxDB 1.x server for the whole test run (scripts/influxdb.sh installs `influxd`) and
// provides its URL as inject('influx'); stops it and deletes its files afterwards. Without influxd the run goes
// on and only the InfluxDB tests fail, with the reason, so other tests can run on a machine without it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createInstance, destroyAll, findInfluxd } from './services/store/influx-control.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = findInfluxd();
  if (binary === undefined) {
    project.provide('influx', { ok: false, error: 'influxd is not installed: run `bash scripts/influxdb.sh` (npm test does)' });
    return async () => {};
  }
  const root = await mkdtemp(join(tmpdir(), 'vigil-influx-'));
  try {
    // A second try covers the small race between picking a free port and influxd binding it.
    const instance = await createInstance(root, 'shared', binary).catch(() => createInstance(root, 'shared-2', binary));
    project.provide('influx', { ok: true, root, instance });
  } catch (err) {
    await destroyAll(root);
    throw err;
  }
  // Also stops any extra server a test made under root and left running (e.g. after a crash).
  return () => destroyAll(root);
}
