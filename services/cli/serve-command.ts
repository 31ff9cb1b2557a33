// `vigil serve`: the monitoring service. Reads the journals back (open sessions resume), creates the first
// admin on a fresh data directory, optionally runs a simulated session through virtual devices, and serves the
// API, the WebSocket hub and the dashboard until SIGINT/SIGTERM — then flushes everything.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { SCENARIOS, simulateSession } from '../../devices/sim/session.js';
import { buildServer, LOG_REDACT } from '../api/server.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { UserStore } from '../auth/user-store.js';
import type { LiveSession } from '../live/live-session.js';
import { SessionManager, sessionInfo } from '../live/session-manager.js';
import { runSimulatedFeed } from '../live/simulated-feed.js';
import { SystemHealth } from '../live/system-health.js';
import { loadProfile } from '../core/profile.js';
import { ChannelConfigError, withBuiltIns } from '../notify/channel-registry.js';
import type { Notifier } from '../notify/notifier.js';
import { createNotifier } from '../notify/setup.js';
import { ConfigError, defaultPublicUrl, loadSiteConfig, type SiteConfig } from '../site-config.js';
import { InfluxWriter } from '../store/influx-writer.js';
import { err, out, UsageError } from './io.js';

const HELP = `usage: vigil serve [options]

Runs the vigil service: the API (OpenAPI at /docs), the WebSocket hub and the dashboard.

  --config <file>    site configuration (JSON, see config/site.example.json; default $VIGIL_CONFIG)
  --port <n>         port (default 8080; $VIGIL_PORT)
  --host <addr>      address to bind (default 127.0.0.1; $VIGIL_HOST)
  --data-dir <dir>   journals and users (default ./data; $VIGIL_DATA_DIR)
  --simulate <name>  run a simulated session: ${SCENARIOS.map((s) => s.name).join(', ')} (default typical), or "off"
  --speed <x>        simulated minutes per minute (default 1)
  --seed <n>         simulation seed (default 1)

Environment: VIGIL_TLS_CERT, VIGIL_TLS_KEY, VIGIL_INFLUX_URL, VIGIL_INFLUX_DATABASE, VIGIL_INFLUX_RETENTION,
VIGIL_LOG_LEVEL, VIGIL_PROFILE. On a fresh data directory the first admin's password is generated and printed
once. vigil is a monitoring aid, not a certified medical device.
`;

function flagsToConfig(values: Record<string, string | boolean | undefined>): Partial<SiteConfig> {
  const overrides: Partial<SiteConfig> = {};
  if (typeof values['port'] === 'string') {
    const port = Number(values['port']);
    if (!Number.isInteger(port)) throw new UsageError(`--port must be a port number, not "${values['port']}"`);
    overrides.port = port;
  }
  if (typeof values['host'] === 'string') overrides.host = values['host'];
  if (typeof values['data-dir'] === 'string') overrides.dataDir = values['data-dir'];
  const simulate = values['simulate'];
  if (simulate === 'off') overrides.simulate = false;
  else if (typeof simulate === 'string' || values['speed'] !== undefined || values['seed'] !== undefined) {
    const speed = values['speed'] === undefined ? 1 : Number(values['speed']);
    const seed = values['seed'] === undefined ? 1 : Number(values['seed']);
    if (!(speed > 0)) throw new UsageError(`--speed must be a positive number, not "${String(values['speed'])}"`);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not "${String(values['seed'])}"`);
    overrides.simulate = { scenario: typeof simulate === 'string' ? simulate : 'typical', speed, seed };
  }
  return overrides;
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      simulate: { type: 'string' },
      scenario: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    await out(HELP);
    return 0;
  }
  let config: SiteConfig;
  try {
    config = loadSiteConfig({ ...(values.config === undefined ? {} : { file: values.config }), overrides: flagsToConfig({ ...values, simulate: values.simulate ?? values.scenario }) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (config.simulate !== false && !SCENARIOS.some((s) => s.name === (config.simulate as { scenario: string }).scenario)) {
    throw new UsageError(`unknown scenario "${config.simulate.scenario}"`);
  }
  loadProfile(config.profile); // a bad default profile stops the start, naming the field
  const dataDir = resolve(config.dataDir);
  const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };

  const users = await UserStore.open(dataDir);
  const firstAdmin = await users.ensureFirstAdmin();
  const tokens = await SessionTokens.open({ file: join(dataDir, 'signins.json') });
  const logger = { level: config.logLevel, redact: LOG_REDACT };

  // Escalation notifications (docs/notifications.md): the site's channels, receipts back at publicUrl (by default
  // the address we listen on, known once listening).
  let publicUrl = config.publicUrl ?? defaultPublicUrl(config);
  let notifier: Notifier;
  try {
    notifier = createNotifier({ channels: config.channels ?? {}, log: pino(logger).child({ component: 'notify' }), publicUrl: () => publicUrl });
  } catch (error) {
    if (error instanceof ChannelConfigError) throw new UsageError(error.message);
    throw error;
  }

  let sessions: SessionManager | undefined;
  let log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void } | undefined;
  const influx =
    config.influx === undefined
      ? undefined
      : new InfluxWriter({
          url: config.influx.url,
          database: config.influx.database,
          ...(config.influx.retention === undefined ? {} : { retentionPolicy: { name: 'vigil', duration: config.influx.retention } }),
          journalPath: (id) => sessions?.get(id)?.journalPath,
          // the service's log, once it exists (the writer is made first: the server answers history from it)
          logger: { info: (obj, msg) => log?.info(obj, msg), warn: (obj, msg) => log?.warn(obj, msg) },
        });
  // The alarm system's own health: journals that cannot be written, a core that threw or stopped making progress,
  // a stalled event loop. Shown on every screen and by /api/health (503).
  const health = new SystemHealth();
  sessions = new SessionManager({
    dataDir,
    defaultProfile: config.profile,
    health,
    ...(config.escalation === undefined ? {} : { escalation: config.escalation }),
    channels: new Set(Object.keys(withBuiltIns(config.channels))),
    onSession: (session) => {
      if (influx !== undefined) session.subscribe((line) => influx.write(session.id, line));
      notifier.attach(session);
    },
  });
  const restored = await sessions.restoreAll();

  const app = await buildServer({ sessions, users, tokens, notifier, ...(influx === undefined ? {} : { influx }), ...(tls === undefined ? {} : { tls }), logger });
  log = app.log;
  for (const failure of restored.failed) app.log.error({ file: failure.file, error: failure.error }, 'journal could not be restored');
  app.log.info({ sessions: restored.restored.length }, 'journals read back');
  // What InfluxDB missed while the service was down (or during an outage it could not finish backfilling) comes
  // from the journals: rewriting points is idempotent, so every open session is simply written again.
  if (influx !== undefined) {
    for (const session of sessions.list()) {
      if (session.phase !== 'ended') {
        void influx.backfill(session.id, session.journalPath, 0).catch((error: unknown) => app.log.warn({ err: error, session: session.id }, 'backfill failed'));
      }
    }
  }

  // A simulated session restored from an earlier run has lost its feed: end it, so nobody takes it for live.
  for (const session of sessions.list()) {
    if (sessionInfo(session).simulated === true && session.phase !== 'ended') {
      await session.act({ type: 'event', t: session.clock(), event: 'session-end', text: 'simulation stopped with the service' });
    }
  }

  // Restored sessions are settled: open notifications go out again (same idempotency keys), new ones as they come.
  notifier.start();

  const stop = new AbortController();
  let feeding: Promise<void> = Promise.resolve();
  let simulated: LiveSession | undefined;
  if (config.simulate !== false) {
    const { scenario, speed = 1, seed = 1 } = config.simulate;
    simulated = await sessions.create({ patient: `SIM-${String(seed).padStart(3, '0')}`, room: 'simulation', therapists: [firstAdmin?.username ?? 'admin'], simulated: true });
    // live, the real notifier and real people answer notifications: no simulated medical monitor
    const lines = simulateSession({ scenario, seed, start: Date.now(), sessionId: simulated.id, medicalMonitor: false });
    feeding = runSimulatedFeed(simulated, lines, speed, stop.signal).catch((error: unknown) => {
      if (!stop.signal.aborted) app.log.error({ err: error }, 'the simulated feed stopped');
    });
  }

  // The watchdog from here on: reading journals back may keep the loop busy, but no screen is waiting yet.
  health.start();
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
  if (config.publicUrl === undefined) publicUrl = defaultPublicUrl(config, Number(new URL(address).port));
  await out(`vigil listening on ${url}${simulated === undefined ? '' : ` — simulated session ${simulated.id} (${(config.simulate as { scenario: string }).scenario})`}\n`);
  if (firstAdmin !== undefined) {
    await out(`first sign-in: user "${firstAdmin.username}", password ${firstAdmin.password}\n  (shown once; add staff with \`vigil user add <name> --role therapist\`)\n`);
  }
  if (influx !== undefined) await out(`InfluxDB: ${config.influx?.url} database ${config.influx?.database}\n`);

  await new Promise<void>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal());
    process.once('SIGTERM', () => resolveSignal());
  });
  stop.abort();
  await feeding;
  notifier.close();
  await app.close();
  health.stop();
  await sessions.closeAll(); // flushes every journal
  await influx?.close();
  await tokens.close(); // sign-ins' last-seen times
  err('vigil stopped; journals flushed');
  return 0;
}
