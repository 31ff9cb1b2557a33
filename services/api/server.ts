// The vigil HTTP service: sign-in, the session API (OpenAPI at /docs), the WebSocket hub, the dashboard.
// Composition only: each part is its own plugin or module.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authPlugin, requirePermission, requireUser } from '../auth/plugin.js';
import { can } from '../auth/permissions.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { UserStore } from '../auth/user-store.js';
import type { Vital } from '../core/types.js';
import type { SessionManager } from '../live/session-manager.js';
import type { Notifier } from '../notify/notifier.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { InfluxWriter } from '../store/influx-writer.js';
import { access, sessionRoutes } from './session-routes.js';
import { wsHub } from './ws-hub.js';

export interface ServerOptions {
  sessions: SessionManager;
  users: UserStore;
  tokens: SessionTokens;
  influx?: InfluxWriter;
  /** escalation notifications: the receipt endpoint and the monitor view's WebSocket end */
  notifier?: Notifier;
  tls?: { cert: Buffer; key: Buffer };
  logger?: FastifyServerOptions['logger'];
  /** origins besides the service's own allowed to send state-changing requests */
  allowedOrigins?: string[];
}

/** What never reaches a log line: credentials, tokens, and anything that could identify a patient. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.csrfToken',
  '*.patient',
  'patient',
];

interface Asset {
  type: string;
  body: Buffer;
}

async function dashboardAssets(): Promise<Map<string, Asset>> {
  const built = join(PACKAGE_ROOT, 'dist', 'dashboard');
  const files: Array<[string, string, string]> = [
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
    ['/app.js.map', 'app.js.map', 'application/json'],
    ['/uplot.css', 'uplot.css', 'text/css; charset=utf-8'],
  ];
  const assets = new Map<string, Asset>();
  for (const [path, file, type] of files) {
    const body = await readFile(join(built, file)).catch(() => (file === 'index.html' ? readFile(join(PACKAGE_ROOT, 'dashboard', file)) : undefined));
    if (body !== undefined) assets.set(path, { type, body });
  }
  return assets;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Dashboards poll and stream all day: per-request log lines would drown what matters.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // A body with a field the schema does not know is refused, not silently trimmed.
    ajv: { customOptions: { removeAdditional: false } },
    ...(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key } }),
  });
  const assets = await dashboardAssets();

  // Bad requests get a clear message, never a stack trace; the service stays up whatever arrives.
  app.setErrorHandler((error: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    void reply.code(status).send({ error: status === 500 ? 'internal' : 'bad-request', message: status === 500 ? 'internal error' : error.message });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'vigil',
        version: '1',
        description: 'Vital-sign monitoring for MDMA-assisted therapy sessions. A monitoring aid, not a certified medical device.',
      },
      components: { securitySchemes: { cookie: { type: 'apiKey', in: 'cookie', name: 'vigil_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(authPlugin, {
    users: options.users,
    tokens: options.tokens,
    secureCookie: options.tls !== undefined,
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
  });

  // The dashboard: one page and its bundle (built into dist/dashboard by `npm run build`).
  for (const [path, asset] of assets) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body));
  }
  // The alarm system's own health (services/live/system-health.ts). 503 while anything fails, so a load balancer
  // or the container's health check sees it; InfluxDB is secondary and never makes the service unhealthy.
  const health = options.sessions.health;
  app.get('/api/health', { schema: { tags: ['service'], summary: 'Liveness and the alarm system\'s own problems (503 while failing)' } }, async (_request, reply) => {
    const problems = health.problems();
    return reply.code(problems.length > 0 ? 503 : 200).send({
      ok: problems.length === 0,
      state: health.state,
      problems,
      sessions: options.sessions.list().length,
      ...(options.influx === undefined ? {} : { influx: options.influx.status() }),
    });
  });
  // Every change is logged: an error while the alarm system fails, info when a problem is over.
  for (const problem of health.problems()) app.log.error({ problem }, `alarm system failing: ${problem.message}`);
  const unsubscribeHealth = health.subscribe(({ kind, problem }) => {
    if (kind === 'cleared') app.log.info({ problem }, `alarm system recovered: ${problem.component}${problem.session === undefined ? '' : ` of ${problem.session}`} works again`);
    else app.log.error({ problem }, `alarm system failing: ${problem.message}`);
  });
  app.addHook('onClose', (_instance, done) => {
    unsubscribeHealth();
    done();
  });

  const influx = options.influx;
  await app.register(sessionRoutes, {
    sessions: options.sessions,
    permission: (action, sessionOf) => requirePermission(action, sessionOf),
    signedIn: requireUser(),
    userOf: (request) => request.user,
    can,
    ...(influx === undefined ? {} : { influxHistory: (id: string, vital: Vital, from: number, to: number, points: number) => influx.history(id, vital, from, to, points) }),
  });

  await app.register((await import('./replay-routes.js')).replayRoutes);
  if (options.notifier !== undefined) await app.register((await import('./notify-routes.js')).notifyRoutes, { notifier: options.notifier });
  await app.register(wsHub, {
    sessions: options.sessions,
    authenticate: (request) => app.authenticateUpgrade(request),
    canRead: (user, sessionId) => {
      const session = options.sessions.get(sessionId);
      return session !== undefined && can(user, 'session:read', access(session));
    },
    health,
    log: app.log,
    ...(options.notifier === undefined ? {} : { notifications: options.notifier.hub }),
  });

  return app;
}
