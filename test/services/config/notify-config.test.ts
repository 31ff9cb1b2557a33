// The notification part of the site configuration: the escalation policy, the channels and publicUrl. A bad
// value stops the start with a message naming the field (and where it was set).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { pino } from 'pino';
import { ChannelConfigError, checkChannels } from '../../../services/notify/channel-registry.js';
import { createNotifier } from '../../../services/notify/setup.js';
import { ConfigError, defaultPublicUrl, loadSiteConfig } from '../../../services/site-config.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-notify-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function withFile(config: unknown): string {
  const file = join(dir, `site-${++files}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function problems(config: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  const file = withFile(config);
  try {
    loadSiteConfig({ file, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.replace(` (set by ${file})`, ' (set by the file)'));
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

const PAGER = { type: 'webhook', url: 'https://pager.example/vigil', secretEnv: 'VIGIL_PAGER_SECRET', timeout: '5s', retry: { first: '1s', max: '60s', factor: 2 } };
const POLICY = {
  contacts: [
    { id: 'medical-monitor', label: 'Medical monitor', acceptWithin: '2m', notify: [{ channel: 'monitor-view', to: 'monitors' }, { channel: 'pager', to: 'pager-17' }] },
    { id: 'backup-physician', acceptWithin: '2m', notify: [{ channel: 'pager', to: 'ext-4411' }] },
  ],
  repeatEvery: '10m',
  groupWithin: '15s',
};

describe('site configuration: escalation, channels, publicUrl', () => {
  test('a good configuration loads as written', () => {
    const file = withFile({ escalation: POLICY, channels: { pager: PAGER, 'monitor-view': { type: 'monitor-view', confirmWithin: '5s' } }, publicUrl: 'https://vigil.clinic' });
    const config = loadSiteConfig({ file, env: { VIGIL_PAGER_SECRET: 'x'.repeat(32) } });
    expect(config.escalation).toEqual(POLICY);
    expect(config.channels?.['pager']).toEqual(PAGER);
    expect(config.publicUrl).toBe('https://vigil.clinic');
    expect(loadSiteConfig({ env: { VIGIL_PUBLIC_URL: 'http://10.0.0.5:8080' } }).publicUrl).toBe('http://10.0.0.5:8080');
  });

  test('no configuration at all: no policy, no channels (the default policy on the built-in monitor view)', () => {
    const config = loadSiteConfig({ env: {} });
    expect(config.escalation).toBeUndefined();
    expect(config.channels).toBeUndefined();
  });

  test('policy errors name the field', () => {
    expect(problems({ escalation: { contacts: [{ id: 'Medical Monitor', notify: [] }], repeatEvery: 'often' } })).toEqual([
      'escalation.contacts.0.id: must match pattern "^[a-z0-9][a-z0-9-]{0,62}$" (set by the file)',
      'escalation.contacts.0.notify: must NOT have fewer than 1 items (set by the file)',
      'escalation.repeatEvery: must be a duration such as 250ms, 10s, 5m or 1h (set by the file)',
    ]);
    expect(problems({ escalation: { contacts: [{ id: 'a', notify: [{ channel: 'monitor-view' }] }, { id: 'a', notify: [{ channel: 'monitor-view' }] }] } })).toEqual([
      'escalation.contacts.1.id: "a" is listed twice (set by the file)',
    ]);
    expect(problems({ escalation: 'medical-monitor' })).toEqual(['escalation: must be object (set by the file)']);
  });

  test('a channel the policy names but the site does not define is refused, and so is one listed twice for a contact', () => {
    expect(problems({ escalation: POLICY })).toEqual([
      'escalation.contacts.0.notify.1.channel: no channel "pager" is defined (known: monitor-view) (set by the file)',
      'escalation.contacts.1.notify.0.channel: no channel "pager" is defined (known: monitor-view) (set by the file)',
    ]);
    expect(problems({ escalation: { contacts: [{ id: 'mm', notify: [{ channel: 'monitor-view', to: 'monitors' }, { channel: 'monitor-view', to: 'user:dr-m' }] }] } })).toEqual([
      'escalation.contacts.0.notify.1.channel: "monitor-view" is listed twice for contact mm (one delivery per channel) (set by the file)',
    ]);
  });

  test('channel errors name the field, checked by the channel type', () => {
    expect(
      problems({
        channels: {
          pager: { type: 'webhook', url: 'pager.example', secret: 'short', retry: { first: 'soon' }, colour: 'red' },
          fax: { type: 'fax', number: '+1' },
          Bad_Id: { type: 'webhook' },
          'monitor-view': { type: 'webhook', url: 'https://x.example' },
          view: { type: 'monitor-view', confirmWithin: '0s' },
        },
      }),
    ).toEqual([
      'channels.pager.colour: is not a known field (set by the file)',
      'channels.pager.url: must be an http:// or https:// URL (set by the file)',
      'channels.pager.secret: must NOT have fewer than 16 characters (set by the file)',
      'channels.pager.retry.first: must be a duration such as 250ms, 10s, 5m or 1h (set by the file)',
      'channels.fax.type: must be one of monitor-view, webhook (set by the file)',
      'channels.Bad_Id: a channel id is lowercase letters, digits and - (set by the file)',
      'channels.monitor-view.type: the built-in monitor-view channel must have type monitor-view (set by the file)',
      'channels.view.confirmWithin: must be longer than 0 (set by the file)',
    ]);
  });

  test('a webhook secret comes from exactly one place; a missing environment variable is named', () => {
    expect(problems({ channels: { pager: { type: 'webhook', url: 'https://p.example' } } })).toEqual(['channels.pager.secret: give exactly one of secret and secretEnv (set by the file)']);
    expect(problems({ channels: { pager: PAGER } })).toEqual(['channels.pager.secretEnv: the environment variable VIGIL_PAGER_SECRET is not set (set by the file)']);
    expect(problems({ channels: { pager: PAGER } }, { VIGIL_PAGER_SECRET: 'short' })).toEqual([
      'channels.pager.secretEnv: the secret in VIGIL_PAGER_SECRET must be at least 16 characters (set by the file)',
    ]);
    expect(problems({ channels: { pager: { ...PAGER, retry: { first: '10s', max: '1s' } } } }, { VIGIL_PAGER_SECRET: 'x'.repeat(20) })).toEqual([
      'channels.pager.retry.max: must not be shorter than retry.first (set by the file)',
    ]);
  });

  test('publicUrl must be an http(s) URL', () => {
    expect(problems({ publicUrl: 'vigil.clinic' })[0]).toBe('publicUrl: must be an http:// or https:// URL (set by the file)');
  });

  test('the default public URL is the address the service listens on', () => {
    expect(defaultPublicUrl({ host: '127.0.0.1', port: 8080 })).toBe('http://localhost:8080');
    expect(defaultPublicUrl({ host: '10.1.2.3', port: 8443, tls: { cert: 'c', key: 'k' } })).toBe('https://10.1.2.3:8443');
    expect(defaultPublicUrl({ host: 'fd00::5', port: 80 }, 8081)).toBe('http://[fd00::5]:8081');
    expect(defaultPublicUrl({ host: '0.0.0.0', port: 8080 })).toMatch(/^http:\/\/[^/:]+:8080$/);
  });

  test('createNotifier refuses bad channels the same way (ChannelConfigError) and adds monitor-view when not configured', () => {
    expect(() => createNotifier({ channels: { pager: { type: 'webhook', url: 'x' } }, log: pino({ level: 'silent' }), publicUrl: () => 'http://x', env: {} })).toThrow(ChannelConfigError);
    expect(checkChannels(undefined, {})).toEqual([]);
    const notifier = createNotifier({ log: pino({ level: 'silent' }), publicUrl: () => 'http://x', env: {} });
    expect(notifier.receiptSecret('monitor-view')).toBeUndefined(); // the built-in view takes its receipts over the WebSocket
  });
});
