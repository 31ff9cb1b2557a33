// The `webhook` channel: paging systems and phone gateways. Each notification is POSTed as signed JSON and
// retried with backoff until a 2xx answer or the notification ends; when it ends, a `closed` body follows
// (best effort). The receiver answers with signed receipts (POST /api/notify/receipts).
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import type { NotifyOutcome } from '../core/types.js';
import { BACKOFF_SCHEMA, backoffDelay, backoffProblems, parseBackoff, type Backoff, type BackoffSpec } from './backoff.js';
import type { Channel, ChannelContext, ChannelType, DeliveryHandle, DeliveryJob, NotifyLog } from './channel.js';
import { closedBody, webhookBody } from './payload.js';
import { SIGNATURE_HEADER, sign } from './signature.js';

export interface WebhookDefinition {
  type: 'webhook';
  url: string;
  /** the shared secret itself, or the environment variable holding it (secretEnv keeps it out of the file) */
  secret?: string;
  secretEnv?: string;
  /** per attempt (default 5s) */
  timeout?: string;
  retry?: BackoffSpec;
}

/** How often a `closed` body is tried: it is a courtesy, the notification is already over. */
const CLOSED_ATTEMPTS = 3;
const MIN_SECRET_LENGTH = 16;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'url'],
  properties: {
    type: { const: 'webhook' },
    url: { type: 'string', pattern: '^https?://[^/\\s]+', description: 'where notifications are POSTed' },
    secret: { type: 'string', minLength: MIN_SECRET_LENGTH, description: 'HMAC-SHA256 key of X-Vigil-Signature (prefer secretEnv)' },
    secretEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'environment variable holding the secret' },
    timeout: { type: 'string', pattern: DURATION_PATTERN, description: 'per attempt (default 5s)' },
    retry: BACKOFF_SCHEMA,
  },
} as const;

function secretOf(definition: WebhookDefinition, env: NodeJS.ProcessEnv): string | undefined {
  return definition.secret ?? (definition.secretEnv === undefined ? undefined : env[definition.secretEnv]);
}

export const webhookType: ChannelType = {
  schema,
  check(raw, env) {
    const definition = raw as unknown as WebhookDefinition;
    const problems: string[] = [];
    if ((definition.secret === undefined) === (definition.secretEnv === undefined)) problems.push('secret: give exactly one of secret and secretEnv');
    else if (definition.secretEnv !== undefined) {
      const value = env[definition.secretEnv];
      if (value === undefined || value === '') problems.push(`secretEnv: the environment variable ${definition.secretEnv} is not set`);
      else if (value.length < MIN_SECRET_LENGTH) problems.push(`secretEnv: the secret in ${definition.secretEnv} must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    const retry = parseBackoff(definition.retry);
    problems.push(...backoffProblems(retry));
    if (definition.timeout !== undefined && parseDuration(definition.timeout) <= 0) problems.push('timeout: must be longer than 0');
    return problems;
  },
  create(id, raw, context) {
    const definition = raw as unknown as WebhookDefinition;
    const secret = secretOf(definition, context.env);
    if (secret === undefined) throw new Error(`channel ${id}: no secret`); // check() ran first; defensive
    return new WebhookChannel(id, {
      url: definition.url,
      secret,
      timeoutMs: parseDuration(definition.timeout ?? '5s'),
      retry: parseBackoff(definition.retry),
    }, context);
  },
};

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  retry: Backoff;
}

type PostResult = { ok: true; status: number } | { ok: false; reason: string };

export class WebhookChannel implements Channel {
  readonly type = 'webhook';
  readonly receiptSecret: string;

  constructor(
    readonly id: string,
    readonly options: WebhookOptions,
    private readonly context: Pick<ChannelContext, 'log' | 'receiptUrl'>,
  ) {
    this.receiptSecret = options.secret;
  }

  deliver(job: DeliveryJob): DeliveryHandle {
    const delivery = new WebhookDelivery(job, this.options, this.context.receiptUrl(), this.context.log);
    delivery.start();
    return delivery;
  }
}

/** One notification on one webhook: attempts until a 2xx, the notification's end, or the service's stop. */
class WebhookDelivery implements DeliveryHandle {
  private attempt: number;
  private sentReported: boolean;
  private done = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly job: DeliveryJob,
    private readonly options: WebhookOptions,
    private readonly receiptUrl: string,
    private readonly log: NotifyLog,
  ) {
    // A restart continues the count, so `attempt` in the journal and the body keeps rising.
    this.attempt = job.previous?.attempt ?? 0;
    this.sentReported = job.previous !== undefined;
  }

  start(): void {
    void this.post();
  }

  confirmed(): void {
    this.done = true;
    this.clearTimer();
  }

  end(outcome: NotifyOutcome, by: string | undefined): void {
    if (this.stopped) return;
    this.stop();
    if (this.attempt > 0) void this.postClosed(outcome, by);
  }

  cancel(): void {
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.abort.abort();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async post(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.done) return;
    const attempt = ++this.attempt;
    if (!this.sentReported) {
      this.sentReported = true;
      this.job.report({ state: 'sent', attempt });
    }
    const body = JSON.stringify(webhookBody(this.job, attempt, this.receiptUrl));
    const result = await postSigned(this.options, this.job.key, body, this.abort.signal);
    if (this.stopped || this.done) return; // ended or confirmed by a receipt meanwhile: nothing more to say
    if (result.ok) {
      this.done = true;
      this.job.report({ state: 'delivered', attempt });
      return;
    }
    const delay = backoffDelay(this.options.retry, attempt);
    this.job.report({ state: 'failed', attempt, reason: result.reason, retryAt: this.job.now() + delay });
    this.log.warn({ channel: this.job.channel, key: this.job.key, attempt, reason: result.reason, retryInMs: delay }, 'webhook delivery failed');
    this.timer = setTimeout(() => void this.post(), delay);
    this.timer.unref();
  }

  private async postClosed(outcome: NotifyOutcome, by: string | undefined): Promise<void> {
    const body = JSON.stringify(closedBody(this.job, outcome, by, this.job.now()));
    for (let attempt = 1; attempt <= CLOSED_ATTEMPTS; attempt++) {
      const result = await postSigned(this.options, `${this.job.key}/closed`, body);
      if (result.ok) return;
      if (attempt === CLOSED_ATTEMPTS) {
        this.log.info({ channel: this.job.channel, key: this.job.key, reason: result.reason }, 'webhook: the closed notice could not be delivered');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.options.retry, attempt)).unref());
    }
  }
}

/** One signed POST. Never throws: every way it can go wrong becomes a reason a person can read. */
export async function postSigned(options: Pick<WebhookOptions, 'url' | 'secret' | 'timeoutMs'>, key: string, body: string, stop?: AbortSignal): Promise<PostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        [SIGNATURE_HEADER]: sign(options.secret, body),
        'user-agent': 'vigil-notifier/1',
      },
      body,
      // A redirect is an answer other than 2xx, not an invitation to send the page somewhere else.
      redirect: 'manual',
      signal: stop === undefined ? timeout : AbortSignal.any([stop, timeout]),
    });
    await response.arrayBuffer().catch(() => undefined); // frees the connection for the next attempt
    return response.ok ? { ok: true, status: response.status } : { ok: false, reason: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, reason: describeFailure(error, timeout.aborted, options.timeoutMs) };
  }
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${Number((timeoutMs / 1000).toFixed(3))} s`;
  if (error instanceof Error && error.name === 'AbortError') return 'stopped';
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return NETWORK_REASONS[code] ?? (code.startsWith('ERR_TLS') || code.includes('CERT') ? `TLS: ${code}` : `network error ${code}`);
  const message = error instanceof Error ? error.message : String(error);
  return `network error: ${message.slice(0, 120)}`;
}
