// The HTTP face of vigil (first cut): session list, session state, the recording, and the dashboard page.
// Sign-in, the WebSocket hub and the full API arrive with the service issue; until then bind to localhost.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { PRIORITY_RANK } from '../core/alarm-board.js';
import type { LiveSession } from '../live/live-session.js';
import { PACKAGE_ROOT } from '../paths.js';

export interface ServerOptions {
  sessions: ReadonlyMap<string, LiveSession>;
  logger?: boolean | { level: string };
}

/** A one-line summary of a session for lists: highest open alarm first is what a monitor sorts by. */
function sessionSummary(session: LiveSession) {
  const snapshot = session.snapshot();
  const highest = snapshot.alarms[0];
  return {
    id: session.id,
    patient: session.header.session.patient,
    room: session.header.session.room ?? null,
    now: snapshot.now,
    doseAt: snapshot.doseAt,
    highestAlarm: highest === undefined ? null : { rule: highest.rule, priority: highest.priority, active: highest.active },
  };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Dashboards poll every second: per-request log lines would drown what matters.
  const app = Fastify({ logger: options.logger ?? false, disableRequestLogging: true });
  const dashboard = await readFile(join(PACKAGE_ROOT, 'dashboard', 'index.html'), 'utf8');

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(dashboard));
  app.get('/api/health', async () => ({ ok: true }));

  app.get('/api/sessions', async () => {
    const list = [...options.sessions.values()].map(sessionSummary);
    const rank = (s: ReturnType<typeof sessionSummary>): number => (s.highestAlarm === null ? 0 : PRIORITY_RANK[s.highestAlarm.priority]);
    return list.sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id));
  });

  app.get<{ Params: { id: string } }>(
    '/api/sessions/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } } },
    async (request, reply) => {
      const session = options.sessions.get(request.params.id);
      if (session === undefined) return reply.code(404).send({ error: 'no such session' });
      return { session: session.header.session, profile: session.core.profile.name, state: session.snapshot() };
    },
  );

  app.get<{ Params: { id: string } }>('/api/sessions/:id/recording', async (request, reply) => {
    const session = options.sessions.get(request.params.id);
    if (session === undefined) return reply.code(404).send({ error: 'no such session' });
    await session.flush();
    return reply
      .type('application/x-ndjson')
      .header('content-disposition', `attachment; filename="${session.id}.ndjson"`)
      .send(createReadStream(session.journalPath));
  });

  return app;
}
