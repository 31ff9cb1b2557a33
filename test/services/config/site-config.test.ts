import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadSiteConfig } from '../../../services/site-config.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('site configuration', () => {
  test('defaults, then the file, then the environment, then flags', () => {
    expect(loadSiteConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
    const file = join(dir, 'site.json');
    writeFileSync(file, JSON.stringify({ port: 9000, dataDir: '/srv/vigil', influx: { url: 'http://db:8086', database: 'vigil' } }));
    const config = loadSiteConfig({ file, env: { VIGIL_PORT: '9100', VIGIL_INFLUX_DATABASE: 'site_a', VIGIL_SIMULATE: 'off' }, overrides: { host: '0.0.0.0' } });
    expect(config).toMatchObject({ port: 9100, dataDir: '/srv/vigil', host: '0.0.0.0', simulate: false, influx: { url: 'http://db:8086', database: 'site_a' } });
  });

  test('the example file in config/ is valid', () => {
    expect(loadSiteConfig({ file: join(import.meta.dirname, '..', '..', '..', 'config', 'site.example.json'), env: {} }).tls).toEqual({
      cert: '/etc/vigil/tls/cert.pem',
      key: '/etc/vigil/tls/key.pem',
    });
  });

  test('bad values are refused with messages that name the key and where it was set', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ prot: 8080, influx: { url: 'db:8086' } }));
    expect(problems(() => loadSiteConfig({ file, env: { VIGIL_PORT: 'eighty' } })).sort()).toEqual([
      'influx.database: is required (set by ' + file + ')',
      'influx.url: must be an http:// or https:// URL (set by ' + file + ')',
      'port: must be integer (set by VIGIL_PORT)',
      'prot: is not a known field (set by ' + file + ')',
    ]);
    expect(problems(() => loadSiteConfig({ env: { VIGIL_TLS_CERT: '/etc/cert.pem' } }))).toEqual(['tls.key: is required (set by VIGIL_TLS_CERT)']);
    expect(problems(() => loadSiteConfig({ file: join(dir, 'missing.json'), env: {} }))[0]).toMatch(/missing\.json: ENOENT/);
  });
});
