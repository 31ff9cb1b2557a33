// Private InfluxDB 1.x servers for the tests: each one a real `influxd` with its own config, data, meta and
// WAL directories under a temp dir and its own free ports, so nothing touches a system InfluxDB. A test can
// kill one (a real outage: the socket is gone) and start it again on the same data and ports.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where one server lives. Plain data, so the global setup can hand it to the test workers. */
export interface InfluxInstance {
  /** the HTTP API, e.g. http://127.0.0.1:40123 */
  url: string;
  dir: string;
  configPath: string;
  /** pid of the running influxd; whoever (re)starts it writes it, so any process can stop it */
  pidFile: string;
  logPath: string;
  binary: string;
}

/** What the global setup provides: the shared server, or why there is none. */
export type InfluxProvided =
  | { ok: true; root: string; instance: InfluxInstance }
  | { ok: false; error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    influx: InfluxProvided;
  }
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The influxd binary: $INFLUXD, or `influxd` on the PATH; undefined when not installed. */
export function findInfluxd(): string | undefined {
  const fromEnv = process.env['INFLUXD'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'influxd');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Makes a new server under `root/name` (config, free ports) and starts it. */
export async function createInstance(root: string, name: string, binary: string): Promise<InfluxInstance> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const [httpPort, rpcPort] = await freePorts(2);
  const instance: InfluxInstance = {
    url: `http://127.0.0.1:${httpPort}`,
    dir,
    configPath: join(dir, 'influxdb.conf'),
    pidFile: join(dir, 'influxd.pid'),
    logPath: join(dir, 'influxd.log'),
    binary,
  };
  await writeFile(instance.configPath, config(dir, httpPort, rpcPort));
  await startInstance(instance);
  return instance;
}

/** Starts influxd with the instance's config and waits until /ping answers 204. */
export async function startInstance(instance: InfluxInstance): Promise<void> {
  const log = await open(instance.logPath, 'a');
  try {
    // Output goes to a file, not a pipe, so the server outlives the (worker) process that started it.
    const child = spawn(instance.binary, ['-config', instance.configPath], { stdio: ['ignore', log.fd, log.fd] });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`cannot start ${instance.binary}`);
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `influxd exited (${signal ?? `code ${code}`})`;
    });
    await writeFile(instance.pidFile, `${pid}\n`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(instance.url))) {
      if (exited !== undefined || Date.now() > deadline) {
        const tail = (await readFile(instance.logPath, 'utf8').catch(() => '')).slice(-2000);
        if (exited === undefined) process.kill(pid, 'SIGKILL');
        throw new Error(`${exited ?? 'influxd did not answer /ping in time'}; log:\n${tail}`);
      }
      await sleep(50);
    }
  } finally {
    await log.close();
  }
}

/** Stops the instance's influxd (SIGKILL: a crash; SIGTERM: a clean stop) and waits until it is gone. */
export async function stopInstance(instance: InfluxInstance, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
  const pid = await readPid(instance.pidFile);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGCONT'); // a stopped process would never act on SIGTERM
    process.kill(pid, signal);
  } catch {
    // already gone
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(100);
      break;
    }
    await sleep(20);
  }
  await rm(instance.pidFile, { force: true });
}

/** Stops every server under `root` and deletes it all (the global teardown). */
export async function destroyAll(root: string): Promise<void> {
  const names = await readdir(root).catch(() => []);
  for (const name of names) {
    const dir = join(root, name);
    await stopInstance({ url: '', dir, configPath: '', pidFile: join(dir, 'influxd.pid'), logPath: '', binary: '' });
  }
  await rm(root, { recursive: true, force: true });
}

/** Stops one server and deletes its directory. */
export async function destroyInstance(instance: InfluxInstance): Promise<void> {
  await stopInstance(instance);
  await rm(instance.dir, { recursive: true, force: true });
}

export async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return res.status === 204;
  } catch {
    return false;
  }
}

async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Alive and not a zombie: a server whose parent (a test worker) has gone may linger unreaped. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Free TCP ports on the loopback, picked by the kernel (held open together, so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              if (address === null || typeof address === 'string') reject(new Error('no port'));
              else resolve(address.port);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** A config with every path inside `dir`, both listeners on the loopback, and the chatty parts off. */
function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${JSON.stringify(join(dir, 'meta'))}
  logging-enabled = false

[data]
  dir = ${JSON.stringify(join(dir, 'data'))}
  wal-dir = ${JSON.stringify(join(dir, 'wal'))}
  wal-fsync-delay = "0s"
  query-log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false
  bind-socket = ${JSON.stringify(join(dir, 'influxd.sock'))}

[logging]
  level = "warn"
  suppress-logo = true
`;
}

export interface QuerySeries {
  name: string;
  columns: string[];
  values: unknown[][];
  tags?: Record<string, string>;
}

/** Runs an InfluxQL statement over plain HTTP (times in ms) and returns its series; throws on an error. */
export async function influxQuery(url: string, database: string, q: string): Promise<QuerySeries[]> {
  const params = new URLSearchParams({ db: database, q, epoch: 'ms' });
  const res = await fetch(`${url}/query?${params.toString()}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { results?: Array<{ series?: QuerySeries[]; error?: string }>; error?: string };
  if (body.error !== undefined) throw new Error(`influx: ${body.error}`);
  const first = body.results?.[0];
  if (first?.error !== undefined) throw new Error(`influx: ${first.error}`);
  return first?.series ?? [];
}

/** The rows of a single-series answer as objects keyed by column. */
export function rows(series: QuerySeries[]): Array<Record<string, unknown>> {
  return series.flatMap((s) => s.values.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i]]))));
}
