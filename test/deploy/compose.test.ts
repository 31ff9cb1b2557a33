// The clinic deployment (Dockerfile, .dockerignore, docker-compose.yml, Grafana provisioning,
// docs/deployment.md), checked without a Docker engine. Each check is a function that returns the problems
// it finds; the first block runs them on the real files and expects none, the second feeds each check a
// broken copy and expects it to name the fault, so every check is shown able to fail.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, posix, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const DOCS_FILE = join(ROOT, 'docs', 'deployment.md');

const NODE_IMAGE = 'node:20-bookworm-slim';
const SERVICES = ['vigil', 'influxdb', 'grafana'];
/** Where each service keeps its state: it must be a named volume there, or a restart loses data. */
const STATE_DIRS: Record<string, string> = { vigil: '/data', influxdb: '/var/lib/influxdb', grafana: '/var/lib/grafana' };
const INFLUX_PORT = 8086;
const VIGIL_PORT = '8080';

/** What vigil writes to InfluxDB (docs/deployment.md): measurement → tags and fields. */
const SCHEMA: Record<string, { tags: readonly string[]; fields: readonly string[] }> = {
  vitals: { tags: ['session', 'vital', 'device'], fields: ['value'] },
  alarms: { tags: ['session', 'rule', 'priority', 'state'], fields: ['value', 'id'] },
  events: { tags: [], fields: [] },
};
/** Tags with a closed set of values: a query comparing them with anything else can never match. */
const TAG_VALUES: Record<string, readonly string[]> = {
  vital: ['hr', 'spo2', 'sbp', 'dbp', 'map', 'temp'],
  priority: ['high', 'medium', 'low'],
  state: ['raised', 'cleared', 'acknowledged', 'escalated'],
};

// ---------------------------------------------------------------------------------------------- helpers

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** YAML → value; duplicate keys, syntax errors and warnings are all refused. */
function parseYaml(text: string, where: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const issues = [...doc.errors, ...doc.warnings];
  if (issues.length > 0) throw new Error(`${where}: ${issues.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

/** Parses a provisioning or dashboard file by its extension, or says why it cannot. */
function parseConfigFile(path: string, text: string): { value?: unknown; problem?: string } {
  const ext = extname(path);
  try {
    if (ext === '.json') return { value: JSON.parse(text) as unknown };
    if (ext === '.yaml' || ext === '.yml') return { value: parseYaml(text, path) };
    return { problem: `${path}: neither YAML nor JSON (Grafana would ignore it)` };
  } catch (error: unknown) {
    return { problem: `${path}: does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Compose-style interpolation with an empty environment: what the file means when nothing is set. */
function interpolateDefaults(text: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match: string, _name: string | undefined, op: string | undefined) => {
    if (match === '$$') return '$';
    if (op === ':-' || op === '-') return match.slice(match.indexOf(op) + op.length, -1);
    return '';
  });
}

function interpolatedNames(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? m[2] ?? '');
}

function environment(service: Obj): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const raw = service['environment'];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const text = str(entry) ?? '';
      const eq = text.indexOf('=');
      env.set(eq < 0 ? text : text.slice(0, eq), eq < 0 ? undefined : text.slice(eq + 1));
    }
  } else {
    for (const [key, value] of Object.entries(obj(raw))) env.set(key, value === null ? undefined : str(value));
  }
  return env;
}

function services(compose: unknown): Obj {
  return obj(obj(compose)['services']);
}

function service(compose: unknown, name: string): Obj {
  return obj(services(compose)[name]);
}

interface Mount {
  kind: 'volume' | 'bind' | 'anonymous' | 'other';
  source: string;
  target: string;
  readOnly: boolean;
}

function mounts(svc: Obj): Mount[] {
  return list(svc['volumes']).map((entry): Mount => {
    if (isObj(entry)) {
      const type = str(entry['type']) ?? 'volume';
      const source = str(entry['source']) ?? '';
      const kind = type === 'bind' ? 'bind' : type === 'volume' ? (source === '' ? 'anonymous' : 'volume') : 'other';
      return { kind, source, target: str(entry['target']) ?? '', readOnly: entry['read_only'] === true };
    }
    const parts = (str(entry) ?? '').split(':');
    if (parts.length === 1) return { kind: 'anonymous', source: '', target: parts[0] ?? '', readOnly: false };
    const source = parts[0] ?? '';
    const kind = /^[./~]/.test(source) ? 'bind' : 'volume';
    return { kind, source, target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro') };
  });
}

/** The host path a container path of a service comes from, through its bind mounts (longest match). */
function hostPathOf(svc: Obj, containerPath: string, composeDir: string): string | undefined {
  const binds = mounts(svc)
    .filter((m) => m.kind === 'bind' && (containerPath === m.target || containerPath.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length);
  const bind = binds[0];
  return bind === undefined ? undefined : join(resolve(composeDir, bind.source), containerPath.slice(bind.target.length));
}

function networksOf(svc: Obj): string[] {
  const raw = svc['networks'];
  return Array.isArray(raw) ? raw.map((n) => str(n) ?? '') : Object.keys(obj(raw));
}

/** The order compose connects a service to its networks: highest priority first, then by name. */
function joinOrder(svc: Obj): string[] {
  const raw = svc['networks'];
  const priority = (n: string): number => (Array.isArray(raw) ? 0 : Number(obj(obj(raw)[n])['priority'] ?? 0));
  return [...networksOf(svc)].sort((a, b) => priority(b) - priority(a) || a.localeCompare(b));
}

function sharesNetwork(a: Obj, b: Obj): boolean {
  const an = networksOf(a).length === 0 ? ['default'] : networksOf(a);
  const bn = networksOf(b).length === 0 ? ['default'] : networksOf(b);
  return an.some((n) => bn.includes(n));
}

/** A short port mapping `[ip:]host:container[/proto]` with interpolations resolved to their defaults. */
function parsePort(entry: unknown): { hostIp?: string; container: string } {
  if (isObj(entry)) return { hostIp: str(entry['host_ip']), container: str(entry['target']) ?? '' };
  const parts = interpolateDefaults(str(entry) ?? '').split(':');
  const container = (parts.at(-1) ?? '').replace(/\/(tcp|udp)$/, '');
  return { hostIp: parts.length === 3 ? parts[0] : undefined, container };
}

// ------------------------------------------------------------------------------------------- compose

const TOP_LEVEL_KEYS = ['name', 'services', 'volumes', 'networks', 'configs', 'secrets', 'include', 'version'];
const SERVICE_KEYS = [
  'build', 'image', 'command', 'entrypoint', 'environment', 'env_file', 'volumes', 'ports', 'expose', 'networks',
  'depends_on', 'links', 'healthcheck', 'restart', 'init', 'read_only', 'tmpfs', 'cap_add', 'cap_drop',
  'security_opt', 'stop_grace_period', 'stop_signal', 'user', 'working_dir', 'devices', 'group_add', 'labels',
  'logging', 'ulimits', 'deploy', 'secrets', 'configs', 'container_name', 'hostname', 'extra_hosts', 'profiles',
  'mem_limit', 'cpus', 'shm_size', 'pull_policy', 'platform', 'sysctls', 'ipc', 'pid', 'privileged',
];

function composeProblems(compose: unknown, composeDir: string): string[] {
  const problems: string[] = [];
  if (!isObj(compose)) return ['the compose file is not a mapping'];
  for (const key of Object.keys(compose)) {
    if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('x-')) problems.push(`unknown top-level key "${key}"`);
  }
  const svcs = services(compose);
  const names = Object.keys(svcs);
  if ([...names].sort().join() !== [...SERVICES].sort().join()) problems.push(`services are [${names.join(', ')}], expected [${SERVICES.join(', ')}]`);
  const declaredVolumes = Object.keys(obj(compose['volumes']));
  const declaredNetworks = Object.keys(obj(compose['networks']));
  const usedVolumes = new Set<string>();

  for (const [name, raw] of Object.entries(svcs)) {
    const svc = obj(raw);
    for (const key of Object.keys(svc)) {
      if (!SERVICE_KEYS.includes(key) && !key.startsWith('x-')) problems.push(`${name}: unknown key "${key}"`);
    }
    if (svc['image'] === undefined && svc['build'] === undefined) problems.push(`${name}: neither image nor build`);

    const dependsOn = Array.isArray(svc['depends_on']) ? svc['depends_on'].map((d) => str(d) ?? '') : Object.keys(obj(svc['depends_on']));
    for (const dep of dependsOn) {
      if (!names.includes(dep)) problems.push(`${name}: depends_on "${dep}", which is not a service`);
      if (dep === name) problems.push(`${name}: depends on itself`);
      const condition = str(obj(obj(svc['depends_on'])[dep])['condition']);
      // A service built here may carry its health check in its Dockerfile (vigil's HEALTHCHECK).
      const target = obj(svcs[dep]);
      if (condition === 'service_healthy' && target['healthcheck'] === undefined && target['build'] === undefined) {
        problems.push(`${name}: waits for "${dep}" to be healthy, but it has no healthcheck`);
      }
    }
    for (const link of list(svc['links'])) {
      const target = (str(link) ?? '').split(':')[0] ?? '';
      if (!names.includes(target)) problems.push(`${name}: links to "${target}", which is not a service`);
    }
    for (const network of networksOf(svc)) {
      if (!declaredNetworks.includes(network)) problems.push(`${name}: network "${network}" is not declared`);
    }

    for (const mount of mounts(svc)) {
      if (mount.kind === 'anonymous') problems.push(`${name}: anonymous volume at ${mount.target} (lost on re-create; name it)`);
      if (mount.kind === 'volume') {
        usedVolumes.add(mount.source);
        if (!declaredVolumes.includes(mount.source)) problems.push(`${name}: volume "${mount.source}" is not declared`);
      }
      if (mount.kind === 'bind') {
        if (!mount.source.startsWith('.')) problems.push(`${name}: host path "${mount.source}" is not relative to the compose file`);
        else if (!existsSync(resolve(composeDir, mount.source))) problems.push(`${name}: bind source "${mount.source}" does not exist`);
      }
    }
    const stateDir = STATE_DIRS[name];
    if (stateDir !== undefined && !mounts(svc).some((m) => m.kind === 'volume' && m.target === stateDir)) {
      problems.push(`${name}: its state (${stateDir}) is not on a named volume`);
    }

    for (const port of list(svc['ports'])) {
      const { hostIp } = parsePort(port);
      if (hostIp !== '127.0.0.1') problems.push(`${name}: port ${JSON.stringify(port)} is published on every interface by default, not 127.0.0.1`);
    }
    // Compose joins networks by priority, then name; Docker publishes ports through the first, which must not be internal.
    const first = joinOrder(svc)[0];
    if (list(svc['ports']).length > 0 && first !== undefined && obj(obj(compose['networks'])[first])['internal'] === true) {
      problems.push(`${name}: joins the internal network "${first}" first, so its ports may not be published`);
    }

    if (svc['build'] !== undefined) {
      const build = isObj(svc['build']) ? svc['build'] : { context: svc['build'] };
      const context = resolve(composeDir, str(build['context']) ?? '.');
      const dockerfile = resolve(context, str(build['dockerfile']) ?? 'Dockerfile');
      if (!existsSync(dockerfile)) problems.push(`${name}: Dockerfile ${relative(composeDir, dockerfile)} does not exist`);
    }
  }
  for (const volume of declaredVolumes) {
    if (!usedVolumes.has(volume)) problems.push(`volume "${volume}" is declared but no service mounts it`);
  }

  // The wiring between the three services.
  const vigil = service(compose, 'vigil');
  const influx = service(compose, 'influxdb');
  const grafana = service(compose, 'grafana');
  if (!/^influxdb:1\.8(\.\d+)?$/.test(str(influx['image']) ?? '')) problems.push(`influxdb: image is "${str(influx['image'])}", expected influxdb:1.8`);
  if (!/^grafana\/grafana-oss(:|$)/.test(str(grafana['image']) ?? '')) problems.push(`grafana: image is "${str(grafana['image'])}", expected grafana/grafana-oss`);
  if (influx['healthcheck'] === undefined) problems.push('influxdb: no healthcheck');
  if (list(influx['ports']).length > 0) problems.push('influxdb: publishes a port; it should be reachable by vigil and Grafana only');
  if (!list(vigil['ports']).some((p) => parsePort(p).container === VIGIL_PORT)) problems.push(`vigil: container port ${VIGIL_PORT} is not published`);
  const env = environment(vigil);
  const influxUrl = env.get('VIGIL_INFLUX_URL');
  if (influxUrl !== `http://influxdb:${INFLUX_PORT}`) problems.push(`vigil: VIGIL_INFLUX_URL is "${influxUrl}", expected http://influxdb:${INFLUX_PORT}`);
  if (env.get('VIGIL_INFLUX_DATABASE') !== environment(influx).get('INFLUXDB_DB')) {
    problems.push(`vigil: VIGIL_INFLUX_DATABASE "${env.get('VIGIL_INFLUX_DATABASE')}" is not the database influxdb creates ("${environment(influx).get('INFLUXDB_DB')}")`);
  }
  if (env.get('VIGIL_DATA_DIR') !== STATE_DIRS['vigil']) problems.push(`vigil: VIGIL_DATA_DIR is "${env.get('VIGIL_DATA_DIR')}", not its volume ${STATE_DIRS['vigil']}`);
  if (!sharesNetwork(vigil, influx)) problems.push('vigil and influxdb share no network');
  if (!sharesNetwork(grafana, influx)) problems.push('grafana and influxdb share no network');
  return problems;
}

// ---------------------------------------------------------------------------------------- Dockerfile

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  index: number;
  name?: string;
  base: string;
  line: number;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions: parser directives, comments and line continuations handled. */
function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (directive === null) break;
    if (directive[1]?.toLowerCase() === 'escape') escape = directive[2] ?? '\\';
  }
  const instructions: Instruction[] = [];
  let current = '';
  let start = 0;
  lines.forEach((line, i) => {
    if (/^\s*#/.test(line) || line.trim() === '') return; // comments and blank lines, also inside a continuation
    if (current === '') start = i + 1;
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) {
      current += `${trimmed.slice(0, -escape.length)} `;
      return;
    }
    current += trimmed;
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(current);
    if (match !== null) instructions.push({ keyword: (match[1] ?? '').toUpperCase(), args: (match[2] ?? '').trim(), line: start });
    current = '';
  });
  if (current.trim() !== '') instructions.push({ keyword: 'INCOMPLETE', args: current, line: start });
  return instructions;
}

const IMAGE_REF = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function parseStages(instructions: Instruction[]): { stages: Stage[]; problems: string[] } {
  const stages: Stage[] = [];
  const problems: string[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+([a-z][a-z0-9_.-]*))?$/i.exec(ins.args);
      if (m === null) {
        problems.push(`line ${ins.line}: FROM "${ins.args}" does not parse`);
        stages.push({ index: stages.length, base: '', line: ins.line, instructions: [] });
        continue;
      }
      const base = m[1] ?? '';
      const name = m[2]?.toLowerCase();
      if (!IMAGE_REF.test(base) && !stages.some((s) => s.name === base.toLowerCase())) problems.push(`line ${ins.line}: FROM "${base}" is neither an image reference nor an earlier stage`);
      if (name !== undefined && stages.some((s) => s.name === name)) problems.push(`line ${ins.line}: stage name "${name}" is used twice`);
      stages.push({ index: stages.length, name, base, line: ins.line, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') problems.push(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
    if (ins.keyword === 'INCOMPLETE') problems.push(`line ${ins.line}: the file ends inside a line continuation`);
  }
  return { stages, problems };
}

/** The external image a stage ultimately builds on, following FROM <earlier stage>. */
function rootImage(stages: Stage[], stage: Stage): string {
  const parent = stages.find((s) => s.index < stage.index && s.name === stage.base.toLowerCase());
  return parent === undefined ? stage.base : rootImage(stages, parent);
}

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
  keyword: string;
}

function parseCopy(ins: Instruction): Copy {
  const words = ins.args.startsWith('[') ? list(JSON.parse(ins.args) as unknown).map((w) => str(w) ?? '') : ins.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '', keyword: ins.keyword };
}

function normalisePath(path: string): string {
  return posix.normalize(path).replace(/^\.\//, '').replace(/\/$/, '');
}

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
const ALLOWED_IN_RUNTIME = ['package.json', 'package-lock.json', 'node_modules', 'dist', 'bin', 'config', 'dashboard'];
const REQUIRED_IN_RUNTIME = ['package.json', 'node_modules', 'dist', 'bin', 'config', 'dashboard'];

function dockerfileProblems(text: string, contextDir: string): string[] {
  const { stages, problems } = parseStages(parseInstructions(text));
  if (stages.length < 2) return [...problems, `${stages.length} stage(s); expected a multi-stage build`];
  const final = stages.at(-1);
  if (final === undefined) return problems;
  const stageByName = (name: string | undefined): Stage | undefined =>
    name === undefined ? undefined : stages.find((s) => s.name === name.toLowerCase() || String(s.index) === name);

  for (const stage of stages) {
    if (rootImage(stages, stage) !== NODE_IMAGE) problems.push(`stage ${stage.name ?? stage.index}: built on "${rootImage(stages, stage)}", expected ${NODE_IMAGE}`);
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ADD') problems.push(`line ${ins.line}: ADD (use COPY: no URLs, no implicit unpacking)`);
      if (ins.keyword === 'COPY') {
        const copy = parseCopy(ins);
        if (copy.from !== undefined) {
          const source = stageByName(copy.from);
          if (source === undefined || source.index >= stage.index) problems.push(`line ${ins.line}: COPY --from=${copy.from} names no earlier stage`);
        } else {
          for (const src of copy.sources) {
            if (!existsSync(join(contextDir, src))) problems.push(`line ${ins.line}: COPY source "${src}" does not exist in the build context`);
          }
        }
      }
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        const names = ins.args.includes('=') ? [...ins.args.matchAll(/(?:^|\s)([A-Za-z_]\w*)=/g)].map((m) => m[1] ?? '') : [ins.args.split(/\s+/)[0] ?? ''];
        for (const name of names) if (SECRET_NAME.test(name)) problems.push(`line ${ins.line}: ${ins.keyword} ${name} bakes a secret into the image`);
      }
    }
  }

  // The build: npm ci then npm run build, in the stage the runtime's dist/ comes from.
  const copies = final.instructions.filter((i) => i.keyword === 'COPY').map(parseCopy);
  const distCopy = copies.find((c) => c.from !== undefined && c.sources.some((s) => /(^|\/)dist$/.test(normalisePath(s))));
  const buildStage = stageByName(distCopy?.from);
  if (buildStage === undefined) problems.push('the final stage does not copy dist/ from a build stage');
  else {
    if (!runs(buildStage).some((r) => /\bnpm ci\b/.test(r))) problems.push(`stage ${buildStage.name}: no npm ci`);
    if (!runs(buildStage).some((r) => /\bnpm run build\b/.test(r))) problems.push(`stage ${buildStage.name}: no npm run build`);
  }
  // Production dependencies only.
  const modulesCopy = copies.find((c) => c.sources.some((s) => /(^|\/)node_modules$/.test(normalisePath(s))));
  const depsStage = stageByName(modulesCopy?.from);
  // Each shell command of the RUNs: an install counts as production-only with --omit=dev (or --production).
  const commands = (stage: Stage): string[] => runs(stage).flatMap((r) => r.split(/&&|\|\||;/).map((c) => c.trim()));
  const prodOnly = (c: string): boolean => /--(omit=dev|production)\b/.test(c);
  const installs = (stage: Stage): string[] => commands(stage).filter((c) => /\bnpm (ci|install)\b/.test(c));
  const pruned = (stage: Stage): boolean => commands(stage).some((c) => /\bnpm prune\b/.test(c) && prodOnly(c));
  if (modulesCopy === undefined) problems.push('the final stage gets no node_modules');
  if (depsStage !== undefined && !pruned(depsStage) && !(installs(depsStage).length > 0 && installs(depsStage).every(prodOnly))) {
    problems.push(`stage ${depsStage.name}: node_modules for the runtime are not installed with --omit=dev`);
  }
  for (const c of installs(final)) if (!prodOnly(c)) problems.push(`the final stage installs dependencies without --omit=dev: ${c}`);
  // Only what runs: dist/, bin/, config/, dashboard/ (+ package.json, production node_modules).
  const shipped = copies.flatMap((c) => c.sources.map((s) => normalisePath(s).split('/').filter((p) => p !== '').at(-1) ?? ''));
  for (const item of shipped) if (!ALLOWED_IN_RUNTIME.includes(item)) problems.push(`the final stage ships "${item}"`);
  for (const item of REQUIRED_IN_RUNTIME) if (!shipped.includes(item)) problems.push(`the final stage does not ship ${item}`);

  // Non-root.
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (user === undefined) problems.push('the final stage runs as root (no USER)');
  else if (['root', '0'].includes(user.split(':')[0] ?? '')) problems.push(`the final stage runs as root (USER ${user})`);

  // Data directory, port, health check, entrypoint.
  const envText = final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
  if (!/(^|\s)VIGIL_DATA_DIR(=|\s+)\/data(\s|$)/.test(envText)) problems.push('the final stage does not set VIGIL_DATA_DIR=/data');
  const volumes = final.instructions.filter((i) => i.keyword === 'VOLUME').flatMap((i) => (i.args.startsWith('[') ? list(JSON.parse(i.args) as unknown).map((v) => str(v) ?? '') : i.args.split(/\s+/)));
  if (!volumes.includes('/data')) problems.push('the final stage declares no VOLUME /data');
  const exposed = final.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => p.replace(/\/tcp$/, '')));
  if (!exposed.includes(VIGIL_PORT)) problems.push(`the final stage does not EXPOSE ${VIGIL_PORT}`);
  const health = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.args;
  if (health === undefined || /^NONE$/i.test(health)) problems.push('the final stage has no HEALTHCHECK');
  else if (!/\bCMD\b/.test(health) || !health.includes('/api/health')) problems.push('the HEALTHCHECK does not ask /api/health');

  const entrypoint = final.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args;
  let argv: string[] = [];
  try {
    argv = entrypoint?.startsWith('[') === true ? list(JSON.parse(entrypoint) as unknown).map((w) => str(w) ?? '') : [];
  } catch {
    argv = [];
  }
  if (entrypoint === undefined) problems.push('the final stage has no ENTRYPOINT');
  else if (argv.length === 0) problems.push('the ENTRYPOINT is not in exec (JSON) form, so SIGTERM would not reach node');
  else {
    const script = argv.findIndex((a) => /(^|\/)bin\/vigil\.js$/.test(a));
    if (argv[0] !== 'node' || script < 0 || argv[script + 1] !== 'serve') problems.push(`the ENTRYPOINT ${JSON.stringify(argv)} does not run node bin/vigil.js serve`);
    const host = argv.indexOf('--host');
    if (host < 0 || argv[host + 1] !== '0.0.0.0') problems.push('the ENTRYPOINT does not bind --host 0.0.0.0 (the default, 127.0.0.1, is unreachable from outside the container)');
    // The script it runs is in the image: resolve it against WORKDIR and the COPYs from the context.
    const workdir = final.instructions.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args), '/');
    const scriptPath = posix.resolve(workdir, argv[script] ?? '');
    const from = copies
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => ({ src: normalisePath(s), dest: posix.resolve(workdir, c.dest.endsWith('/') || c.sources.length > 1 ? posix.join(c.dest, posix.basename(s)) : c.dest) })))
      .find((c) => scriptPath.startsWith(`${c.dest}/`));
    if (from === undefined || !existsSync(join(contextDir, from.src, scriptPath.slice(from.dest.length)))) {
      problems.push(`the ENTRYPOINT script ${scriptPath} is not copied into the image`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------- .dockerignore

/** Docker's rule: the last pattern matching the path or one of its parent directories decides. */
function dockerignored(patterns: string[], path: string): boolean {
  const toRegExp = (pattern: string): RegExp => {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] ?? '';
      if (c === '*' && pattern[i + 1] === '*') {
        re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += pattern[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  const segments = path.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = posix.normalize((negate ? raw.slice(1) : raw).trim()).replace(/^\/+/, '').replace(/\/+$/, '');
    if (candidates.some((c) => toRegExp(pattern).test(c))) excluded = !negate;
  }
  return excluded;
}

function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const NEVER_IN_CONTEXT = ['.env', '.git/HEAD', 'node_modules/fastify/package.json', 'dist/services/cli/main.js', 'data/sessions/s-1.ndjson', 'tls/vigil.key'];

function dockerignoreProblems(ignoreText: string, dockerfileText: string, contextDir: string): string[] {
  const patterns = dockerignorePatterns(ignoreText);
  const problems: string[] = [];
  const { stages } = parseStages(parseInstructions(dockerfileText));
  const needed = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY').map(parseCopy).filter((c) => c.from === undefined).flatMap((c) => c.sources));
  for (const src of needed.map(normalisePath)) {
    const full = join(contextDir, src);
    const files = existsSync(full) && statSync(full).isDirectory() ? filesUnder(full).map((f) => relative(contextDir, f).split('\\').join('/')) : [src];
    if (dockerignored(patterns, src)) problems.push(`.dockerignore leaves out "${src}", which the Dockerfile copies`);
    else if (files.length > 0 && files.every((f) => dockerignored(patterns, f))) problems.push(`.dockerignore leaves out every file of "${src}"`);
  }
  for (const path of NEVER_IN_CONTEXT) {
    if (!dockerignored(patterns, path)) problems.push(`.dockerignore lets "${path}" into the build context`);
  }
  return problems;
}

// -------------------------------------------------------------------------------------------- Grafana

interface Provisioning {
  problems: string[];
  datasources: Obj[];
  dashboards: { path: string; value: unknown }[];
}

/** The shape Grafana expects of one parsed provisioning file. */
function provisioningFileProblems(kind: string, where: string, value: unknown): string[] {
  const problems: string[] = [];
  if (obj(value)['apiVersion'] !== 1) problems.push(`${where}: apiVersion is not 1`);
  const entries = list(obj(value)[kind === 'datasources' ? 'datasources' : 'providers']).map(obj);
  if (entries.length === 0) problems.push(`${where}: no ${kind === 'datasources' ? 'datasources' : 'providers'}`);
  for (const entry of entries) {
    if (str(entry['name']) === undefined) problems.push(`${where}: an entry without a name`);
    if (kind === 'dashboards' && str(obj(entry['options'])['path']) === undefined) problems.push(`${where}: provider "${str(entry['name'])}" has no options.path`);
  }
  return problems;
}

function grafanaProvisioning(compose: unknown, composeDir: string): Provisioning {
  const problems: string[] = [];
  const datasources: Obj[] = [];
  const dashboards: { path: string; value: unknown }[] = [];
  const grafana = service(compose, 'grafana');
  const env = environment(grafana);
  const provisioningDir = hostPathOf(grafana, env.get('GF_PATHS_PROVISIONING') ?? '/etc/grafana/provisioning', composeDir);
  if (provisioningDir === undefined || !existsSync(provisioningDir)) return { problems: ['grafana: no provisioning directory is mounted'], datasources, dashboards };

  for (const kind of ['datasources', 'dashboards']) {
    const files = filesUnder(join(provisioningDir, kind));
    if (files.length === 0) problems.push(`grafana: no ${kind} provisioning files in ${relative(composeDir, join(provisioningDir, kind))}`);
    for (const file of files) {
      const { value, problem } = parseConfigFile(relative(composeDir, file), readFileSync(file, 'utf8'));
      if (problem !== undefined) {
        problems.push(problem);
        continue;
      }
      problems.push(...provisioningFileProblems(kind, relative(composeDir, file), value));
      if (kind === 'datasources') datasources.push(...list(obj(value)['datasources']).map(obj));
      else {
        for (const provider of list(obj(value)['providers']).map(obj)) {
          const containerPath = str(obj(provider['options'])['path']) ?? '';
          const hostDir = hostPathOf(grafana, containerPath, composeDir);
          if (hostDir === undefined) {
            problems.push(`dashboard provider "${str(provider['name'])}": ${containerPath} is not mounted into grafana`);
            continue;
          }
          const jsons = filesUnder(hostDir).filter((f) => f.endsWith('.json'));
          if (jsons.length === 0) problems.push(`dashboard provider "${str(provider['name'])}": no dashboards in ${relative(composeDir, hostDir)}`);
          for (const json of jsons) {
            const parsed = parseConfigFile(relative(composeDir, json), readFileSync(json, 'utf8'));
            if (parsed.problem !== undefined) problems.push(parsed.problem);
            else dashboards.push({ path: relative(composeDir, json), value: parsed.value });
          }
        }
      }
    }
  }
  const home = env.get('GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH');
  if (home !== undefined) {
    const hostHome = hostPathOf(grafana, home, composeDir);
    if (hostHome === undefined || !existsSync(hostHome)) problems.push(`grafana: the home dashboard ${home} is not a mounted file`);
  }
  return { problems, datasources, dashboards };
}

function datasourceProblems(datasources: Obj[], compose: unknown): string[] {
  const influxes = datasources.filter((d) => d['type'] === 'influxdb');
  if (influxes.length !== 1) return [`${influxes.length} InfluxDB datasources provisioned, expected 1`];
  const ds = influxes[0] ?? {};
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(str(ds['url']) ?? '');
  } catch {
    problems.push(`the datasource url "${str(ds['url'])}" does not parse`);
  }
  if (url !== undefined) {
    if (!Object.keys(services(compose)).includes(url.hostname) || !/^influxdb:/.test(str(service(compose, url.hostname)['image']) ?? '')) {
      problems.push(`the datasource points at host "${url.hostname}", not the compose InfluxDB service`);
    }
    if (url.port !== String(INFLUX_PORT)) problems.push(`the datasource points at port "${url.port}", InfluxDB listens on ${INFLUX_PORT}`);
  }
  const jsonData = obj(ds['jsonData']);
  const db = str(jsonData['dbName']) ?? str(ds['database']);
  if (db !== environment(service(compose, 'influxdb')).get('INFLUXDB_DB')) problems.push(`the datasource reads database "${db}", not the one influxdb creates`);
  if ((str(jsonData['version']) ?? 'InfluxQL') !== 'InfluxQL') problems.push('the datasource does not speak InfluxQL (InfluxDB 1.8)');
  if (ds['access'] !== 'proxy') problems.push('the datasource is not proxied by Grafana (browsers cannot reach InfluxDB)');
  if (str(ds['uid']) === undefined) problems.push('the datasource has no uid for dashboards to reference');
  return problems;
}

// ------------------------------------------------------------------------------------------ dashboards

const INFLUXQL_WORDS = new Set(
  'select from where and or not group by time fill none null previous linear order asc desc limit slimit offset soffset show tag values with key as in tz now mean median last first max min count sum distinct spread stddev difference derivative non_negative_derivative moving_average percentile integral mode elapsed cumulative_sum'.split(' '),
);
const GRAFANA_MACROS = new Set(['timeFilter', '__interval', '__interval_ms', '__from', '__to']);

/** Every identifier an InfluxQL query names must belong to the schema vigil writes. */
function influxqlProblems(query: string, where: string, variables: readonly string[]): string[] {
  const problems: string[] = [];
  for (const m of query.matchAll(/\$(\w+)|\$\{(\w+)/g)) {
    const name = m[1] ?? m[2] ?? '';
    if (!GRAFANA_MACROS.has(name) && !variables.includes(name)) problems.push(`${where}: unknown variable $${name}`);
  }
  const ident = String.raw`(?:"[^"]+"|[A-Za-z_]\w*)`;
  const froms = [...query.matchAll(new RegExp(String.raw`\bFROM\s+(${ident}(?:\s*,\s*${ident})*)`, 'gi'))].flatMap((m) =>
    (m[1] ?? '').split(',').map((part) => part.trim().replace(/^"|"$/g, '')),
  );
  if (froms.length !== 1) return [...problems, `${where}: ${froms.length} measurements in FROM, expected one: ${query}`];
  const measurement = froms[0] ?? '';
  const schema = SCHEMA[measurement];
  if (schema === undefined) return [...problems, `${where}: measurement "${measurement}" is not one vigil writes`];
  const columns = [...schema.tags, ...schema.fields];

  // Literal values of closed tags.
  for (const m of query.matchAll(/"?(\w+)"?\s*(?:=|!=|<>)\s*'([^']*)'/g)) {
    const known = TAG_VALUES[m[1] ?? ''];
    if (known !== undefined && !known.includes(m[2] ?? '')) problems.push(`${where}: ${m[1]} is never '${m[2]}'`);
  }
  for (const m of query.matchAll(/"?(\w+)"?\s*(?:=~|!~)\s*\/\^\(?([\w|]+)\)?\$\//g)) {
    const known = TAG_VALUES[m[1] ?? ''];
    for (const value of (m[2] ?? '').split('|')) if (known !== undefined && !known.includes(value)) problems.push(`${where}: ${m[1]} is never '${value}'`);
  }
  // SHOW TAG VALUES … WITH KEY and GROUP BY take tags only.
  for (const m of query.matchAll(/\bWITH\s+KEY\s*=\s*"?(\w+)"?/gi)) {
    if (!schema.tags.includes(m[1] ?? '')) problems.push(`${where}: WITH KEY "${m[1]}" is not a tag of ${measurement}`);
  }
  const groupBy = /\bGROUP\s+BY\s+(.*?)(?:\s+fill\(|\s+ORDER\s|\s+LIMIT\s|$)/i.exec(query)?.[1];
  for (const part of (groupBy ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '' && !/^time\(/i.test(p))) {
    const name = part.replace(/^"|"$/g, '');
    if (!schema.tags.includes(name)) problems.push(`${where}: GROUP BY "${name}" is not a tag of ${measurement}`);
  }
  // Everything else that is a name: keywords, functions, or the measurement's columns.
  const stripped = query.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/\/(?:[^/\\]|\\.)*\//g, '//').replace(/\$\{?\w+\}?/g, '');
  const tokens = [...stripped.matchAll(/"((?:[^"\\]|\\.)*)"|(\d+[A-Za-z]*)|([A-Za-z_]\w*)/g)];
  for (let i = 0; i < tokens.length; i++) {
    const [, quoted, , bare] = tokens[i] ?? [];
    const previous = tokens[i - 1]?.[3]?.toLowerCase();
    if (previous === 'as') continue; // an alias names a result column
    if (quoted !== undefined && quoted !== measurement && !columns.includes(quoted)) problems.push(`${where}: "${quoted}" is not a tag or field of ${measurement}`);
    if (bare !== undefined && bare !== measurement && !columns.includes(bare) && !INFLUXQL_WORDS.has(bare.toLowerCase())) {
      problems.push(`${where}: ${bare} is neither InfluxQL nor a tag or field of ${measurement}`);
    }
  }
  return problems;
}

interface DashboardQuery {
  where: string;
  query: string;
  panelType?: string;
}

function dashboardQueries(dashboard: Obj): { queries: DashboardQuery[]; problems: string[]; annotations: DashboardQuery[] } {
  const problems: string[] = [];
  const queries: DashboardQuery[] = [];
  const annotations: DashboardQuery[] = [];
  const walk = (panels: unknown[]): void => {
    for (const panel of panels.map(obj)) {
      const name = `panel "${str(panel['title']) ?? str(panel['id'])}"`;
      for (const target of list(panel['targets']).map(obj)) {
        const query = str(target['query']);
        if (target['rawQuery'] !== true || query === undefined) problems.push(`${name}: target ${str(target['refId'])} is not a raw InfluxQL query (the check reads raw queries only)`);
        else queries.push({ where: name, query, panelType: str(panel['type']) });
      }
      walk(list(panel['panels']));
    }
  };
  walk(list(dashboard['panels']));
  for (const annotation of list(obj(dashboard['annotations'])['list']).map(obj)) {
    if (annotation['builtIn'] === 1) continue;
    const query = str(annotation['query']) ?? str(obj(annotation['target'])['query']);
    if (query === undefined) problems.push(`annotation "${str(annotation['name'])}": no InfluxQL query`);
    else annotations.push({ where: `annotation "${str(annotation['name'])}"`, query });
  }
  for (const variable of list(obj(dashboard['templating'])['list']).map(obj)) {
    if (variable['type'] !== 'query') continue;
    const query = str(variable['query']) ?? str(obj(variable['query'])['query']);
    if (query === undefined) problems.push(`variable $${str(variable['name'])}: no query`);
    else queries.push({ where: `variable $${str(variable['name'])}`, query });
  }
  return { queries, problems, annotations };
}

/** Every `datasource` reference anywhere in the dashboard. */
function datasourceRefs(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) datasourceRefs(v, out);
  else if (isObj(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource') out.push(v);
      else datasourceRefs(v, out);
    }
  }
  return out;
}

function dashboardProblems(dashboard: unknown, datasourceUid: string): string[] {
  if (!isObj(dashboard)) return ['the dashboard is not a JSON object'];
  const { queries, problems, annotations } = dashboardQueries(dashboard);
  if (dashboard['title'] !== 'vigil session') problems.push(`the dashboard is titled "${str(dashboard['title'])}", expected "vigil session"`);
  if (str(dashboard['uid']) === undefined) problems.push('the dashboard has no uid (links to it would change on every start)');
  for (const ref of datasourceRefs(dashboard)) {
    const uid = str(obj(ref)['uid']);
    if (obj(ref)['type'] !== 'influxdb' || uid !== datasourceUid) problems.push(`a datasource reference ${JSON.stringify(ref)} is not the provisioned InfluxDB (uid ${datasourceUid})`);
  }
  const ids = list(dashboard['panels']).map((p) => obj(p)['id']);
  if (new Set(ids).size !== ids.length || ids.some((id) => typeof id !== 'number')) problems.push('panel ids are missing or repeated');

  const variables = list(obj(dashboard['templating'])['list']).map((v) => str(obj(v)['name']) ?? '');
  const session = list(obj(dashboard['templating'])['list']).map(obj).find((v) => v['name'] === 'session');
  const sessionQuery = str(session?.['query']) ?? '';
  if (!/^SHOW TAG VALUES FROM "?vitals"? WITH KEY = "session"$/.test(sessionQuery)) problems.push(`the $session variable's query is "${sessionQuery}", expected SHOW TAG VALUES FROM vitals WITH KEY = "session"`);
  if (session !== undefined && (session['multi'] === true || session['includeAll'] === true)) problems.push('the $session variable must select exactly one session');

  for (const q of [...queries, ...annotations]) {
    problems.push(...influxqlProblems(q.query, q.where, variables));
    if (q.where.startsWith('variable')) continue;
    if (!/"session"\s*(=\s*'\$session'|=~\s*\/\^\$session\$\/)/.test(q.query)) problems.push(`${q.where}: not filtered by the selected session`);
    if (!q.query.includes('$timeFilter')) problems.push(`${q.where}: no $timeFilter (it would read the whole database)`);
  }
  // What the dashboard must show: each vital, the alarm table, alarm annotations.
  const vitalsShown = new Set(
    queries
      .filter((q) => /FROM "?vitals"?/.test(q.query) && !q.where.startsWith('variable'))
      .flatMap((q) => [...q.query.matchAll(/"vital"\s*=\s*'(\w+)'|"vital"\s*=~\s*\/\^\(?([\w|]+)\)?\$\//g)].flatMap((m) => (m[1] ?? m[2] ?? '').split('|'))),
  );
  for (const vital of ['hr', 'spo2', 'sbp', 'dbp', 'temp']) if (!vitalsShown.has(vital)) problems.push(`no panel shows ${vital}`);
  if (!queries.some((q) => q.panelType === 'table' && /FROM "?alarms"?/.test(q.query))) problems.push('no table panel of alarms');
  if (!annotations.some((a) => /FROM "?alarms"?/.test(a.query))) problems.push('no annotations from alarms');
  return problems;
}

// ------------------------------------------------------------------------------------------- secrets

/** A value that comes from the environment with no fallback: `${NAME}`, `${NAME:?why}` or `${NAME?why}`. */
function fromEnvironmentOnly(value: string | undefined): boolean {
  return value !== undefined && /^\$\{[A-Za-z_]\w*(?::?\?[^}]*)?\}$/.test(value);
}

function secretProblems(compose: unknown, datasources: Obj[]): string[] {
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(services(compose))) {
    for (const [key, value] of environment(obj(raw))) {
      if (!SECRET_NAME.test(key)) continue;
      const isFileRef = /_FILE$/.test(key) && /^\/run\/secrets\//.test(value ?? '');
      if (!isFileRef && !fromEnvironmentOnly(value) && value !== undefined) problems.push(`${name}: ${key} is not taken from the environment (it is "${value}")`);
    }
  }
  const grafana = environment(service(compose, 'grafana'));
  const password = grafana.get('GF_SECURITY_ADMIN_PASSWORD');
  const passwordFile = grafana.get('GF_SECURITY_ADMIN_PASSWORD__FILE');
  if (password === undefined && passwordFile === undefined) problems.push('grafana: no GF_SECURITY_ADMIN_PASSWORD, so the admin password is the default admin/admin');
  else if (password !== undefined && !/^\$\{\w+:?\?/.test(password)) problems.push('grafana: GF_SECURITY_ADMIN_PASSWORD is not required to be set (use ${NAME:?why})');
  if (str(grafana.get('GF_AUTH_ANONYMOUS_ENABLED')) !== 'false') problems.push('grafana: anonymous access is not switched off (GF_AUTH_ANONYMOUS_ENABLED must be "false")');

  for (const ds of datasources) {
    const secretish = { password: ds['password'], basicAuthPassword: ds['basicAuthPassword'], ...obj(ds['secureJsonData']) };
    for (const [key, value] of Object.entries(secretish)) {
      if (value === undefined) continue;
      if (!/^\$(\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)$/.test(str(value) ?? '')) problems.push(`datasource "${str(ds['name'])}": ${key} is written in the file, not taken from $ENV`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------- docs

function docsProblems(composeText: string, compose: unknown, docs: string): string[] {
  const problems: string[] = [];
  const documented = (name: string): boolean => docs.includes(`\`${name}\``);
  const names = new Set([
    ...interpolatedNames(composeText),
    ...environment(service(compose, 'vigil')).keys(),
    'VIGIL_TLS_CERT',
    'VIGIL_TLS_KEY',
  ]);
  for (const name of names) if (!documented(name)) problems.push(`docs/deployment.md does not document \`${name}\``);
  for (const phrase of ['docker compose up -d', '/data/sessions', 'backup', 'TLS', 'Web Bluetooth']) {
    if (!docs.includes(phrase)) problems.push(`docs/deployment.md does not mention "${phrase}"`);
  }
  return problems;
}

// ============================================================================================== tests

const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parseYaml(composeText, 'docker-compose.yml');
const vigilBuild = obj(service(compose, 'vigil')['build']);
const CONTEXT = resolve(ROOT, str(vigilBuild['context']) ?? '.');
const DOCKERFILE = resolve(CONTEXT, str(vigilBuild['dockerfile']) ?? 'Dockerfile');
const dockerfileText = existsSync(DOCKERFILE) ? readFileSync(DOCKERFILE, 'utf8') : '';
const dockerignoreText = existsSync(join(CONTEXT, '.dockerignore')) ? readFileSync(join(CONTEXT, '.dockerignore'), 'utf8') : '';
const provisioning = grafanaProvisioning(compose, ROOT);
const influxUid = str(provisioning.datasources.find((d) => d['type'] === 'influxdb')?.['uid']) ?? '';
const sessionDashboard = provisioning.dashboards.find((d) => obj(d.value)['title'] === 'vigil session');
const docsText = existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, 'utf8') : '';

describe('the clinic deployment', () => {
  it('docker-compose.yml parses: services, dependencies, links, volumes, networks, the build', () => {
    expect(composeProblems(compose, ROOT)).toEqual([]);
  });

  it('the Dockerfile builds with npm ci + npm run build and runs dist/ as non-root, with health check and entrypoint', () => {
    expect(existsSync(DOCKERFILE)).toBe(true);
    expect(dockerfileProblems(dockerfileText, CONTEXT)).toEqual([]);
  });

  it('.dockerignore sends what the build copies and never node_modules, dist, data, .git or secrets', () => {
    expect(dockerignoreText).not.toBe('');
    expect(dockerignoreProblems(dockerignoreText, dockerfileText, CONTEXT)).toEqual([]);
  });

  it('every Grafana provisioning file exists and parses; the dashboards it names are mounted', () => {
    expect(provisioning.problems).toEqual([]);
    expect(provisioning.dashboards.map((d) => d.path)).toContain('deploy/grafana/dashboards/vigil-session.json');
  });

  it('the datasource is the compose InfluxDB service on its port and database', () => {
    expect(datasourceProblems(provisioning.datasources, compose)).toEqual([]);
  });

  it('the "vigil session" dashboard queries only the measurements and tags vigil writes', () => {
    expect(sessionDashboard).toBeDefined();
    for (const d of provisioning.dashboards) expect({ [d.path]: dashboardProblems(d.value, influxUid) }).toEqual({ [d.path]: [] });
  });

  it('no secret is written down: passwords come from the environment, anonymous access is off', () => {
    expect(secretProblems(compose, provisioning.datasources)).toEqual([]);
  });

  it('docs/deployment.md documents every variable and how to run, back up and secure it', () => {
    expect(docsText).not.toBe('');
    expect(docsProblems(composeText, compose, docsText)).toEqual([]);
  });
});

// Each check, given a broken copy, names the fault. -------------------------------------------------------

function mutated(mutate: (c: Obj) => void): Obj {
  const copy = structuredClone(obj(compose));
  mutate(copy);
  return copy;
}

function svcOf(c: Obj, name: string): Obj {
  return obj(obj(c['services'])[name]);
}

function setEnv(c: Obj, name: string, key: string, value: string | undefined): void {
  const svc = svcOf(c, name);
  const env = Object.fromEntries(environment(svc));
  if (value === undefined) delete env[key];
  else env[key] = value;
  svc['environment'] = env;
}

function editDockerfile(from: string | RegExp, to: string): string {
  const edited = dockerfileText.replace(from, to);
  if (edited === dockerfileText) throw new Error(`the mutation ${String(from)} changed nothing`);
  return edited;
}

function editDashboard(mutate: (d: Obj) => void): Obj {
  const copy = structuredClone(obj(sessionDashboard?.value));
  mutate(copy);
  return copy;
}

function panelTargets(d: Obj, id: number): Obj[] {
  return list(list(d['panels']).map(obj).find((p) => p['id'] === id)?.['targets']).map(obj);
}

describe('the deployment checks catch', () => {
  it('YAML that does not parse, and duplicate keys', () => {
    expect(() => parseYaml('services: [\n', 'x')).toThrow(/x:/);
    expect(() => parseYaml('a: 1\na: 2\n', 'x')).toThrow(/x:/);
    expect(parseConfigFile('d.json', '{"a":').problem).toMatch(/does not parse/);
    expect(parseConfigFile('d.yaml', 'a: [').problem).toMatch(/does not parse/);
    expect(parseConfigFile('d.ini', 'a=1').problem).toMatch(/neither YAML nor JSON/);
  });

  it.each<[string, (c: Obj) => void, RegExp]>([
    ['an unknown top-level key', (c) => (c['servies'] = {}), /unknown top-level key "servies"/],
    ['a misspelt service key', (c) => (svcOf(c, 'influxdb')['helthcheck'] = svcOf(c, 'influxdb')['healthcheck']), /influxdb: unknown key "helthcheck"/],
    ['a missing service', (c) => delete obj(c['services'])['grafana'], /expected \[vigil, influxdb, grafana\]/],
    ['depends_on a missing service (map)', (c) => (svcOf(c, 'grafana')['depends_on'] = { influx: { condition: 'service_started' } }), /depends_on "influx"/],
    ['depends_on a missing service (list)', (c) => (svcOf(c, 'vigil')['depends_on'] = ['nosuch']), /vigil: depends_on "nosuch"/],
    ['a link to a missing service', (c) => (svcOf(c, 'grafana')['links'] = ['influx:db']), /links to "influx"/],
    ['waiting for health without a healthcheck', (c) => delete svcOf(c, 'influxdb')['healthcheck'], /waits for "influxdb" to be healthy/],
    ['an undeclared named volume', (c) => (svcOf(c, 'vigil')['volumes'] = ['journals:/data']), /volume "journals" is not declared/],
    ['a declared volume nobody mounts', (c) => (obj(c['volumes'])['spare'] = {}), /"spare" is declared but no service/],
    ['a bind mount of a missing path', (c) => list(svcOf(c, 'grafana')['volumes']).push('./deploy/nosuch:/etc/x:ro'), /bind source "\.\/deploy\/nosuch" does not exist/],
    ['an absolute host path', (c) => (svcOf(c, 'vigil')['volumes'] = ['/srv/vigil:/data']), /host path "\/srv\/vigil"/],
    ['an anonymous volume', (c) => list(svcOf(c, 'vigil')['volumes']).push('/scratch'), /anonymous volume at \/scratch/],
    ['state not on a named volume', (c) => (svcOf(c, 'influxdb')['volumes'] = []), /influxdb: its state \(\/var\/lib\/influxdb\)/],
    ['an undeclared network', (c) => (svcOf(c, 'vigil')['networks'] = ['store', 'lan']), /network "lan" is not declared/],
    ['ports behind an internal network joined first', (c) => (svcOf(c, 'grafana')['networks'] = { edge: {}, store: { priority: 100 } }), /grafana: joins the internal network "store" first/],
    ['ports behind an internal network first by name', (c) => (svcOf(c, 'vigil')['networks'] = ['store', 'zone']), /vigil: joins the internal network "store" first/],
    ['a missing Dockerfile', (c) => (svcOf(c, 'vigil')['build'] = { context: '.', dockerfile: 'Dockerfile.nosuch' }), /Dockerfile\.nosuch does not exist/],
    ['a port published on every interface', (c) => (svcOf(c, 'vigil')['ports'] = ['8080:8080']), /published on every interface/],
    ['InfluxDB published', (c) => (svcOf(c, 'influxdb')['ports'] = ['127.0.0.1:8086:8086']), /influxdb: publishes a port/],
    ['vigil port not published', (c) => (svcOf(c, 'vigil')['ports'] = ['127.0.0.1:8080:9090']), /container port 8080 is not published/],
    ['another InfluxDB image', (c) => (svcOf(c, 'influxdb')['image'] = 'influxdb:2.7'), /expected influxdb:1\.8/],
    ['another Grafana image', (c) => (svcOf(c, 'grafana')['image'] = 'grafana/grafana-enterprise:11.6.0'), /expected grafana\/grafana-oss/],
    ['vigil pointed at another InfluxDB', (c) => setEnv(c, 'vigil', 'VIGIL_INFLUX_URL', 'http://localhost:8086'), /VIGIL_INFLUX_URL/],
    ['vigil writing another database', (c) => setEnv(c, 'vigil', 'VIGIL_INFLUX_DATABASE', 'vitals'), /VIGIL_INFLUX_DATABASE "vitals"/],
    ['vigil journalling outside its volume', (c) => setEnv(c, 'vigil', 'VIGIL_DATA_DIR', '/app/data'), /VIGIL_DATA_DIR is "\/app\/data"/],
    ['vigil cut off from InfluxDB', (c) => (svcOf(c, 'vigil')['networks'] = ['edge']), /vigil and influxdb share no network/],
  ])('compose: %s', (_name, mutate, problem) => {
    expect(composeProblems(mutated(mutate), ROOT)).toContainEqual(expect.stringMatching(problem));
  });

  it.each<[string, string | RegExp, string, RegExp]>([
    ['a FROM that does not parse', 'FROM node:20-bookworm-slim AS deps', 'FROM node:20-bookworm-slim AS', /FROM "node:20-bookworm-slim AS" does not parse/],
    ['a FROM of no image', 'FROM node:20-bookworm-slim AS deps', 'FROM Node 20 AS deps', /does not parse|neither an image/],
    ['a repeated stage name', 'AS deps', 'AS build', /stage name "build" is used twice/],
    ['COPY --from an unknown stage', '--from=deps', '--from=dependencies', /COPY --from=dependencies names no earlier stage/],
    ['another base image', /FROM node:20-bookworm-slim AS runtime/, 'FROM node:22-alpine AS runtime', /built on "node:22-alpine"/],
    ['a build without npm run build', 'RUN npm run build', 'RUN npx tsc', /no npm run build/],
    ['a build without npm ci', 'RUN npm ci --ignore-scripts', 'RUN npm install --ignore-scripts', /no npm ci/],
    ['dev dependencies in the runtime', 'npm ci --omit=dev', 'npm ci', /not installed with --omit=dev/],
    ['sources shipped in the runtime', 'COPY bin ./bin', 'COPY bin ./bin\nCOPY services ./services', /ships "services"/],
    ['the dashboard missing from the runtime', 'COPY dashboard ./dashboard\n', '', /does not ship dashboard/],
    ['a runtime running as root (no USER)', /^USER vigil\n/m, '', /runs as root \(no USER\)/],
    ['a runtime running as root (USER root)', /^USER vigil$/m, 'USER root', /runs as root \(USER root\)/],
    ['a runtime running as uid 0', /^USER vigil$/m, 'USER 0:0', /runs as root \(USER 0:0\)/],
    ['no VIGIL_DATA_DIR', 'VIGIL_DATA_DIR=/data', 'VIGIL_DATA=/data', /VIGIL_DATA_DIR=\/data/],
    ['no data volume', 'VOLUME ["/data"]', 'VOLUME ["/var/lib/vigil"]', /VOLUME \/data/],
    ['no EXPOSE 8080', 'EXPOSE 8080', 'EXPOSE 80', /EXPOSE 8080/],
    ['no HEALTHCHECK', /^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, '', /no HEALTHCHECK/],
    ['HEALTHCHECK NONE', /^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, 'HEALTHCHECK NONE\n', /no HEALTHCHECK/],
    ['a health check of another path', 'path: "/api/health"', 'path: "/"', /does not ask \/api\/health/],
    ['a shell-form ENTRYPOINT', /^ENTRYPOINT .*$/m, 'ENTRYPOINT node bin/vigil.js serve --host 0.0.0.0', /not in exec \(JSON\) form/],
    ['an ENTRYPOINT that does not serve', '"serve", ', '"replay", ', /does not run node bin\/vigil\.js serve/],
    ['an ENTRYPOINT on localhost', '"--host", "0.0.0.0"', '"--host", "127.0.0.1"', /does not bind --host 0\.0\.0\.0/],
    ['an ENTRYPOINT script not in the image', '"bin/vigil.js"', '"lib/vigil.js"', /does not run node bin\/vigil\.js serve|not copied into the image/],
    ['a COPY of a missing file', 'COPY bench ./bench', 'COPY benches ./benches', /COPY source "benches" does not exist/],
    ['ADD', 'COPY bin ./bin', 'ADD bin ./bin', /ADD \(use COPY/],
    ['a secret baked into the image', 'VIGIL_PORT=8080', 'VIGIL_PORT=8080 GRAFANA_ADMIN_PASSWORD=hunter2', /ENV GRAFANA_ADMIN_PASSWORD bakes a secret/],
    ['an unfinished line continuation', /\n*$/, ' \\\n', /ends inside a line continuation/],
  ])('Dockerfile: %s', (_name, from, to, problem) => {
    expect(dockerfileProblems(editDockerfile(from, to), CONTEXT)).toContainEqual(expect.stringMatching(problem));
  });

  it('compose: not a mapping, a service with neither image nor build, a service depending on itself', () => {
    expect(composeProblems('services: vigil', ROOT)).toEqual(['the compose file is not a mapping']);
    const broken = mutated((c) => {
      delete svcOf(c, 'grafana')['image'];
      svcOf(c, 'vigil')['depends_on'] = ['vigil'];
    });
    expect(composeProblems(broken, ROOT)).toEqual(expect.arrayContaining([expect.stringMatching(/grafana: neither image nor build/), expect.stringMatching(/vigil: depends on itself/)]));
  });

  it('Dockerfile: an instruction before FROM, no node_modules, dev dependencies installed in the final stage', () => {
    expect(dockerfileProblems(`RUN true\n${dockerfileText}`, CONTEXT)).toContainEqual(expect.stringMatching(/RUN before the first FROM/));
    expect(dockerfileProblems(editDockerfile('COPY --from=deps /app/node_modules ./node_modules\n', ''), CONTEXT)).toContainEqual(expect.stringMatching(/gets no node_modules/));
    expect(dockerfileProblems(editDockerfile('USER vigil\n', 'RUN npm ci --ignore-scripts\nUSER vigil\n'), CONTEXT)).toContainEqual(expect.stringMatching(/final stage installs dependencies without --omit=dev/));
  });

  it('Grafana provisioning: a file of the wrong apiVersion, without entries, a provider without a path', () => {
    expect(provisioningFileProblems('datasources', 'd.yaml', { apiVersion: 2, datasources: [{ name: 'x' }] })).toEqual(['d.yaml: apiVersion is not 1']);
    expect(provisioningFileProblems('datasources', 'd.yaml', { apiVersion: 1 })).toEqual(['d.yaml: no datasources']);
    expect(provisioningFileProblems('dashboards', 'p.yaml', { apiVersion: 1, providers: [{ name: 'vigil', options: {} }] })).toEqual(['p.yaml: provider "vigil" has no options.path']);
    expect(provisioningFileProblems('dashboards', 'p.yaml', { apiVersion: 1, providers: [{ options: { path: '/x' } }] })).toEqual(['p.yaml: an entry without a name']);
  });

  it('Dockerfile: a single stage', () => {
    expect(dockerfileProblems('FROM node:20-bookworm-slim\nCOPY . .\n', CONTEXT)).toContainEqual(expect.stringMatching(/expected a multi-stage build/));
  });

  it.each<[string, string, RegExp]>([
    ['the journals', '!data/', /lets "data\/sessions\/s-1\.ndjson" into/],
    ['.env', '!.env', /lets "\.env" into/],
    ['node_modules', '!node_modules/', /lets "node_modules\/fastify\/package\.json" into/],
    ['private keys', '!tls/', /lets "tls\/vigil\.key" into/],
    ['something the build copies left out', 'bin/', /leaves out "bin"/],
    ['every file of a copied folder left out', 'dashboard/*', /leaves out every file of "dashboard"/],
  ])('.dockerignore: %s', (_name, line, problem) => {
    expect(dockerignoreProblems(`${dockerignoreText}\n${line}\n`, dockerfileText, CONTEXT)).toContainEqual(expect.stringMatching(problem));
  });

  it.each<[string, (c: Obj) => void, RegExp]>([
    ['no provisioning mounted', (c) => (svcOf(c, 'grafana')['volumes'] = ['grafana-data:/var/lib/grafana']), /no provisioning directory is mounted/],
    ['provisioning mounted from an empty folder', (c) => (svcOf(c, 'grafana')['volumes'] = ['./deploy/grafana/dashboards:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/etc/grafana/dashboards/vigil:ro']), /no datasources provisioning files/],
    ['dashboards not mounted where the provider looks', (c) => (svcOf(c, 'grafana')['volumes'] = ['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro']), /\/etc\/grafana\/dashboards\/vigil is not mounted/],
    ['dashboards mounted from a folder without JSON', (c) => (svcOf(c, 'grafana')['volumes'] = ['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/provisioning/datasources:/etc/grafana/dashboards/vigil:ro']), /no dashboards in/],
    ['a home dashboard that is not there', (c) => setEnv(c, 'grafana', 'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH', '/etc/grafana/dashboards/vigil/nosuch.json'), /home dashboard .* is not a mounted file/],
  ])('Grafana provisioning: %s', (_name, mutate, problem) => {
    expect(grafanaProvisioning(mutated(mutate), ROOT).problems).toContainEqual(expect.stringMatching(problem));
  });

  it.each<[string, (d: Obj) => void, RegExp]>([
    ['a datasource on another host', (d) => (d['url'] = 'http://influx:8086'), /host "influx", not the compose InfluxDB/],
    ['a datasource on another port', (d) => (d['url'] = 'http://influxdb:8088'), /port "8088"/],
    ['a datasource without uid', (d) => delete d['uid'], /has no uid/],
    ['a datasource url that does not parse', (d) => (d['url'] = 'http://[influxdb:8086'), /url "http:\/\/\[influxdb:8086" does not parse/],
    ['a datasource on another database', (d) => (obj(d['jsonData'])['dbName'] = 'telegraf'), /database "telegraf"/],
    ['a Flux datasource', (d) => (obj(d['jsonData'])['version'] = 'Flux'), /does not speak InfluxQL/],
    ['a direct-access datasource', (d) => (d['access'] = 'direct'), /not proxied/],
  ])('datasource: %s', (_name, mutate, problem) => {
    const datasources = structuredClone(provisioning.datasources);
    const influx = datasources.find((d) => d['type'] === 'influxdb') ?? {};
    mutate(influx);
    expect(datasourceProblems(datasources, compose)).toContainEqual(expect.stringMatching(problem));
  });

  it('datasource: none, or two', () => {
    expect(datasourceProblems([], compose)).toContainEqual(expect.stringMatching(/0 InfluxDB datasources/));
    expect(datasourceProblems([...provisioning.datasources, ...provisioning.datasources], compose)).toContainEqual(expect.stringMatching(/2 InfluxDB datasources/));
  });

  it.each<[string, (d: Obj) => void, RegExp]>([
    ['another title', (d) => (d['title'] = 'vitals'), /titled "vitals"/],
    ['no uid', (d) => delete d['uid'], /no uid/],
    ['a measurement vigil does not write', (d) => (panelTargets(d, 1)[0] ?? {})['query'] = String(panelTargets(d, 1)[0]?.['query']).replace('"vitals"', '"heart_rate"'), /measurement "heart_rate" is not one vigil writes/],
    ['a tag vigil does not write', (d) => (panelTargets(d, 1)[0] ?? {})['query'] = String(panelTargets(d, 1)[0]?.['query']).replace('"device"', '"patient"'), /"patient" is not a tag or field of vitals/],
    ['an unquoted unknown column', (d) => (panelTargets(d, 2)[0] ?? {})['query'] = String(panelTargets(d, 2)[0]?.['query']).replace('mean("value")', 'mean(reading)'), /reading is neither InfluxQL nor a tag or field of vitals/],
    ['a tag of the other measurement', (d) => (panelTargets(d, 5)[0] ?? {})['query'] = String(panelTargets(d, 5)[0]?.['query']).replace('"rule"', '"vital"'), /"vital" is not a tag or field of alarms/],
    ['GROUP BY a field', (d) => (panelTargets(d, 3)[0] ?? {})['query'] = String(panelTargets(d, 3)[0]?.['query']).replace('GROUP BY "vital"', 'GROUP BY "value"'), /GROUP BY "value" is not a tag of vitals/],
    ['a vital that does not exist', (d) => (panelTargets(d, 4)[0] ?? {})['query'] = String(panelTargets(d, 4)[0]?.['query']).replace("'temp'", "'temperature'"), /vital is never 'temperature'/],
    ['a vital that does not exist in a regex', (d) => (panelTargets(d, 3)[0] ?? {})['query'] = String(panelTargets(d, 3)[0]?.['query']).replace('sbp|dbp|map', 'sys|dia'), /vital is never 'sys'/],
    ['an alarm state that does not exist', (d) => (obj(list(obj(d['annotations'])['list'])[0]))['query'] = String(obj(list(obj(d['annotations'])['list'])[0])['query']).replace("'raised'", "'active'"), /state is never 'active'/],
    ['an unknown variable', (d) => (panelTargets(d, 1)[0] ?? {})['query'] = String(panelTargets(d, 1)[0]?.['query']).replace("'$session'", "'$patient'"), /unknown variable \$patient/],
    ['a builder-mode target', (d) => ((panelTargets(d, 2)[0] ?? {})['rawQuery'] = false), /not a raw InfluxQL query/],
    ['a panel on another datasource', (d) => (obj(list(d['panels'])[1])['datasource'] = { type: 'prometheus', uid: 'prom' }), /is not the provisioned InfluxDB/],
    ['a query not filtered by session', (d) => (panelTargets(d, 1)[0] ?? {})['query'] = String(panelTargets(d, 1)[0]?.['query']).replace(`"session" = '$session' AND `, ''), /panel "Heart rate": not filtered by the selected session/],
    ['a query without $timeFilter', (d) => (panelTargets(d, 5)[0] ?? {})['query'] = String(panelTargets(d, 5)[0]?.['query']).replace(' AND $timeFilter', ''), /no \$timeFilter/],
    ['no $session variable', (d) => (obj(d['templating'])['list'] = []), /\$session variable's query/],
    ['a $session variable from a field', (d) => (obj(list(obj(d['templating'])['list'])[0])['query'] = 'SHOW TAG VALUES FROM vitals WITH KEY = "value"'), /WITH KEY "value" is not a tag of vitals|\$session variable's query/],
    ['a $session variable choosing several', (d) => (obj(list(obj(d['templating'])['list'])[0])['multi'] = true), /exactly one session/],
    ['repeated panel ids', (d) => (obj(list(d['panels'])[2])['id'] = 1), /panel ids are missing or repeated/],
    ['no SpO2 panel', (d) => (d['panels'] = list(d['panels']).filter((p) => obj(p)['id'] !== 2)), /no panel shows spo2/],
    ['no temperature panel', (d) => (d['panels'] = list(d['panels']).filter((p) => obj(p)['id'] !== 4)), /no panel shows temp/],
    ['no alarm table', (d) => (d['panels'] = list(d['panels']).filter((p) => obj(p)['id'] !== 5)), /no table panel of alarms/],
    ['no alarm annotations', (d) => (obj(d['annotations'])['list'] = []), /no annotations from alarms/],
    ['an annotation without a query', (d) => delete obj(list(obj(d['annotations'])['list'])[0])['query'], /annotation "Alarms raised": no InfluxQL query/],
    ['a query variable without a query', (d) => delete obj(list(obj(d['templating'])['list'])[0])['query'], /variable \$session: no query/],
  ])('dashboard: %s', (_name, mutate, problem) => {
    expect(dashboardProblems(editDashboard(mutate), influxUid)).toContainEqual(expect.stringMatching(problem));
  });

  it('dashboard: a dashboard that is not an object, and a query over two measurements', () => {
    expect(dashboardProblems([], influxUid)).toEqual(['the dashboard is not a JSON object']);
    expect(influxqlProblems('SELECT "value" FROM "vitals", "alarms" WHERE $timeFilter', 'q', [])).toContainEqual(expect.stringMatching(/2 measurements in FROM/));
  });

  it.each<[string, (c: Obj) => void, RegExp]>([
    ['a literal admin password', (c) => setEnv(c, 'grafana', 'GF_SECURITY_ADMIN_PASSWORD', 'admin'), /GF_SECURITY_ADMIN_PASSWORD is not taken from the environment/],
    ['an admin password with a default', (c) => setEnv(c, 'grafana', 'GF_SECURITY_ADMIN_PASSWORD', '${GRAFANA_ADMIN_PASSWORD:-admin}'), /GF_SECURITY_ADMIN_PASSWORD is not taken from the environment/],
    ['an optional admin password', (c) => setEnv(c, 'grafana', 'GF_SECURITY_ADMIN_PASSWORD', '${GRAFANA_ADMIN_PASSWORD}'), /not required to be set/],
    ['no admin password (admin/admin)', (c) => setEnv(c, 'grafana', 'GF_SECURITY_ADMIN_PASSWORD', undefined), /admin\/admin/],
    ['a literal InfluxDB password', (c) => setEnv(c, 'influxdb', 'INFLUXDB_ADMIN_PASSWORD', 'secret'), /influxdb: INFLUXDB_ADMIN_PASSWORD is not taken/],
    ['a literal token', (c) => setEnv(c, 'vigil', 'VIGIL_INFLUX_TOKEN', 'abc123'), /vigil: VIGIL_INFLUX_TOKEN is not taken/],
    ['anonymous access on', (c) => setEnv(c, 'grafana', 'GF_AUTH_ANONYMOUS_ENABLED', 'true'), /anonymous access is not switched off/],
    ['anonymous access left at its default', (c) => setEnv(c, 'grafana', 'GF_AUTH_ANONYMOUS_ENABLED', undefined), /anonymous access is not switched off/],
  ])('secrets: %s', (_name, mutate, problem) => {
    expect(secretProblems(mutated(mutate), provisioning.datasources)).toContainEqual(expect.stringMatching(problem));
  });

  it('secrets: a password in the datasource file', () => {
    const datasources = structuredClone(provisioning.datasources).map((d) => ({ ...d, secureJsonData: { password: 'grafana' } }));
    expect(secretProblems(compose, datasources)).toContainEqual(expect.stringMatching(/password is written in the file/));
    const fromEnv = structuredClone(provisioning.datasources).map((d) => ({ ...d, secureJsonData: { password: '$INFLUXDB_GRAFANA_PASSWORD' } }));
    expect(secretProblems(compose, fromEnv)).toEqual([]);
  });

  it('docs: an undocumented variable, a missing topic', () => {
    expect(docsProblems(`${composeText}\n# \${VIGIL_NEW_SETTING:-x}\n`, compose, docsText)).toContainEqual(expect.stringMatching(/`VIGIL_NEW_SETTING`/));
    expect(docsProblems(composeText, compose, docsText.replaceAll('VIGIL_TLS_KEY', 'TLS key'))).toContainEqual(expect.stringMatching(/`VIGIL_TLS_KEY`/));
    expect(docsProblems(composeText, compose, docsText.replaceAll('docker compose up -d', 'start it'))).toContainEqual(expect.stringMatching(/docker compose up -d/));
  });
});
