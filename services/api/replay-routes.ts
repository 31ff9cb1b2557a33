// POST /api/replay: an engineer's recording (NDJSON, e.g. a simulated session without alarm lines) replayed
// through the core on the service, with the default alarm profile or a named one, as fast as possible; the
// answer holds the core's outputs (alarm, audio, baseline and rule lines) for the dashboard's replay view to
// merge with the recording's inputs, and the profile's rules with their limits. The upload is streamed to a
// temporary file (bounded in size) and read back by the same streaming reader `vigil replay` uses.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePermission } from '../auth/plugin.js';
import { DEFAULT_PROFILE, loadProfile, ProfileError, type CompiledRule, type Profile } from '../core/profile.js';
import type { CoreOutput } from '../core/types.js';
import { CONFIG_DIR } from '../paths.js';
import { replayFile } from '../replay/replay.js';

/** Largest recording accepted: an 8-hour session with every raw frame is ~10 MB. */
export const MAX_REPLAY_BYTES = 64 * 1024 * 1024;
/** Outputs returned at most (artifacts are not returned at all: the dashboard never shows them). */
const MAX_OUTPUTS = 200_000;
const ISSUES_SHOWN = 100;
const RETURNED = new Set<CoreOutput['type']>(['alarm', 'audio', 'baseline', 'rule']);

class TooLarge extends Error {}

/** Passes bytes through until more than `limit` have gone by. */
function limitBytes(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new TooLarge(`a recording may be at most ${limit / 1024 / 1024} MiB`));
      else done(null, chunk);
    },
  });
}

/** A rule as the dashboard reads it: with its raise/clear conditions (limits) for threshold rules. */
function ruleView(rule: CompiledRule) {
  const base = { id: rule.id, kind: rule.kind, priority: rule.priority, text: rule.text, enabled: rule.enabled };
  if (rule.kind === 'threshold') return { ...base, vital: rule.vital, latching: rule.latching, raise: { when: rule.raise.when }, clear: { when: rule.clear.when } };
  if (rule.kind === 'stale') return { ...base, vital: rule.vital };
  return base;
}

export async function replayRoutes(app: FastifyInstance): Promise<void> {
  const profiles = new Map<string, Profile>();
  /** Built-in profiles only (config/profiles/<name>.json): a query string never names a file. */
  const profileNamed = (name: string): Profile => {
    let profile = profiles.get(name);
    if (profile === undefined) {
      if (!existsSync(join(CONFIG_DIR, 'profiles', `${name}.json`))) throw new ProfileError(name, [`no built-in profile "${name}"`]);
      profile = loadProfile(name);
      profiles.set(name, profile);
    }
    return profile;
  };

  // The body is handed over as the raw stream: it is written to disk as it arrives, never buffered whole.
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl', 'text/plain', 'application/octet-stream'], (_request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void) => done(null, payload));

  app.post<{ Querystring: { profile?: string } }>(
    '/api/replay',
    {
      // Checked before the body is read: nobody else's upload is ever written to disk.
      onRequest: requirePermission('replay'),
      schema: {
        tags: ['replay'],
        summary: 'Replay a recording (NDJSON body) through the core; returns its alarm, audio, baseline and rule outputs',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { profile: { type: 'string', pattern: '^[a-z0-9-]{1,64}$', description: `a built-in profile; default ${DEFAULT_PROFILE}` } },
        },
      },
    },
    async (request, reply) => {
      let profile: Profile;
      try {
        profile = profileNamed(request.query.profile ?? DEFAULT_PROFILE);
      } catch (error) {
        if (error instanceof ProfileError) return reply.code(400).send({ error: 'bad-profile', message: error.problems.join('; ') });
        throw error;
      }
      const body = request.body as Readable | undefined;
      if (body === undefined || typeof body.pipe !== 'function') {
        return reply.code(415).send({ error: 'bad-request', message: 'send the recording as the body, content-type application/x-ndjson' });
      }
      const dir = await mkdtemp(join(tmpdir(), 'vigil-replay-'));
      const file = join(dir, 'recording.ndjson');
      try {
        try {
          await pipeline(body, limitBytes(MAX_REPLAY_BYTES), createWriteStream(file));
        } catch (error) {
          if (error instanceof TooLarge) return reply.code(413).send({ error: 'too-large', message: error.message });
          throw error;
        }
        const outputs: CoreOutput[] = [];
        let truncated = false;
        const result = await replayFile(file, {
          profile,
          onOutput: (output) => {
            if (!RETURNED.has(output.type)) return;
            if (outputs.length < MAX_OUTPUTS) outputs.push(output);
            else truncated = true;
          },
        });
        return {
          header: result.header ?? null,
          profile: result.profile,
          rules: profile.rules.map(ruleView),
          firstT: result.firstT ?? null,
          lastT: result.lastT ?? null,
          inputs: result.inputs,
          issueCount: result.issueCount,
          issues: result.issues.slice(0, ISSUES_SHOWN).map(({ lineNo, message }) => ({ lineNo, message })),
          recordedAlarms: result.recordedAlarms.length,
          outputs,
          truncated,
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
