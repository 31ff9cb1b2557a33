// The `influx` client as vigil uses it: one host from a URL, no retries or host disabling of its own (the
// writer owns retry and backoff, so there is exactly one policy), and the database and retention policy made
// on demand.
import { InfluxDB, type IPoolOptions } from 'influx';

export interface RetentionPolicyConfig {
  /** name of the retention policy, e.g. `vigil` */
  name: string;
  /** how long InfluxDB keeps points: an InfluxQL duration such as `90d`, `26w`, `2160h`, or `INF` */
  duration: string;
}

export interface InfluxTarget {
  client: InfluxDB;
  database: string;
  retentionPolicy?: RetentionPolicyConfig;
}

const DURATION = /^(?:inf|(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/i;

type Backoff = NonNullable<IPoolOptions['backoff']>;

/** A backoff that never waits: the pool then never takes its only host out of service. */
const NO_BACKOFF: Backoff = {
  getDelay: () => 0,
  next: () => NO_BACKOFF,
  reset: () => NO_BACKOFF,
};

/** A client for `url` (`http(s)://[user:password@]host:port[/path]`). Throws on a malformed URL or duration. */
export function createClient(url: string, database: string, requestTimeoutMs: number, retentionPolicy?: RetentionPolicyConfig): InfluxTarget {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`influx url must be http(s)://…, got ${parsed.protocol}`);
  }
  if (database.length === 0) throw new TypeError('influx database must not be empty');
  // The duration is spliced into a statement by the client, so it must be a plain duration and nothing else.
  if (retentionPolicy !== undefined && !DURATION.test(retentionPolicy.duration)) {
    throw new TypeError(`influx retention policy duration must be an InfluxQL duration such as 90d, got ${retentionPolicy.duration}`);
  }
  const client = new InfluxDB({
    host: parsed.hostname,
    port: parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port),
    protocol: parsed.protocol === 'https:' ? 'https' : 'http',
    path: parsed.pathname === '/' ? '' : parsed.pathname,
    database,
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : {}),
    pool: { maxRetries: 0, requestTimeout: requestTimeoutMs, backoff: NO_BACKOFF },
  });
  return retentionPolicy === undefined ? { client, database } : { client, database, retentionPolicy };
}

/** Creates the database and the retention policy (as the database's default) if missing; idempotent. */
export async function ensureDatabase(target: InfluxTarget): Promise<void> {
  const { client, database, retentionPolicy } = target;
  await client.createDatabase(database); // CREATE DATABASE is a no-op for an existing one
  if (retentionPolicy === undefined) return;
  const options = { database, duration: retentionPolicy.duration, replication: 1, isDefault: true };
  const existing = await client.showRetentionPolicies(database);
  // Configuration is the desired state: an existing policy is brought in line with it.
  if (existing.some((p) => p.name === retentionPolicy.name)) await client.alterRetentionPolicy(retentionPolicy.name, options);
  else await client.createRetentionPolicy(retentionPolicy.name, options);
}

/** The HTTP status of a failed request, when InfluxDB answered at all. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('res' in err)) return undefined;
  const res: unknown = err.res;
  if (typeof res !== 'object' || res === null || !('statusCode' in res)) return undefined;
  return typeof res.statusCode === 'number' ? res.statusCode : undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
