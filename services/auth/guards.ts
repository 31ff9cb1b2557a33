// Route guards: preHandler hooks that answer 401 (not signed in), 404 (no such session) or 403 (not allowed)
// before a handler runs. They read request.user, which the auth plugin sets.
import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { type Action, can } from './permissions.js';
import type { SessionAccess } from './types.js';

export type Guard<RouteGeneric extends RouteGenericInterface = RouteGenericInterface> = (
  request: FastifyRequest<RouteGeneric>,
  // Untyped reply: guards answer with their own error bodies, whatever the route's Reply type.
  reply: FastifyReply,
) => Promise<void>;

/** Finds the session a request is about (from its params), or undefined if there is none. */
export type SessionOf<RouteGeneric extends RouteGenericInterface = RouteGenericInterface> = (
  request: FastifyRequest<RouteGeneric>,
) => SessionAccess | undefined | Promise<SessionAccess | undefined>;

export function requireUser<RouteGeneric extends RouteGenericInterface = RouteGenericInterface>(): Guard<RouteGeneric> {
  return async (request, reply) => {
    if (request.user === undefined) await reply.code(401).send({ error: 'not signed in' });
  };
}

/**
 * Allows the request if the user may do `action` (to the session `sessionOf` finds). Without `sessionOf`
 * the action is checked without a session, which only roles with unrestricted scope pass.
 */
export function requirePermission<RouteGeneric extends RouteGenericInterface = RouteGenericInterface>(
  action: Action,
  sessionOf?: SessionOf<RouteGeneric>,
): Guard<RouteGeneric> {
  return async (request, reply) => {
    const user = request.user;
    if (user === undefined) {
      await reply.code(401).send({ error: 'not signed in' });
      return;
    }
    let session: SessionAccess | undefined;
    if (sessionOf !== undefined) {
      session = await sessionOf(request);
      if (session === undefined) {
        await reply.code(404).send({ error: 'no such session' });
        return;
      }
    }
    if (!can(user, action, session)) await reply.code(403).send({ error: `not allowed: ${action}` });
  };
}
