// Receipts from receiving systems (pagers, phone gateways): POST /api/notify/receipts. No sign-in: the body
// is signed with the channel's secret (X-Vigil-Signature, like the notifications vigil sends), checked over
// the raw bytes before anything else is believed. A receipt becomes a `delivery` input of the session.
import type {} from '@fastify/swagger'; // adds tags and summary to route schemas
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RECEIPT_STATES, type ReceiptState } from './ws-protocol.js';
import { parseDeliveryKey } from '../notify/channel.js';
import type { Notifier } from '../notify/notifier.js';
import { RECEIPT_PATH } from '../notify/setup.js';
import { SIGNATURE_HEADER, verify } from '../notify/signature.js';

export interface NotifyRoutesOptions {
  notifier: Notifier;
}

interface ReceiptBody {
  key: string;
  state: ReceiptState;
  by?: string;
}

/** Receipts are a few hundred bytes; anything far larger is not one. */
const RECEIPT_BODY_LIMIT = 16 * 1024;

const receiptSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'state'],
  properties: {
    key: { type: 'string', maxLength: 300, pattern: '^[^/]+/[^/]+/[^/]+$', description: 'the Idempotency-Key of the notification: <session>/<notification>/<channel>' },
    state: { type: 'string', enum: [...RECEIPT_STATES] },
    by: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@:-]*$', description: "who, as the receiving system names them (a pseudonymous reference)" },
  },
} as const;

const errorSchema = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

export async function notifyRoutes(app: FastifyInstance, options: NotifyRoutesOptions): Promise<void> {
  const { notifier } = options;
  const rawBodies = new WeakMap<FastifyRequest, string>();

  // The signature covers the exact bytes sent, so this plugin keeps them (its own scope: other routes keep the
  // default parser).
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: RECEIPT_BODY_LIMIT }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    rawBodies.set(request, text);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('the body must be JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.post<{ Body: ReceiptBody }>(
    RECEIPT_PATH,
    {
      schema: {
        tags: ['notifications'],
        summary: 'A receipt from a receiving system (signed like the webhook: X-Vigil-Signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>)',
        description:
          'No sign-in: the signature with the secret of the channel named in `key` authenticates it (401 otherwise, or when its time is more than 5 minutes off). ' +
          'Unknown key, session or notification: 404. Repeating a receipt is harmless.',
        headers: { type: 'object', properties: { [SIGNATURE_HEADER]: { type: 'string' } } },
        body: receiptSchema,
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
      // Before schema validation: nothing in an unsigned body is answered beyond "unknown key" or "unauthorised".
      preValidation: async (request, reply) => {
        const key = (request.body as { key?: unknown } | null | undefined)?.key;
        const parsed = typeof key === 'string' ? parseDeliveryKey(key) : undefined;
        if (parsed === undefined) return; // the schema refuses it (400)
        const secret = notifier.receiptSecret(parsed.channel);
        if (secret === undefined) return reply.code(404).send({ error: 'unknown-key', message: `channel ${parsed.channel} takes no signed receipts` });
        const header = request.headers[SIGNATURE_HEADER];
        const check = verify(secret, typeof header === 'string' ? header : undefined, rawBodies.get(request) ?? '');
        if (!check.ok) return reply.code(401).send({ error: 'bad-signature', message: check.reason });
        return undefined;
      },
    },
    async (request, reply) => {
      const { key, state, by } = request.body;
      const parsed = parseDeliveryKey(key);
      if (parsed === undefined) return reply.code(400).send({ error: 'bad-key', message: 'key must be <session>/<notification>/<channel>' });
      const result = notifier.receipt({ ...parsed, state, ...(by === undefined ? {} : { by }) });
      if (!result.ok) return reply.code(404).send({ error: 'unknown-key', message: result.message });
      return reply.send({ ok: true });
    },
  );
}
