// The session API: create, start, end, list and read sessions; bind devices; log events; act on alarms;
// change limits; history and the recording. Every body and query is validated by schema (400 with a message);
// every change is an audit entry in the session's journal (who, what, when, why).
import { createReadStream } from 'node:fs';
import type {} from '@fastify/swagger'; // adds tags and summary to route schemas
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { findGattCodec } from '../../devices/ble/gatt/registry.js';
import { findSerialProtocol } from '../../devices/serial/protocols/registry.js';
import type { Action as PermissionAction } from '../auth/permissions.js';
import type { SessionAccess, User } from '../auth/types.js';
import { PRIORITY_RANK } from '../core/alarm-board.js';
import { policyOfHeader, PolicyError } from '../core/escalation-policy.js';
import type { Action, CoreInput, Rejection, SessionEvent, Vital } from '../core/types.js';
import { VITALS } from '../core/types.js';
import type { LiveSession } from '../live/live-session.js';
import { assignedTo, BindingError, sessionInfo, type SessionManager } from '../live/session-manager.js';
import { journalHistory } from '../store/journal-history.js';

export interface SessionRoutesOptions {
  sessions: SessionManager;
  /** preHandler: answers 401 / 403 / 404 unless the user may do `action` (on the session in :id, if any) */
  permission(action: PermissionAction, sessionOf?: (request: FastifyRequest) => SessionAccess | undefined): preHandlerHookHandler;
  /** preHandler: answers 401 unless someone is signed in */
  signedIn: preHandlerHookHandler;
  /** the signed-in user (the auth plugin decorates the request) */
  userOf(request: FastifyRequest): User | undefined;
  can(user: User, action: PermissionAction, session?: SessionAccess): boolean;
  /** downsampled history from InfluxDB, when it is configured */
  influxHistory?: (sessionId: string, vital: Vital, from: number, to: number, points: number) => Promise<Array<[number, number]>>;
}

type IdParams = { Params: { id: string } };

const LABEL = '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$';
const USERNAME = '^[a-z0-9][a-z0-9._-]{1,63}$';
const VITAL_SCHEMA = { type: 'string', enum: [...VITALS] } as const;
const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

export function access(session: LiveSession): SessionAccess {
  return { id: session.id, assigned: assignedTo(session), live: session.phase !== 'ended' };
}

/** A session as lists show it: enough to sort by severity and open it. */
export function sessionSummary(session: LiveSession) {
  const snapshot = session.snapshot();
  const highest = snapshot.alarms[0];
  const info = sessionInfo(session);
  return {
    id: session.id,
    patient: info.patient,
    room: info.room ?? null,
    phase: session.phase,
    simulated: info.simulated === true,
    therapists: info.therapists ?? [],
    monitors: info.monitors ?? [],
    now: snapshot.now,
    doseAt: snapshot.doseAt,
    vitals: Object.fromEntries(VITALS.map((v) => [v, snapshot.vitals[v].value])),
    highestAlarm: highest === undefined ? null : { rule: highest.rule, priority: highest.priority, active: highest.active, acknowledged: highest.acknowledged },
  };
}

function rejected(reply: FastifyReply, rejection: Rejection): FastifyReply {
  // core-fault: the core threw on the input (a bug, shown as an alarm-system failure), not a bad request.
  const status = rejection.reason === 'session-ended' ? 409 : rejection.reason === 'core-fault' ? 500 : 400;
  return reply.code(status).send({ error: rejection.reason, message: rejection.message });
}

export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { sessions, permission } = options;
  const sessionOf = (request: FastifyRequest): SessionAccess | undefined => {
    const session = sessions.get((request.params as { id: string }).id);
    return session === undefined ? undefined : access(session);
  };
  const live = (request: FastifyRequest<IdParams>): LiveSession => sessions.get(request.params.id) as LiveSession;
  const by = (request: FastifyRequest): string | undefined => options.userOf(request)?.username;

  /** Journals a person's input (committed before answering) and reports what the core said. */
  const act = async (request: FastifyRequest<IdParams>, reply: FastifyReply, input: CoreInput): Promise<FastifyReply> => {
    const session = live(request);
    const rejection = await session.act(input);
    if (rejection !== undefined) return rejected(reply, rejection);
    return reply.send({ ok: true, t: input.t, state: session.snapshot() });
  };

  app.get(
    '/api/sessions',
    { preHandler: options.signedIn, schema: { tags: ['sessions'], summary: 'Sessions this user may see, highest alarm first' } },
    async (request) => {
      const user = options.userOf(request) as User;
      const visible = sessions.list().filter((s) => options.can(user, 'session:read', access(s)));
      const rank = (s: ReturnType<typeof sessionSummary>): number =>
        s.highestAlarm === null ? 0 : PRIORITY_RANK[s.highestAlarm.priority] * 2 + (s.highestAlarm.acknowledged ? 0 : 1);
      return visible.map(sessionSummary).sort((a, b) => rank(b) - rank(a) || Number(b.phase === 'live') - Number(a.phase === 'live') || a.id.localeCompare(b.id));
    },
  );

  app.post<{ Body: { patient: string; room?: string; therapists: string[]; monitors?: string[]; profile?: string; escalation?: Record<string, unknown> } }>(
    '/api/sessions',
    {
      preHandler: permission('session:create'),
      schema: {
        tags: ['sessions'],
        summary: 'Create a session for a pseudonymous patient label',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['patient', 'therapists'],
          properties: {
            patient: { type: 'string', pattern: LABEL, description: 'pseudonymous label such as P-017; never a name' },
            room: { type: 'string', maxLength: 64 },
            therapists: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', pattern: USERNAME } },
            monitors: { type: 'array', maxItems: 8, items: { type: 'string', pattern: USERNAME } },
            profile: { type: 'string', pattern: '^[a-z0-9-]+$' },
            escalation: {
              type: 'object',
              description: "this session's escalation policy (config/schemas/escalation.schema.json), merged over the site's: keys replace, so `contacts` replaces the list",
            },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        const session = await sessions.create(request.body);
        return reply.code(201).send(sessionSummary(session));
      } catch (error) {
        if (error instanceof PolicyError) {
          const problems = error.problems.map((problem) => (problem.startsWith('(policy)') ? problem.replace('(policy)', 'escalation') : `escalation.${problem}`));
          return reply.code(400).send({ error: 'bad-escalation', message: problems.join('; '), problems });
        }
        return reply.code(400).send({ error: 'bad-session', message: error instanceof Error ? error.message : String(error) });
      }
    },
  );

  app.get<IdParams>(
    '/api/sessions/:id',
    { preHandler: permission('session:read', sessionOf), schema: { tags: ['sessions'], params: ID_PARAMS, summary: 'Session state' } },
    async (request) => {
      const session = live(request);
      return {
        ...sessionSummary(session),
        profile: session.core.profile.name,
        // The policy the session runs under, as its journal header has it (or the one a header without one means).
        escalation: policyOfHeader(session.header).spec,
        // Limits and delays as the core runs them (with this session's changes), for limit lines and banner text.
        rules: session.core.profile.rules.map((r) => {
          const common = { id: r.id, kind: r.kind, priority: r.priority, text: r.text, enabled: r.enabled };
          if (r.kind === 'threshold') return { ...common, vital: r.vital, latching: r.latching, raise: r.raise, clear: r.clear };
          if (r.kind === 'stale') return { ...common, vital: r.vital, afterMs: r.afterMs };
          return common;
        }),
        devices: sessions.bindings(session.id).map((b) => (b.kind === 'gateway' ? { kind: b.kind, device: b.device, vitals: b.vitals } : b)),
        state: session.snapshot(),
      };
    },
  );

  const lifecycle = (event: 'session-start' | 'session-end', action: PermissionAction) =>
    app.post<IdParams>(
      `/api/sessions/:id/${event === 'session-start' ? 'start' : 'end'}`,
      { preHandler: permission(action, sessionOf), schema: { tags: ['sessions'], params: ID_PARAMS } },
      async (request, reply) => act(request, reply, { type: 'event', t: live(request).clock(), event, ...withBy(by(request)) }),
    );
  lifecycle('session-start', 'session:start');
  lifecycle('session-end', 'session:end');

  app.post<IdParams & { Body: { event: 'dose' | 'supplemental-dose' | 'fluid' | 'note'; mg?: number; ml?: number; text?: string } }>(
    '/api/sessions/:id/events',
    {
      preHandler: permission('session:event', sessionOf),
      schema: {
        tags: ['events'],
        params: ID_PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['event'],
          properties: {
            event: { type: 'string', enum: ['dose', 'supplemental-dose', 'fluid', 'note'] },
            mg: { type: 'number', exclusiveMinimum: 0, maximum: 500 },
            ml: { type: 'number', minimum: 0, maximum: 5000 },
            text: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { event, mg, ml, text } = request.body;
      const input: SessionEvent = { type: 'event', t: live(request).clock(), event, ...withBy(by(request)) };
      if (mg !== undefined) input.mg = mg;
      if (ml !== undefined) input.ml = ml;
      if (text !== undefined) input.text = text;
      const answer = await act(request, reply, input);
      return answer;
    },
  );

  app.post<IdParams & { Body: { vital: Vital; value: number } }>(
    '/api/sessions/:id/baseline',
    {
      preHandler: permission('session:baseline', sessionOf),
      schema: {
        tags: ['alarms'],
        params: ID_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['vital', 'value'], properties: { vital: VITAL_SCHEMA, value: { type: 'number' } } },
      },
    },
    async (request, reply) => act(request, reply, action(live(request), 'set-baseline', by(request), { vital: request.body.vital, value: request.body.value })),
  );

  app.post<IdParams & { Body: { rule?: string } }>(
    '/api/sessions/:id/alarms/acknowledge',
    {
      preHandler: permission('alarm:acknowledge', sessionOf),
      schema: { tags: ['alarms'], params: ID_PARAMS, body: { type: 'object', additionalProperties: false, properties: { rule: { type: 'string', maxLength: 64 } } } },
    },
    async (request, reply) => act(request, reply, action(live(request), 'acknowledge', by(request), request.body.rule === undefined ? {} : { rule: request.body.rule })),
  );

  app.post<IdParams>(
    '/api/sessions/:id/alarms/pause',
    { preHandler: permission('alarm:pause', sessionOf), schema: { tags: ['alarms'], params: ID_PARAMS, summary: 'Audio pause (120 s); not an acknowledgement' } },
    async (request, reply) => act(request, reply, action(live(request), 'audio-pause', by(request), {})),
  );

  app.post<{ Params: { id: string; rule: string }; Body: { reason: string } }>(
    '/api/sessions/:id/alarms/:rule/off',
    {
      preHandler: permission('alarm:off', sessionOf),
      schema: {
        tags: ['alarms'],
        params: { type: 'object', required: ['id', 'rule'], properties: { id: { type: 'string' }, rule: { type: 'string', maxLength: 64 } } },
        body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } } },
      },
    },
    async (request, reply) => act(request, reply, action(live(request), 'alarm-off', by(request), { rule: request.params.rule, reason: request.body.reason })),
  );

  app.post<{ Params: { id: string; rule: string } }>(
    '/api/sessions/:id/alarms/:rule/on',
    {
      preHandler: permission('alarm:off', sessionOf),
      schema: { tags: ['alarms'], params: { type: 'object', required: ['id', 'rule'], properties: { id: { type: 'string' }, rule: { type: 'string', maxLength: 64 } } } },
    },
    async (request, reply) => act(request, reply, action(live(request), 'alarm-on', by(request), { rule: request.params.rule })),
  );

  app.put<{ Params: { id: string; rule: string }; Body: { limits: Record<string, unknown>; reason?: string } }>(
    '/api/sessions/:id/limits/:rule',
    {
      preHandler: permission('alarm:limits', sessionOf),
      schema: {
        tags: ['alarms'],
        summary: 'Change one rule for this session (merged over the profile, validated like a profile)',
        params: { type: 'object', required: ['id', 'rule'], properties: { id: { type: 'string' }, rule: { type: 'string', maxLength: 64 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['limits'],
          properties: { limits: { type: 'object' }, reason: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (request, reply) => {
      const { limits, reason } = request.body;
      return act(request, reply, action(live(request), 'set-limits', by(request), { rule: request.params.rule, limits, ...(reason === undefined ? {} : { reason }) }));
    },
  );

  app.post<IdParams & { Body: { kind: 'serial' | 'gateway' | 'ble'; device: string; vitals: Vital[]; path?: string; protocol?: string; deviceId?: string } }>(
    '/api/sessions/:id/devices',
    {
      preHandler: permission('device:bind', sessionOf),
      schema: {
        tags: ['devices'],
        params: ID_PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'device', 'vitals'],
          properties: {
            kind: { type: 'string', enum: ['serial', 'gateway', 'ble'] },
            device: { type: 'string', pattern: LABEL },
            vitals: { type: 'array', minItems: 1, uniqueItems: true, items: VITAL_SCHEMA },
            path: { type: 'string', pattern: '^/dev/|^COM[0-9]+$|^/', maxLength: 200 },
            protocol: { type: 'string', maxLength: 32 },
            deviceId: { type: 'string', maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const { kind, device, vitals, path, protocol, deviceId } = request.body;
      try {
        if (kind === 'gateway') return reply.code(201).send(sessions.bindGateway(request.params.id, device, vitals));
        if (kind === 'ble') return reply.code(201).send(await sessions.bindBle(request.params.id, { device, vitals, ...(deviceId === undefined ? {} : { deviceId }) }));
        if (path === undefined || protocol === undefined) return reply.code(400).send({ error: 'bad-binding', message: 'a serial device needs path and protocol' });
        return reply.code(201).send(sessions.bindSerial(request.params.id, { device, vitals, path, protocol }));
      } catch (error) {
        if (error instanceof BindingError) return reply.code(400).send({ error: 'bad-binding', message: error.message });
        throw error;
      }
    },
  );

  app.delete<{ Params: { id: string; device: string } }>(
    '/api/sessions/:id/devices/:device',
    { preHandler: permission('device:bind', sessionOf), schema: { tags: ['devices'] } },
    async (request, reply) => (sessions.unbind(request.params.id, request.params.device) ? reply.code(204).send() : reply.code(404).send({ error: 'not-bound', message: 'no such device bound' })),
  );

  // A browser that reads a BLE sensor (Web Bluetooth) relays its raw frames; the service decodes them with the
  // same codecs, so a relayed frame is recorded and evaluated exactly like one read by the service itself.
  app.post<{ Params: { id: string; device: string }; Body: { format: string; hex: string } }>(
    '/api/sessions/:id/devices/:device/frames',
    {
      schema: {
        tags: ['devices'],
        summary: 'A gateway relays one raw frame (Authorization: Bearer <gateway token>)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['format', 'hex'],
          properties: { format: { type: 'string', maxLength: 64 }, hex: { type: 'string', pattern: '^([0-9a-fA-F]{2}){1,512}$' } },
        },
      },
    },
    async (request, reply) => {
      const session = sessions.get(request.params.id);
      const binding = sessions.bindings(request.params.id).find((b) => b.device === request.params.device);
      const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (session === undefined || binding?.kind !== 'gateway' || presented !== binding.token) {
        return reply.code(401).send({ error: 'unauthorized', message: 'unknown device or gateway token' });
      }
      const ingest = sessions.ingestOf(session.id);
      const bytes = Uint8Array.from(Buffer.from(request.body.hex, 'hex'));
      const t = session.clock();
      const codec = findGattCodec(request.body.format);
      const protocol = codec === undefined ? findSerialProtocol(request.body.format) : undefined;
      if (ingest === undefined || (codec === undefined && protocol === undefined)) {
        return reply.code(400).send({ error: 'unknown-format', message: `unknown format "${request.body.format}"` });
      }
      const decoded = codec !== undefined ? codec.decode(new DataView(bytes.buffer)) : (protocol?.decodeFrame(bytes) ?? { ok: false as const, error: { code: 'unknown-format' as const, message: '' } });
      if (!decoded.ok) {
        ingest.decodeError(binding.device, t, request.body.format, decoded.error, bytes);
        return reply.code(422).send({ error: decoded.error.code, message: decoded.error.message });
      }
      const report = codec !== undefined ? codec.report(decoded.value) : (protocol as NonNullable<typeof protocol>).report(decoded.value);
      ingest.report(binding.device, t, report, { format: request.body.format, bytes });
      return reply.send({ ok: true, t, samples: report.samples.length });
    },
  );

  app.get<IdParams & { Querystring: { vital: Vital; from?: number; to?: number; points?: number } }>(
    '/api/sessions/:id/history',
    {
      preHandler: permission('session:read', sessionOf),
      schema: {
        tags: ['sessions'],
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['vital'],
          properties: {
            vital: VITAL_SCHEMA,
            from: { type: 'integer', minimum: 0 },
            to: { type: 'integer', minimum: 0 },
            points: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const session = live(request);
      const { vital } = request.query;
      const to = request.query.to ?? Math.max(session.now, 0);
      const from = request.query.from ?? sessionInfo(session).createdAt ?? 0;
      if (from > to) return reply.code(400).send({ error: 'bad-range', message: 'from is after to' });
      const points = request.query.points ?? 500;
      const series =
        options.influxHistory === undefined
          ? await journalHistory(session.journalPath, session.core.profile, vital, from, to, points)
          : await options.influxHistory(session.id, vital, from, to, points);
      return { vital, from, to, points: series };
    },
  );

  app.get<IdParams>(
    '/api/sessions/:id/recording',
    { preHandler: permission('recording:read', sessionOf), schema: { tags: ['sessions'], params: ID_PARAMS, summary: 'The session journal (vigil-recording NDJSON)' } },
    async (request, reply) => {
      const session = live(request);
      await session.flush();
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="${session.id}.ndjson"`)
        .send(createReadStream(session.journalPath));
    },
  );
}

function withBy(by: string | undefined): { by?: string } {
  return by === undefined ? {} : { by };
}

function action(session: LiveSession, kind: Action['action'], by: string | undefined, fields: Partial<Action>): Action {
  return { type: 'action', t: session.clock(), action: kind, ...withBy(by), ...fields };
}
