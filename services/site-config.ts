// The site configuration of `vigil serve`: defaults ← a JSON file ← environment variables ← flags, validated
// at start-up against config/schemas/site.schema.json with messages that name the bad key (and its source).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { compilePolicy, PolicyError } from './core/escalation-policy.js';
import type { EscalationPolicySpec } from './core/escalation-types.js';
import { checkChannels, withBuiltIns, type ChannelDefinitions } from './notify/channel-registry.js';
import { routeProblems } from './notify/policy-routes.js';
import { fieldProblems, schemaErrors } from './schema-errors.js';

export interface SiteConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  profile: string;
  tls?: { cert: string; key: string };
  influx?: { url: string; database: string; retention?: string };
  simulate: false | { scenario: string; speed?: number; seed?: number };
  /** the site's escalation policy (config/schemas/escalation.schema.json); default: the medical monitor on the monitor view */
  escalation?: EscalationPolicySpec;
  /** channel id → definition (docs/notifications.md); monitor-view is built in */
  channels?: ChannelDefinitions;
  /** the service's address as receivers reach it (receipt URL); default derived from host, port and tls */
  publicUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_CONFIG: SiteConfig = {
  port: 8080,
  // Loopback unless told otherwise: a monitor on a clinic network is exposed on purpose, never by default.
  host: '127.0.0.1',
  dataDir: 'data',
  logLevel: 'info',
  profile: 'mdma-session',
  simulate: { scenario: 'typical', speed: 1, seed: 1 },
};

/** Environment variable → config key, and how to read its text. */
const ENV: ReadonlyArray<[string, (config: Record<string, unknown>, value: string) => void]> = [
  ['VIGIL_PORT', (c, v) => (c['port'] = /^\d+$/.test(v) ? Number(v) : v)],
  ['VIGIL_HOST', (c, v) => (c['host'] = v)],
  ['VIGIL_DATA_DIR', (c, v) => (c['dataDir'] = v)],
  ['VIGIL_LOG_LEVEL', (c, v) => (c['logLevel'] = v)],
  ['VIGIL_PROFILE', (c, v) => (c['profile'] = v)],
  ['VIGIL_TLS_CERT', (c, v) => (c['tls'] = { ...(c['tls'] as object | undefined), cert: v })],
  ['VIGIL_TLS_KEY', (c, v) => (c['tls'] = { ...(c['tls'] as object | undefined), key: v })],
  ['VIGIL_INFLUX_URL', (c, v) => (c['influx'] = { ...(c['influx'] as object | undefined), url: v })],
  ['VIGIL_INFLUX_DATABASE', (c, v) => (c['influx'] = { ...(c['influx'] as object | undefined), database: v })],
  ['VIGIL_INFLUX_RETENTION', (c, v) => (c['influx'] = { ...(c['influx'] as object | undefined), retention: v })],
  ['VIGIL_PUBLIC_URL', (c, v) => (c['publicUrl'] = v)],
  ['VIGIL_SIMULATE', (c, v) => (c['simulate'] = v === 'off' || v === 'false' ? false : { ...(typeof c['simulate'] === 'object' ? c['simulate'] : {}), scenario: v })],
];

/** Which source set each key, so an error can say where to look. */
function sources(file: string | undefined, fileConfig: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const from = new Map<string, string>();
  for (const key of Object.keys(fileConfig)) from.set(key, file ?? 'the config file');
  for (const [name, apply] of ENV) {
    const value = env[name];
    if (value === undefined) continue;
    const probe: Record<string, unknown> = {};
    apply(probe, value);
    for (const key of Object.keys(probe)) from.set(key, `${name}`);
  }
  return from;
}

export function loadSiteConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Partial<SiteConfig> } = {}): SiteConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env['VIGIL_CONFIG'] === '' ? undefined : env['VIGIL_CONFIG']);
  let fileConfig: Record<string, unknown> = {};
  if (file !== undefined) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be a JSON object');
      fileConfig = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError([`${file}: ${error instanceof Error ? error.message : String(error)}`]);
    }
  }
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG, ...fileConfig };
  for (const [name, apply] of ENV) {
    const value = env[name];
    if (value !== undefined) apply(merged, value);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) if (value !== undefined) merged[key] = value;

  const errors = schemaErrors('site.schema.json', merged);
  if (errors.length > 0) {
    const from = sources(file, fileConfig, env);
    throw new ConfigError(
      fieldProblems(errors).map(({ path, message }) => {
        const where = from.get(path.split('.')[0] ?? path);
        return `${path === '' ? '(configuration)' : path}: ${message}${where === undefined ? '' : ` (set by ${where})`}`;
      }),
    );
  }
  const config = merged as unknown as SiteConfig;
  const notifyProblems = checkNotifications(config, env);
  if (notifyProblems.length > 0) {
    const from = sources(file, fileConfig, env);
    throw new ConfigError(notifyProblems.map((problem) => {
      const where = from.get(problem.split(/[.:]/)[0] ?? '');
      return `${problem}${where === undefined ? '' : ` (set by ${where})`}`;
    }));
  }
  return config;
}

/**
 * What the schema cannot see: the policy compiled (so its errors name the field), each channel checked by its
 * type's own module, and every channel the policy names defined.
 */
function checkNotifications(config: SiteConfig, env: NodeJS.ProcessEnv): string[] {
  const problems = checkChannels(config.channels, env);
  try {
    const policy = compilePolicy(config.escalation ?? {}, 'escalation');
    const known = new Set(Object.keys(withBuiltIns(config.channels)));
    problems.push(...routeProblems(policy, known).map((problem) => `escalation.${problem}`));
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    problems.push(...error.problems.map((problem) => (problem.startsWith('(policy)') ? problem.replace('(policy)', 'escalation') : `escalation.${problem}`)));
  }
  return problems;
}

/** Where receivers reach the service when the site sets no publicUrl: its own address, by name when bound to all. */
export function defaultPublicUrl(config: Pick<SiteConfig, 'host' | 'port' | 'tls'>, port: number = config.port): string {
  const everywhere = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const loopback = config.host === '127.0.0.1' || config.host === '::1';
  const host = everywhere ? hostname() : loopback ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${config.tls === undefined ? 'http' : 'https'}://${host}:${port}`;
}
