// The dashboard's first paint with an 8-hour session loaded: navigation start → first contentful paint, and →
// the bedside view rendered (all four trend charts' canvases present, the live HR shown, then two animation
// frames so the charts have been painted), median of 5 cold loads (a fresh browser context each) in Debian's
// Chromium through playwright-core. The 8-hour session is a simulated journal the service restores at
// start-up (the same path as a service restarted mid-session); a gateway streams HR so the number is live.
// The baseline is the same view of a session with no data yet, measured in the same run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';
import { heartRateMeasurement } from '../devices/ble/gatt/heart-rate-measurement.js';
import { simulateSession } from '../devices/sim/session.js';
import { UserStore } from '../services/auth/user-store.js';
import type { RecordingHeader, RecordingLine } from '../services/core/types.js';
import type { ServiceSessionInfo } from '../services/live/session-manager.js';
import { PACKAGE_ROOT } from '../services/paths.js';
import type { Figure } from './figure.js';
import { writeRecording } from '../services/store/recording-writer.js';

const CHROMIUM = '/usr/bin/chromium';
const LOADS = 5;
const HOURS = 8;
const PASSWORD = 'benchmark password 1';
const SESSION = 's-bench-8h';
const TARGET_MS = 1000;

interface Load {
  fcp: number;
  ready: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

/** An open 8-hour session journal ending now (its session-end dropped), for the service to restore. */
async function writeJournal(dataDir: string): Promise<number> {
  const durationMs = HOURS * 3_600_000;
  const start = Date.now() - durationMs - 5_000;
  const session: ServiceSessionInfo = { id: SESSION, patient: 'P-800', profile: 'mdma-session', therapists: ['t.bench'], monitors: [], createdAt: start };
  const header: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session };
  let lines = 0;
  function* all(): Generator<RecordingLine> {
    yield header;
    for (const line of simulateSession({ scenario: 'typical', seed: 8, start, durationMs, sessionId: SESSION, patient: 'P-800' })) {
      if (line.type === 'header' || (line.type === 'event' && line.event === 'session-end')) continue;
      lines++;
      yield line;
    }
  }
  mkdirSync(join(dataDir, 'sessions'), { recursive: true });
  await writeRecording(join(dataDir, 'sessions', `${SESSION}.ndjson`), all());
  return lines;
}

/** Marks `vigil-charts-painted` once the view is there: every trend canvas (and, if asked, a live HR number). */
function readinessScript(needNumbers: boolean): string {
  return `(() => {
    const needNumbers = ${JSON.stringify(needNumbers)};
    let done = false;
    const ready = () => {
      for (const v of ['hr', 'spo2', 'bp', 'temp']) if (!document.querySelector('[data-testid=trend-' + v + '] canvas')) return false;
      if (!needNumbers) return true;
      const value = document.querySelector('[data-testid=vital-hr] [data-testid=value]');
      return value !== null && /\\d/.test(value.textContent || '');
    };
    const observer = new MutationObserver(() => {
      if (done || !ready()) return;
      done = true;
      observer.disconnect();
      performance.mark('vigil-view-ready');
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('vigil-charts-painted')));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  })();`;
}

async function measureLoads(browser: Browser, base: string, cookie: { name: string; value: string }, hash: string, needNumbers: boolean, check?: (trendSpanMs: number) => void): Promise<Load[]> {
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await context.addCookies([{ name: cookie.name, value: cookie.value, url: base }]);
    await context.addInitScript({ content: readinessScript(needNumbers) });
    const page = await context.newPage();
    // The snapshot's trend, as the page received it: proof the 8 hours were loaded.
    let trendSpanMs = 0;
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string' || !payload.includes('"snapshot"')) return;
        const message = JSON.parse(payload) as { type: string; trend?: Record<string, Array<[number, number]>> };
        const hr = message.trend?.['hr'];
        if (message.type === 'snapshot' && hr !== undefined && hr.length > 1) trendSpanMs = Math.max(trendSpanMs, (hr[hr.length - 1]?.[0] ?? 0) - (hr[0]?.[0] ?? 0));
      }),
    );
    await page.goto(`${base}/${hash}`);
    await page.waitForFunction(`performance.getEntriesByName('vigil-charts-painted').length > 0`, undefined, { timeout: 30_000 });
    const load = (await page.evaluate(`(() => {
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      const ready = performance.getEntriesByName('vigil-charts-painted')[0];
      return { fcp: fcp ? fcp.startTime : NaN, ready: ready.startTime };
    })()`)) as Load;
    check?.(trendSpanMs);
    loads.push(load);
    await context.close();
  }
  return loads;
}

export async function benchFirstPaint(): Promise<Figure> {
  if (!existsSync(CHROMIUM)) throw new Error(`first-paint: needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'dashboard', 'app.js'))) throw new Error('first-paint: build the dashboard first (npm run build)');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-paint-'));
  const users = await UserStore.open(dir);
  await users.add('t.bench', PASSWORD, ['therapist']);
  const journalLines = await writeJournal(dir);
  const server = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'vigil.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--simulate', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_CONFIG: '' },
  });
  let stderr = '';
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let browser: Browser | undefined;
  let streaming = true;
  let feeding: Promise<void> = Promise.resolve();
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on http:\/\/\S+:(\d+)/.exec(stdout);
        if (match?.[1] !== undefined) resolve(`http://127.0.0.1:${match[1]}`);
      });
      server.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
    });
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 't.bench', password: PASSWORD }) });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const [name = '', value = ''] = ((login.headers.get('set-cookie') ?? '').split(';')[0] ?? '').split('=');
    const headers = { cookie: `${name}=${value}`, 'x-vigil-csrf': csrfToken, 'content-type': 'application/json' };
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    // A live HR on the 8-hour session (a chest strap relayed by a gateway), so its number is current.
    const { token } = await post<{ token: string }>(`/api/sessions/${SESSION}/devices`, { kind: 'gateway', device: 'hrm-1', vitals: ['hr'] });
    const hex = Buffer.from(heartRateMeasurement.encode({ heartRate: 78, heartRateFormat: 'uint8', sensorContact: 'detected' })).toString('hex');
    feeding = (async () => {
      while (streaming) {
        await fetch(`${base}/api/sessions/${SESSION}/devices/hrm-1/frames`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ format: heartRateMeasurement.name, hex }),
        }).catch(() => undefined);
        await sleep(500);
      }
    })();
    const empty = await post<{ id: string }>('/api/sessions', { patient: 'P-801', therapists: ['t.bench'] });
    await post(`/api/sessions/${empty.id}/start`, {});

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    });
    const cookie = { name, value };
    // One warm-up load of each (Chromium's own start-up, the service's first requests), not counted.
    await measureLoads(browser, base, cookie, `#/session/${empty.id}`, false).catch(() => undefined);
    const spans: number[] = [];
    const full = await measureLoads(browser, base, cookie, `#/session/${SESSION}`, true, (span) => spans.push(span));
    const bare = await measureLoads(browser, base, cookie, `#/session/${empty.id}`, false);
    if (Math.min(...spans) < (HOURS - 0.5) * 3_600_000) {
      throw new Error(`first-paint: the page's snapshot trend spans only ${(Math.min(...spans) / 3_600_000).toFixed(2)} h, not the ${HOURS} h loaded`);
    }
    const ready = median(full.map((l) => l.ready));
    const fcp = median(full.map((l) => l.fcp));
    const bareReady = median(bare.map((l) => l.ready));
    const bareFcp = median(bare.map((l) => l.fcp));
    const ms = (x: number): string => `${x.toFixed(0)} ms`;
    return {
      name: `dashboard first paint, bedside view of an ${HOURS}-hour session (${journalLines} journal lines, snapshot trend ${(median(spans) / 3_600_000).toFixed(1)} h), navigation start → charts painted, median of ${LOADS} cold loads`,
      value: `${ms(ready)} (first contentful paint ${ms(fcp)})`,
      baseline: `${ms(bareReady)} (first contentful paint ${ms(bareFcp)}): the same view of a session with no data`,
      ratio: `${(ready / bareReady).toFixed(2)}× the baseline`,
      target: `< ${ms(TARGET_MS)}`,
      verdict: ready < TARGET_MS ? 'met' : 'NOT met',
    };
  } finally {
    streaming = false;
    await feeding;
    await browser?.close();
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
