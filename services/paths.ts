// Locates files shipped with vigil (profiles, schemas) whether running from source (vitest) or from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`vigil: cannot find the package root above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const CONFIG_DIR = join(PACKAGE_ROOT, 'config');
