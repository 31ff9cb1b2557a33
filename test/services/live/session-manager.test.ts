import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SessionManager } from '../../../services/live/session-manager.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-manager-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('new sessions use the site default profile (a file), and come back with it after a restart', async () => {
  const profile = join(dir, 'short-pause.json');
  writeFileSync(profile, JSON.stringify({ name: 'short-pause', extends: 'mdma-session', audioPause: '5s' }));
  const manager = new SessionManager({ dataDir: join(dir, 'data'), defaultProfile: profile });
  const session = await manager.create({ patient: 'P-1', therapists: ['t.anna'] });
  expect(session.core.profile).toMatchObject({ name: 'short-pause', audioPauseMs: 5000 });
  expect(session.info.profile).toBe(profile);
  const named = await manager.create({ patient: 'P-2', therapists: ['t.anna'], profile: 'mdma-session' });
  expect(named.core.profile.name).toBe('mdma-session');
  await manager.closeAll();

  const again = new SessionManager({ dataDir: join(dir, 'data') });
  await again.restoreAll();
  expect(again.get(session.id)?.core.profile.audioPauseMs).toBe(5000);
  await again.closeAll();
});
