// `vigil serve`: the monitoring service. For now it runs one simulated session live through the core,
// journals it to the data directory (the embedded store) and serves the dashboard.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, simulateSession } from '../../devices/sim/session.js';
import { buildServer } from '../api/server.js';
import { DEFAULT_PROFILE, loadProfile } from '../core/profile.js';
import type { RecordingHeader } from '../core/types.js';
import { LiveSession } from '../live/live-session.js';
import { runSimulatedFeed } from '../live/simulated-feed.js';
import { err, out, UsageError } from './io.js';

const HELP = `usage: vigil serve [options]

Runs the vigil service with its dashboard. Until sessions can be created over the API, it runs one
simulated session in real time (or faster): virtual devices send the simulator's values as real BLE and
serial frames, the adapters decode them, the core evaluates them, and the journal keeps everything.

  --port <n>         HTTP port (default: $VIGIL_PORT or 8080)
  --host <addr>      address to bind (default 127.0.0.1: there is no sign-in yet)
  --data-dir <dir>   where session journals are kept (default: $VIGIL_DATA_DIR or ./data)
  --scenario <name>  simulated scenario (default typical): ${SCENARIOS.map((s) => s.name).join(', ')}
  --speed <x>        simulated minutes per minute (default 1 = real time)
  --seed <n>         simulation seed (default 1)
  --profile <p>      alarm profile (default ${DEFAULT_PROFILE})
`;

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      scenario: { type: 'string', default: 'typical' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      profile: { type: 'string', default: DEFAULT_PROFILE },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    await out(HELP);
    return 0;
  }
  const port = Number(values.port ?? process.env['VIGIL_PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  const speed = Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed must be a positive number, not "${values.speed}"`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not "${values.seed}"`);
  if (!SCENARIOS.some((s) => s.name === values.scenario)) throw new UsageError(`unknown scenario "${values.scenario}"`);
  const profile = loadProfile(values.profile);
  const dataDir = resolve(values['data-dir'] ?? process.env['VIGIL_DATA_DIR'] ?? 'data');
  await mkdir(join(dataDir, 'sessions'), { recursive: true });

  const start = Date.now();
  const lines = simulateSession({ scenario: values.scenario, seed, start, sessionId: `sim-${new Date(start).toISOString().replace(/[:.]/g, '-')}` });
  const first = lines.next();
  if (first.done === true || first.value.type !== 'header') throw new Error('the simulator did not start with a header');
  const header: RecordingHeader = { ...first.value, session: { ...first.value.session, profile: profile.name } };
  const session = await LiveSession.open({ header, profile, journalPath: join(dataDir, 'sessions', `${header.session.id}.ndjson`) });
  const sessions = new Map([[session.id, session]]);

  const app = await buildServer({ sessions, logger: { level: process.env['VIGIL_LOG_LEVEL'] ?? 'info' } });
  const address = await app.listen({ port, host: values.host });
  await out(`vigil listening on ${address.replace('127.0.0.1', 'localhost')} — simulated session ${session.id} (${values.scenario}, ${speed}×), journal ${session.journalPath}\n`);

  const stop = new AbortController();
  const feeding = runSimulatedFeed(session, lines, speed, stop.signal).catch((error: unknown) => {
    if (!stop.signal.aborted) err(`vigil serve: the simulated feed stopped: ${String(error)}`);
  });

  await new Promise<void>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal());
    process.once('SIGTERM', () => resolveSignal());
  });
  stop.abort();
  await feeding;
  await app.close();
  await session.close(); // flushes the journal
  return 0;
}
