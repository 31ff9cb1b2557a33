// Bundles the dashboard (dashboard/src, TypeScript, with the shared BLE adapter from devices/ble) for the
// browser into dist/dashboard/, which the service serves. Part of `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'dashboard');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'dashboard', 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'safari16', 'firefox115'],
  outfile: join(out, 'app.js'),
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(out, 'uplot.css'));
await copyFile(join(root, 'dashboard', 'index.html'), join(out, 'index.html'));
