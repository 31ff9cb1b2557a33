// Trend charts (uPlot): one vital group per chart over the session's 8 hours, with the baseline, the alarm
// limits (when known), dose and supplemental-dose markers, the expected peak window (1.5–2 h after a dose)
// shaded, and a "now" line. Redrawn only when the trend or what is drawn over it changed.
import uPlot from 'uplot';
import { h } from './dom.js';
import type { TrendStore } from './trend.js';
import type { Priority, Vital } from './types.js';

export const SESSION_SPAN_MS = 8 * 3600_000;
/** Expected peak of effects after a dose (DESIGN §2: peak 1–2 h, Tmax 1.8–2.4 h; the window shown is 1.5–2 h). */
export const PEAK_FROM_MS = 90 * 60_000;
export const PEAK_TO_MS = 120 * 60_000;

export interface ChartSeriesSpec {
  vital: Vital;
  label: string;
  color: string;
}

export interface ChartSpec {
  testid: string;
  title: string;
  unit: string;
  series: ChartSeriesSpec[];
  /** the y range always shown (covers the default limits), widened by the data */
  soft: [number, number];
  /** spot readings (cuff, spot thermometer): points joined, no gap breaks */
  spot?: boolean;
  /** a continuous series is broken where samples are missing for longer than this */
  gapMs?: number;
}

export interface HLine {
  value: number;
  label: string;
  /** limit lines are drawn in the priority's colour */
  priority?: Priority;
}

export interface DoseMark {
  t: number;
  label: string;
  supplemental: boolean;
}

export interface ChartOverlay {
  from: number;
  to: number;
  now: number;
  baselines: HLine[];
  limits: HLine[];
  doses: DoseMark[];
}

const COLOURS: Readonly<Record<Priority, string>> = { high: 'rgb(215, 38, 61)', medium: 'rgb(244, 194, 13)', low: 'rgb(34, 184, 207)' };
const AXIS = { stroke: '#aab6c3', font: '14px system-ui, sans-serif', grid: { stroke: '#222b35', width: 1 }, ticks: { stroke: '#2c3642', width: 1 } };

function overlayKey(o: ChartOverlay): string {
  // `now` moves every second; a redraw for it every 15 s is plenty on an 8-hour axis.
  return JSON.stringify([o.from, o.to, Math.floor(o.now / 15_000), o.baselines, o.limits, o.doses]);
}

export class TrendChart {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private plot: uPlot | undefined;
  private overlay: ChartOverlay = { from: 0, to: 1, now: 0, baselines: [], limits: [], doses: [] };
  private drawnVersion = -1;
  private drawnOverlay = '';
  private readonly resize: ResizeObserver;

  constructor(private readonly spec: ChartSpec) {
    this.body = h('div', { class: 'chart-body' });
    const legend = h('div', { class: 'chart-legend' }, ...spec.series.map((s) => h('span', { class: 'chart-key' }, h('i', { style: `background:${s.color}` }), s.label)));
    this.el = h('section', { class: 'chart', 'data-testid': spec.testid, 'aria-label': `${spec.title} trend` }, h('header', {}, h('h3', {}, spec.title, h('span', { class: 'unit' }, ` ${spec.unit}`)), legend), this.body);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.body);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  update(trend: TrendStore, overlay: ChartOverlay): void {
    this.overlay = overlay;
    const key = overlayKey(overlay);
    if (this.plot !== undefined && trend.version === this.drawnVersion && key === this.drawnOverlay) return;
    this.drawnVersion = trend.version;
    this.drawnOverlay = key;
    const data = this.data(trend, overlay.from, overlay.to);
    if (this.plot === undefined) this.create(data);
    else this.plot.setData(data, true);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(200, Math.floor(this.body.clientWidth || 600));
    return { width, height: window.innerWidth < 700 ? 160 : 220 };
  }

  private fit(): void {
    if (this.plot === undefined) return;
    const size = this.size();
    if (size.width !== this.plot.width || size.height !== this.plot.height) this.plot.setSize(size);
  }

  /** Aligned columns: x (seconds) and one y column per series; nulls break continuous lines at gaps. */
  private data(trend: TrendStore, from: number, to: number): uPlot.AlignedData {
    const columns = this.spec.series.map((s) => new Map(trend.points(s.vital, from - 60_000, to)));
    const times = [...new Set(columns.flatMap((column) => [...column.keys()]))].sort((a, b) => a - b);
    const gapMs = this.spec.gapMs ?? 60_000;
    const xs: number[] = [];
    const ys: Array<Array<number | null>> = this.spec.series.map(() => []);
    let previous: number | undefined;
    for (const t of times) {
      if (!this.spec.spot && previous !== undefined && t - previous > gapMs) {
        xs.push((previous + 1) / 1000);
        for (const y of ys) y.push(null);
      }
      xs.push(t / 1000);
      columns.forEach((column, i) => (ys[i] as Array<number | null>).push(column.get(t) ?? null));
      previous = t;
    }
    return [xs, ...ys] as uPlot.AlignedData;
  }

  private create(data: uPlot.AlignedData): void {
    const spec = this.spec;
    const options: uPlot.Options = {
      ...this.size(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 8 } },
      scales: {
        x: { time: true, range: () => [this.overlay.from / 1000, this.overlay.to / 1000] },
        y: {
          range: (_u, min, max) => {
            const lines = [...this.overlay.baselines, ...this.overlay.limits].map((l) => l.value);
            const values = [spec.soft[0], spec.soft[1], ...lines.filter((v) => v >= spec.soft[0] && v <= spec.soft[1])];
            if (min !== null && Number.isFinite(min)) values.push(min);
            if (max !== null && Number.isFinite(max)) values.push(max);
            const lo = Math.min(...values);
            const hi = Math.max(...values);
            const pad = (hi - lo) * 0.04;
            return [lo - pad, hi + pad];
          },
        },
      },
      axes: [
        { ...AXIS, size: 34 },
        { ...AXIS, size: 52 },
      ],
      series: [
        {},
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2.5,
          spanGaps: spec.spot === true,
          points: { show: spec.spot === true, size: 7, fill: s.color, stroke: s.color },
        })),
      ],
      hooks: {
        drawClear: [(u: uPlot) => this.drawBands(u)],
        draw: [(u: uPlot) => this.drawLines(u)],
      },
    };
    this.plot = new uPlot(options, data, this.body);
  }

  /** Under the series: the expected peak window of each dose. */
  private drawBands(u: uPlot): void {
    const { ctx, bbox } = u;
    ctx.save();
    // uPlot leaves its own text alignment behind after drawing the axes
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    for (const dose of this.overlay.doses) {
      const x0 = Math.max(bbox.left, u.valToPos((dose.t + PEAK_FROM_MS) / 1000, 'x', true));
      const x1 = Math.min(bbox.left + bbox.width, u.valToPos((dose.t + PEAK_TO_MS) / 1000, 'x', true));
      if (x1 <= x0) continue;
      ctx.fillStyle = dose.supplemental ? 'rgba(167, 139, 250, 0.10)' : 'rgba(167, 139, 250, 0.18)';
      ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
      ctx.fillStyle = 'rgba(200, 185, 255, 0.9)';
      ctx.font = `${Math.round(12 * devicePixelRatio)}px system-ui, sans-serif`;
      ctx.fillText(dose.supplemental ? 'peak (suppl.)' : 'expected peak', x0 + 4 * devicePixelRatio, bbox.top + 14 * devicePixelRatio);
    }
    ctx.restore();
  }

  /** Over the series: baseline and limit lines, dose markers, now. */
  private drawLines(u: uPlot): void {
    const { ctx, bbox } = u;
    const px = devicePixelRatio;
    const left = bbox.left;
    const right = bbox.left + bbox.width;
    ctx.save();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.font = `${Math.round(12 * px)}px system-ui, sans-serif`;
    const hline = (line: HLine, colour: string, dash: number[], labelLeft: boolean): void => {
      const y = u.valToPos(line.value, 'y', true);
      if (!(y >= bbox.top && y <= bbox.top + bbox.height)) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5 * px;
      ctx.setLineDash(dash.map((d) => d * px));
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = colour;
      const width = ctx.measureText(line.label).width;
      // limits labelled on the right, baselines on the left, so the two rarely overlap
      ctx.fillText(line.label, labelLeft ? left + 4 * px : right - width - 4 * px, y - 4 * px);
    };
    for (const line of this.overlay.limits) hline(line, COLOURS[line.priority ?? 'low'], [6, 4], false);
    for (const line of this.overlay.baselines) hline(line, 'rgba(235, 240, 245, 0.75)', [2, 4], true);
    for (const dose of this.overlay.doses) {
      const x = u.valToPos(dose.t / 1000, 'x', true);
      if (!(x >= left && x <= right)) continue;
      ctx.strokeStyle = dose.supplemental ? '#c4b5fd' : '#a78bfa';
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillStyle = '#ddd6fe';
      ctx.fillText(dose.label, x + 4 * px, bbox.top + 30 * px);
    }
    const x = u.valToPos(this.overlay.now / 1000, 'x', true);
    if (x >= left && x <= right) {
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.35)';
      ctx.lineWidth = 1 * px;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}
