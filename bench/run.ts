// `npm run bench [-- core|replay]`: measures the core and replay against baselines taken in the same run,
// prints the figures and records them with the command in docs/benchmarks.md.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateSession } from '../devices/sim/session.js';
import { loadProfile } from '../services/core/profile.js';
import { SessionCore } from '../services/core/session-core.js';
import { isCoreInput } from '../services/core/types.js';
import { PACKAGE_ROOT } from '../services/paths.js';
import { replayFile } from '../services/replay/replay.js';
import { parseOnly } from '../services/store/recording-reader.js';
import { writeRecording } from '../services/store/recording-writer.js';
import { measureAlarmLatency } from './e2e.js';
import type { Figure } from './figure.js';
import { benchFirstPaint } from './first-paint.js';

const profile = loadProfile();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

async function timeIt(runs: number, f: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return median(times);
}

async function benchCore(): Promise<Figure> {
  const inputs = [...simulateSession({ scenario: 'tachycardia', seed: 1 })].filter(isCoreInput);
  const samples = inputs.filter((i) => i.type === 'sample').length;
  const rounds = 20;
  let sink = 0;
  // Baseline: the least any core must do per sample — touch it and compare its value with one limit.
  const bare = (): void => {
    for (let r = 0; r < rounds; r++) for (const input of inputs) if (input.type === 'sample' && input.value >= 130) sink++;
  };
  const core = (): void => {
    for (let r = 0; r < rounds; r++) {
      const c = new SessionCore(profile, () => sink++);
      for (const input of inputs) c.input(input);
    }
  };
  core(); // warm up both paths before timing
  bare();
  const coreMs = await timeIt(5, core);
  const bareMs = await timeIt(5, bare);
  if (sink < 0) console.log(sink);
  const perSecond = (ms: number): number => (samples * rounds) / (ms / 1000);
  const rate = perSecond(coreMs);
  return {
    name: `core: samples/s through every rule of ${profile.name} (${samples} samples × ${rounds}, one core)`,
    value: `${(rate / 1e6).toFixed(2)} M/s`,
    baseline: `${(perSecond(bareMs) / 1e6).toFixed(2)} M/s (bare loop: read each sample, compare with one limit)`,
    ratio: `${(coreMs / bareMs).toFixed(1)}× the bare loop's time`,
    target: '≥ 1.00 M/s',
    verdict: rate >= 1e6 ? 'met' : 'NOT met',
  };
}

async function benchReplay(): Promise<Figure> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  try {
    const file = join(dir, 'typical-8h.ndjson');
    await writeRecording(file, simulateSession({ scenario: 'typical', seed: 1 }));
    const { lines } = await parseOnly(file);
    await parseOnly(file);
    await replayFile(file, { profile });
    const parseMs = await timeIt(7, () => parseOnly(file));
    const replayMs = await timeIt(7, () => replayFile(file, { profile }));
    const ratio = replayMs / parseMs;
    return {
      name: `replay: 8-hour recording (${lines} lines), wall time`,
      value: `${replayMs.toFixed(1)} ms`,
      baseline: `${parseMs.toFixed(1)} ms (read the same file and JSON.parse each line, nothing else)`,
      ratio: `${ratio.toFixed(2)}×`,
      target: '≤ 1.5× the baseline',
      verdict: ratio <= 1.5 ? 'met' : 'NOT met',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchE2e(): Promise<Figure> {
  const f = await measureAlarmLatency();
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  return {
    name: `alarm latency: last byte of a breaching frame on a pty → alarm message at a WebSocket client (${f.sessions} sessions streaming, ${f.samplesPerSecond} samples/s, ${f.alarms} alarms)`,
    value: `p50 ${ms(f.p50)}, p99 ${ms(f.p99)} (max ${ms(f.max)})`,
    baseline: `p50 ${ms(f.ptyP50)}, p99 ${ms(f.ptyP99)} (bare pty round trip: one byte through a pty pair into @serialport/stream)`,
    ratio: `p99 ${(f.p99 / f.ptyP99).toFixed(1)}× the bare round trip`,
    target: 'p99 ≤ 2 ms',
    verdict: f.p99 <= 2 ? 'met' : 'NOT met',
  };
}

const BENCHES: Record<string, () => Promise<Figure>> = { core: benchCore, replay: benchReplay, e2e: benchE2e, 'first-paint': benchFirstPaint };
const SECTIONS: Record<string, string> = { core: 'core-replay', replay: 'core-replay', e2e: 'e2e', 'first-paint': 'first-paint' };
const TITLES: Record<string, string> = { 'core-replay': 'Core and replay', e2e: 'End to end: device byte to WebSocket alarm', 'first-paint': 'Dashboard first paint' };
const METHOD: Record<string, string> = {
  'core-replay': 'Medians of 5–7 runs.',
  e2e: '300 breaches in one run; the service in its own process, 100 socat pty pairs, 100 WebSocket clients; the bare round trip is measured under the same load.',
  'first-paint':
    "Debian's Chromium (headless, playwright-core), 1280×800; each load a fresh browser context (cold cache, signed in by cookie); navigation start → first contentful paint, and → every trend canvas present with the live HR shown plus two animation frames; the 8-hour session is a simulated journal the service restored at start-up.",
};

async function record(section: string, figures: Figure[], command: string): Promise<void> {
  const path = join(PACKAGE_ROOT, 'docs', 'benchmarks.md');
  const begin = `<!-- bench:${section}:begin -->`;
  const end = `<!-- bench:${section}:end -->`;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  const body = [
    begin,
    `Command: \`${command}\` — ${new Date().toISOString().slice(0, 10)}, ${machine}. ${METHOD[section] ?? ''}`,
    '',
    '| figure | result | baseline (same run) | ratio | target | |',
    '|---|---|---|---|---|---|',
    ...figures.map((f) => `| ${f.name} | ${f.value} | ${f.baseline} | ${f.ratio} | ${f.target} | ${f.verdict} |`),
    end,
  ].join('\n');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = '# Benchmarks\n\nFigures come from `npm run bench`; each section says the command that produced it.\n\n';
  }
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + body + text.slice(to + end.length) : `${text.trimEnd()}\n\n## ${TITLES[section] ?? section}\n\n${body}\n`;
  await writeFile(path, text);
}

const wanted = process.argv.slice(2);
const names = wanted.length === 0 ? Object.keys(BENCHES) : wanted;
const bySection = new Map<string, Figure[]>();
for (const name of names) {
  const bench = BENCHES[name];
  if (bench === undefined) {
    console.error(`unknown benchmark "${name}" (${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  const figure = await bench();
  const section = SECTIONS[name] as string;
  bySection.set(section, [...(bySection.get(section) ?? []), figure]);
  console.log(`${figure.name}\n  ${figure.value}   baseline ${figure.baseline}   ${figure.ratio}   target ${figure.target}: ${figure.verdict}`);
}
// A section is rewritten only when every figure in it was measured in this run.
for (const [section, figures] of bySection) {
  const complete = Object.entries(SECTIONS).filter(([, s]) => s === section).every(([name]) => names.includes(name));
  if (complete) await record(section, figures, wanted.length === 0 ? 'npm run bench' : `npm run bench -- ${wanted.join(' ')}`);
}
process.exit(0);
