// The dashboard bundles devices/ble/adapter.ts for the browser: everything it imports, transitively, must
// be plain TypeScript of this repository using only web-standard globals. Walks the import graph from source.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_ONLY = /\b(?:Buffer|process|require|__dirname|__filename|setImmediate)\b|\bimport\.meta\.dirname\b/;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function moduleGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(ROOT, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const source = stripComments(readFileSync(file, 'utf8'));
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (/^import\s+type\b|^export\s+type\b/.test(match[0].trim())) continue; // erased at build time
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((f) => relative(ROOT, f)).sort(), packages: [...packages].sort() };
}

describe('adapter.ts in the browser', () => {
  const graph = moduleGraph('devices/ble/adapter.ts');

  it('imports no package and nothing from node: at run time', () => {
    expect(graph.packages).toEqual([]);
  });

  it('uses no Node-only global in any module it loads', () => {
    const offenders = graph.files.filter((f) => NODE_ONLY.test(stripComments(readFileSync(join(ROOT, f), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('does not pull in the Node loader', () => {
    expect(graph.files).toContain('devices/ble/adapter.ts');
    expect(graph.files).toContain('devices/ble/gatt/registry.ts');
    expect(graph.files).not.toContain('devices/ble/node-bluetooth.ts');
  });
});
